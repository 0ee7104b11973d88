"""The one way Haven fills {placeholders} in text that people write (translators above all).

Only a plain `{name}` from the string's own fixed list is filled; nothing else in braces is
ever interpreted: no attribute access (`{value.__class__}`), no indexing (`{date[x]}`), no
format spec (`{count:>10}`) or conversion (`{phone!r}`). Python's `str.format` would do all
of these with the values it is given, which let a translation reach the build machine's
environment; so no translated or written text is ever passed to it.

`problem()` says what is wrong with a text before it is accepted (`haven translate import`,
the build reading a catalog, validation of outreach text); `fill()` fills a text already
accepted, and leaves anything it does not know as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from functools import cache

from haven.ui import UI_STRINGS

_NAME = re.compile(r"\{(\w+)\}")
_BRACES = re.compile(r"\{[^{}]*\}|[{}]")
_PLAIN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

OUTREACH = frozenset({"phone", "link"})
"""What outreach text may hold in braces: the hub's number and its page in the language."""

_OUTREACH_IDS = frozenset({"hub:outreach.sms", "hub:outreach.email_subject",
                           "hub:outreach.email_body", "hub:outreach.voice"})


def names(text: str) -> frozenset[str]:
    """The plain `{name}` placeholders of a text."""
    return frozenset(_PLAIN.findall(text))


@cache
def allowed(seg_id: str) -> frozenset[str] | None:
    """The placeholders a segment's text may hold, or None when Haven fills none in it
    (a description or a document's text: braces there are just braces)."""
    if seg_id.startswith("ui:"):
        source = UI_STRINGS.get(seg_id[3:])
        return names(source) if source is not None else frozenset()
    if seg_id in _OUTREACH_IDS:
        return OUTREACH
    return None


def problem(text: str, allowed_names: Collection[str]) -> str | None:
    """What is wrong with the braces of `text`, whose placeholders may only be
    `allowed_names`: a message ending in how to fix it, or None when all is well."""
    if "{" not in text and "}" not in text:
        return None
    wanted = ", ".join(f"{{{n}}}" for n in sorted(allowed_names)) or "none"
    for found in _BRACES.finditer(text):
        token = found.group(0)
        plain = _PLAIN.fullmatch(token)
        if plain is not None and plain.group(1) in allowed_names:
            continue
        if token in ("{", "}"):
            what = f"a lone '{token}'"
        elif plain is not None:
            what = f"{token} is not a placeholder of this text"
        else:
            what = f"{_show(token)} is not a plain placeholder (only {{name}} is filled in)"
        return (f"{what} — the placeholders of this text are {wanted}: keep them exactly as "
                "the source writes them, and use no other braces")
    return None


def _show(token: str) -> str:
    return token if len(token) <= 40 else token[:37] + "…}"


def segment_problem(seg_id: str, text: str) -> str | None:
    """What is wrong with the placeholders of a translation of segment `seg_id`, if any."""
    names_ = allowed(seg_id)
    return None if names_ is None else problem(text, names_)


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each plain `{name}` in `values` replaced; everything else left as it is.

    The values are inserted as given: escape them first for HTML.
    """
    if "{" not in text:
        return text
    return _NAME.sub(lambda m: values.get(m.group(1), m.group(0)), text)


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters no text may hold (tab, line feed and carriage return may): the
renderer's own markers are made of them, and they show as nothing or garbage anyway."""

_UNPRINTABLE = {
    "Cn": ("a code point Unicode has not assigned (U+{code})",
           "no font has it and readers would see an empty box: remove it, or retype the text"),
    "Co": ("a private-use character (U+{code})",
           ("it means something only on the computer it came from, and prints as an empty "
            "box: remove it, or replace it with the ordinary character or word")),
    "Cs": ("half of a character (a lone surrogate, U+{code})",
           "remove it, or copy the text again from a plain-text source"),
}
"""Unicode categories no text may hold: unassigned, private use, surrogates."""


MAX_TEXT = 1_000_000
"""The longest text (in characters) one translation may have: the longest page of a hub is
a few thousand; a million is a mistake (a whole book pasted in), and would be slow to check,
write and publish in every language."""


def text_problem(text: str) -> str | None:
    """A message when a translation is too long, or holds a character no text may hold."""
    if len(text) > MAX_TEXT:
        return (f"the text is {len(text):,} characters long, more than the {MAX_TEXT:,} Haven "
                "accepts in one entry — translate the text this entry's source holds, no more")
    return control_problem(text)


def control_problem(text: str) -> str | None:
    """A message when `text` holds a control character, or a code point that is unassigned,
    private-use or half a surrogate pair, naming which one."""
    found = bad_character(text)
    return None if found is None else found[1]


def bad_character(text: str) -> tuple[int, str] | None:
    """Where `text` first holds a character no text may hold, and the message saying why."""
    found = CONTROL.search(text)
    if found is not None:
        return found.start(), (
            f"the text contains an invisible control character (U+{ord(found.group(0)):04X}) "
            "— remove it: retype the text, or copy it again from a plain-text source")
    if text.isascii():
        return None
    for index, char in enumerate(text):
        if ord(char) >= 0x378 and (kind := unicodedata.category(char)) in _UNPRINTABLE:
            what, hint = _UNPRINTABLE[kind]
            return index, f"the text contains {what.format(code=f'{ord(char):04X}')} — {hint}"
    return None
