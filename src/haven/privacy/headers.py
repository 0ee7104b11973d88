"""Security headers shipped with every build, for the hosts a district is likely to use.

`security_files(content)` returns the files to publish with the site:

- `_headers` at the site root: Netlify and Cloudflare Pages read it and send its headers
  with every response (neither serves the file itself);
- `_hosting/nginx.conf` (haven.privacy.nginx): one `location` for the hub's folder, to
  include in nginx's configuration (headers, caching, 404 pages, no access log, and
  `_headers`, `_hosting/`, `_staff/` and dot-files never served).

The same policy is in every page as a `<meta http-equiv="Content-Security-Policy">`, for
hosts that cannot set headers; `frame-ancestors` only works as a header.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from markupsafe import Markup

from haven.content.validate import Content

CSP_DIRECTIVES: Mapping[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "worker-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}
"""The Content-Security-Policy: everything from the hub's own origin, scripts only from its
own files (never inline), and its offline worker (sw.js), which may fetch from the hub
alone: `connect-src 'self'`, because a worker is governed by the policy its own script is
served with (each page's `<meta>` policy keeps `connect-src 'none'`: both are enforced, so
no script on a page connects anywhere). No plug-ins, no forms, and no other site may frame
the hub."""

CONTENT_SECURITY_POLICY = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES.items())

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "camera", "microphone", "geolocation", "interest-cohort", "browsing-topics", "payment", "usb",
))
"""Powerful features the hub never uses, denied to it and to anything it might embed. Only
tokens current Chromium recognises: an unknown one (`attribution-reporting`) puts an error
in every page's console (tests/test_hosting.py loads a page with this header in Chromium)."""

PAGE_POLICY = ("default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'none'; "
               "object-src 'none'; base-uri 'none'; form-action 'none'")
"""The policy every page carries in its own `<meta>` (render/templates/_head.html), public
pages and the staff pages under `_staff/` alike: `connect-src 'none'`, so that no script on a
page sends anything anywhere (see CSP_DIRECTIVES)."""


def page_meta(inline_style: str = "") -> Markup:
    """The `<meta>` policy and referrer policy of a page Haven writes outside the site's
    templates (the staff pages); a page that carries its styles inline allows exactly them."""
    policy = PAGE_POLICY
    if inline_style:
        digest = base64.b64encode(hashlib.sha256(inline_style.encode()).digest()).decode()
        policy += f"; style-src 'self' 'sha256-{digest}'"
    return Markup(f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
                  '<meta name="referrer" content="no-referrer">')


HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
"""Headers for every response of the hub."""

HSTS = "max-age=31536000"
"""Sent only when the hub's base_url is https: browsers then never use plain http for it."""

IMMUTABLE = "public, max-age=31536000, immutable"
"""For the content-hashed assets (haven.render.assets): kept a year, never asked for again."""

NO_CACHE = "no-cache"

HASHED_ASSET = r"assets/[^/]+\.[0-9a-f]{8}\.[a-z]+"
"""The path of a content-hashed asset from the hub's folder (haven.render.assets names
them so): the only files hosts may keep for a year."""

NO_CACHE_PATHS = ("/sw.js", "/offline/*")
"""The offline worker and its manifests (haven.offline): `Cache-Control: no-cache`, so that a
reader's browser always asks whether they changed (an unchanged file costs a 304, no body)."""

HEADERS_FILE = "_headers"
NGINX_FILE = "_hosting/nginx.conf"
PRIVATE_PATHS = ("/_headers", "/_redirects", "/_hosting/")
"""Host configuration published beside the site that a host must not serve."""


def base_path(base_url: str) -> str:
    """The folder the hub is published in, from its `base_url`: "/" or "/hub/"."""
    path = urlsplit(str(base_url)).path.strip("/")
    return f"/{path}/" if path else "/"


def site_headers(https: bool) -> dict[str, str]:
    """Every header the hub's responses should carry."""
    headers = dict(HEADERS)
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def headers_file(https: bool, languages: Sequence[str] = ()) -> str:
    """The `_headers` file (Netlify, Cloudflare Pages): the security headers for every path,
    then how long browsers may keep each kind of file. Both hosts join the values of a
    header given by several matching rules, so no path matches two Cache-Control rules."""
    lines = [
        "# Security and privacy headers for every page of this Haven hub.",
        "# Netlify and Cloudflare Pages read this file; it is not served itself.",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in site_headers(https).items()]
    lines += ["# Stylesheet, scripts and icon: named by their content, never changed.",
              "/assets/*", f"  Cache-Control: {IMMUTABLE}",
              "# Pages, the offline worker and its manifests: asked for again on every visit",
              "# (an unchanged file costs a 304, no body)."]
    for pattern in (*NO_CACHE_PATHS, "/", "/index.html", "/404.html",
                    *(f"/{tag}/*" for tag in languages), "/pdf/*"):
        lines += [pattern, f"  Cache-Control: {NO_CACHE}"]
    return "\n".join(lines) + "\n"


def nginx_snippet(https: bool, prefix: str = "/", languages: Sequence[str] = ()) -> str:
    """An nginx snippet for the hub's `server { }` block: one `location` for the folder the
    hub is served from (`prefix`, "/" at a site's root, "/hub/" in a sub-folder)."""
    from haven.privacy.nginx import nginx_conf  # it imports this module's constants

    return nginx_conf(site_headers(https), prefix, languages)


def security_files(content: Content) -> dict[str, bytes]:
    """The host configuration files to publish with a build, by their path in the site."""
    https = str(content.hub.base_url).startswith("https://")
    tags = [entry.tag for entry in content.hub.languages]
    return {
        HEADERS_FILE: headers_file(https, tags).encode("utf-8"),
        NGINX_FILE: nginx_snippet(https, base_path(content.hub.base_url), tags).encode("utf-8"),
    }


def parse_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Read a `_headers` file: each path pattern with its headers, in order."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        elif rules and ":" in line:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def headers_for(path: str, rules: list[tuple[str, list[tuple[str, str]]]]) -> list[tuple[str, str]]:
    """The headers that `rules` give the URL path `path` (Netlify's `*` splat matching)."""
    found: list[tuple[str, str]] = []
    for pattern, headers in rules:
        if _matches(pattern, path):
            found.extend(headers)
    return found


def _matches(pattern: str, path: str) -> bool:
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern
