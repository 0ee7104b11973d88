"""Checking external links: concurrent, polite, cached, and private.

Every address is asked with HEAD (GET when the server refuses HEAD), a few at a time per
host, with a timeout and retries with exponential backoff on connection errors, 5xx and 429.
Requests carry a plain User-Agent naming Haven and never a cookie: the cookie jar accepts
none, so nothing a site sets is stored or sent back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx

from haven import __version__

USER_AGENT = f"Haven-link-checker/{__version__} (a school district's hub checking its own links)"

LinkState = Literal["ok", "moved", "broken", "unreachable"]
PERMANENT_REDIRECTS = (301, 308)
RETRY_STATUSES = frozenset({429, *range(500, 600)})
CACHE_VERSION = 1


@dataclass
class LinkResult:
    """What one address answered."""

    url: str
    state: LinkState
    status: int | None = None
    """The final HTTP status, when there was an answer."""
    final_url: str | None = None
    """Where a moved link ends up: the suggested update."""
    permanent: bool = False
    """For a moved link: every redirect was permanent (301 or 308)."""
    detail: str = ""
    """In plain words, what happened."""
    checked_at: str = ""
    """When it was asked (UTC, ISO 8601)."""
    attempts: int = 0
    cached: bool = False

    @property
    def definitive(self) -> bool:
        """A lasting answer worth reusing; temporary failures are asked again each run."""
        if self.state in ("ok", "moved"):
            return True
        return self.state == "broken" and self.status is not None and self.status < 500


@dataclass
class CheckSettings:
    timeout: float = 10.0
    """Seconds to wait for a connection or an answer."""
    retries: int = 2
    """Extra attempts after a connection error, a timeout, 5xx or 429."""
    backoff: float = 0.5
    """Seconds before the first retry; doubled for each further one."""
    per_host: int = 2
    """Requests in flight at once to one host."""
    total: int = 16
    """Requests in flight at once overall."""
    proxy: str | None = None
    """An HTTP proxy; when None the usual HTTP(S)_PROXY variables are honoured."""


@dataclass
class LinkCache:
    """Results kept between runs in a JSON file, reused for `max_age` after they were asked."""

    path: Path | None
    max_age: dt.timedelta
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    warning: str | None = None

    @classmethod
    def open(cls, path: Path | None, max_age: dt.timedelta,
             now: dt.datetime | None = None) -> LinkCache:
        cache = cls(path, max_age, now or dt.datetime.now(dt.UTC))
        if path is None or not path.exists():
            return cache
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") == CACHE_VERSION:
                links = data.get("links")
                if isinstance(links, dict):
                    cache.entries = {k: v for k, v in links.items() if isinstance(v, dict)}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            cache.warning = f"the link cache {path} could not be read; every link is asked again"
        return cache

    def get(self, url: str) -> LinkResult | None:
        entry = self.entries.get(url)
        if entry is None:
            return None
        try:
            result = LinkResult(**entry)
            checked = dt.datetime.fromisoformat(result.checked_at)
        except (TypeError, ValueError):
            return None
        if checked.tzinfo is None or not (dt.timedelta(0) <= self.now - checked < self.max_age):
            return None
        if not result.definitive:
            return None
        result.cached = True
        return result

    def put(self, result: LinkResult) -> None:
        if result.definitive:
            entry = asdict(result)
            entry.pop("cached")
            self.entries[result.url] = entry
        else:
            self.entries.pop(result.url, None)

    def save(self) -> None:
        """Write the cache atomically; a folder that cannot be written only gives a warning."""
        if self.path is None:
            return
        text = json.dumps({"version": CACHE_VERSION, "links": self.entries}, indent=1,
                          sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".links-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            os.replace(temp, self.path)
        except OSError as exc:
            self.warning = f"the link cache {self.path} could not be written ({exc.strerror})"


def _no_cookies() -> CookieJar:
    """A cookie jar that accepts no cookie from any site, so none is ever sent."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def check_links(urls: Iterable[str], settings: CheckSettings | None = None,
                cache: LinkCache | None = None,
                progress: Callable[[LinkResult], None] | None = None) -> dict[str, LinkResult]:
    """Check every address once (cached answers are reused); results by address."""
    return asyncio.run(check_links_async(urls, settings or CheckSettings(), cache, progress))


async def check_links_async(urls: Iterable[str], settings: CheckSettings,
                            cache: LinkCache | None = None,
                            progress: Callable[[LinkResult], None] | None = None,
                            ) -> dict[str, LinkResult]:
    results: dict[str, LinkResult] = {}
    todo: list[str] = []
    for url in dict.fromkeys(urls):
        cached = cache.get(url) if cache else None
        if cached is not None:
            results[url] = cached
            if progress:
                progress(cached)
        else:
            todo.append(url)
    if todo:
        hosts: dict[str, asyncio.Semaphore] = {}
        async with httpx.AsyncClient(
            headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
            cookies=_no_cookies(),
            follow_redirects=True,
            max_redirects=10,
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(max_connections=settings.total,
                                max_keepalive_connections=settings.total),
            proxy=settings.proxy,
        ) as client:

            async def one(url: str) -> None:
                host = (urlsplit(url).hostname or "").lower()
                limit = hosts.setdefault(host, asyncio.Semaphore(settings.per_host))
                result = await _check(client, url, settings, limit)
                results[url] = result
                if cache:
                    cache.put(result)
                if progress:
                    progress(result)

            await asyncio.gather(*(one(url) for url in todo))
    if cache and todo:
        cache.save()
    return results


async def _check(client: httpx.AsyncClient, url: str, settings: CheckSettings,
                 limit: asyncio.Semaphore) -> LinkResult:
    attempt = 0
    while True:
        attempt += 1
        delay = settings.backoff * 2 ** (attempt - 1)
        async with limit:
            try:
                response = await _ask(client, url)
            except httpx.TooManyRedirects:
                return _done(url, "broken", attempt, detail="the address redirects in a loop")
            except httpx.TransportError as exc:
                result = _done(url, "unreachable", attempt, detail=_explain(exc, settings))
            else:
                result = _classify(url, response, attempt)
                if response.status_code in RETRY_STATUSES:
                    delay = max(delay, _retry_after(response))
        if result.state != "unreachable" and (result.status not in RETRY_STATUSES):
            return result
        if attempt > settings.retries:
            return result
        await asyncio.sleep(delay)


async def _ask(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """HEAD, or GET (headers only, the body is never read) when HEAD is refused."""
    response = await client.head(url)
    if response.status_code not in (405, 501):
        return response
    async with client.stream("GET", url) as streamed:
        return streamed


def _classify(url: str, response: httpx.Response, attempt: int) -> LinkResult:
    status = response.status_code
    final = str(response.url)
    redirected = bool(response.history) and final != url
    if status == 429:
        return _done(url, "unreachable", attempt, status,
                     detail="the site asked to be asked later (429, too many requests)")
    if status >= 400:
        detail = f"the server answers {status} ({_reason(response)})"
        if redirected:
            detail += f" after forwarding to {final}"
        return _done(url, "broken", attempt, status, final if redirected else None, detail=detail)
    if redirected:
        permanent = all(r.status_code in PERMANENT_REDIRECTS for r in response.history)
        how = "moved permanently" if permanent else "forwards (a temporary redirect)"
        return _done(url, "moved", attempt, status, final, permanent, f"{how} to {final}")
    return _done(url, "ok", attempt, status, detail=f"{status} {_reason(response)}")


def _done(url: str, state: LinkState, attempts: int, status: int | None = None,
          final_url: str | None = None, permanent: bool = False, detail: str = "") -> LinkResult:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return LinkResult(url, state, status, final_url, permanent, detail, now, attempts)


def _reason(response: httpx.Response) -> str:
    return response.reason_phrase or "no reason given"


def _retry_after(response: httpx.Response) -> float:
    """Seconds a 429 or 503 asks us to wait (at most 30), or 0."""
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), 30.0)
    except ValueError:
        return 0.0


def _explain(exc: httpx.TransportError, settings: CheckSettings) -> str:
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {settings.timeout:g} seconds"
    if isinstance(exc, httpx.ProxyError):
        return f"the proxy refused the request ({exc})"
    if isinstance(exc, httpx.ConnectError):
        if "name or service not known" in text or "nodename nor servname" in text \
                or "getaddrinfo" in text or "no address associated" in text:
            return "the host name does not exist (DNS lookup failed)"
        if "certificate" in text or "ssl" in text:
            return "the site's security certificate could not be verified"
        if "refused" in text:
            return "the server refused the connection"
        return f"could not connect ({exc or type(exc).__name__})"
    if isinstance(exc, (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)):
        return "the server closed the connection without answering"
    return f"the request failed ({exc or type(exc).__name__})"
