"""`haven check`: links against real HTTP servers on 127.0.0.1, phones, freshness, reports.

The synthetic hub's addresses are on `links.example` (a reserved name that never resolves);
every request goes through a forward proxy on 127.0.0.1, which answers each path as a real
site would. Nothing here touches any other network: the Hartford example is checked with
--offline only.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from haven.check import CheckSettings, run_check
from haven.check.links import USER_AGENT
from haven.cli import main
from tests.conftest import MakeHub

SITE = "http://links.example"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    proxy: str
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests(self, path: str | None = None) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if path is None or s.path == path]


class _Handler(BaseHTTPRequestHandler):
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        path = urlsplit(self.path).path or self.path
        state = self.server.state
        with state.lock:
            state.seen.append(Seen(self.command, path, {k.lower(): v for k, v in self.headers.items()}))
            count = sum(1 for s in state.seen if s.path == path)
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if path == "/slow":
            state.release.wait(10)
        status, headers = 200, {}
        if path == "/old":
            status, headers = 301, {"Location": f"{SITE}/new", "Set-Cookie": "tracker=abc; Path=/"}
        elif path == "/temporary":
            status, headers = 302, {"Location": f"{SITE}/ok"}
        elif path == "/missing":
            status = 404
        elif path == "/error":
            status = 500
        elif path == "/flaky" and count == 1:
            status = 503
        elif path == "/head-refused" and self.command == "HEAD":
            status = 405
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass

    do_GET = do_HEAD = _answer

    def do_CONNECT(self) -> None:
        self.send_response(403)
        self.end_headers()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    state: Server

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder: the default --site (./site) and caches never touch the repo."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = _ProxyServer(("127.0.0.1", 0), _Handler)
    httpd.state = Server(proxy=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.state
    finally:
        httpd.state.release.set()
        httpd.shutdown()
        httpd.server_close()


def fast(server: Server, **overrides: Any) -> CheckSettings:
    settings = CheckSettings(timeout=0.5, retries=2, backoff=0.01, proxy=server.proxy)
    for name, value in overrides.items():
        setattr(settings, name, value)
    return settings


RESOURCE = """\
  - id: {id}
    title: {id}
    publisher: Test
    kind: {kind}
    url: {url}
    verification:
{verification}
"""

CURRENT = "      status: current\n      assured_date: 2025-01-01\n"


def resources(*items: tuple[str, ...]) -> str:
    """resources.yaml with one resource per (id, path[, kind[, verification]])."""
    text = "resources:\n"
    for item in items:
        ident, path, kind, verification = (*item, "webpage", CURRENT)[:4] if len(item) == 2 \
            else (*item, CURRENT)[:4]
        text += RESOURCE.format(id=ident, url=f"{SITE}{path}", kind=kind,
                                verification=verification.rstrip("\n"))
    return text


ORGANIZATION = """\
id: test-org
name: Test Organization
url: http://links.example/ok
phones:
  - number: 860-555-0199
  - number: 800-877-8339
    type: textphone
    description: For callers who are deaf
  - number: 860-555-0123
    description: TTY line
  - number: 860-555-0145
    type: text
verification:
  status: current
  assured_date: 2025-01-01
  sources:
    - http://links.example/old
"""

WELCOME = """\
---
id: welcome
title: Welcome
verification:
  status: needs-review
---
Dear families,

Read [the guide](http://links.example/missing) and
[the old page](http://links.example/old), or [ours](page:help).
"""


@pytest.fixture
def synthetic(make_hub: MakeHub) -> Callable[..., Path]:
    def make(extra: dict[str, str | None] | None = None) -> Path:
        files: dict[str, str | None] = {
            "resources.yaml": resources(("ok", "/ok"), ("old", "/old"), ("missing", "/missing")),
            "directory/example-legal-aid.yaml": ORGANIZATION,
            "documents/welcome.md": WELCOME,
        }
        files.update(extra or {})
        return make_hub(files)

    return make


# -- links ------------------------------------------------------------------------------------


def test_every_kind_of_answer(synthetic: Callable[..., Path], server: Server) -> None:
    hub = synthetic({"resources.yaml": resources(
        ("ok", "/ok"), ("old", "/old"), ("missing", "/missing"), ("error", "/error"),
        ("slow", "/slow"), ("reset", "/reset"), ("head-refused", "/head-refused"),
        ("flaky", "/flaky"), ("temporary", "/temporary"))})
    report = run_check(hub, settings=fast(server), today=dt.date(2025, 2, 1))
    results = {result.url.removeprefix(SITE): result for result, _ in report.links}

    assert results["/ok"].state == "ok" and results["/ok"].status == 200
    assert results["/old"].state == "moved"
    assert results["/old"].final_url == f"{SITE}/new" and results["/old"].permanent
    assert results["/temporary"].state == "moved" and not results["/temporary"].permanent
    assert results["/missing"].state == "broken" and results["/missing"].status == 404
    assert results["/error"].state == "broken" and results["/error"].status == 500
    assert results["/slow"].state == "unreachable" and "0.5 seconds" in results["/slow"].detail
    assert results["/reset"].state == "unreachable"
    assert results["/head-refused"].state == "ok"
    assert results["/flaky"].state == "ok" and results["/flaky"].attempts == 2

    # 500 was retried (1 + 2 retries), 404 was not; HEAD refused → one GET, body never needed.
    assert len(server.requests("/error")) == 3
    assert len(server.requests("/missing")) == 1
    assert [s.method for s in server.requests("/head-refused")] == ["HEAD", "GET"]
    assert len(server.requests("/reset")) == 3

    # The moved link's fix names the new address and the file:line of the old one.
    moved = [f for f in report.findings if f.category == "moved" and f.subject == f"{SITE}/old"]
    assert any(f.where == "resources.yaml:14" and f"to {SITE}/new" in f.fix for f in moved)
    text_link = [f for f in moved if f.where.startswith("documents/welcome.md")]
    assert text_link and text_link[0].where == "documents/welcome.md:10"
    broken = [f for f in report.findings if f.category == "broken"]
    assert {f.where for f in broken if f.subject == f"{SITE}/missing"} == {
        "resources.yaml:22", "documents/welcome.md:9"}
    assert len(report.errors) == 5  # 404, 500, slow, reset: 5 places (404 is written twice)


def test_requests_carry_haven_user_agent_and_never_a_cookie(
        synthetic: Callable[..., Path], server: Server) -> None:
    hub = synthetic()
    run_check(hub, settings=fast(server), use_cache=False)
    assert server.seen
    for seen in server.seen:
        assert seen.headers["user-agent"] == USER_AGENT and "Haven" in USER_AGENT
        assert "cookie" not in seen.headers and "referer" not in seen.headers
    # /old set a cookie with its redirect; /new was asked right after, without it.
    assert server.requests("/new")


def test_second_run_within_the_interval_asks_nothing(
        synthetic: Callable[..., Path], server: Server, tmp_path: Path) -> None:
    hub = synthetic()
    cache = tmp_path / "cache" / "links.json"
    first = run_check(hub, settings=fast(server), cache_path=cache)
    asked = len(server.seen)
    assert asked >= 4 and cache.is_file()
    second = run_check(hub, settings=fast(server), cache_path=cache)
    assert len(server.seen) == asked  # not one request more
    assert all(result.cached for result, _ in second.links)
    assert [f.category for f in second.findings] == [f.category for f in first.findings]

    # Past the hub's link_check_every_hours (24), every address is asked again.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    run_check(hub, settings=fast(server), cache_path=cache, now=later)
    assert len(server.seen) == 2 * asked


def test_temporary_failures_are_asked_again(
        synthetic: Callable[..., Path], server: Server, tmp_path: Path) -> None:
    hub = synthetic({"resources.yaml": resources(("ok", "/ok"), ("error", "/error"))})
    cache = tmp_path / "links.json"
    settings = fast(server, retries=0)
    run_check(hub, settings=settings, cache_path=cache)
    run_check(hub, settings=settings, cache_path=cache)
    assert len(server.requests("/error")) == 2
    assert len(server.requests("/ok")) == 1


def test_link_cache_interval_comes_from_hub_yaml(
        synthetic: Callable[..., Path], server: Server, edit: Callable[..., dict[str, str]],
        tmp_path: Path) -> None:
    hub = synthetic(edit("hub.yaml", ("review_every_days: 90",
                                      "review_every_days: 90\nlink_check_every_hours: 0")))
    cache = tmp_path / "links.json"
    run_check(hub, settings=fast(server), cache_path=cache)
    asked = len(server.seen)
    run_check(hub, settings=fast(server), cache_path=cache)
    assert len(server.seen) == 2 * asked


def test_a_damaged_cache_is_ignored(synthetic: Callable[..., Path], server: Server,
                                    tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    cache.write_bytes(b"\x00{not json")
    report = run_check(synthetic(), settings=fast(server), cache_path=cache)
    assert report.links and any("could not be read" in w for w in report.warnings)
    assert json.loads(cache.read_text())["version"] == 1


# -- phones and freshness -----------------------------------------------------------------------


def test_phones_are_typed(synthetic: Callable[..., Path]) -> None:
    report = run_check(synthetic(), offline=True)
    phones = {p.number: p for p in report.phones}
    assert phones["800-877-8339"].labels == ["toll-free", "TTY/TDD"]
    assert phones["800-877-8339"].line == "toll-free" and phones["800-877-8339"].e164 == "+18008778339"
    assert phones["860-555-0145"].labels == ["text"]
    assert phones["860-555-0199"].labels == ["voice"] and phones["860-555-0199"].region == "US"
    assert all(p.valid for p in report.phones)
    hint = [f for f in report.findings if f.category == "phone-type"]
    assert [f.subject for f in hint] == ["860-555-0123"]
    assert "type: textphone" in hint[0].fix and hint[0].where.startswith("directory/example-legal-aid.yaml:")


def test_freshness_uses_the_interval_and_today(synthetic: Callable[..., Path]) -> None:
    items = resources(
        ("page", "/ok"),  # hub default: 90 days from 2025-01-01 → due after 2025-04-01
        ("law", "/ok", "policy"),  # policy: 30 days → due after 2025-01-31
        ("own", "/ok", "policy", CURRENT + "      review_every_days: 365\n"),
        ("gone", "/ok", "policy",
         "      status: superseded\n      superseded_on: 2025-01-20\n"),
        ("later", "/new", "webpage",
         "      status: moved\n      previous_url: http://links.example/old\n"),
        ("who", "/ok", "guide", "      status: unverified\n"),
    )
    hub = synthetic({"resources.yaml": items})

    def due(day: dt.date) -> list[str]:
        report = run_check(hub, offline=True, today=day)
        return [f.subject for f in report.findings if f.category == "due"]

    assert due(dt.date(2025, 1, 31)) == []
    assert due(dt.date(2025, 2, 1)) == ["resource law"]
    assert due(dt.date(2025, 4, 2)) == ["resource law", "organization test-org", "resource page"]
    assert "resource own" in due(dt.date(2026, 1, 2))

    report = run_check(hub, offline=True, today=dt.date(2025, 2, 1))
    records = {r.label: r for r in report.records}
    assert records["resource law"].review_every_days == 30
    assert records["resource own"].review_every_days == 365
    assert records["resource page"].due_on == dt.date(2025, 4, 1)
    listed = {(f.category, f.subject) for f in report.findings}
    assert {("superseded", "resource gone"), ("marked-moved", "resource later"),
            ("unverified", "resource who"), ("needs-review", "document welcome")} <= listed


# -- reports and the command --------------------------------------------------------------------


def test_json_report_shape(synthetic: Callable[..., Path], server: Server, tmp_path: Path,
                           cli: CliRunner) -> None:
    hub = synthetic()
    out = tmp_path / "report.json"
    result = cli.invoke(main, ["check", str(hub), "--proxy", server.proxy, "--timeout", "0.5",
                               "--json", str(out), "--today", "2025-06-01",
                               "--cache", str(tmp_path / "c.json")])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert set(data) == {"haven_check", "content", "today", "links_checked", "summary",
                         "attention", "links", "phones", "records", "warnings"}
    assert data["today"] == "2025-06-01" and data["links_checked"] is True
    assert data["summary"]["links"] == {"ok": 1, "moved": 1, "broken": 1, "unreachable": 0}
    assert data["summary"]["errors"] == 2
    link = next(item for item in data["links"] if item["url"] == f"{SITE}/old")
    assert link["state"] == "moved" and link["final_url"] == f"{SITE}/new"
    assert {use["where"] for use in link["used_at"]} == {
        "resources.yaml:14", "directory/example-legal-aid.yaml:17", "documents/welcome.md:10"}
    assert set(data["attention"][0]) == {"category", "severity", "where", "subject", "message", "fix"}
    assert data["attention"][0]["category"] == "broken"
    phone = next(p for p in data["phones"] if p["number"] == "800-877-8339")
    assert phone["labels"] == ["toll-free", "TTY/TDD"]
    assert all({"kind", "id", "where", "status", "due", "due_on"} <= set(r) for r in data["records"])


def test_staff_page_is_noindex_and_most_urgent_first(
        synthetic: Callable[..., Path], server: Server, tmp_path: Path, cli: CliRunner) -> None:
    hub = synthetic()
    site = tmp_path / "site"
    built = cli.invoke(main, ["build", str(hub), "--output", str(site)])
    assert built.exit_code == 0, built.output
    result = cli.invoke(main, ["check", str(hub), "--site", str(site), "--proxy", server.proxy,
                               "--today", "2025-06-01", "--cache", str(tmp_path / "c.json")])
    assert result.exit_code == 0, result.output
    page = (site / "_staff" / "check.html").read_text()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    order = [page.index(f'data-category="{c}"') for c in ("broken", "moved", "due", "needs-review")]
    assert order == sorted(order)
    assert f"update the url in resources.yaml:14 to {SITE}/new" in page
    assert "resources.yaml:22" in page
    # Not linked from any public page, not in any sitemap, and nothing else was added.
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt") and "_staff" not in path.parts:
            text = path.read_text(errors="replace")
            if path.name == "robots.txt":  # only to keep crawlers out (haven.hosting)
                text = text.replace("Disallow: /_staff/", "")
            assert "_staff" not in text, path
    assert sorted(p.name for p in (site / "_staff").iterdir()) == ["check.html", "outreach.html", "staff.css", "translations.html"]


def test_staff_page_escapes_content(synthetic: Callable[..., Path], tmp_path: Path,
                                    cli: CliRunner) -> None:
    hub = synthetic({"documents/welcome.md": WELCOME.replace(
        "status: needs-review", "status: needs-review\n  note: <script>alert(1)</script>")})
    out = tmp_path / "staff.html"
    result = cli.invoke(main, ["check", str(hub), "--offline", "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_strict_exits_1_on_errors_without_traceback(
        synthetic: Callable[..., Path], server: Server, tmp_path: Path, cli: CliRunner) -> None:
    hub = synthetic()
    args = ["check", str(hub), "--proxy", server.proxy, "--cache", str(tmp_path / "c.json")]
    plain = cli.invoke(main, args)
    assert plain.exit_code == 0, plain.output
    strict = cli.invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "2 errors, and --strict was given" in strict.output
    assert "resources.yaml:22: broken link (error)" in strict.output
    assert "Traceback" not in strict.output and isinstance(strict.exception, SystemExit)


def test_strict_passes_when_only_warnings(synthetic: Callable[..., Path], cli: CliRunner) -> None:
    result = cli.invoke(main, ["check", str(synthetic()), "--offline", "--strict",
                               "--today", "2030-01-01"])
    assert result.exit_code == 0, result.output
    assert "links not checked (--offline)" in result.output
    assert "due for review" in result.output


def test_invalid_content_is_reported_not_raised(make_hub: MakeHub, edit: Callable[..., dict[str, str]],
                                                cli: CliRunner) -> None:
    hub = make_hub(edit("hub.yaml", ("phone: 860-555-0100", "phone: 555-01")))
    result = cli.invoke(main, ["check", str(hub), "--offline"])
    assert result.exit_code == 1
    assert "hub.yaml:" in result.output and "not a valid phone number" in result.output
    assert "Traceback" not in result.output


def test_hartford_example_offline(cli: CliRunner, tmp_path: Path, example_dir: Path) -> None:
    out = tmp_path / "hartford.json"
    result = cli.invoke(main, ["check", str(example_dir), "--offline", "--today", "2027-06-01", "--json", str(out),
                               "--html", str(tmp_path / "staff.html")])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["links_checked"] is False and data["links"] == []
    phones = {p["number"]: p["labels"] for p in data["phones"]}
    assert phones["800-877-8339"] == ["toll-free", "TTY/TDD"]  # OCR's TDD
    assert phones["800-514-0383"] == ["toll-free", "TTY/TDD"]  # DOJ's TTY
    categories = {f["category"] for f in data["attention"]}
    assert {"due", "unverified", "superseded", "marked-moved", "needs-review"} <= categories
    assert all(f["severity"] != "error" for f in data["attention"])
    # Legal-policy items are due first: 30 days, not the hub's 90.
    assert data["attention"][0]["category"] == "due"
    assert "review every 30 days" in data["attention"][0]["message"]


def test_site_that_haven_did_not_build_is_refused(synthetic: Callable[..., Path], tmp_path: Path,
                                                  cli: CliRunner) -> None:
    other = tmp_path / "not-a-site"
    other.mkdir()
    result = cli.invoke(main, ["check", str(synthetic()), "--offline", "--site", str(other)])
    assert result.exit_code == 1 and "is not a site Haven built" in result.output
    assert "Traceback" not in result.output and not any(other.iterdir())
