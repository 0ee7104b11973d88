"""`haven print`: the printed pieces of every language, written into a folder of their own."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console

from haven.content.load import load
from haven.content.validate import validate
from haven.locate import locate, refuse_package_writes
from haven.model import build_model
from haven.output import publish

console = Console(stderr=True, highlight=False, soft_wrap=True)


@click.command("print")
@click.argument("content_dir", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=None, show_default="print/ beside hub.yaml",
              help="Folder to write the PDFs into.")
@click.option("--language", "-l", "languages", multiple=True, metavar="TAG",
              help="Only this language (repeat for several). Default: every served language.")
def print_command(content_dir: Path | None, output: Path | None,
                  languages: tuple[str, ...]) -> None:
    """Make the printable PDFs of the hub in CONTENT_DIR (default: the nearest folder
    upwards with a hub.yaml).

    For each language: a one-page flyer with a QR code to that language's pages, a sheet
    of wallet-size rights cards (fronts, then backs, with cut marks) and a poster of the
    staff protocol, each in Letter and A4. The folder is written all at once.
    """
    from haven.print.render import localized_views, render_pdfs  # Typst loads only when used

    started = time.monotonic()
    hub = locate(content_dir, "print")
    output = output or hub.output("print")
    refuse_package_writes(output, "the PDFs")
    content = validate(load(hub.root))
    site = build_model(content)
    views = localized_views(site, languages)
    files = render_pdfs(site, views, languages)
    publish({name.removeprefix("pdf/"): data for name, data in files.items()}, output)
    count = len({name.split("/")[1] for name in files})
    console.print(f"Wrote {len(files)} PDFs for {count} language(s) into {output} "
                  f"in {time.monotonic() - started:.1f} s.")
