"""A page's `<meta name="description">`: the first sentence of its first paragraph of prose,
in the page's language, at most 160 characters (what search engines show under the title)."""

from __future__ import annotations

import re

from markupsafe import Markup

LIMIT = 160
SHORTEST = 24
"""A paragraph shorter than this (a label, "Hours") is passed over for the next one."""

_PARAGRAPH = re.compile(r"<p\b([^>]*)>(.*?)</p>", re.DOTALL)
_SKIPPED = re.compile(r'class="[^"]*\b(?:notice|unconfirmed|status|big|skip)\b')
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔।])\s+(?=\S)|(?<=[。！？])")


def describe(main: str, fallback: str, limit: int = LIMIT) -> str:
    """The description of a page whose `<main>` is `main` (HTML); `fallback` (plain text)
    when it has no paragraph of prose. Plain text: the template escapes it."""
    text = ""
    for attrs, inner in _PARAGRAPH.findall(main):
        if _SKIPPED.search(attrs):
            continue
        found = " ".join(Markup(inner).striptags().split())
        if len(found) >= SHORTEST:
            text = found
            break
    return shorten(first_sentence(text or " ".join(fallback.split())), limit)


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text, maxsplit=1)[0].strip()


def shorten(text: str, limit: int = LIMIT) -> str:
    """`text` cut to `limit` characters at a word boundary where there is one, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"
