"""`haven serve`: a local preview that keeps up, rebuilding through the same build() as
`haven build`.

It listens on 127.0.0.1 only and keeps no log of requests. File-system events (watchfiles)
trigger a rebuild; the browser reloads by itself afterwards, through a small script the
preview adds to each HTML response (`/_haven/reload.js`, listening to `/_haven/events`): the
built site on disk never holds it. A failed rebuild leaves the last good site in place and
shows its problems instead of every page, with a link to the last good page
(`/_haven/last-good/…`); the page comes back by itself once the content is fixed.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import functools
import html
import io
import os
import re
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from rich.console import Console
from rich.markup import escape
from watchfiles import Change, watch

from haven.build import BuildReport, build, forget_translation_warnings
from haven.errors import ContentError, HavenError
from haven.localserver import LocalServer
from haven.output import MARKER

HOST = "127.0.0.1"
PORTS_TRIED = 20
"""A busy port: the preview tries this many following ports before giving up."""

PREFIX = "/_haven/"
"""The preview's own addresses; a built site never has a top-level `_haven` folder."""
RELOAD_PATH = PREFIX + "reload.js"
EVENTS_PATH = PREFIX + "events"
LAST_GOOD = PREFIX + "last-good"
STYLE_PATH = PREFIX + "preview.css"

SLOW_BUILD = 10.0
"""Seconds of a first build with PDFs after which the preview mentions --no-pdf."""

KEEP_ALIVE = 15.0
"""Seconds between comments on an idle event stream, so that a closed tab is noticed."""

RELOAD_JS = b"""/* Haven's preview only (never in a built site): reload this page after a rebuild.
   A hidden tab lets go of its connection (a browser opens only six to one server) and,
   shown again, reloads if a build came meanwhile. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.EventSource) return;
  var shown = script.getAttribute('data-build');
  var events = null;

  function listen() {
    if (events) return;
    events = new EventSource('/_haven/events');
    events.onmessage = function (event) {
      if (event.data === shown) return;
      events.close();
      location.reload();
    };
  }

  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) {
      listen();
    } else if (events) {
      events.close();
      events = null;
    }
  });
  if (!document.hidden) listen();
})();
"""

PREVIEW_CSS = b"""body { font: 1.125rem/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 48rem;
  padding: 1rem; color: #1a1a1a; background: #fff; }
li { margin-block-end: 0.75rem; overflow-wrap: anywhere; }
code { font-size: 1rem; }
a { color: #0b57d0; }
"""

PROBLEMS_POLICY = ("default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                   "object-src 'none'; base-uri 'none'; form-action 'none'")

EDITOR_LEFTOVERS = re.compile(
    r"(~|\.swp|\.swx|\.swo|\.tmp|\.bak|\.orig|\.part|\.crdownload)$|^#.*#$|^\.#|^4913$")
"""Files editors write beside the one being saved (vim, emacs, backups, partial copies)."""


class Preview:
    """What the preview knows: the site folder, the outcome of the last build, and that
    build's number (the reload script compares it with the one its page was served with)."""

    def __init__(self, output: Path) -> None:
        self.output = output.absolute()
        self._start = f"{time.time_ns():x}"
        self._builds = 0
        self.problems: list[str] = []
        """Empty when the last build worked; otherwise what went wrong, one line each."""
        self.closed = False
        self.changed = threading.Condition()

    @property
    def build(self) -> str:
        """This build's number, unique to this run of the preview (a new run reloads too)."""
        return f"{self._start}-{self._builds}"

    def built(self, problems: list[str]) -> None:
        with self.changed:
            self._builds += 1
            self.problems = problems
            self.changed.notify_all()

    def close(self) -> None:
        """End the event streams, so that their threads finish."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    @property
    def has_site(self) -> bool:
        return (self.output / MARKER).is_file()


class PreviewServer(LocalServer):
    preview: Preview | None = None
    """None: a plain static server (tests serve built sites with it)."""


class _Handler(SimpleHTTPRequestHandler):
    server: PreviewServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep no record of requests, even in a preview."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def send_head(self) -> BinaryIO | None:
        """The site's files only: never a dot-file (a build's own state) or a folder listing;
        and, in a preview, its own addresses, and the problems of a failed build."""
        path = _decode(urlsplit(self.path).path)
        if path is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request")
            return None
        preview = self.server.preview
        if preview is not None and path.startswith(PREFIX):
            return self._preview_path(preview, path)
        if preview is not None and preview.problems and _is_page(path):
            return self._problems(preview, path)
        return self._site_file(path)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """A folder without index.html is not a page: no listing of what the site holds."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")

    def _site_file(self, path: str, prefix: str = "") -> BinaryIO | None:
        """The file of the built site at `path` (a decoded URL path); `prefix` is the part of
        the URL before it (for redirects under /_haven/last-good)."""
        parts = [part for part in path.split("/") if part not in ("", ".")]
        if any(part.startswith(".") for part in parts):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        file = Path(self.directory, *parts)
        try:
            if file.is_dir():
                if not path.endswith("/"):
                    self._redirect(prefix + path + "/")
                    return None
                file = file / "index.html"
            handle = file.open("rb") if file.is_file() else None
        except (OSError, ValueError):
            handle = None
        if handle is None:
            return self._not_found(parts)
        preview = self.server.preview
        if preview is not None and file.suffix == ".html":
            with handle:
                page = with_reload(handle.read(), preview.build)
            return self._send(HTTPStatus.OK, "text/html; charset=utf-8", page)
        with handle:
            stat = os.fstat(handle.fileno())
            data = handle.read()
        return self._send(HTTPStatus.OK, self.guess_type(str(file)), data,
                          modified=stat.st_mtime)

    def _not_found(self, parts: list[str]) -> BinaryIO | None:
        """The site's own 404 page, as a host serves it: the language's (`<tag>/404.html`)
        for an address under a language folder, else the root one; a plain 404 without."""
        folder = Path(self.directory)
        for page in ([folder / parts[0] / "404.html"] if parts else []) + [folder / "404.html"]:
            try:
                data = page.read_bytes() if page.is_file() else None
            except (OSError, ValueError):
                data = None
            if data is not None:
                preview = self.server.preview
                if preview is not None:
                    data = with_reload(data, preview.build)
                return self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", data)
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def _preview_path(self, preview: Preview, path: str) -> BinaryIO | None:
        if path == RELOAD_PATH:
            return self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_JS)
        if path == STYLE_PATH:
            return self._send(HTTPStatus.OK, "text/css; charset=utf-8", PREVIEW_CSS)
        if path == EVENTS_PATH:
            self._events(preview)
            return None
        if path == LAST_GOOD or path.startswith(LAST_GOOD + "/"):
            # The site on disk is always the last good one: a failed build publishes nothing.
            return self._site_file(path[len(LAST_GOOD):] or "/", prefix=LAST_GOOD)
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def _problems(self, preview: Preview, path: str) -> BinaryIO | None:
        page = problems_page(preview.problems, path if preview.has_site else None)
        return self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html; charset=utf-8",
                          with_reload(page, preview.build), policy=PROBLEMS_POLICY)

    def _events(self, preview: Preview) -> None:
        """Server-Sent Events: the build's number now, then after each build."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.end_headers()
        if self.command == "HEAD":
            return
        sent = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                with preview.changed:
                    if not preview.closed and preview.build == sent:
                        preview.changed.wait(KEEP_ALIVE)
                    if preview.closed:
                        return
                    current = preview.build
                if current == sent:
                    self.wfile.write(b": still here\n\n")
                else:
                    self.wfile.write(f"data: {current}\n\n".encode())
                    sent = current
                self.wfile.flush()
        except OSError:  # the tab was closed
            return

    def _redirect(self, location: str) -> None:
        query = urlsplit(self.path).query
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", _encode(location) + (f"?{query}" if query else ""))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, kind: str, data: bytes, policy: str = "",
              modified: float | None = None) -> BinaryIO:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        if policy:
            self.send_header("Content-Security-Policy", policy)
        if modified is not None:
            self.send_header("Last-Modified", email.utils.formatdate(modified, usegmt=True))
        self.end_headers()
        return io.BytesIO(data)


def _decode(raw: str) -> str | None:
    """A URL path, percent-decoded; None if it is malformed (bad escapes, invalid UTF-8,
    control characters such as NUL)."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        return None
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None
    return path


def _encode(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def _is_page(path: str) -> bool:
    """Whether a browser asking for `path` expects a page (not a stylesheet, image or PDF)."""
    name = path.rsplit("/", 1)[-1]
    return not name or name.endswith((".html", ".htm")) or "." not in name


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_POLICY_META = re.compile(
    rb'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.IGNORECASE)


def with_reload(page: bytes, build_id: str) -> bytes:
    """`page` as the preview serves it: with the reload script, and with a policy that lets
    that script (from this origin) listen to this origin's events. Only in the response."""
    tag = (f'<script src="{RELOAD_PATH}" data-build="{html.escape(build_id)}" defer></script>\n'
           .encode())
    page = _POLICY_META.sub(
        lambda m: m.group(1) + preview_policy(m.group(2).decode()).encode() + m.group(3), page)
    match = _HEAD_END.search(page)
    at = match.start() if match else len(page)
    return page[:at] + tag + page[at:]


def preview_policy(policy: str) -> str:
    """`policy` with 'self' allowed for scripts and connections (the reload script and its
    event stream), and nothing else changed."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split()[0].lower() for d in directives]
    for name in ("script-src", "connect-src"):
        if name in names:
            index = names.index(name)
            values = [v for v in directives[index].split()[1:] if v != "'none'"]
            if "'self'" not in values:
                values.append("'self'")
            directives[index] = " ".join([name, *values])
        else:
            directives.append(f"{name} 'self'")
    return "; ".join(directives)


def problems_page(problems: list[str], path: str | None) -> bytes:
    """The page shown instead of every page while the content does not build."""
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    if path is not None:
        last = (f'<p><a href="{html.escape(_encode(LAST_GOOD + path))}">See the last good '
                "version of this page</a> (from the last build that worked).</p>")
    else:
        last = "<p>No build has worked yet, so there is no earlier version to show.</p>"
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Not rebuilt: {count} {noun} — Haven preview</title>
<link rel="stylesheet" href="{STYLE_PATH}">
</head>
<body>
<main>
<h1>The preview could not be rebuilt</h1>
<p>The content has {count} {noun}. Nothing was published: the site folder still holds the
last build that worked. Fix the files below and save; this page reloads by itself.</p>
<ol>
{items}
</ol>
{last}
</main>
</body>
</html>
""".encode()


def make_server(output: Path, port: int, preview: Preview | None = None) -> PreviewServer:
    """A server of the site in `output` on 127.0.0.1:`port` (0: any free port)."""
    handler = functools.partial(_Handler, directory=str(output.absolute()))
    server = PreviewServer((HOST, port), handler)
    server.preview = preview
    return server


def bind(output: Path, port: int, preview: Preview, console: Console) -> PreviewServer:
    """The server on `port`, or on the next free port (saying which) if it is in use."""
    last = min(port + PORTS_TRIED - 1, 65535)
    for candidate in range(port, last + 1):
        try:
            server = make_server(output, candidate, preview)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            if exc.errno == errno.EACCES:
                raise HavenError(f"port {candidate} is reserved for the system administrator on "
                                 "this computer — choose a port from 1024 up, such as "
                                 "--port 8000") from None
            raise HavenError(f"the preview cannot listen on {HOST}:{candidate} "
                             f"({exc.strerror}) — choose another port with --port") from None
        if candidate != port:
            console.print(f"Port {port} is already in use (another program, or another "
                          f"preview); using port {candidate} instead.")
        return server
    raise HavenError(f"ports {port} to {last} are all in use — stop the other previews, or "
                     "choose another port with --port")


def rebuild(content: Path, output: Path, console: Console, pdf: bool = True,
            first: bool = False) -> BuildReport | list[str]:
    """Build once; problems are printed and returned (one line each), never raised, so the
    preview keeps running."""
    try:
        report = build(content, output, pdf=pdf)
    except ContentError as exc:
        problems = [str(problem) for problem in exc.problems]
        console.print(f"[red]Not rebuilt:[/] {escape(exc.format_message())}")
        return problems
    except HavenError as exc:
        console.print(f"[red]Not rebuilt:[/] {escape(exc.format_message())}")
        return [exc.format_message()]
    except Exception as exc:  # noqa: BLE001 — a bug, or the disk: the preview stays up, says so
        line = (f"{type(exc).__name__}: {exc} — this looks like a bug in Haven or a problem "
                "with the disk; the terminal where 'haven serve' runs may say more")
        console.print(f"[red]Not rebuilt:[/] {escape(line)}")
        return [line]
    verb = "Built" if first else "Rebuilt"
    again = "" if report.remade is None else f", {len(report.remade)} rendered again"
    console.print(f"{verb} {report.total_pages} pages in {report.seconds:.2f} s{again}.")
    return report


def warm_up(content: Path, output: Path, pdf: bool) -> None:
    """Build once more, nothing changed, in this process: what later builds reuse (each
    language's view, checks, figures, messages) is made now, while nobody waits, so the first
    edit is as quick as the next (the first build ran in forked workers, which remember
    nothing here; the translation checks run again too, for the same reason: the first build
    found them in its workers). An edit made meanwhile is seen by the watcher and built after."""
    forget_translation_warnings()
    with contextlib.suppress(Exception):  # the next rebuild shows any problem, as it would anyway
        build(content, output, pdf=pdf)


class ContentFilter:
    """Which file-system events are edits to the content: not the site being written (even
    inside the content folder, as with `haven serve .`), not dot folders and files (the
    build's staging folder and lock, version control), not editors' temporary files."""

    def __init__(self, content: Path, output: Path) -> None:
        self.content = content.resolve()
        self.output = output.resolve()

    def __call__(self, change: Change, path: str) -> bool:
        try:
            inside = Path(path).resolve().relative_to(self.content)
        except (ValueError, OSError, RuntimeError):
            return False
        if (self.content / inside).is_relative_to(self.output):
            return False
        name = inside.name
        if any(part.startswith(".") for part in inside.parts):
            return False
        return not EDITOR_LEFTOVERS.search(name)


def snapshot(content: Path, edits: ContentFilter) -> dict[str, tuple[int, int]]:
    """Size and modification time of each content file (what `edits` counts as content)."""
    found = {}
    for folder, subfolders, files in os.walk(content):
        subfolders[:] = [name for name in subfolders
                         if edits(Change.modified, os.path.join(folder, name))]
        for name in files:
            path = os.path.join(folder, name)
            if edits(Change.modified, path):
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def serve(content: Path, output: Path, port: int, console: Console, pdf: bool = True) -> None:
    """Build, serve on 127.0.0.1:`port` (or the next free port), and rebuild on change until
    Ctrl+C or SIGTERM (which arrive as KeyboardInterrupt, in this thread: a build running
    here stops and cleans up after itself)."""
    content = content.absolute()
    if not content.is_dir():
        raise HavenError(f"{content} is not a folder — name the folder that holds hub.yaml")
    output = output.absolute()
    preview = Preview(output)
    server = bind(output, port, preview, console)
    edits = ContentFilter(content, output)
    stop = threading.Event()
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        before = snapshot(content, edits)
        # The first build forks its workers while this process has one thread.
        first = rebuild(content, output, console, pdf, first=True)
        preview.built(_problems(first))
        if pdf and isinstance(first, BuildReport) and first.seconds > SLOW_BUILD:
            console.print("The PDFs take most of a rebuild's time (made again whenever what "
                          "they print changes): 'haven serve --no-pdf' previews the pages faster; "
                          "its site folder then has no PDFs, so run 'haven build' before "
                          "publishing.")
        # A save's events (write, rename) come within a few milliseconds: 20 ms without another
        # ends the batch. Files saved over a longer time make two builds, the second complete.
        batches = watch(content, watch_filter=edits, step=20, debounce=1_600,
                        stop_event=stop, ignore_permission_denied=True, rust_timeout=500,
                        yield_on_timeout=True)
        batch = next(batches)  # the watcher runs once this returns: no edit goes unseen
        serving.start()
        console.print(f"Previewing on http://{HOST}:{server.server_port}/ — only this computer "
                      "can see it. Pages reload by themselves after each change. Press Ctrl+C "
                      "to stop.")
        if not batch and snapshot(content, edits) != before:
            batch = {(Change.modified, "(edited during the first build)")}
        if not batch and isinstance(first, BuildReport):
            warm_up(content, output, pdf)
        while True:
            if batch:
                names = sorted({Path(path).name for _, path in batch})
                console.print(f"Changed: {escape(', '.join(names))}")
                preview.built(_problems(rebuild(content, output, console, pdf)))
            batch = next(batches)  # empty every half second without a change
    finally:
        stop.set()
        preview.close()
        if serving.is_alive():
            server.shutdown()
        server.server_close()


def _problems(outcome: BuildReport | list[str]) -> list[str]:
    return outcome if isinstance(outcome, list) else []
