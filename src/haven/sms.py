"""SMS encoding and segment counting, following GSM 03.38 (3GPP TS 23.038) exactly.

- A message whose every character is in the GSM 7-bit default alphabet, or in its extension
  table, is sent as GSM-7. An extension character (form feed ^ { } \\ [ ] ~ | €) is sent as
  an escape plus the character: it costs two septets.
- One character outside those tables makes the whole message UCS-2 (in practice UTF-16):
  each character costs one 16-bit unit, and a character outside the Basic Multilingual Plane
  (most emoji, some CJK) costs two (a surrogate pair).
- One message carries 160 septets or 70 units. A longer message is split into parts with a
  concatenation header, leaving 153 septets or 67 units per part. Carriers never split an
  escape pair or a surrogate pair across two parts: the pair moves whole to the next part,
  which can leave a part one short. `split_segments` splits the same way, and the segment
  count is the number of parts it makes.

The tables are those of Unicode's mapping file GSM0338.TXT. Its 0x1B (escape) is not a
character, and 0x09 is the capital Ç.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from haven.placeholders import fill

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The GSM 7-bit default alphabet: 127 characters (the 128th code is the escape)."""

GSM7_EXTENSION = frozenset("\f^{}\\[]~|€")
"""The extension table: each character is sent as escape + character, two septets."""

SINGLE = {"GSM-7": 160, "UCS-2": 70}
"""Septets (GSM-7) or UTF-16 units (UCS-2) in a message sent whole."""
PART = {"GSM-7": 153, "UCS-2": 67}
"""Septets or units per part of a concatenated message (the rest is the part's header)."""
DEFAULT_BUDGET = 2
"""SMS segments a hub's text message may take when hub.yaml says nothing."""


@dataclass(frozen=True)
class SmsInfo:
    """How a text travels as SMS."""

    encoding: Encoding
    units: int
    """Septets for GSM-7, UTF-16 code units for UCS-2."""
    segments: int
    """The number of SMS the carrier sends (and bills)."""
    characters: int
    """Characters (code points) in the text."""
    non_gsm: tuple[str, ...]
    """The characters that make the text UCS-2, each once, in order of appearance."""

    @property
    def per_segment(self) -> int:
        return SINGLE[self.encoding] if self.segments <= 1 else PART[self.encoding]


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` is in the GSM-7 default or extension table."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def encoding_of(text: str) -> Encoding:
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def cost(char: str, encoding: Encoding) -> int:
    """Septets or UTF-16 units one character costs in a message of `encoding`."""
    if encoding == "GSM-7":
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def units(text: str, encoding: Encoding | None = None) -> int:
    """Septets (GSM-7) or UTF-16 units (UCS-2) of `text`."""
    enc = encoding or encoding_of(text)
    return sum(cost(c, enc) for c in text)


def split_segments(text: str) -> list[str]:
    """The parts a carrier sends, in order; an escape or surrogate pair is never cut.

    Python strings hold code points, so a part boundary always falls between characters:
    a two-unit character that does not fit in what is left of a part goes whole to the next.
    """
    enc = encoding_of(text)
    if units(text, enc) <= SINGLE[enc]:
        return [text]
    limit = PART[enc]
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        size = cost(char, enc)
        if used + size > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    parts.append("".join(current))
    return parts


def analyze(text: str) -> SmsInfo:
    """Encoding, length in units and exact segment count of `text` as an SMS."""
    enc = encoding_of(text)
    non_gsm = tuple(dict.fromkeys(c for c in text if c not in GSM7_BASIC and c not in GSM7_EXTENSION))
    return SmsInfo(
        encoding=enc,
        units=units(text, enc),
        segments=len(split_segments(text)),
        characters=len(text),
        non_gsm=non_gsm,
    )


# -- the hub's text message, as sent ------------------------------------------------------------
# Shared by the outreach files and `haven translate check`, which holds each translation of
# the text message to the hub's budget.


def language_link(base_url: str, tag: str) -> str:
    """The hub's short address in a language, like https://host/es/."""
    return f"{base_url.rstrip('/')}/{tag}/"


def fill_message(text: str, phone: str, url: str, call: str | None, sep: str,
          add_link: bool = True) -> str:
    """Put the number and the link where the text says; add what it leaves out at the end."""
    filled = fill(text, {"phone": phone, "link": url})
    extra = []
    if "{phone}" not in text:
        extra.append(f"{call}: {phone}" if call else phone)
    if add_link and "{link}" not in text:
        extra.append(url)
    return sep.join([filled.rstrip(), *extra]) if extra else filled


def budget_warnings(text: str, budget: int) -> list[str]:
    """Why `text` is over `budget` SMS segments, and how to bring it under (or nothing)."""
    info = analyze(text)
    if info.segments <= budget:
        return []
    warning = (f"{info.segments} SMS segments ({info.encoding}, {info.units} "
               f"{'septets' if info.encoding == 'GSM-7' else 'units'}), over the hub's budget "
               f"of {budget}: shorten it to {budget * PART[info.encoding]} or fewer")
    if info.encoding == "UCS-2" and len(info.non_gsm) <= 5:
        shown = " ".join(info.non_gsm)
        warning += f", or replace {shown} to send it as GSM-7"
    return [warning + "."]
