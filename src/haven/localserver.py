"""The HTTP server under Haven's 127.0.0.1 servers (preview, editor, privacy crawl).

The standard library's server prints a traceback for any request that fails, and a browser
that closes a tab or stops a download mid-file makes `BrokenPipeError` routine. A closed
connection is not a problem worth a word; anything else gets one line, never a traceback.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return  # the browser went away: nothing to report
        print(f"haven: a request from this computer failed ({type(error).__name__}: {error})",
              file=sys.stderr)
