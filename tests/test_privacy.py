"""Privacy: the crawl in real Chromium, the security headers, confidential addresses."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from haven.build import build
from haven.cli import main
from haven.content.load import load
from haven.content.validate import validate
from haven.example import example_content
from haven.privacy import crawl_privacy, security_files
from haven.privacy.headers import (
    CONTENT_SECURITY_POLICY,
    HEADERS_FILE,
    NGINX_FILE,
    headers_for,
    parse_headers_file,
)
from haven.privacy.server import serving
from tests.conftest import MakeHub, hartford_with, needs_chromium


def with_security_files(site: Path, content_dir: Path) -> Path:
    """Add the host files that build() is to publish (see haven.privacy.headers)."""
    for name, data in security_files(validate(load(content_dir))).items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    return site


@pytest.fixture(scope="module")
def small_hartford(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Hartford hub in English and Arabic, built, with its host files."""
    base = tmp_path_factory.mktemp("privacy")
    content = hartford_with(["en", "ar"], base / "content")
    build(content, base / "site")
    return with_security_files(base / "site", content)


# --- Security headers ---------------------------------------------------------------------

def test_headers_file_has_every_protection() -> None:
    files = security_files(validate(load(example_content())))
    assert set(files) == {HEADERS_FILE, NGINX_FILE}
    rules = parse_headers_file(files[HEADERS_FILE].decode())
    assert [pattern for pattern, _ in rules][:4] == ["/*", "/assets/*", "/sw.js", "/offline/*"]
    headers = dict(headers_for("/en/help/", rules))
    csp = {d.split()[0]: d.split(maxsplit=1)[1] for d in headers["Content-Security-Policy"].split("; ")}
    assert csp["default-src"] == "'self'"
    # The hub's own script files (never inline) and offline worker, which fetches from the hub
    # alone: a worker is governed by the policy its own script is served with.
    assert csp["script-src"] == csp["worker-src"] == csp["connect-src"] == "'self'"
    assert headers["Cache-Control"] == "no-cache"  # pages: asked for again on each visit
    for path in ("/sw.js", "/offline/es.json"):
        assert dict(headers_for(path, rules))["Cache-Control"] == "no-cache", path
    for directive in ("frame-ancestors", "base-uri", "form-action", "object-src"):
        assert csp[directive] == "'none'", directive
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    denied = {item.strip() for item in headers["Permissions-Policy"].split(",")}
    assert {"camera=()", "microphone=()", "geolocation=()", "interest-cohort=()",
            "browsing-topics=()"} <= denied
    assert headers["Strict-Transport-Security"].startswith("max-age=")  # Hartford is https


def test_nginx_snippet_sets_the_same_headers_and_no_access_log() -> None:
    files = security_files(validate(load(example_content())))
    nginx = files[NGINX_FILE].decode()
    assert re.search(r"^    access_log off;$", nginx, re.MULTILINE)
    # The hub's location: the headers _headers gives a page; its nested locations repeat them.
    headers = dict(re.findall(r'^    add_header (\S+) "([^"]*)" always;$', nginx, re.MULTILINE))
    rules = parse_headers_file(files[HEADERS_FILE].decode())
    assert headers == dict(headers_for("/", rules))
    assert headers["Cache-Control"] == "no-cache"
    assert nginx.count("{") == nginx.count("}")
    # What nginx really does with it: tests/test_hosting.py serves a hub with Debian's nginx.


def test_plain_http_hub_gets_no_hsts(make_hub: MakeHub) -> None:
    root = make_hub()
    hub = root / "hub.yaml"
    hub.write_text(re.sub(r"base_url: https://", "base_url: http://", hub.read_text()))
    files = security_files(validate(load(root)))
    assert b"Strict-Transport-Security" not in files[HEADERS_FILE]


def test_page_meta_policy_agrees_with_the_header_policy(small_hartford: Path) -> None:
    page = (small_hartford / "en" / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert meta is not None
    header = dict(d.split(maxsplit=1) for d in CONTENT_SECURITY_POLICY.split("; "))
    for directive in html.unescape(meta.group(1)).split(";"):
        name, value = directive.split(maxsplit=1)
        if name == "connect-src":  # stricter on pages: only the offline worker may fetch the hub
            assert (value, header[name]) == ("'none'", "'self'")
            continue
        assert header[name] == value, f"the page and the _headers file disagree on {name}"


@needs_chromium
def test_headers_server_applies_the_policy_and_csp_blocks_inline_script(
        small_hartford: Path, browser: object, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(small_hartford, site)
    page_file = site / "en" / "help" / "index.html"
    text = page_file.read_text(encoding="utf-8")
    # Without the page's own meta policy, only the _headers policy stands in the way.
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    text = text.replace("</main>", "<script>document.title = 'INJECTED'; "
                        "document.body.dataset.ran = 'yes';</script></main>")
    page_file.write_text(text, encoding="utf-8")
    with serving(site) as origin:
        page = browser.new_page()  # type: ignore[attr-defined]
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text))
        try:
            response = page.goto(f"{origin}/en/help/")
            assert response is not None
            headers = response.headers
            assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-content-type-options"] == "nosniff"
            assert "camera=()" in headers["permissions-policy"]
            assert page.title() != "INJECTED"
            assert page.evaluate("document.body.dataset.ran") is None
            assert any("Content Security Policy" in v for v in violations), violations
            assert page.goto(f"{origin}/_headers").status == 404
            assert page.goto(f"{origin}/_hosting/nginx.conf").status == 404
        finally:
            page.close()


# --- The privacy crawl ----------------------------------------------------------------------

@needs_chromium
def test_hartford_hub_passes_the_privacy_crawl(small_hartford: Path) -> None:
    report = crawl_privacy(small_hartford)
    assert report.findings == []
    # The hub's offline worker ran, and what it saved passed the rules.
    offline = {p.relative_to(small_hartford).as_posix()
               for p in (small_hartford / "pdf").rglob("*.pdf")}
    assert offline and report.cached > len(offline)
    staff = small_hartford / "_staff"  # staff pages: not linked from the public site
    pages = len([p for p in small_hartford.rglob("*.html") if not p.is_relative_to(staff)])
    assert len(report.pages) == pages, "the crawl should reach every page from the chooser"
    assert report.requests >= pages


@needs_chromium
def test_a_leaky_page_fails_the_crawl_and_the_command(make_hub: MakeHub, tmp_path: Path,
                                                      cli: CliRunner) -> None:
    site = tmp_path / "site"
    build(make_hub(), site)
    page_file = site / "es" / "index.html"
    text = page_file.read_text(encoding="utf-8")
    text = text.replace("</main>", '<img src="https://tracker.example/pixel.gif" alt="">'
                        "<script>document.cookie = 'reader=42; path=/';"
                        " localStorage.setItem('seen', '1');</script>"
                        '<form action="https://forms.example/"><input name="q"></form></main>')
    page_file.write_text(text, encoding="utf-8")

    report = crawl_privacy(site)
    kinds = {(f.page, f.kind) for f in report.findings}
    assert {("/es/", "request"), ("/es/", "cookie"), ("/es/", "storage"), ("/es/", "form"),
            ("/es/", "script")} <= kinds
    assert any("https://tracker.example/pixel.gif" in f.detail for f in report.findings)
    assert all(f.page == "/es/" for f in report.findings), report.findings

    result = cli.invoke(main, ["privacy", str(site)])
    assert result.exit_code == 1, result.output
    assert "tracker.example" in result.output and "Traceback" not in result.output


EVIL_WORKER = """\
self.addEventListener('activate', function (event) {
  event.waitUntil(caches.open('evil').then(function (cache) {
    return Promise.all([cache.add('_staff/outreach.html'), cache.add('en/'), cache.add('es/'),
                        cache.put('https://tracker.example/seen', new Response('x'))]);
  }));
});
"""


@needs_chromium
def test_a_worker_that_keeps_too_much_fails_the_crawl(make_hub: MakeHub, tmp_path: Path) -> None:
    """The hub's worker is accepted only while it keeps what it should: here it also keeps a
    staff page, a response from another site and a language not opened yet; and another
    worker is registered beside it."""
    site = tmp_path / "site"
    build(make_hub(), site, pdf=False)
    worker = site / "sw.js"
    worker.write_text(EVIL_WORKER + worker.read_text(encoding="utf-8"), encoding="utf-8")
    (site / "es" / "other-sw.js").write_text("self.addEventListener('fetch', function () {});\n")
    (site / "assets" / "other.js").write_text(
        "navigator.serviceWorker.register(new URL('../es/other-sw.js', document.currentScript.src));\n")
    home = site / "es" / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace(
        "</head>", '<script src="../assets/other.js"></script>\n</head>'), encoding="utf-8")

    report = crawl_privacy(site, max_pages=5)  # the chooser, both homes and a page or two
    details = [f.detail for f in report.findings]
    assert {f.kind for f in report.findings} == {"storage"}, details
    assert any("staff page" in d and "/_staff/outreach.html" in d for d in details), details
    assert any("another site" in d and "https://tracker.example/seen" in d for d in details), details
    assert any("not a shared asset or a file of a language opened" in d for d in details), details
    assert any("not the hub's own offline worker" in d and "/es/other-sw.js" in d
               for d in details), details


def test_privacy_command_without_a_site_says_what_to_do(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, ["privacy", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "haven build" in result.output and "Traceback" not in result.output


# --- Confidential locations -----------------------------------------------------------------

ADDRESS = "4417 Quillfeather Lane"

CONFIDENTIAL_ORG = f"""\
id: quiet-harbor-shelter
name: Quiet Harbor Family Shelter
description: A safe place for families.
phones:
  - number: 860-555-0142
locations:
  - id: quiet-harbor-house
    name: Shelter house
    confidential: true
    address:
      address_1: {ADDRESS}
      address_2: Quillfeather Annex
      city: Hartford
      state_province: CT
      postal_code: "06114"
    phones:
      - number: 860-555-0143
services:
  - id: quiet-harbor-stay
    name: Emergency family shelter
    topics: [legal-help]
    audiences: [families]
    locations: [quiet-harbor-house]
verification:
  status: unverified
"""


def every_form_of(text: str) -> list[bytes]:
    forms = {text, text.lower(), text.upper(), html.escape(text), text.replace(" ", "&nbsp;"),
             text.replace(" ", "%20"), text.replace(" ", "+")}
    return [f.encode("utf-8") for f in forms] + [text.encode("utf-16-le")]


def test_confidential_address_reaches_no_output(make_hub: MakeHub, cli: CliRunner,
                                                tmp_path: Path) -> None:
    root = make_hub({"directory/quiet-harbor.yaml": CONFIDENTIAL_ORG})
    outputs: list[Path] = []
    site = tmp_path / "site"
    result = cli.invoke(main, ["build", str(root), "--output", str(site)])
    assert result.exit_code == 0, result.output
    texts = [result.output]
    assert (site / "en" / "help" / "org" / "quiet-harbor-shelter" / "index.html").exists()
    outputs.append(site)
    for name, data in security_files(validate(load(root))).items():
        assert ADDRESS.encode() not in data, name
    # Every other command that writes something, where it exists.
    commands = set(main.list_commands(click.Context(main)))
    if "translate" in commands:
        result = cli.invoke(main, ["translate", "update", str(root)])
        assert result.exit_code == 0, result.output
        texts.append(result.output)
        outputs.append(root / "translations")
    if "outreach" in commands:
        out = tmp_path / "outreach"
        result = cli.invoke(main, ["outreach", str(root), "--output", str(out)])
        assert result.exit_code in (0, 1) and result.exception is None or \
            isinstance(result.exception, SystemExit), result.output
        texts.append(result.output)
        outputs.append(out)
    if "check" in commands:
        report = tmp_path / "check"
        result = cli.invoke(main, ["check", str(root), "--offline", "--site", str(site),
                                   "--json", str(report / "check.json"),
                                   "--html", str(report / "check.html")])
        assert "Traceback" not in result.output
        texts.append(result.output)
        outputs.append(report)
    if "export" in commands:
        for kind, extra in (("hsds", []), ("fragment", ["--language", "en"])):
            out = tmp_path / f"export-{kind}"
            result = cli.invoke(main, ["export", kind, str(root), "--output", str(out), *extra])
            assert result.exit_code == 0, result.output
            texts.append(result.output)
            outputs.append(out)
    if "print" in commands:
        out = tmp_path / "print"
        result = cli.invoke(main, ["print", str(root), "--output", str(out), "--language", "en"])
        assert result.exit_code == 0, result.output
        texts.append(result.output)
        outputs.append(out)
        from pypdf import PdfReader  # PDF text is compressed: read it back as text

        pdfs = sorted(out.rglob("*.pdf"))
        assert pdfs
        texts += ["\n".join(page.extract_text() for page in PdfReader(pdf).pages) for pdf in pdfs]
    needles = every_form_of(ADDRESS) + every_form_of("Quillfeather")
    leaks = []
    for folder in outputs:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                leaks += [f"{path}: {n!r}" for n in needles if n in data]
    for text in texts:
        leaks += [f"command output: {n!r}" for n in needles if n in text.encode()]
    assert leaks == [], "the confidential address leaked:\n" + "\n".join(leaks)


def test_check_privacy_option_crawls_the_built_site(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from haven.cli import main
    from haven.scaffold import create

    content = tmp_path / "hub"
    create(content)
    site = tmp_path / "site"
    build(content, site, pdf=False)
    runner = CliRunner()
    ok = runner.invoke(main, ["check", str(content), "--offline", "--site", str(site), "--privacy"])
    assert ok.exit_code == 0, ok.output
    page = site / "en" / "index.html"
    page.write_text(page.read_text().replace("</main>", '<img src="https://tracker.example/p.gif"></main>'))
    leaky = runner.invoke(main, ["check", str(content), "--offline", "--site", str(site), "--privacy"])
    assert leaky.exit_code == 1
    assert "tracker.example" in leaky.output and "Traceback" not in leaky.output
