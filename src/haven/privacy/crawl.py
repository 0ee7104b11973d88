"""`haven privacy`: crawl a built site in real Chromium and report anything that could leak.

The site is served on 127.0.0.1 with its `_headers` applied, and every page reachable from
the language chooser is opened in Debian's Chromium, driven by Playwright. For each page:

- every request is recorded; a request to another origin is a finding, and it is stopped
  before it leaves this computer (the crawl itself never contacts anyone);
- cookies, localStorage, sessionStorage and IndexedDB databases must stay empty;
- the only service worker allowed is the hub's own offline worker (`sw.js` at the site's
  root, scoped to it), and Cache Storage may hold only what that worker is to keep: files of
  the hub itself (never a response from another site), never a staff page or host file
  (`_staff/`, `_headers`, `_hosting/`), and only the shared `assets/` and the pages, PDFs
  (`pdf/<tag>/`) and manifest (`offline/<tag>.json`) of the languages opened in this
  browser. Each browser context keeps its own storage, so a language counts as opened once
  a page of it was opened in that context; the crawl waits for the offline status of each
  page to settle before it looks;
- no form, and no control that belongs to one, may exist: nothing submits anywhere;
- no `<a ping>`, and no `<link>` that prefetches or preconnects to another origin.

The crawl turns the page's Content-Security-Policy off, so that it judges the pages
themselves: the policy is a second wall, tested on its own. A page that would need it to
stay private is a finding.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from haven.errors import HavenError
from haven.privacy.browser import browser_for_privacy, find_browser
from haven.privacy.server import serving

WORKER = "sw.js"
"""The hub's own offline worker, at the site's root (haven.offline)."""

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

_PAGE_CHECK = r"""async () => {
  const found = [];
  const here = location.origin;
  if (document.cookie) found.push(['cookie', 'document.cookie holds ' + document.cookie]);
  if (localStorage.length) found.push(['storage', 'localStorage holds ' + localStorage.length + ' item(s)']);
  if (sessionStorage.length) found.push(['storage', 'sessionStorage holds ' + sessionStorage.length + ' item(s)']);
  if (indexedDB.databases) {
    const dbs = await indexedDB.databases();
    if (dbs.length) found.push(['storage', 'IndexedDB databases: ' + dbs.map(d => d.name).join(', ')]);
  }
  for (const f of document.querySelectorAll('form'))
    found.push(['form', 'a form that submits to ' + (f.getAttribute('action') || 'this page')]);
  for (const c of document.querySelectorAll('input, textarea, select, button'))
    if (c.form || c.hasAttribute('formaction'))
      found.push(['form', 'a <' + c.localName + '> that submits its value']);
  const code = t => !t || /^(module|(text|application)\/(x-)?(java|ecma)script)$/i.test(t.trim());
  for (const s of document.querySelectorAll('script:not([src])'))
    if (code(s.getAttribute('type')))  // data blocks (JSON-LD) are never run
      found.push(['script', 'an inline script (' + s.textContent.trim().slice(0, 60) + ')']);
  for (const a of document.querySelectorAll('a[ping], area[ping]'))
    found.push(['request', 'a link that pings ' + a.getAttribute('ping') + ' when followed']);
  for (const l of document.querySelectorAll('link[href]')) {
    const rel = (l.getAttribute('rel') || '').toLowerCase();
    if (/(prefetch|preconnect|prerender|preload|modulepreload)/.test(rel) && new URL(l.href).origin !== here)
      found.push(['request', 'a <link rel="' + rel + '"> to ' + l.href]);
  }
  const links = [...document.querySelectorAll('a[href], area[href]')].map(a => a.href);
  return {found, links};
}"""

_STORAGE = r"""async judged => {
  const workers = [];
  if (navigator.serviceWorker)
    for (const r of await navigator.serviceWorker.getRegistrations()) {
      const w = r.active || r.waiting || r.installing;
      workers.push([w ? w.scriptURL : '', r.scope]);
    }
  const caches_ = {};
  if (self.caches)
    for (const name of await caches.keys()) {
      if (judged.includes(name)) { caches_[name] = null; continue; }
      const cache = await caches.open(name);
      const requests = await cache.keys();
      const entries = [];
      for (const request of requests) {
        const response = await cache.match(request);
        entries.push([request.url, response ? response.url : '', response ? response.type : '']);
      }
      caches_[name] = entries;
    }
  return {workers, caches: caches_};
}"""
"""The service workers and Cache Storage of the page's origin: the entries (request URL,
response URL, response type) of each cache not named in `judged`."""

_SETTLED = r"""() => {
  const s = document.querySelector('script[data-worker]');
  return !s || !s.dataset.state || /^(saved|copy|off|failed)$/.test(s.dataset.state);
}"""
"""True once the hub's offline script (if any) says what it kept: saving is over."""

SETTLE_MS = 10_000

_CLEAR = """async () => {
  document.cookie.split(';').forEach(c => {
    const name = c.split('=')[0].trim();
    if (name) document.cookie = name + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  });
  localStorage.clear(); sessionStorage.clear();
  if (indexedDB.databases) for (const d of await indexedDB.databases()) indexedDB.deleteDatabase(d.name);
  if (self.caches) for (const k of await caches.keys()) await caches.delete(k);
  if (navigator.serviceWorker)
    for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
}"""


@dataclass(frozen=True, order=True)
class Finding:
    """One thing on one page that could tell someone about a reader."""

    page: str
    kind: str
    """'request', 'cookie', 'storage', 'form', 'script' or 'page'."""
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: {self.kind}: {self.detail}"


@dataclass
class PrivacyReport:
    """What the crawl saw."""

    site: Path
    pages: list[str] = field(default_factory=list)
    """Every page opened, as its path on the site."""
    requests: int = 0
    """Requests the pages made, all origins."""
    cached: int = 0
    """Files found in Cache Storage (the offline copies of the languages opened), all checked."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def find_chromium() -> str:
    """The installed Chromium, Chrome or Edge, or a HavenError that says how to get one."""
    return find_browser()


WORKERS = 2
"""Pages open at once, each in its own browser context so that storage is told apart."""


def crawl_privacy(site_dir: Path, max_pages: int | None = None) -> PrivacyReport:
    """Serve `site_dir` on 127.0.0.1 and crawl every page reachable from its root."""
    if not (site_dir / "index.html").is_file():
        raise HavenError(f"{site_dir} holds no built site (no index.html) — "
                         "run 'haven build' first, or give the folder the site was built into")
    chromium = browser_for_privacy()
    report = PrivacyReport(site=site_dir)
    errors: list[BaseException] = []

    def run() -> None:  # a thread of its own: the caller may already run an event loop
        try:
            asyncio.run(_crawl(chromium, origin, report, max_pages))
        except BaseException as exc:  # noqa: BLE001 — handed back to the caller's thread below
            errors.append(exc)

    with serving(site_dir) as origin:
        thread = threading.Thread(target=run, name="haven-privacy-crawl")
        thread.start()
        thread.join()
    if errors:
        raise errors[0]
    report.findings.sort()
    return report


async def _crawl(chromium: str, origin: str, report: PrivacyReport,
                 max_pages: int | None) -> None:
    from playwright.async_api import async_playwright

    queue: asyncio.Queue[str | None] = asyncio.Queue()
    # The chooser links to every page but the 404 pages, which hosts show for any missing
    # address: a whole crawl opens them too.
    starts = ["/"] + sorted("/" + p.relative_to(report.site).as_posix()
                            for p in [report.site / "404.html", *report.site.glob("*/404.html")]
                            if p.is_file() and max_pages is None)
    for start in starts:
        queue.put_nowait(start)
    seen = set(starts)
    cached: set[str] = set()

    def wanted(path: str) -> bool:
        return max_pages is None or len(seen) < max_pages

    async def worker(browser: Any) -> None:
        context = await browser.new_context(bypass_csp=True, service_workers="allow")
        current = ["/"]
        storage = _Storage(origin, cached)

        async def route(route: Any) -> None:
            url = route.request.url
            if _origin(url) == origin or url.startswith(("data:", "blob:", "about:")):
                await route.continue_()
                return
            report.findings.append(Finding(current[0], "request",
                                           f"{route.request.resource_type} request to {url} "
                                           "(stopped before it left this computer)"))
            await route.abort("blockedbyclient")

        def counted(_request: Any) -> None:
            report.requests += 1

        def websocket(ws: Any) -> None:
            report.findings.append(Finding(current[0], "request", f"a WebSocket to {ws.url}"))

        await context.route("**/*", route)
        page = await context.new_page()
        page.on("request", counted)
        page.on("websocket", websocket)
        try:
            while (path := await queue.get()) is not None:
                try:
                    current[0] = path
                    report.pages.append(path)
                    storage.opened(path)
                    links = await _check_page(context, page, origin, path, report, storage)
                    # A language's offline page (haven.offline) is only linked offline.
                    if path.count("/") == 2 and (report.site / path[1:] / "offline").is_dir():
                        links.append(path + "offline/")
                    for link in links:
                        if link not in seen and wanted(link):
                            seen.add(link)
                            queue.put_nowait(link)
                finally:
                    queue.task_done()
            # The crawl is over: a last look at everything this context stored, settled.
            if page.url.startswith(origin):
                await _settle(page)
                await storage.check(page, current[0], report, everything=True)
        finally:
            await context.close()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            workers = [asyncio.create_task(worker(browser)) for _ in range(WORKERS)]
            await queue.join()
            for _ in workers:
                queue.put_nowait(None)  # each worker's signal to stop
            for result in await asyncio.gather(*workers, return_exceptions=True):
                if isinstance(result, BaseException):
                    raise result
        finally:
            await browser.close()


async def _check_page(context: Any, page: Any, origin: str, path: str,
                      report: PrivacyReport, storage: _Storage) -> list[str]:
    """Open one page, record what it does, and return the site's pages it links to."""
    try:
        response = await page.goto(origin + path, wait_until="load")
    except Exception as exc:  # noqa: BLE001 — a page that cannot be opened is a finding
        report.findings.append(Finding(path, "page", f"could not be opened ({exc})"))
        return []
    if response is None or not response.ok:
        status = response.status if response is not None else "no response"
        report.findings.append(Finding(path, "page", f"answered {status}"))
        return []
    for header in await response.headers_array():
        if header["name"].lower() == "set-cookie":
            report.findings.append(Finding(path, "cookie",
                                           "the server sets a cookie: " + header["value"]))
    result = await page.evaluate(_PAGE_CHECK)
    for kind, detail in result["found"]:
        report.findings.append(Finding(path, kind, detail))
    cookies = await context.cookies()
    if cookies:
        names = ", ".join(sorted(c["name"] for c in cookies))
        report.findings.append(Finding(path, "cookie", f"cookies were stored: {names}"))
        await context.clear_cookies()
    await _settle(page)
    await storage.check(page, path, report)
    if result["found"]:
        await page.evaluate(_CLEAR)
        storage.judged.clear()
    # The links of the page as served too: a script may turn links into controls (the help
    # page's filters), and the pages they lead to are still read by readers without scripts.
    served = [urljoin(response.url, href) for href in _hrefs(await response.text())]
    links = []
    for link in result["links"] + served:
        url = urldefrag(link).url
        if _origin(url) == origin:
            target = urlsplit(url).path or "/"
            if _is_page(target):
                links.append(target)
    return links


async def _settle(page: Any) -> None:
    """Wait until the page's offline script has finished saving (if it runs at all)."""
    with contextlib.suppress(Exception):  # a status that never settles: judge what is there
        await page.wait_for_function(_SETTLED, timeout=SETTLE_MS)


class _Storage:
    """One browser context's service workers and Cache Storage, judged by the offline rules."""

    def __init__(self, origin: str, cached: set[str]) -> None:
        self.root = origin + "/"
        self.languages: set[str] = set()
        """Languages opened in this context: the first folder of each page opened."""
        self.judged: set[str] = set()
        """Caches already judged on a settled page. The worker names each version of a
        language's copy anew; entries added to a judged cache later are judged at the end."""
        self.cached = cached
        """Every cached URL seen, by every context."""
        self.reported: set[str] = set()

    def opened(self, path: str) -> None:
        folder, slash, _ = path.lstrip("/").partition("/")
        if folder and slash:
            self.languages.add(folder)

    async def check(self, page: Any, path: str, report: PrivacyReport,
                    everything: bool = False) -> None:
        try:
            found = await page.evaluate(_STORAGE, [] if everything else sorted(self.judged))
        except Exception as exc:  # noqa: BLE001 — a page that went away: nothing to judge
            if everything:
                return
            report.findings.append(Finding(path, "page", f"storage could not be read ({exc})"))
            return
        details = [self._worker(script, scope) for script, scope in found["workers"]]
        for name, entries in found["caches"].items():
            if entries is None:
                continue
            self.judged.add(name)
            for request, response, kind in entries:
                details.append(self._entry(request, response, kind))
                self.cached.add(request)
        report.cached = len(self.cached)
        for detail in details:
            if detail and detail not in self.reported:
                self.reported.add(detail)
                report.findings.append(Finding(path, "storage", detail))

    def _worker(self, script: str, scope: str) -> str:
        if script == self.root + WORKER and scope == self.root:
            return ""
        return f"a service worker that is not the hub's own offline worker: {script or '?'} (scope {scope})"

    def _entry(self, request: str, response: str, kind: str) -> str:
        """Why a cached file should not be there, or "" when it may."""
        origin = self.root.rstrip("/")
        if not request.startswith(self.root) or (response and _origin(response) != origin) \
                or kind in ("opaque", "cors", "opaqueredirect"):
            return f"Cache Storage holds a response from another site: {response or request}"
        relative = urlsplit(request).path.removeprefix(urlsplit(self.root).path)
        parts = relative.split("/")
        if any(part.startswith(("_", ".")) for part in parts):
            return f"Cache Storage holds a staff page or host file: {request}"
        if parts[0] == "assets":
            return ""
        if parts[0] in self.languages or (parts[0] == "pdf" and len(parts) > 2
                                          and parts[1] in self.languages):
            return ""
        if len(parts) == 2 and parts[0] == "offline" and parts[1].removesuffix(".json") in self.languages:
            return ""
        opened = ", ".join(sorted(self.languages)) or "none"
        return (f"Cache Storage holds {request}, which is not a shared asset or a file of a "
                f"language opened in this browser (opened: {opened})")


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag in ("a", "area") and href:
            self.found.append(href)


def _hrefs(html: str) -> list[str]:
    """The targets of a page's links, as its HTML has them."""
    parser = _Hrefs()
    parser.feed(html)
    return parser.found


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_page(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return not name or name.endswith((".html", ".htm")) or "." not in name
