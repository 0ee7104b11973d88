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
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Za-z]\.)+|\b(?:Dr|Mr|Mrs|Ms|St|No|Nos|vs|etc|Jr|Sr|Rev|Gov|Inc|Co|Ave)\.)$")
"""A full stop that ends an abbreviation ("U.S.", "Dr."), not a sentence."""


def describe(main: str, title: str, limit: int = LIMIT) -> str:
    """The description of a page whose `<main>` is `main` (HTML) and whose title is `title`
    (plain text): its first sentence of prose, after the title when the sentence does not
    name it (pages of one kind often begin alike); the title alone when it has no prose.
    Plain text: the template escapes it."""
    title = " ".join(title.split())
    for found_paragraph in _PARAGRAPH.finditer(main):  # the first that will do: stop there
        attrs, inner = found_paragraph.groups()
        if _SKIPPED.search(attrs):
            continue
        found = " ".join(Markup(inner).striptags().split())
        if len(found) >= SHORTEST:
            sentence = first_sentence(found)
            if title and title.casefold() not in sentence.casefold():
                sentence = f"{title}: {sentence}"
            return shorten(sentence, limit)
    return shorten(title, limit)


def first_sentence(text: str) -> str:
    for end in _SENTENCE_END.finditer(text):
        before = text[: end.start()]
        if not _ABBREVIATION.search(before):
            return before.strip()
    return text.strip()


def shorten(text: str, limit: int = LIMIT) -> str:
    """`text` cut to `limit` characters at a word boundary where there is one, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"
