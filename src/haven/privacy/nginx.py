"""The nginx snippet published as `_hosting/nginx.conf`: the hub's folder as one `location`.

Everything is inside `location ^~ <prefix>`, so the snippet changes nothing else the
district's server serves, and works the same at a site's root (prefix "/") and in a
sub-folder ("/hub/"). nginx drops a level's `add_header` lines as soon as a nested level
has its own, so each nested location that sets a header repeats the security headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from haven.privacy.headers import HASHED_ASSET, IMMUTABLE, NO_CACHE

HIDDEN = ("_headers", "_redirects", "_hosting/", "_staff/")
"""Paths under the hub's folder that are host configuration or staff pages, never served."""


def nginx_conf(headers: Mapping[str, str], prefix: str = "/", languages: Sequence[str] = ()) -> str:
    """The snippet for a hub served from `prefix` ("/" or "/hub/"), with a 404 page per
    language in `languages`."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    quoted = re.escape(prefix)

    def add(cache: str, indent: str) -> list[str]:
        lines = [f'{indent}add_header {name} "{value}" always;' for name, value in headers.items()]
        return lines + [f'{indent}add_header Cache-Control "{cache}" always;']

    hidden = "|".join(re.escape(name) + ("" if name.endswith("/") else "$") for name in HIDDEN)
    lines = [
        "# Haven: privacy, security and caching settings for nginx.",
        "# Copy this file to /etc/nginx/snippets/haven.conf and add, inside the server { }",
        "# block of the site the hub is published on:   include snippets/haven.conf;",
        f"# It is one location for the hub's folder, {prefix} (from base_url in hub.yaml): the",
        f"# server's root must hold the hub's files at {prefix} (root /var/www/html; and the",
        f"# files in /var/www/html{prefix}). Remove any location of your own for {prefix}",
        "# (nginx refuses two); nothing else the server serves is changed. To serve the hub",
        "# from another folder, change base_url and build again (docs/hosting.md).",
        "",
        "# Keep no record of who reads the hub. nginx's error log cannot be turned off;",
        "# at level crit it is nearly silent, but a few messages (a failed TLS handshake)",
        "# still carry the visitor's address. 'error_log /dev/null emerg;' drops those too.",
        f"location ^~ {prefix} {{",
        "    access_log off;",
        "    log_not_found off;",
        "    error_log /var/log/nginx/error.log crit;",
        "    absolute_redirect off;",
        "    index index.html;",
        "    charset utf-8;",
        "    charset_types text/css application/javascript application/json text/plain image/svg+xml;",
        "",
        "    # Every response: the security headers; pages and other files are asked for again",
        "    # on each visit (an unchanged file costs a 304, no body).",
        *add(NO_CACHE, "    "),
        "",
        "    # The 404 page of the language the address is in, else the one at the hub's root.",
        f"    error_page 404 {prefix}404.html;",
    ]
    for tag in languages:
        lines += [f"    location {prefix}{tag}/ {{ error_page 404 {prefix}{tag}/404.html; }}"]
    lines += [
        "",
        "    # Host configuration files and the staff pages (_staff/: open them from the build",
        "    # folder, or put them behind a login of your own) are not part of the site, nor are",
        "    # dot-files (a build's own state), except /.well-known/ (certificate renewal).",
        f'    location ~ "^{quoted}(?:{hidden})" {{ return 404; }}',
        '    location ~ "/\\.(?!well-known/)" { return 404; }',
        "",
        "    # Stylesheet, scripts and icon are named by their content: kept a year, never",
        "    # asked for again.",
        f'    location ~ "^{quoted}{HASHED_ASSET}$" {{',
        *add(IMMUTABLE, "        "),
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"
