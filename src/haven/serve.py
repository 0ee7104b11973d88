"""`haven serve`: a local preview that rebuilds through the same build() as `haven build`.

It listens on 127.0.0.1 only, keeps no log of requests, and on a content change rebuilds;
a failed rebuild prints its problems and leaves the last good site in place.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from rich.console import Console

from haven.build import BuildReport, build
from haven.errors import HavenError

HOST = "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep no record of requests, even in a preview."""

    def send_head(self) -> Any:
        """The site's files only: never a dot-file (a build's own state) or a folder listing."""
        path = unquote(urlsplit(self.path).path)
        if "\x00" in path:
            self.send_error(400, "Bad request")
            return None
        if any(part.startswith(".") for part in path.split("/")):
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """A folder without index.html is not a page: no listing of what the site holds."""
        self.send_error(404, "File not found")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


def snapshot(root: Path, skip: Path | None = None) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of every file under `root`, but those under
    `skip` (the site, built beside hub.yaml by default) and dot-folders (a build's staging,
    the link cache): a rebuild must not trigger the next one."""
    skipped = skip.absolute() if skip is not None else None
    entries = []
    for path in sorted(root.rglob("*")):
        inside = path.relative_to(root).parts[:-1]
        if any(part.startswith(".") for part in inside):
            continue
        if skipped is not None and path.absolute().is_relative_to(skipped):
            continue
        if path.is_file():
            stat = path.stat()
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def rebuild(content: Path, output: Path, console: Console) -> BuildReport | None:
    """Build once; problems are printed, never raised, so the preview keeps running."""
    try:
        report = build(content, output)
    except HavenError as exc:
        console.print(f"[red]Not rebuilt:[/] {exc.format_message()}")
        return None
    console.print(f"Rebuilt {report.total_pages} pages in {report.seconds:.2f} s.")
    return report


def watch(content: Path, on_change: Callable[[], None], stop: threading.Event,
          seen: tuple[tuple[str, int, int], ...], interval: float = 0.5,
          skip: Path | None = None) -> None:
    """Call `on_change` whenever a file under `content` differs from the snapshot `seen`."""
    while not stop.wait(interval):
        now = snapshot(content, skip)
        if now != seen:
            seen = now
            on_change()


def make_server(output: Path, port: int) -> ThreadingHTTPServer:
    handler = functools.partial(_Handler, directory=str(output.absolute()))
    return ThreadingHTTPServer((HOST, port), handler)


def serve(content: Path, output: Path, port: int, console: Console) -> None:
    """Build, serve on 127.0.0.1:`port`, and rebuild on change until Ctrl+C."""
    seen = snapshot(content, output)  # before building, so that an edit made meanwhile is rebuilt too
    rebuild(content, output, console)
    server = make_server(output, port)
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch, args=(content, lambda: rebuild(content, output, console), stop, seen),
        kwargs={"skip": output}, daemon=True,
    )
    watcher.start()
    console.print(f"Previewing on http://{HOST}:{server.server_port}/ — only this computer can "
                  "see it. Press Ctrl+C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        stop.set()
        server.server_close()
