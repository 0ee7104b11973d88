"""What static hosts need: 404 pages, hashed assets, robots, favicon, descriptions, and the
nginx snippet, served for real by Debian's nginx on 127.0.0.1 at a root and in a sub-folder."""

from __future__ import annotations

import html
import http.client
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

import haven.scaffold
from haven.build import build
from haven.hosting import is_real_url, robots_txt
from haven.privacy.headers import (
    CONTENT_SECURITY_POLICY,
    HASHED_ASSET,
    HEADERS,
    IMMUTABLE,
    PAGE_POLICY,
    PERMISSIONS_POLICY,
    base_path,
    headers_for,
    parse_headers_file,
)
from haven.render.assets import HASHED, asset_path
from haven.render.describe import LIMIT, describe, first_sentence
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, needs_chromium
from tests.test_a11y import axe_violations, needs_axe

NGINX = Path("/usr/sbin/nginx")
needs_nginx = pytest.mark.skipif(not NGINX.exists(), reason="Debian's nginx-light is not installed")
REPO = Path(__file__).resolve().parent.parent


def make_site(root: Path, base_url: str, extra: str = "") -> Path:
    """The starter hub (English and Spanish) published at `base_url`, built without PDFs."""
    content = root / "content"
    haven.scaffold.create(content)
    hub = content / "hub.yaml"
    text = re.sub(r"^base_url: .*$", f"base_url: {base_url}", hub.read_text(encoding="utf-8"),
                  flags=re.MULTILINE)
    hub.write_text(text + extra, encoding="utf-8")
    build(content, root / "site", pdf=False)
    return root / "site"


@pytest.fixture(scope="module")
def at_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("root"), "https://families.example.org/")


@pytest.fixture(scope="module")
def in_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("folder"), "https://www.hartfordschools.org/hub/")


# --- Files beside the pages -----------------------------------------------------------------

def test_host_files_are_published(at_root: Path) -> None:
    assert (at_root / ".nojekyll").read_bytes() == b""
    ico = (at_root / "favicon.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and b"PNG" in ico
    robots = (at_root / "robots.txt").read_text(encoding="utf-8")
    assert "Disallow: /_staff/" in robots and "Sitemap" not in robots  # example.org: not real
    assert not (at_root / "sitemap.xml").exists()
    redirects = (at_root / "_redirects").read_text(encoding="utf-8")
    assert "/es/*  /es/404.html  404" in redirects and "/_staff/*  /404.html  404!" in redirects
    SafeET.fromstring((at_root / "_hosting" / "web.config").read_bytes())  # well-formed XML


def test_favicon_is_what_the_generator_draws(at_root: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import make_favicon
    finally:
        sys.path.pop(0)
    assert make_favicon.favicon() == (at_root / "favicon.ico").read_bytes()


def test_a_real_base_url_gets_a_sitemap(in_folder: Path) -> None:
    robots = (in_folder / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://www.hartfordschools.org/hub/sitemap.xml" in robots
    assert "Disallow: /hub/_staff/" in robots
    tree = SafeET.fromstring((in_folder / "sitemap.xml").read_bytes())
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://www.hartfordschools.org/hub/es/" in locs
    assert "https://www.hartfordschools.org/hub/en/help/" in locs
    assert not any("_staff" in (loc or "") or "404" in (loc or "") for loc in locs)


@pytest.mark.parametrize(("url", "real"), [
    ("https://www.hartfordschools.org/", True), ("https://families.example.org/", False),
    ("https://hartford.haven.example/", False), ("http://localhost:8000/", False),
    ("http://127.0.0.1/", False), ("https://hub.test/", False), ("ftp://schools.org/", False)])
def test_only_a_real_address_is_real(url: str, real: bool) -> None:
    assert is_real_url(url) is real
    assert ("Sitemap:" in robots_txt(url if real else None)) is real


def test_base_path() -> None:
    assert base_path("https://a.org") == "/" and base_path("https://a.org/") == "/"
    assert base_path("https://a.org/hub") == "/hub/" and base_path("https://a.org/a/b/") == "/a/b/"


def test_assets_have_hashed_names_and_the_pages_use_them(at_root: Path) -> None:
    assets = sorted(p.name for p in (at_root / "assets").iterdir())
    assert all(HASHED.match(f"assets/{name}") for name in assets), assets
    assert all(re.fullmatch(HASHED_ASSET, f"assets/{name}") for name in assets)  # what hosts cache
    assert {f"assets/{name}" for name in assets} == {
        asset_path(n) for n in ("haven.css", "find.js", "offline.js", "icon.svg")}
    page = (at_root / "es" / "help" / "index.html").read_text(encoding="utf-8")
    assert f'href="../../{asset_path("haven.css")}"' in page
    assert f'href="../../{asset_path("icon.svg")}"' in page
    assert f'src="../../{asset_path("find.js")}"' in page
    chooser = (at_root / "index.html").read_text(encoding="utf-8")
    assert f'href="{asset_path("haven.css")}"' in chooser
    manifest = json.loads((at_root / "offline" / "es.json").read_text(encoding="utf-8"))
    assert asset_path("haven.css") in manifest["files"] and asset_path("offline.js") in manifest["files"]
    assert not any(name in manifest["files"] for name in ("assets/haven.css", "assets/offline.js"))


def test_headers_file_caches_assets_for_a_year_and_pages_not_at_all(at_root: Path) -> None:
    rules = parse_headers_file((at_root / "_headers").read_text(encoding="utf-8"))
    for path, cache in [(f"/{asset_path('haven.css')}", IMMUTABLE), ("/es/", "no-cache"),
                        ("/", "no-cache"), ("/sw.js", "no-cache"), ("/offline/es.json", "no-cache"),
                        ("/es/help/index.html", "no-cache")]:
        headers = headers_for(path, rules)
        assert [v for k, v in headers if k == "Cache-Control"] == [cache], path  # never two
        assert dict(headers)["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_permissions_policy_has_only_tokens_chromium_knows() -> None:
    assert "attribution-reporting" not in PERMISSIONS_POLICY
    assert HEADERS["Permissions-Policy"] == PERMISSIONS_POLICY


# --- Pages ----------------------------------------------------------------------------------

def _meta(page: str, name: str) -> str:
    found = re.search(rf'<meta name="{name}" content="([^"]*)">', page)
    assert found is not None, name
    return html.unescape(found.group(1))


def test_every_public_page_has_a_short_description_in_its_language(at_root: Path) -> None:
    pages = [p for p in at_root.rglob("*.html") if "_staff" not in p.parts]
    assert len(pages) > 10
    for page in pages:
        description = _meta(page.read_text(encoding="utf-8"), "description")
        assert 0 < len(description) <= LIMIT, page
    home = (at_root / "es" / "index.html").read_text(encoding="utf-8")
    lead = re.search(r'<p class="lead">(.*?)</p>', home)
    assert lead is not None
    lead_text = html.unescape(re.sub(r"<[^>]+>", "", lead.group(1)))
    assert first_sentence(lead_text)[:60] in _meta(home, "description")


def test_descriptions_are_escaped_and_cut_at_a_word() -> None:
    main = '<h1>T</h1><p class="notice">skip me, I am a notice of some length</p>' \
           '<p>Call &quot;us&quot; &amp; ask <a href="x">about</a> costs. Second sentence.</p>'
    assert describe(main, "Costs") == 'Call "us" & ask about costs.'  # names the title
    assert describe(main, "Help") == 'Help: Call "us" & ask about costs.'
    long = "<p>" + "word " * 100 + "</p>"
    cut = describe(long, "")
    assert len(cut) <= LIMIT and cut.endswith("word…")
    assert describe("<p>短</p>", "后备") == "后备"
    assert describe("<p>这是第一句话，内容足够长，可以作为描述使用。这是第二句。</p>", "") == \
        "这是第一句话，内容足够长，可以作为描述使用。"
    assert describe("<p>The Place is recognized by the U.S. Department of Justice. More.</p>",
                    "The Place") == "The Place is recognized by the U.S. Department of Justice."


def test_404_pages_speak_each_language_and_link_from_the_hub_folder(in_folder: Path) -> None:
    spanish = (in_folder / "es" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="es"' in spanish and "Página no encontrada" in spanish
    assert 'href="/hub/es/"' in spanish and 'href="/hub/"' in spanish
    assert f'href="/hub/{asset_path("haven.css")}"' in spanish
    assert "tel:+1" in spanish and _meta(spanish, "robots") == "noindex"
    root = (in_folder / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in root and "Page not found" in root
    assert 'href="/hub/es/"' in root and 'lang="es"' in root  # every language is listed


def test_staff_pages_carry_the_policy_of_public_pages(at_root: Path) -> None:
    public = (at_root / "es" / "index.html").read_text(encoding="utf-8")
    assert f'<meta http-equiv="Content-Security-Policy" content="{PAGE_POLICY}">' in public
    staff = sorted((at_root / "_staff").glob("*.html"))
    assert staff
    for page in staff:
        text = page.read_text(encoding="utf-8")
        policy = _meta_policy(text)
        assert policy.startswith(PAGE_POLICY), page  # plus its inline style's hash, if any
        assert _meta(text, "referrer") == "no-referrer", page


def _meta_policy(page: str) -> str:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert found is not None
    return found.group(1)


# --- nginx, for real ------------------------------------------------------------------------


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[object]:
    """`serve(site, folder)`: Debian's nginx serving `site` at `folder` ("/" or "/hub/") with
    the site's own `_hosting/nginx.conf`, on 127.0.0.1; yields a function returning the port."""
    processes: list[subprocess.Popen[bytes]] = []

    def serve(site: Path, folder: str) -> int:
        prefix = tmp_path / f"nginx{len(processes)}"
        for sub in ("logs", "temp", "www"):
            (prefix / sub).mkdir(parents=True)
        docroot = prefix / "www"
        if folder == "/":
            docroot = site
        else:
            (docroot / folder.strip("/")).symlink_to(site, target_is_directory=True)
        snippet = (site / "_hosting" / "nginx.conf").read_text(encoding="utf-8")
        # The only change: the error log goes to the test's folder, not /var/log/nginx.
        snippet = snippet.replace("/var/log/nginx/error.log", str(prefix / "logs" / "hub.log"))
        (prefix / "haven.conf").write_text(snippet, encoding="utf-8")
        port = free_port()
        temp = prefix / "temp"
        (prefix / "nginx.conf").write_text(f"""
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {docroot};
        include {prefix}/haven.conf;
    }}
}}
""", encoding="utf-8")
        check = subprocess.run([str(NGINX), "-t", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen([str(NGINX), "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                    "-g", "daemon off;"], stderr=subprocess.PIPE)
        processes.append(process)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return port
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                time.sleep(0.05)
        raise AssertionError("nginx did not start")

    yield serve
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def _get(port: int, path: str) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def _assert_secure(headers: dict[str, str], path: str) -> None:
    for name, value in HEADERS.items():
        assert headers.get(name.lower()) == value, (path, name)
    assert headers.get("strict-transport-security", "").startswith("max-age="), path


def _check_nginx(port: int, folder: str) -> None:
    status, headers, body = _get(port, f"{folder}es/")
    assert status == 200 and '<html lang="es"' in body
    _assert_secure(headers, "es/")
    assert headers["cache-control"] == "no-cache"
    # A missing page: the 404 of its language, with the status 404, at any depth.
    for missing, lang, words in [(f"{folder}es/no/such/page/", "es", "Página no encontrada"),
                                 (f"{folder}es/nada.html", "es", "Página no encontrada"),
                                 (f"{folder}en/gone/", "en", "Page not found"),
                                 (f"{folder}nothing-here", "en", "Page not found")]:
        status, headers, body = _get(port, missing)
        assert status == 404, missing
        assert f'<html lang="{lang}"' in body and words in body, missing
        _assert_secure(headers, missing)
        # Its stylesheet link works from there.
        css = re.search(r'<link rel="stylesheet" href="([^"]+)">', body)
        assert css is not None and _get(port, css.group(1))[0] == 200
    # Host files, staff pages and dot-files are never served.
    for hidden in ["_headers", "_redirects", "_hosting/nginx.conf", "_hosting/web.config",
                   "_staff/", "_staff/translations.html", ".haven-site", ".nojekyll",
                   "es/.haven-pdf.json", "pdf/.hidden"]:
        status, headers, body = _get(port, folder + hidden)
        assert status in (403, 404), hidden
        assert "add_header" not in body and "Netlify" not in body, hidden
    # Hashed assets: kept a year, with the same security headers.
    for name in ("haven.css", "find.js", "offline.js", "icon.svg"):
        status, headers, body = _get(port, folder + asset_path(name))
        assert status == 200, name
        assert headers["cache-control"] == IMMUTABLE, name
        _assert_secure(headers, name)
    assert _get(port, folder + "sw.js")[1]["cache-control"] == "no-cache"
    status, headers, _ = _get(port, folder + "favicon.ico")
    assert status == 200 and headers["content-type"] == "image/x-icon"


@needs_nginx
def test_nginx_serves_the_hub_at_a_site_root(nginx, at_root: Path) -> None:  # type: ignore[no-untyped-def]
    _check_nginx(nginx(at_root, "/"), "/")


@needs_nginx
def test_nginx_serves_the_hub_in_a_sub_folder(nginx, in_folder: Path) -> None:  # type: ignore[no-untyped-def]
    port = nginx(in_folder, "/hub/")
    _check_nginx(port, "/hub/")
    status, headers, _ = _get(port, "/hub/es")  # a folder without its slash: a relative redirect
    assert status == 301 and headers["location"] == "/hub/es/"


@needs_nginx
@needs_chromium
def test_chromium_accepts_the_permissions_policy(nginx, at_root: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    port = nginx(at_root, "/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            messages: list[str] = []
            page.on("console", lambda message: messages.append(message.text))
            response = page.goto(f"http://127.0.0.1:{port}/es/")
            assert response is not None
            assert response.headers["permissions-policy"] == PERMISSIONS_POLICY
            page.wait_for_load_state("load")
            assert not [m for m in messages if "Permissions-Policy" in m or "policy" in m.lower()]
            response = page.goto(f"http://127.0.0.1:{port}/es/no-such-page/")
            assert response is not None and response.status == 404
            assert page.evaluate("getComputedStyle(document.querySelector('header.top'))"
                                 ".borderBottomStyle") == "solid"  # the stylesheet applied
        finally:
            browser.close()


@needs_nginx
@needs_axe
def test_404_pages_have_no_wcag_22_aa_violation(nginx, in_folder: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    port = nginx(in_folder, "/hub/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 900})
            for path in ("/hub/missing", "/hub/es/a/b/c/missing/", "/hub/en/help/nothing"):
                response = page.goto(f"http://127.0.0.1:{port}{path}")
                assert response is not None and response.status == 404, path
                assert axe_violations(page) == [], path
        finally:
            browser.close()
