"""Right-to-left pages in Debian's Chromium: Arabic, Dari, Pashto, Farsi and Urdu.

Each page is screenshotted (into pytest's tmp folder) and its layout measured: text starts at
the right edge, navigation reads from right to left, phone numbers and e-mail addresses stay
left-to-right inside it. The stylesheet uses only logical properties.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from haven.build import build
from haven.example import example_content
from tests.conftest import local_server, needs_chromium

RTL = ["ar", "prs", "ps", "fa", "ur"]
PHYSICAL = re.compile(
    r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right)\s*:"
    r"|float\s*:\s*(?:left|right)|text-align\s*:\s*(?:left|right)|clear\s*:\s*(?:left|right)")


def test_stylesheet_uses_logical_properties_only() -> None:
    css = (resources.files("haven.render") / "static" / "haven.css").read_text(encoding="utf-8")
    assert PHYSICAL.findall(css) == []
    assert "margin-inline" in css and "inset-inline-start" in css


browser_only = needs_chromium


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("rtl") / "site"
    build(example_content(), out, pdf=False)
    with local_server(out) as origin:
        yield origin


# Measures one page: where the h1's text sits in main's content box, the navigation items, the
# first phone link and e-mail link (their direction and where their first and last letters are).
MEASURE = """() => {
  const box = e => e.getBoundingClientRect();
  const text = e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect(); };
  const glyph = (e, i) => { const t = e.firstChild; const r = document.createRange();
    r.setStart(t, i); r.setEnd(t, i + 1); return r.getBoundingClientRect(); };
  const main = document.querySelector('main'); const ms = getComputedStyle(main);
  const h1 = document.querySelector('main h1');
  const ltr = sel => { const e = document.querySelector(sel); if (!e) return null;
    const s = getComputedStyle(e); const n = e.textContent.length;
    return {text: e.textContent, direction: s.direction, bidi: s.unicodeBidi,
            first: glyph(e, 0).left, last: glyph(e, n - 1).left}; };
  return {
    dir: document.documentElement.dir, direction: getComputedStyle(document.body).direction,
    contentLeft: box(main).left + parseFloat(ms.paddingLeft),
    contentRight: box(main).right - parseFloat(ms.paddingRight),
    h1: {left: text(h1).left, right: text(h1).right},
    nav: [...document.querySelectorAll('nav li')].map(li => ({left: box(li).left, right: box(li).right, top: box(li).top})),
    navRight: box(document.querySelector('nav ul')).right,
    tel: ltr('main a.tel'), email: ltr('main a[href^="mailto:"]'),
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


def _measure(browser: Any, url: str, shot: Path, width: int = 480) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.screenshot(path=str(shot), full_page=True)
        facts: dict[str, Any] = page.evaluate(MEASURE)
    finally:
        page.close()
    assert shot.stat().st_size > 5_000
    return facts


def _reads_left_to_right(link: dict[str, Any] | None) -> None:
    assert link is not None
    assert link["direction"] == "ltr" and link["bidi"] == "isolate", link
    assert link["first"] < link["last"], f"{link['text']} is drawn right to left"


@browser_only
@pytest.mark.parametrize("lang", RTL)
def test_right_to_left_page_layout(browser: Any, base_url: str, tmp_path: Path, lang: str) -> None:
    facts = _measure(browser, f"{base_url}/{lang}/report/", tmp_path / f"{lang}-report.png")
    assert (facts["dir"], facts["direction"]) == ("rtl", "rtl")
    assert facts["overflow"] <= 0
    # The heading starts at the right edge of the content box and does not fill the line.
    assert abs(facts["h1"]["right"] - facts["contentRight"]) <= 1.5, facts
    assert facts["h1"]["left"] > facts["contentLeft"] + 40, facts
    # Navigation reads from right to left: the first item is rightmost, the next on its left.
    nav = facts["nav"]
    assert abs(nav[0]["right"] - facts["navRight"]) <= 1.5, nav
    pairs = [(a, b) for a, b in pairwise(nav) if abs(a["top"] - b["top"]) < 2]
    assert pairs and all(b["right"] <= a["left"] for a, b in pairs), nav
    # A phone number and an e-mail address inside right-to-left text stay left-to-right.
    _reads_left_to_right(facts["tel"])
    _reads_left_to_right(facts["email"])


@browser_only
def test_left_to_right_page_is_the_mirror_image(browser: Any, base_url: str, tmp_path: Path) -> None:
    facts = _measure(browser, f"{base_url}/en/report/", tmp_path / "en-report.png")
    assert (facts["dir"], facts["direction"]) == ("ltr", "ltr")
    assert abs(facts["h1"]["left"] - facts["contentLeft"]) <= 1.5, facts
    nav = facts["nav"]
    pairs = [(a, b) for a, b in pairwise(nav) if abs(a["top"] - b["top"]) < 2]
    assert pairs and all(a["right"] <= b["left"] for a, b in pairs), nav
