"""A loopback server that sends the headers of a site's `_headers` file, as Netlify would.

Used by `haven privacy` and the tests, so that the site is checked as a host serves it.
It listens on 127.0.0.1 only and keeps no log of requests.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from haven.localserver import LocalServer
from haven.privacy.headers import HEADERS_FILE, PRIVATE_PATHS, headers_for, parse_headers_file

HOST = "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    rules: ClassVar[list[tuple[str, list[tuple[str, str]]]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        """Keep no record of requests."""

    def send_head(self) -> Any:
        path = unquote(urlsplit(self.path).path)
        if path == PRIVATE_PATHS[0] or any(path.startswith(p) for p in PRIVATE_PATHS[1:]):
            self.send_error(404)
            return None
        return super().send_head()

    def end_headers(self) -> None:
        path = unquote(urlsplit(self.path).path)
        for name, value in headers_for(path, self.rules):
            self.send_header(name, value)
        super().end_headers()


def make_headers_server(site: Path, port: int = 0) -> ThreadingHTTPServer:
    """Serve `site` on 127.0.0.1:`port` (0: any free port) with its `_headers` applied."""
    headers = site / HEADERS_FILE
    rules = parse_headers_file(headers.read_text(encoding="utf-8")) if headers.is_file() else []
    handler_class = type("HeadersHandler", (_Handler,), {"rules": rules})
    handler = functools.partial(handler_class, directory=str(site.absolute()))
    return LocalServer((HOST, port), handler)


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """Serve `site` in a background thread; yields its origin, like http://127.0.0.1:PORT."""
    server = make_headers_server(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
