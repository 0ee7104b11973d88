"""`haven export hsds | fragment` and `haven import hsds`: open data in and out."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from haven.cli.options import console, content_argument, load_valid, output_option
from haven.locate import locate, refuse_package_writes
from haven.output import publish


@click.group("export")
def export_group() -> None:
    """Export the hub's content for other systems and sites."""


@export_group.command("hsds")
@content_argument
@output_option("hsds", "Folder to write the export into.")
def export_hsds_command(content_dir: Path | None, output: Path | None) -> None:
    """Export the directory as Open Referral HSDS 3.0: JSON (organization_full) and the
    CSV Tabular Data Package. Confidential addresses are never exported."""
    from haven.opendata.export import export_hsds

    hub = locate(content_dir, "export hsds")
    output = output or hub.output("hsds")
    refuse_package_writes(output, "the export")
    content = load_valid(hub.root)
    files, report = export_hsds(content)
    out = console()
    publish(files, output)
    for line in report.withheld:
        out.print(f"withheld: {escape(line)}")
    out.print(f"Exported {report.organizations} organizations, {report.services} services "
              f"and {report.locations} locations as HSDS 3.0 into {output} "
              f"({len(files)} files).", markup=False)


@export_group.command("fragment")
@content_argument
@click.option("--language", "-l", "lang", required=True, metavar="TAG",
              help="The language of the fragments, such as es.")
@output_option("fragments", "Folder to write them into.")
def export_fragment_command(content_dir: Path | None, lang: str, output: Path | None) -> None:
    """Export the letter and the directory as HTML fragments to paste into a page of the
    district's existing website: no scripts, no styles, links to the hub."""
    from haven.opendata.fragment import export_fragments

    hub = locate(content_dir, "export fragment")
    output = output or hub.output("fragments")
    refuse_package_writes(output, "the fragments")
    content = load_valid(hub.root)
    files = export_fragments(content, lang)
    out = console()
    publish(files, output)
    out.print(f"Wrote {', '.join(sorted(files))} ({lang}) into {output}.", markup=False)


@click.group("import")
def import_group() -> None:
    """Import content from other systems."""


@import_group.command("hsds")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="the nearest folder upwards with a hub.yaml",
              help="The hub folder to add the organizations to.")
@click.option("--force", is_flag=True,
              help="Replace directory files that already exist (otherwise they are kept).")
def import_hsds_command(source: Path, into: Path | None, force: bool) -> None:
    """Add the organizations of an HSDS 3.0 dataset (a JSON file, or a folder of HSDS CSV
    files) to the hub's directory, one file each. Everything Haven cannot carry is listed."""
    from haven.opendata.importer import import_hsds

    into = locate(into, "import hsds SOURCE --into").root
    refuse_package_writes(into, "the imported organizations")
    report = import_hsds(source, into, force)
    out = console()
    for line in report.lines():
        out.print(escape(line))
    out.print(f"Imported {len(report.written)} organization(s) into {into / 'directory'}; "
              f"kept {len(report.kept)} existing file(s). Imported records are not verified: "
              "check them, then build.", markup=False)
