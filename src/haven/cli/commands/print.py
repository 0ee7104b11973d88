"""`haven print`: the printed pieces of every language, written into a folder of their own."""

from __future__ import annotations

import time
from pathlib import Path

import click

from haven.cli.options import console, content_argument, load_valid, output_option
from haven.locate import locate, refuse_package_writes
from haven.model import build_model
from haven.output import publish


@click.command("print")
@content_argument
@output_option("print", "Folder to write the PDFs into.")
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
    content = load_valid(hub.root)
    site = build_model(content)
    views = localized_views(site, languages)
    files = render_pdfs(site, views, languages)
    publish({name.removeprefix("pdf/"): data for name, data in files.items()}, output)
    count = len({name.split("/")[1] for name in files})
    console().print(f"Wrote {len(files)} PDFs for {count} language(s) into {output} "
                    f"in {time.monotonic() - started:.1f} s.", markup=False)
