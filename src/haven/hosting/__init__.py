"""What static hosts need beside the pages (docs/hosting.md says which host reads what).

`hosting_files(site)` returns, by path in the site:

- `.nojekyll`: GitHub Pages otherwise runs Jekyll, which drops every `_`-prefixed path;
- `favicon.ico`: browsers ask every site for it (the pages link the hashed SVG mark);
- `robots.txt`: `_staff/` disallowed; a `Sitemap:` line only when the hub's `base_url` is a
  real address (not an example or reserved name), with `sitemap.xml` itself;
- `_headers` (Netlify, Cloudflare Pages) and `_hosting/nginx.conf` (haven.privacy);
- `_redirects` (Netlify, Cloudflare Pages): each language's 404 page, and the staff and host
  files kept from being served;
- `_hosting/web.config`: the same for IIS (not tested here: no IIS on a Linux test machine).

The 404 pages themselves are rendered with each language (haven.render.site).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlsplit

from haven.model import Site
from haven.privacy.headers import IMMUTABLE, NO_CACHE, base_path, security_files, site_headers
from haven.render.assets import FAVICON, favicon

NOJEKYLL = ".nojekyll"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
REDIRECTS = "_redirects"
WEB_CONFIG = "_hosting/web.config"

RESERVED_HOSTS = ("example.org", "example.com", "example.net", "example", "test", "invalid",
                  "localhost", "local")
"""Names that are never a published hub's address (RFC 2606, RFC 6761, haven init's example)."""


def is_real_url(base_url: str) -> bool:
    """Whether `base_url` can be where the hub is really published (for robots.txt's sitemap
    line and the sitemap): http(s), a dotted host name, not an example or reserved name."""
    parts = urlsplit(str(base_url))
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("http", "https") or "." not in host:
        return False
    if host.replace(".", "").isdigit() or ":" in host:
        return False  # an IP address: a test or a machine, not a hub's published address
    return not any(host == name or host.endswith("." + name) for name in RESERVED_HOSTS)


def hosting_files(site: Site) -> dict[str, bytes]:
    """The files for static hosts, by their path in the site (see the module's docstring)."""
    hub = site.content.hub
    tags = [lang.tag for lang in site.languages]
    files = dict(security_files(site.content))
    files[NOJEKYLL] = b""
    files[FAVICON] = favicon()
    real = is_real_url(hub.base_url)
    files[ROBOTS] = robots_txt(hub.base_url if real else None).encode()
    if real:
        files[SITEMAP] = sitemap_xml(site).encode()
    files[REDIRECTS] = redirects_file(tags).encode()
    https = str(hub.base_url).startswith("https://")
    files[WEB_CONFIG] = web_config(site_headers(https), tags).encode()
    return files


def robots_txt(base_url: str | None) -> str:
    """Every page may be indexed but the staff pages; the sitemap's address when known."""
    lines = ["# The staff pages are linked from nowhere and marked noindex; keep crawlers out too.",
             "User-agent: *", "Disallow: /_staff/", "Disallow: /_hosting/"]
    if base_url:
        root = base_path(base_url)
        if root != "/":  # a robots.txt is read at the site's root only: the lines it needs there
            lines = [*lines[:2], f"Disallow: {root}_staff/", f"Disallow: {root}_hosting/"]
        lines += ["", f"Sitemap: {str(base_url).rstrip('/')}/{SITEMAP}"]
    return "\n".join(lines) + "\n"


def sitemap_xml(site: Site) -> str:
    """Every page of every language, by its address under the hub's base_url."""
    base = str(site.content.hub.base_url).rstrip("/") + "/"
    urls = [base] + [f"{base}{lang.tag}/{page.path}" for lang in site.languages for page in site.pages]
    body = "".join(f"<url><loc>{escape(url, quote=False)}</loc></url>\n" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n")


def redirects_file(languages: Sequence[str]) -> str:
    """The `_redirects` file. Netlify reads every line; Cloudflare Pages ignores the lines
    with a status it does not know (404, a `!`) and finds each folder's 404.html itself."""
    lines = [
        "# Netlify and Cloudflare Pages read this file; it is not served itself.",
        "# The root stays the language chooser: every reader starts from their own language.",
        "# Staff pages and host files: Netlify answers 404; Cloudflare Pages (which has no",
        "# 404 rule) sends the reader to the language chooser instead.",
    ]
    for hidden in ("/_staff/*", "/_hosting/*"):
        lines += [f"{hidden}  /404.html  404!", f"{hidden}  /  302"]
    lines += ["# Each language's own 404 page (Cloudflare Pages finds these by itself)."]
    lines += [f"/{tag}/*  /{tag}/404.html  404" for tag in languages]
    return "\n".join(lines) + "\n"


def web_config(headers: dict[str, str], languages: Sequence[str]) -> str:
    """An IIS `web.config` for the hub's folder (untested: see docs/hosting.md)."""
    custom = "\n".join(f'        <add name="{escape(name, quote=False)}" value="{_attribute(value)}" />'
                       for name, value in headers.items())
    locations = "\n".join(
        f'  <location path="{tag}">\n    <system.webServer>\n      <httpErrors errorMode="Custom" '
        f'existingResponse="Replace">\n        <remove statusCode="404" />\n        <error '
        f'statusCode="404" path="{tag}\\404.html" responseMode="File" />\n      </httpErrors>\n'
        f'    </system.webServer>\n  </location>' for tag in languages)
    hidden = "\n".join(f'          <add segment="{name}" />' for name in
                       ("_staff", "_hosting", "_headers", "_redirects"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Haven: settings for Microsoft IIS. Copy this file to the hub's folder as web.config.
     Not tested by Haven's test suite (no IIS there): check the headers after publishing. -->
<configuration>
  <system.webServer>
    <httpProtocol>
      <customHeaders>
{custom}
      </customHeaders>
    </httpProtocol>
    <security>
      <requestFiltering>
        <hiddenSegments>
{hidden}
        </hiddenSegments>
        <denyUrlSequences>
          <add sequence="/.haven" />
          <add sequence="/.git" />
        </denyUrlSequences>
      </requestFiltering>
    </security>
    <httpErrors errorMode="Custom" existingResponse="Replace">
      <remove statusCode="404" />
      <error statusCode="404" path="404.html" responseMode="File" />
    </httpErrors>
    <staticContent>
      <clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="0.00:00:00" />
      <remove fileExtension=".svg" />
      <mimeMap fileExtension=".svg" mimeType="image/svg+xml" />
      <remove fileExtension=".json" />
      <mimeMap fileExtension=".json" mimeType="application/json" />
    </staticContent>
    <httpLogging dontLog="true" />
  </system.webServer>
  <location path="assets">
    <system.webServer>
      <staticContent>
        <clientCache cacheControlMode="UseMaxAge" cacheControlMaxAge="365.00:00:00" cacheControlCustom="public, immutable" />
      </staticContent>
    </system.webServer>
  </location>
{locations}
</configuration>
<!-- Everything else: {NO_CACHE}; assets: {IMMUTABLE}. -->
"""


def _attribute(value: str) -> str:
    """An XML attribute value in double quotes: &, <, > and " escaped (not ', as before)."""
    return escape(value, quote=False).replace('"', "&quot;")
