"""`haven build`, `haven serve` and `haven init`: making and previewing a hub."""

from __future__ import annotations

import atexit
import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from haven.cache import tidy_cache
from haven.cli.options import console, content_argument, output_option
from haven.content.ahead import ReadAhead, read_ahead
from haven.errors import ContentError, HavenError, StrictError
from haven.interrupt import interruptible
from haven.locate import (
    Hub,
    example_notice,
    hint,
    locate_or_example,
    output_words,
    refuse_package_writes,
)

if TYPE_CHECKING:
    from rich.console import Console

    from haven.build import BuildReport


@click.command("build")
@content_argument
@output_option("site", "Folder to write the site into.")
@click.option("--strict", is_flag=True,
              help="Treat warnings as errors: publish nothing and exit with status 1.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also make the printable flyers, rights cards and posters (PDF).")
@click.option("--clean", is_flag=True,
              help="Render every page, even into a site an earlier build made (by default "
                   "only the pages that used what changed are rendered again).")
@interruptible("Stopped: nothing was published, and the previous site, if any, is unchanged.")
def build_command(content_dir: Path | None, output: Path | None, strict: bool,
                  pdf: bool, clean: bool) -> None:
    """Build the hub in CONTENT_DIR (default: the nearest folder upwards with a hub.yaml;
    with none, the bundled Hartford example).

    The whole site is written at once: if anything is wrong, nothing is published
    and the previous site stays as it was.
    """
    freeze_at_exit()
    hub = locate_or_example(content_dir)
    # The content is read and validated in another process while this one imports the
    # renderer (haven.content.ahead): rich and haven.build are imported only now.
    with read_ahead(hub.root) as ahead:
        out = console()
        if hub.bundled:
            out.print(example_notice("building"), markup=False)
        target = output or hub.output()
        report = run_build(hub.root, target, out, strict, pdf, clean, ahead)
    print_summary(report, hub, out)
    tidy_cache()


def freeze_at_exit() -> None:
    """When the process ends, move every object out of the garbage collector's sight first
    (`gc.freeze`, once per process): Python's last collections at exit would otherwise walk
    all of a build's objects, 0.1–0.2 s of `haven build` on a large hub, only for the memory
    to go back to the system whole a moment later. Handlers registered before this one (the
    language workers' pool, logging) still run after it, as usual."""
    global _FREEZING
    if not _FREEZING:
        _FREEZING = True
        atexit.register(gc.freeze)


_FREEZING = False


def run_build(source: Path, output: Path, console: Console, strict: bool = False,
              pdf: bool = True, clean: bool = False, ahead: ReadAhead | None = None
              ) -> BuildReport:
    """Build with a progress bar that appears only if the build takes over a second."""
    refuse_package_writes(output, "the site")
    if not console.is_terminal:  # no bar to draw (and rich's progress module not to import)
        return _build(source, output, None, strict, pdf, clean, ahead)
    from rich.progress import Progress as RichProgress

    started = time.monotonic()
    # No refresh thread (auto_refresh off): the build forks worker processes only while the
    # process has a single thread. The bar is redrawn as each language finishes.
    with RichProgress(console=console, transient=True, auto_refresh=False) as bar:
        task = None

        def progress(done: int, total: int) -> None:
            nonlocal task
            if task is None and time.monotonic() - started > 1:
                task = bar.add_task("Rendering languages", total=total)
            if task is not None:
                bar.update(task, completed=done, refresh=True)

        return _build(source, output, progress, strict, pdf, clean, ahead)


def _build(source: Path, output: Path, progress: Callable[[int, int], None] | None,
           strict: bool, pdf: bool, clean: bool, ahead: ReadAhead | None) -> BuildReport:
    from haven.build import build

    try:
        return build(source, output, progress, strict, pdf, clean, ahead)
    except (ContentError, StrictError):
        raise  # they list every problem and say that nothing was published
    except HavenError as exc:
        message = exc.format_message().rstrip()
        raise HavenError(f"{message.rstrip('.')}; nothing was published, and the previous "
                         "site, if any, is unchanged.") from None


def print_summary(report: BuildReport, hub: Hub, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Built {report.total_pages} pages into {escape(str(report.output))}",
                  title_justify="left")
    table.add_column("language")
    table.add_column("pages", justify="right")
    for tag, count in report.pages.items():
        table.add_row(tag, str(count))
    console.print(table)
    name, size = report.heaviest
    console.print(f"Heaviest page: {name} ({size:,} bytes gzip-compressed, stylesheet included)",
                  markup=False)
    if report.remade is not None:  # an incremental build (haven.incremental)
        console.print(f"{len(report.remade)} page(s) rendered again, the rest unchanged "
                      "(--clean renders every page).", markup=False)
    if report.warnings and console.is_terminal:  # the content's words: never read as markup
        console.print("\n".join(f"[yellow]warning:[/] {escape(str(warning))}"
                                for warning in report.warnings))
    elif report.warnings:  # no colour to draw: the lines as they are (rich: 20 ms for 500)
        console.file.write("".join(f"warning: {warning}\n" for warning in report.warnings))
    preview = hint("serve", *hub.words(), *output_words(report.output, hub.output()))
    console.print(f"{len(report.warnings)} warning(s); {report.files} files in "
                  f"{report.seconds:.2f} s. Open {report.output / 'index.html'} "
                  f"or run {preview} to preview.", markup=False)


@click.command("serve")
@content_argument
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (the next free one if it is in use; 0: any free port).")
@output_option("site", "Folder to build into and serve.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also make the printable PDFs (--no-pdf rebuilds faster).")
@interruptible("Stopped.")
def serve_command(content_dir: Path | None, port: int, output: Path | None, pdf: bool) -> None:
    """Preview the hub at http://127.0.0.1:PORT/, rebuilding when a file changes.

    Only this computer can see the preview; pages reload by themselves after each
    change. Stop it with Ctrl+C.
    """
    from haven.serve import serve

    out = console()
    hub = locate_or_example(content_dir)
    if hub.bundled:
        out.print(example_notice("previewing"), markup=False)
    target = output or hub.output()
    refuse_package_writes(target, "the site")
    tidy_cache()
    serve(hub.root, target, port, out, pdf)


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init_command(folder: Path) -> None:
    """Create a new hub in FOLDER: a small, valid content folder whose files
    explain themselves. It builds as it is; edit it to make it yours."""
    from haven.guides import guide
    from haven.scaffold import create

    refuse_package_writes(folder, "a new hub")
    written = create(folder)
    out = console()
    out.print(f"Created a new hub in {folder} ({len(written)} files).", markup=False)
    out.print(f"Next: edit {folder / 'hub.yaml'}, then run {hint('build', folder)}.",
              markup=False)
    out.print(f"Every file and field is explained in {guide()}.", markup=False)
