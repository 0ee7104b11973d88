"""Accessibility: axe-core in real Chromium on every kind of page, and a keyboard-only walk.

axe-core is the npm package, installed by scripts/test.sh into tests/a11y/node_modules
(`npm ci --prefix tests/a11y`, from the committed lock file).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from haven.build import build
from tests.conftest import hartford_with, local_server, needs_chromium

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    needs_chromium,
]

LANGUAGES = ["en", "es", "ar", "zh-Hans", "my"]
KINDS = {
    "home": "{lang}/",
    "document": "{lang}/superintendent-letter/",
    "help": "{lang}/help/",
    "topic": "{lang}/help/legal-help/",
    "filter": "{lang}/help/accreditation/law-school-clinic/",
    "organization": "{lang}/help/org/hartford-public-library-the-american-place/",
    "report": "{lang}/report/",
    "resources": "{lang}/resources/",
    "resource": "{lang}/resources/plyler-v-doe/",
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("a11y")
    site = base / "site"
    build(hartford_with(LANGUAGES, base / "content"), site)
    with local_server(site) as origin:
        yield origin


def axe_violations(page: Any) -> list[str]:
    """Run axe-core in the page (CDP evaluation is not subject to the page's CSP)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    assert result["passes"], "axe-core ran no check"
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] + ": " + n["failureSummary"].replace("\n", " ")
                        for n in v["nodes"][:3])
            for v in result["violations"]]


def test_axe_core_is_installed() -> None:
    assert AXE.is_file(), ("axe-core is missing: run 'bash scripts/test.sh', or "
                           "'npm ci --prefix tests/a11y'")


needs_axe = pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed")


@needs_axe
def test_axe_finds_what_it_should(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content("<html><body><img src='x.png'><a href='#'></a></body></html>")
        found = " ".join(axe_violations(page))
        assert "image-alt" in found and "link-name" in found and "html-has-lang" in found
    finally:
        page.close()


@needs_axe
def test_every_kind_of_page_has_no_wcag_22_aa_violation(browser: Any, base_url: str) -> None:
    width = 390  # a phone: the families' usual screen
    page = browser.new_page(viewport={"width": width, "height": 900})
    checked = 0
    failures: dict[str, list[str]] = {}
    try:
        urls = {"chooser": f"{base_url}/"}
        for lang in LANGUAGES:
            for kind, path in KINDS.items():
                urls[f"{kind} ({lang})"] = f"{base_url}/{path.format(lang=lang)}"
        for name, url in urls.items():
            response = page.goto(url)
            assert response is not None and response.ok, url
            found = axe_violations(page)
            checked += 1
            if found:
                failures[f"{name} {url}"] = found
    finally:
        page.close()
    print(f"axe-core: {checked} pages at {width}px, {len(failures)} with violations")
    assert checked == 1 + len(LANGUAGES) * len(KINDS)
    assert failures == {}, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in failures.items())


FOCUS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {href: e.getAttribute('href') || (e.localName !== 'a' && e.localName !== 'body' ? e.localName : null),
          tag: e.localName, outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth), shadow: s.boxShadow,
          visible: r.width > 0 && r.height > 0}; }"""


def walk(page: Any, limit: int = 400) -> list[dict[str, Any]]:
    """Press Tab until focus leaves the page or comes back round; every stop on the way."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused["tag"] == "body" or (stops and focused == stops[0] and len(stops) > 1):
            break
        stops.append(focused)
    return stops


def links_of(page: Any) -> list[str]:
    """Every visible link and control, in page order: a link's href, else the control's tag."""
    return list(page.evaluate(
        "[...document.querySelectorAll('a[href], button, input')]"
        ".filter(a => a.getClientRects().length)"
        ".map(a => a.getAttribute('href') || a.localName)"))


OFFLINE_SETTLED = """() => { const s = document.querySelector('script[data-worker]');
  return !s || /^(saved|copy|off|failed)$/.test(s.dataset.state || ''); }"""


def settle(page: Any) -> None:
    """Wait until the offline script says what it saved: its status line and button are there."""
    page.wait_for_function(OFFLINE_SETTLED, timeout=15_000)


@pytest.mark.parametrize("path", ["", "en/help/", "ar/help/", "my/help/legal-help/"])
def test_keyboard_alone_reaches_every_link_with_visible_focus(browser: Any, base_url: str,
                                                              path: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.goto(f"{base_url}/{path}")
        settle(page)
        stops = walk(page)
        assert [s["href"] for s in stops] == links_of(page), "Tab order should follow the page"
        if path.endswith("/help/"):  # the filters and the search box, made by the page's script
            assert {"input", "button"} <= {s["tag"] for s in stops}
        for stop in stops:
            assert stop["visible"], f"{stop['href']} is focused but not visible"
            assert (stop["outline"] != "none" and stop["width"] >= 2) or stop["shadow"] != "none", \
                f"{stop['href']} shows no focus indicator"
    finally:
        page.close()


def test_keyboard_follows_the_chooser_into_a_language_and_its_directory(
        browser: Any, base_url: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{base_url}/")
        hrefs = [s["href"] for s in walk(page)]
        for lang in LANGUAGES:
            assert any(h and h.rstrip("/").endswith(lang) for h in hrefs), lang
        page.goto(f"{base_url}/")
        target = next(h for h in hrefs if h and h.rstrip("/").endswith("es"))
        for _ in range(hrefs.index(target) + 1):
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base_url}/es/**")
        stops = walk(page)
        help_link = next(s for s in stops if s["href"] and s["href"].rstrip("/").endswith("help"))
        page.goto(page.url)
        for _ in range(stops.index(help_link) + 1):
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base_url}/es/help/")
        directory = [s["href"] for s in walk(page)]
        assert any("org/" in (h or "") for h in directory), directory
    finally:
        page.close()
