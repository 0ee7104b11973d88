"""The `haven` command."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.table import Table

from haven import __version__
from haven.build import BuildReport, build, example_content
from haven.errors import ContentError, HavenError, StrictError
from haven.interrupt import interruptible

console = Console(stderr=True, highlight=False, soft_wrap=True)

CONTENT = click.argument(
    "content_dir", required=False, type=click.Path(file_okay=False, path_type=Path)
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="haven")
def main() -> None:
    """Haven turns a folder of content into a school district's
    protecting-immigrant-families hub: a fast, private website in every language
    the district's families speak.

    Start with 'haven build' to build the bundled Hartford example, or
    'haven init FOLDER' to start a hub of your own.
    """


@main.command("build")
@CONTENT
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("site"), show_default=True, help="Folder to write the site into.")
@click.option("--strict", is_flag=True,
              help="Treat warnings as errors: publish nothing and exit with status 1.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also make the printable flyers, rights cards and posters (PDF).")
@interruptible("Stopped: nothing was published, and the previous site, if any, is unchanged.")
def build_command(content_dir: Path | None, output: Path, strict: bool, pdf: bool) -> None:
    """Build the hub in CONTENT_DIR (default: the bundled Hartford example).

    The whole site is written at once: if anything is wrong, nothing is published
    and the previous site stays as it was.
    """
    report = run_build(content_dir, output, strict, pdf)
    print_summary(report)


def run_build(content_dir: Path | None, output: Path, strict: bool = False,
              pdf: bool = True) -> BuildReport:
    """Build with a progress bar that appears only if the build takes over a second."""
    source = content_dir or example_content()
    started = time.monotonic()
    # No refresh thread (auto_refresh off): the build forks worker processes only while the
    # process has a single thread. The bar is redrawn as each language finishes.
    with RichProgress(console=console, transient=True, disable=not console.is_terminal,
                      auto_refresh=False) as bar:
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            if task is None and time.monotonic() - started > 1:
                task = bar.add_task("Rendering languages", total=total)
            if task is not None:
                bar.update(task, completed=done, refresh=True)

        try:
            return build(source, output, progress, strict, pdf)
        except (ContentError, StrictError):
            raise  # they list every problem and say that nothing was published
        except HavenError as exc:
            message = exc.format_message().rstrip()
            raise HavenError(f"{message.rstrip('.')}; nothing was published, and the previous "
                             "site, if any, is unchanged.") from None


def print_summary(report: BuildReport) -> None:
    table = Table(title=f"Built {report.total_pages} pages into {report.output}", title_justify="left")
    table.add_column("language")
    table.add_column("pages", justify="right")
    for tag, count in report.pages.items():
        table.add_row(tag, str(count))
    console.print(table)
    name, size = report.heaviest
    console.print(f"Heaviest page: {name} ({size:,} bytes gzip-compressed, stylesheet included)")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"{len(report.warnings)} warning(s); {report.files} files in "
                  f"{report.seconds:.2f} s. Open {report.output / 'index.html'} "
                  "or run 'haven serve' to preview.")


@main.command("serve")
@CONTENT
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (the next free one if it is in use).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              default=Path("site"), show_default=True, help="Folder to build into and serve.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also make the printable PDFs (--no-pdf rebuilds faster).")
@interruptible("Stopped.")
def serve_command(content_dir: Path | None, port: int, output: Path, pdf: bool) -> None:
    """Preview the hub at http://127.0.0.1:PORT/, rebuilding when a file changes.

    Only this computer can see the preview; pages reload by themselves after each
    change. Stop it with Ctrl+C.
    """
    from haven.serve import serve

    serve(content_dir or example_content(), output, port, console, pdf)


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init_command(folder: Path) -> None:
    """Create a new hub in FOLDER: a small, valid content folder whose files
    explain themselves. It builds as it is; edit it to make it yours."""
    from haven.scaffold import create

    written = create(folder)
    console.print(f"Created a new hub in {folder} ({len(written)} files).")
    console.print(f"Next: edit {folder / 'hub.yaml'}, then run 'haven build {folder}'.")


@main.group("translate")
def translate_group() -> None:
    """Work with the translation catalogs (one gettext PO file per language)."""


@translate_group.command("update")
@CONTENT
@click.option("--language", "-l", "languages", multiple=True, metavar="TAG",
              help="Only this language (repeat for several). Default: every served language.")
def translate_update(content_dir: Path | None, languages: tuple[str, ...]) -> None:
    """Bring every language's catalog in step with the content.

    New text is added; changed text is marked fuzzy with the previous source kept
    for the translator; removed text is kept as obsolete. No translation is lost.
    """
    from haven.content.load import load
    from haven.content.validate import validate
    from haven.i18n.catalog import update_catalog
    from haven.i18n.translate import content_segments

    root = content_dir or example_content()
    content = validate(load(root))
    segments = content_segments(content)
    for entry in content.hub.languages:
        if entry.tag == content.hub.source_language or (languages and entry.tag not in languages):
            continue
        path = root / "translations" / f"{entry.tag}.po"
        counts = update_catalog(path, entry.tag, segments)
        console.print(f"{path}: {counts['new']} new, {counts['changed']} changed, "
                      f"{counts['kept']} unchanged, {counts['obsolete']} obsolete")



def _register_commands() -> None:
    """Commands that live beside the concept they serve, registered in one place."""
    from haven.check.command import check_command
    from haven.i18n.commands import COMMANDS as TRANSLATE_COMMANDS
    from haven.opendata.cli import export_group, import_group
    from haven.outreach.command import outreach_command
    from haven.print.command import print_command
    from haven.privacy.command import privacy_command

    for command in (check_command, outreach_command, print_command, privacy_command,
                    export_group, import_group):
        main.add_command(command)
    for command in TRANSLATE_COMMANDS:
        translate_group.add_command(command)


_register_commands()
