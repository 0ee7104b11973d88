"""Offline use: the manifests the build writes, and the worker in real Chromium.

The browser tests serve a built hub on 127.0.0.1 with its `_headers` applied (a secure
context, as https is for readers), let the hub's worker save a language, then cut the
network with Playwright's offline mode, which the worker's own requests obey too.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from haven.build import build
from haven.offline import manifest_path
from haven.privacy.server import make_headers_server
from haven.render.assets import asset_path
from tests.conftest import hartford_with, needs_chromium
from tests.test_a11y import AXE, axe_violations

ES_PAGES = ["es/help/", "es/help/legal-help/", "es/report/", "es/resources/plyler-v-doe/"]

CACHES = """async () => { const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map(r => r.url);
  }
  return out; }"""

SHOWN = """window.shown = [];
new MutationObserver(() => {
  const box = document.querySelector('.offline[data-state]');
  const last = window.shown[window.shown.length - 1];
  if (box && (!last || last[0] !== box.dataset.state))
    window.shown.push([box.dataset.state, box.querySelector('p').textContent]);
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});"""
"""Records each offline status the page shows, in order, as [state, text]."""

WORKERS = """async () => (await navigator.serviceWorker.getRegistrations()).map(r =>
  [(r.active || r.waiting || r.installing || {}).scriptURL, r.scope])"""


def language_files(site: Path, tag: str, pdfs: bool = True) -> set[str]:
    """What a reader of `tag` should have saved: the language's pages (and PDFs), the shared
    assets and the manifest, as URLs from the site's root (never the language chooser)."""
    files = {f"offline/{tag}.json"}
    files |= {p.relative_to(site).as_posix() for p in (site / "assets").iterdir()}
    files |= {p.relative_to(site).as_posix().removesuffix("index.html")
              for p in (site / tag).rglob("*") if p.is_file()}
    if pdfs and (site / "pdf" / tag).is_dir():
        files |= {p.relative_to(site).as_posix() for p in (site / "pdf" / tag).glob("*.pdf")}
    return files


def on_disk(site: Path, name: str) -> Path:
    return site / (name + "index.html" if name.endswith("/") else name)


# -- the manifests -------------------------------------------------------------------------


def test_each_language_manifest_lists_its_own_files_with_their_hashes(hartford: Hub) -> None:
    site = hartford.site
    for tag, name in (("en", "English"), ("es", "Español"), ("ar", "العربية")):
        manifest = json.loads((site / manifest_path(tag)).read_text(encoding="utf-8"))
        files, pdfs = manifest["files"], manifest["pdfs"]
        assert manifest["language"] == tag and re.fullmatch(r"[0-9a-f]{16}", manifest["version"])
        assert (manifest["name"], manifest["dir"]) == (name, "rtl" if tag == "ar" else "ltr")
        assert set(files) == language_files(site, tag, pdfs=False) - {f"offline/{tag}.json"}
        assert f"{tag}/offline/" in files  # the page shown offline for what is not saved
        assert set(pdfs) == language_files(site, tag) - language_files(site, tag, pdfs=False)
        assert pdfs and all(name.startswith(f"pdf/{tag}/") for name in pdfs)
        assert not [n for n in files if n.startswith(("_", "offline/", "pdf/", ".")) or "/." in n]
        for name, (digest, size) in (files | pdfs).items():
            data = on_disk(site, name).read_bytes()
            assert hashlib.sha256(data).hexdigest()[:16] == digest and len(data) == size, name
    assert (site / "sw.js").read_bytes().startswith(b"/* Haven's offline worker")


def test_a_change_in_one_language_changes_only_its_version(tmp_path: Path) -> None:
    content = hartford_with(["en", "es", "ar"], tmp_path / "content")
    site = tmp_path / "site"
    build(content, site, pdf=False)
    before = {tag: json.loads((site / manifest_path(tag)).read_bytes()) for tag in ("en", "es", "ar")}
    assert before["es"]["pdfs"] == {}  # --no-pdf
    po = content / "translations" / "es.po"
    text = po.read_text(encoding="utf-8")
    translated = re.search(r'msgctxt "hub:name"\nmsgid "[^"]*"\nmsgstr "([^"]+)"', text)
    assert translated is not None
    po.write_text(text.replace(translated.group(1), translated.group(1) + " (2)", 1), encoding="utf-8")
    build(content, site, pdf=False)
    after = {tag: json.loads((site / manifest_path(tag)).read_bytes()) for tag in ("en", "es", "ar")}
    assert after["en"] == before["en"] and after["ar"] == before["ar"]
    assert after["es"]["version"] != before["es"]["version"]
    changed = {n for n, d in after["es"]["files"].items() if before["es"]["files"].get(n) != d}
    assert changed and all(name.startswith("es/") for name in changed)


def test_a_hub_can_turn_offline_use_off(make_hub: Any, tmp_path: Path) -> None:
    root = make_hub()
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text(encoding="utf-8") + "offline: false\n", encoding="utf-8")
    site = tmp_path / "site"
    build(root, site, pdf=False)
    assert not (site / "offline").exists() and not (site / asset_path("offline.js")).exists()
    assert "offline.js" not in (site / "es" / "index.html").read_text(encoding="utf-8")
    # Phones that saved the hub before: the worker they check for updates removes itself.
    retire = (site / "sw.js").read_text(encoding="utf-8")
    assert "unregister()" in retire and "fetch" not in retire


# -- in the browser ------------------------------------------------------------------------


class Hub:
    """A built hub served on 127.0.0.1, counting the requests that reach the server.

    Stalled (`stall()`), it still accepts every connection and reads every request, but
    answers none, as a network that opens and then says nothing, until `answer()`."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.requested: list[str] = []
        self.server = make_headers_server(site)
        handler = self.server.RequestHandlerClass
        assert isinstance(handler, functools.partial)
        requested = self.requested
        self.silent = threading.Event()
        self.released = threading.Event()
        hub = self

        class Counting(handler.func):  # type: ignore[name-defined,misc]
            def send_head(self) -> Any:
                requested.append(urlsplit(self.path).path)
                if hub.silent.is_set():
                    hub.released.wait(60)
                    self.close_connection = True
                    return None  # not a byte of an answer
                return super().send_head()

        self.server.RequestHandlerClass = functools.partial(Counting, **handler.keywords)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.root = self.origin + "/"

    def stall(self) -> None:
        self.released.clear()
        self.silent.set()

    def answer(self) -> None:
        self.silent.clear()
        self.released.set()

    def close(self) -> None:
        self.answer()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def hartford(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """The Hartford hub in English, Spanish and Arabic, with its PDFs, served.

    Its files are dated a month back, as on a host: the server sends no Cache-Control for
    pages, so the browser's own cache may answer a page it saw recently, even offline (the
    page must still say it is the saved copy). The freshly built hub of the update test
    covers the other way, where the worker answers from its copy."""
    base = tmp_path_factory.mktemp("offline")
    build(hartford_with(["en", "es", "ar"], base / "content"), base / "site")
    month_ago = time.time() - 30 * 86400
    for path in (base / "site").rglob("*"):
        os.utime(path, (month_ago, month_ago))
    hub = Hub(base / "site")
    yield hub
    hub.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile: nothing saved yet."""
    context = browser.new_context(service_workers="allow", viewport={"width": 390, "height": 800})
    yield context
    context.close()


def status(page: Any, state: str) -> Any:
    """The offline status box once it shows `state` (saving, saved, copy, off, failed)."""
    box = page.locator(f".offline[data-state={state}]")
    box.wait_for(timeout=15_000)
    return box


def words(site: Path, page: str, word: str) -> str:
    """The text the page gives the script for `word` (its data- attribute)."""
    html = (site / page / "index.html").read_text(encoding="utf-8")
    found = re.search(rf' data-{word}="([^"]*)"', html)
    assert found is not None, word
    return found.group(1)


SAVE_DATA = """Object.defineProperty(NetworkInformation.prototype, 'saveData',
  {get: () => true, configurable: true});"""
"""The browser's data-saver turned on (Chrome's setting, read by pages as connection.saveData)."""


def saved_urls(page: Any, hub: Hub) -> set[str]:
    """Every file saved on the phone, as URLs from the site's root."""
    return {u.removeprefix(hub.root) for urls in page.evaluate(CACHES).values() for u in urls}


def wait_for_pdfs(page: Any, hub: Hub, tag: str) -> None:
    wanted = language_files(hub.site, tag)
    deadline = time.monotonic() + 15
    while not wanted <= saved_urls(page, hub) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert wanted <= saved_urls(page, hub)


def pdf_requests(hub: Hub) -> list[str]:
    return [path for path in hub.requested if path.startswith("/pdf/")]


@needs_chromium
def test_opening_a_language_saves_its_pages_at_once_and_its_pdfs_on_a_second_visit(
        hartford: Hub, context: Any) -> None:
    hartford.requested.clear()
    page = context.new_page()
    page.add_init_script(SHOWN)
    page.goto(hartford.root + "es/")
    box = status(page, "saved")
    shown = page.evaluate("window.shown")
    assert [state for state, _ in shown] == ["saving", "saved"]
    assert shown[0][1] == words(hartford.site, "es", "saving")  # "Guardando estas páginas…"
    saved = words(hartford.site, "es", "saved")
    assert saved.startswith("Guardadas en este teléfono")  # the reader's language
    text = box.locator("p[role=status]").inner_text()
    assert text.startswith(saved.split("{date}")[0]) and "{date}" not in text
    assert re.search(r"\d{4}", text), "the date it was saved"
    assert box.locator("p").first.get_attribute("lang") is None  # in the page's own language
    assert page.locator("footer .offline").count() == 1
    buttons = box.locator("button")
    assert buttons.nth(1).inner_text() == words(hartford.site, "es", "remove")

    # The pages only, at once; what they take, and what the PDFs would, in kB as Spanish writes it.
    manifest = json.loads((hartford.site / manifest_path("es")).read_bytes())
    version = manifest["version"]
    caches = page.evaluate(CACHES)
    assert list(caches) == [f"haven-offline {hartford.root} es {version}"]
    assert saved_urls(page, hartford) == language_files(hartford.site, "es", pdfs=False)
    assert pdf_requests(hartford) == []
    pages = sum(size for _, size in manifest["files"].values())
    pdfs = sum(size for _, size in manifest["pdfs"].values())
    size = box.locator("p.size").inner_text()
    assert f"{round(pages / 1000)} kB" in size and f"{round(pdfs / 1000)} kB" in size, size
    assert size.startswith(words(hartford.site, "es", "pages-size").split("{size}")[0])
    assert buttons.first.inner_text().endswith(f"({round(pdfs / 1000)} kB)")
    assert page.evaluate(WORKERS) == [[hartford.root + "sw.js", hartford.root]]

    # Opened a second time, without the data-saver: the PDFs too.
    page.goto(hartford.root + "es/help/")
    wait_for_pdfs(page, hartford, "es")
    assert saved_urls(page, hartford) == language_files(hartford.site, "es")
    assert sorted(pdf_requests(hartford)) == sorted("/" + name for name in manifest["pdfs"])
    assert not [u for u in saved_urls(page, hartford) if re.search(r"^(en|ar)/|^_|^pdf/(en|ar)/", u)]
    page.goto(hartford.root + "es/report/")
    box = status(page, "saved")
    box.locator("p.size").filter(has_text=f"{round((pages + pdfs) / 1000)} kB").wait_for()
    assert box.locator("button").count() == 1  # nothing more to save: only "remove"


@needs_chromium
def test_with_the_data_saver_on_the_pdfs_wait_until_the_reader_asks(hartford: Hub,
                                                                   context: Any) -> None:
    hartford.requested.clear()
    context.add_init_script(SAVE_DATA)
    page = context.new_page()
    for path in ("ar/", "ar/help/", "ar/report/"):
        page.goto(hartford.root + path)
        assert page.evaluate("navigator.connection.saveData") is True
        box = status(page, "saved")
    page.wait_for_timeout(500)
    assert pdf_requests(hartford) == [], "no PDF fetched on a data-saving phone"
    assert saved_urls(page, hartford) == language_files(hartford.site, "ar", pdfs=False)
    ask = box.locator("button[data-action=savePdfs]")
    assert ask.inner_text().startswith(words(hartford.site, "ar", "save-pdfs").split("(")[0])
    ask.click()
    wait_for_pdfs(page, hartford, "ar")
    manifest = json.loads((hartford.site / manifest_path("ar")).read_bytes())
    assert sorted(pdf_requests(hartford)) == sorted("/" + name for name in manifest["pdfs"])
    # Asked once, the PDFs stay saved (and up to date) on the next visits.
    page.goto(hartford.root + "ar/")
    status(page, "saved").locator("button[data-action=savePdfs]").wait_for(state="detached")


@needs_chromium
def test_on_a_network_that_never_answers_the_saved_copy_opens_within_seconds(
        hartford: Hub, context: Any) -> None:
    page = context.new_page()
    page.goto(hartford.root + "es/")
    status(page, "saved")
    # Not in the browser's own cache either (the hub's old files would be fresh there).
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    hartford.stall()
    try:
        hartford.requested.clear()
        started = time.monotonic()
        response = page.goto(hartford.root + "es/help/legal-help/", timeout=20_000)
        box = status(page, "slow")
        elapsed = time.monotonic() - started
        print(f"saved copy shown after {elapsed:.1f} s on a silent network")
        assert response is not None and response.ok and response.from_service_worker
        assert "/es/help/legal-help/" in hartford.requested, "the network was tried first"
        assert elapsed < 8, "the saved copy, not the browser's long wait"
        slow = words(hartford.site, "es", "slow")
        assert box.locator("p[role=status]").inner_text().startswith(slow.split("{date}")[0])
        assert page.locator("main > .offline.notice:first-child").count() == 1
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", "its stylesheet"
        # What helps instead: the saved languages, and the number to call.
        links = box.locator("a")
        assert links.first.get_attribute("href") == hartford.root + "es/offline/"
        assert links.nth(1).get_attribute("href") == "tel:+18606958400"
        # Another saved page opens at once while the network stays silent (no second wait).
        page.goto(hartford.root + "es/report/", timeout=20_000)
        status(page, "slow")
        waited = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
        assert waited < 2000, waited
        # A page never saved (English): after a longer wait, the page of the saved languages.
        response = page.goto(hartford.root + "en/", timeout=30_000)
        assert response is not None and response.ok and response.from_service_worker
        assert [a.get_attribute("hreflang") for a in page.locator("main ul.list a").all()] == ["es"]
        status(page, "slow")
    finally:
        hartford.answer()
    page.wait_for_timeout(200)


@needs_chromium
def test_saved_pages_open_offline_and_say_it_is_the_saved_copy(hartford: Hub, context: Any) -> None:
    page = context.new_page()
    page.goto(hartford.root + "es/")
    status(page, "saved")
    page.goto(hartford.root + "es/help/")  # a second visit: the PDFs too
    wait_for_pdfs(page, hartford, "es")
    context.set_offline(True)
    copy = words(hartford.site, "es", "copy").split("{date}")[0]
    for path in ES_PAGES:
        response = page.goto(hartford.root + path)
        assert response is not None and response.ok and response.from_service_worker, path
        box = status(page, "copy")
        assert box.locator("p[role=status]").inner_text().startswith(copy), path
        assert page.locator("main > .offline.notice:first-child").count() == 1, "shown first"
        assert page.locator("h1").count() == 1
    # The wallet card opens too, whole (the Cache API is read here: pages may not fetch()).
    card = hartford.root + "pdf/es/card-letter.pdf"
    response = page.goto(card)
    assert response is not None and response.ok and response.from_service_worker
    assert response.headers["content-type"] == "application/pdf"
    page.goto(hartford.root + "es/")
    saved = page.evaluate("""async url => { const r = await caches.match(url);
        const body = new Uint8Array(await r.arrayBuffer());
        return [body.length, String.fromCharCode(...body.slice(0, 5))]; }""", card)
    assert saved == [(hartford.site / "pdf/es/card-letter.pdf").stat().st_size, "%PDF-"]
    # Back online, the page comes from the hub again and is not called the saved copy.
    context.set_offline(False)
    page.goto(hartford.root + ES_PAGES[0])
    status(page, "saved")
    assert page.locator(".offline[data-state=copy]").count() == 0


@needs_chromium
def test_offline_the_chooser_and_other_languages_list_the_languages_saved(hartford: Hub,
                                                                          context: Any) -> None:
    page = context.new_page()
    for tag in ("ar", "es"):
        page.goto(hartford.root + tag + "/")
        status(page, "saved")
    context.set_offline(True)
    title = words(hartford.site, "es", "list")  # any word of the page's: the title is its own
    page.goto(hartford.root + "es/help/")
    status(page, "copy")
    page.locator("header a.langs").click()  # the language chooser, never saved
    page.wait_for_url(hartford.root)
    expected = (hartford.site / "es/offline/index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1>(.*?)</h1>", expected)
    assert heading is not None
    assert page.locator("h1").inner_html() == heading.group(1), "the Spanish page of what is saved"
    assert page.evaluate("document.documentElement.lang") == "es" and title
    listed = page.locator("main ul.list a")
    assert [(a.inner_text(), a.get_attribute("lang"), a.get_attribute("dir"))
            for a in listed.all()] == [("Español", "es", "ltr"), ("العربية", "ar", "rtl")]
    assert page.locator("main .callbox a.tel").count() == 1
    status(page, "copy")  # and it says it is the saved copy
    if AXE.is_file():
        assert axe_violations(page) == []
    # Its stylesheet and links work at the chooser's address.
    assert page.evaluate("getComputedStyle(document.querySelector('.skip')).position") == "absolute"
    listed.nth(1).click()
    page.wait_for_url(hartford.root + "ar/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    status(page, "copy")
    # The notice's link to what is saved: the same list, at the page's own address.
    page.locator(".offline.notice a").first.click()
    page.wait_for_url(hartford.root + "ar/offline/")
    assert page.locator("main ul.list a").count() == 2
    assert page.evaluate("document.documentElement.lang") == "ar"
    # English was never opened: its address gets the same page, from the language saved last.
    response = page.goto(hartford.root + "en/help/")
    assert response is not None and response.ok and response.from_service_worker
    assert page.locator("main ul.list a").count() == 2


@needs_chromium
def test_a_second_language_is_saved_beside_the_first(hartford: Hub, context: Any) -> None:
    page = context.new_page()
    page.goto(hartford.root + "es/")
    status(page, "saved")
    page.goto(hartford.root + "ar/")
    box = status(page, "saved")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert box.locator("p[role=status]").inner_text().startswith(
        words(hartford.site, "ar", "saved").split("{date}")[0])
    names = sorted(name.split()[2] for name in page.evaluate(CACHES))
    assert names == ["ar", "es"]  # a family phone keeps both; English was never opened
    context.set_offline(True)
    for path in ("es/report/", "ar/report/"):
        response = page.goto(hartford.root + path)
        assert response is not None and response.ok, path
        status(page, "copy")


@needs_chromium
@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed")
def test_every_offline_status_is_accessible_and_removing_is_respected(hartford: Hub,
                                                                      context: Any) -> None:
    page = context.new_page()
    page.goto(hartford.root + "ar/help/")
    status(page, "saved")
    assert axe_violations(page) == []
    context.set_offline(True)
    page.goto(hartford.root + "ar/report/")
    status(page, "copy")
    assert axe_violations(page) == []
    # Offline, removing asks first; "no" keeps everything.
    box = page.locator(".offline[data-state=copy]")
    box.locator("button[data-action=remove]").click()
    assert box.locator("button").all_inner_texts() == [words(hartford.site, "ar", "yes"),
                                                        words(hartford.site, "ar", "no")]
    assert words(hartford.site, "ar", "confirm") in box.inner_text()
    assert page.evaluate("document.activeElement.dataset.action") == "no", "the safe choice first"
    assert axe_violations(page) == []
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.action") == "remove"
    assert [name.split()[2] for name in page.evaluate(CACHES)] == ["ar"]
    context.set_offline(False)
    page.goto(hartford.root + "ar/")
    wait_for_pdfs(page, hartford, "ar")  # opened again: the PDFs are saved too
    button = status(page, "saved").locator("button[data-action=remove]")
    button.focus()
    outline = button.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "the focused button shows where focus is"
    page.keyboard.press("Enter")
    assert [name.split()[2] for name in page.evaluate(CACHES)] == ["ar"], "not removed yet"
    assert page.evaluate("document.activeElement.dataset.action") == "no"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "yes"
    page.keyboard.press("Enter")  # "yes, remove them"
    box = status(page, "off")
    assert page.evaluate("document.activeElement.localName") == "button", "focus stays"
    assert box.locator("button").inner_text() == words(hartford.site, "ar", "save")
    assert axe_violations(page) == []
    # Removed: nothing is kept but the reader's "no" (an empty cache), and nothing runs.
    assert list(page.evaluate(CACHES).values()) == [[]]
    assert page.evaluate(WORKERS) == []
    page.goto(hartford.root + "ar/help/")
    status(page, "off")
    assert page.evaluate(WORKERS) == []
    page.locator(".offline button").click()
    status(page, "saved")
    assert [name.split()[2] for name in page.evaluate(CACHES)] == ["ar"]


@needs_chromium
def test_without_javascript_nothing_about_offline_appears(hartford: Hub, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, service_workers="allow")
    try:
        page = context.new_page()
        for path in ("es/", "es/help/"):
            page.goto(hartford.root + path)
            page.wait_for_timeout(300)
            assert page.locator(".offline").count() == 0
            body = page.inner_text("body")
            for word in ("saving", "saved", "remove"):
                assert words(hartford.site, "es", word).split("{date}")[0] not in body
        assert context.service_workers == []
    finally:
        context.close()


@needs_chromium
def test_a_hub_in_a_sub_folder_saves_under_its_folder(hartford: Hub, context: Any,
                                                      tmp_path: Path) -> None:
    (tmp_path / "families").symlink_to(hartford.site, target_is_directory=True)
    host = Hub(tmp_path)  # the whole host: the hub is one folder of it
    try:
        page = context.new_page()
        page.goto(host.root + "families/es/help/")
        status(page, "saved")
        root = host.root + "families/"
        assert page.evaluate(WORKERS) == [[root + "sw.js", root]]
        urls = [u for entries in page.evaluate(CACHES).values() for u in entries]
        assert {u.removeprefix(root) for u in urls} == language_files(hartford.site, "es", pdfs=False)
    finally:
        host.close()


@needs_chromium
def test_a_changed_hub_replaces_the_saved_copy_and_downloads_only_what_changed(
        browser: Any, tmp_path: Path) -> None:
    content = hartford_with(["en", "es"], tmp_path / "content")
    site = tmp_path / "site"
    build(content, site)
    hub = Hub(site)
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        page.goto(hub.root + "es/")
        status(page, "saved")
        old = list(page.evaluate(CACHES))
        before = json.loads((site / manifest_path("es")).read_bytes())["files"]
        assert before
        org = content / "directory" / "hartford-public-library-the-american-place.yaml"
        text = org.read_text(encoding="utf-8")
        org.write_text(text.replace("name: Hartford Public Library", "name: Hartford Public Library (updated)", 1),
                       encoding="utf-8")
        assert "(updated)" in org.read_text(encoding="utf-8")
        build(content, site)
        manifest = json.loads((site / manifest_path("es")).read_bytes())
        version = manifest["version"]
        changed = {"/" + n for n, d in manifest["files"].items() if before.get(n) != d}
        assert "/pdf/es/card-letter.pdf" not in changed and len(changed) < 20
        hub.requested.clear()
        # Online, the reader sees the current page at once (network first), ...
        page.goto(hub.root + "es/help/org/hartford-public-library-the-american-place/")
        assert "(updated)" in page.locator("h1").inner_text()
        # ... and the saved copy is replaced by the new version, whole.
        new = f"haven-offline {hub.root} es {version}"
        deadline = time.monotonic() + 15
        while list(page.evaluate(CACHES)) != [new] and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert list(page.evaluate(CACHES)) == [new] != old
        page_itself = {"/es/help/org/hartford-public-library-the-american-place/", "/sw.js",
                       "/offline/es.json", f"/{asset_path('haven.css')}",
                       f"/{asset_path('offline.js')}", f"/{asset_path('icon.svg')}"}
        # (The PDFs, never saved before, are saved now: the language's second page view.)
        fetched = set(hub.requested) - page_itself - {"/" + name for name in manifest["pdfs"]}
        assert fetched and fetched <= changed, "only changed files are fetched again"
        context.set_offline(True)
        page.goto(hub.root + "es/help/org/hartford-public-library-the-american-place/")
        status(page, "copy")
        assert "(updated)" in page.locator("h1").inner_text()
        context.set_offline(False)

        # The district turns offline use off: phones that saved the hub forget it.
        hub_yaml = content / "hub.yaml"
        hub_yaml.write_text(hub_yaml.read_text(encoding="utf-8") + "offline: false\n", encoding="utf-8")
        build(content, site, pdf=False)
        page.goto(hub.root + "es/")
        deadline = time.monotonic() + 15
        while (page.evaluate(WORKERS) or page.evaluate(CACHES)) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert page.evaluate(WORKERS) == [] and page.evaluate(CACHES) == {}
    finally:
        context.close()
        hub.close()


def test_a_language_takes_less_than_a_megabyte_of_a_phone(hartford: Hub) -> None:
    """What one language costs an old phone (printed with -s, for the record)."""
    for tag in ("en", "es", "ar"):
        manifest = json.loads((hartford.site / manifest_path(tag)).read_bytes())
        files = manifest["files"] | manifest["pdfs"]
        sizes = {n: size for n, (_, size) in files.items()}
        pdf = sum(size for n, size in sizes.items() if n.endswith(".pdf"))
        total = sum(sizes.values())
        print(f"{tag}: {len(files)} files, {total:,} bytes ({total - pdf:,} without the PDFs)")
        assert total < 1_000_000


@needs_chromium
def test_a_copy_saved_by_the_earlier_worker_is_kept_without_downloading_it_again(
        hartford: Hub, context: Any) -> None:
    """Phones that saved a language before sizes were listed (files: {path: hash}, the PDFs
    among them) move to the new listing with no file downloaded again, PDFs kept."""
    page = context.new_page()
    page.goto(hartford.root + "es/")
    status(page, "saved")
    page.goto(hartford.root + "es/help/")
    wait_for_pdfs(page, hartford, "es")
    manifest = json.loads((hartford.site / manifest_path("es")).read_bytes())
    earlier = {"version": "0123456789abcdef", "saved": "2026-01-02T03:04:05.000Z",
               "files": {n: h for n, (h, _) in (manifest["files"] | manifest["pdfs"]).items()}}
    page.evaluate("""async ([url, entry]) => {
        const name = (await caches.keys())[0];
        const from = await caches.open(name);
        const to = await caches.open(name.replace(/ [0-9a-f]{16}$/, ' ' + entry.version));
        for (const request of await from.keys()) await to.put(request, await from.match(request));
        await to.put(url, new Response(JSON.stringify(entry)));
        await caches.delete(name);
    }""", [hartford.root + manifest_path("es"), earlier])
    assert [name.split()[3] for name in page.evaluate(CACHES)] == [earlier["version"]]
    hartford.requested.clear()
    page.goto(hartford.root + "es/report/")
    new = [f"haven-offline {hartford.root} es {manifest['version']}"]
    deadline = time.monotonic() + 15
    while list(page.evaluate(CACHES)) != new and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # the old copy is dropped once the new one is complete
    assert list(page.evaluate(CACHES)) == new
    assert saved_urls(page, hartford) == language_files(hartford.site, "es")  # PDFs kept
    assert set(hartford.requested) <= {"/es/report/", "/sw.js", "/offline/es.json",
                                       "/assets/haven.css", "/assets/offline.js"}
