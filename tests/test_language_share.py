"""bench/language_share.py: how words are counted, and which are in the page's language."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def share() -> ModuleType:
    spec = importlib.util.spec_from_file_location("language_share", BENCH / "language_share.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_words_are_counted_by_spaces_and_dense_scripts_by_half_letters(share: ModuleType) -> None:
    assert share.count_words("Call us, please.") == 3
    assert share.count_words("(860) 695-8400 · 2026") == 0  # no letters: in no language
    assert share.count_words("مرحبا بكم") == 2
    assert share.count_words("律师法律援助") == 3  # six Han characters, about three words
    assert share.count_words("ဖုန်းဆက်ပါ") == 5  # Myanmar letters and signs: ten code points
    assert share.count_words("WhatsApp上联系") == 1 + 1.5


def test_foreign_text_is_text_whose_nearest_lang_differs_from_the_page(share: ModuleType) -> None:
    html = """<!doctype html><html lang="ar"><head><title>not counted</title></head><body>
    <nav>not counted either</nav><main><h1>مرحبا بكم</h1>
    <p><span lang="en">two <b>words</b></span> هنا</p>
    <div lang="en"><p lang="ar">عربي</p> English</div>
    <script type="application/ld+json">{"name": "not text"}</script>
    <template><input placeholder="x">hidden words</template></main></body></html>"""
    found = share.page_share(html)
    assert (found.own, found.foreign) == (4, 3)
    assert round(found.percent) == 57

