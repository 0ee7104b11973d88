"""The Hartford hub in real Chromium (Debian's, driven by Playwright) over a loopback server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from haven.build import build
from haven.example import example_content
from tests.conftest import local_server, needs_chromium

pytestmark = needs_chromium

PAGES = ["", "superintendent-letter/", "know-your-rights/", "help/", "help/legal-help/",
         "help/org/hartford-public-library-the-american-place/", "report/", "resources/"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("browser") / "site"
    build(example_content(), out, pdf=False)
    with local_server(out) as origin:
        yield origin


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
@pytest.mark.parametrize("width", [320, 640])
def test_no_horizontal_scrolling_and_no_foreign_requests(browser: object, base_url: str,
                                                         lang: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800},  # type: ignore[attr-defined]
                                  device_scale_factor=2 if width == 640 else 1)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        for path in ["../"] + PAGES:
            url = f"{base_url}/{lang}/{path}" if path != "../" else f"{base_url}/"
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {width}px"
            assert page.evaluate("getComputedStyle(document.body).fontSize") >= "16px"
        assert requested and all(u.startswith(base_url) for u in requested), requested
        assert context.cookies() == []
    finally:
        context.close()


def test_keyboard_reaches_a_visible_skip_link_first(browser: object, base_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{base_url}/ar/help/")
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
            " const s = getComputedStyle(e); return {href: e.getAttribute('href'), w: r.width,"
            " h: r.height, outline: s.outlineStyle, bg: s.backgroundColor}; })()")
        assert focused["href"] == "#main"
        assert focused["w"] > 0 and focused["h"] > 0
        page.keyboard.press("Enter")
        page.wait_for_function("location.hash === '#main'", timeout=5000)
        assert page.url.endswith("#main")
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "focused link has no visible outline"
    finally:
        page.close()


def test_right_to_left_page_is_laid_out_right_to_left(browser: object, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})  # type: ignore[attr-defined]
    try:
        page.goto(f"{base_url}/ar/")
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        tel = page.locator("a.tel").first
        assert tel.evaluate("e => getComputedStyle(e).direction") == "ltr"
        brand = page.locator(".brand").bounding_box()
        langs = page.locator(".langs").bounding_box()
        assert brand is not None and langs is not None
        assert brand["x"] + brand["width"] >= langs["x"] + langs["width"] - 1, "brand should start at the right"
        first_item = page.locator("nav li").first.bounding_box()
        assert first_item is not None and first_item["x"] > 100, "navigation should start at the right"
    finally:
        page.close()
