"""Fonts for printed material: one font family per script, and proof that it has every glyph.

Typst shapes the text (rustybuzz, the Rust port of HarfBuzz) and embeds a subset of each font
it uses. What Typst cannot do is refuse to print a character no installed font has: it would
draw an empty box. So before compiling, every character of every language's text is looked up
in the cmap of the fonts chosen for that language (its script's, then the source language's,
then Latin). A character those lack (a Chinese name on an English flyer, a symbol) gets the
first installed font that has it, added to the end of the chain Typst falls back through; a
character no installed font has is an `UnprintableError`, which the build reports at the
file and line that hold it. A missing font of the language's own script is a `FontError`
naming the Debian package to install.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import langcodes
import typst
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from haven.errors import HavenError

CORE = "fonts-noto-core"
CJK = "fonts-noto-cjk"

LATIN = "Noto Sans"

SCRIPT_FONTS: dict[str, tuple[tuple[str, ...], str]] = {
    # ISO 15924 script → (font families, first found first used; Debian package)
    "Latn": ((LATIN,), CORE),
    "Cyrl": ((LATIN,), CORE),
    "Grek": ((LATIN,), CORE),
    "Arab": (("Noto Naskh Arabic",), CORE),
    "Hebr": (("Noto Sans Hebrew",), CORE),
    "Hans": (("Noto Sans CJK SC",), CJK),
    "Hant": (("Noto Sans CJK TC",), CJK),
    "Jpan": (("Noto Sans CJK JP",), CJK),
    "Kore": (("Noto Sans CJK KR",), CJK),
    "Mymr": (("Noto Sans Myanmar",), CORE),
    "Deva": (("Noto Sans Devanagari",), CORE),
    "Beng": (("Noto Sans Bengali",), CORE),
    "Guru": (("Noto Sans Gurmukhi",), CORE),
    "Gujr": (("Noto Sans Gujarati",), CORE),
    "Taml": (("Noto Sans Tamil",), CORE),
    "Telu": (("Noto Sans Telugu",), CORE),
    "Knda": (("Noto Sans Kannada",), CORE),
    "Mlym": (("Noto Sans Malayalam",), CORE),
    "Sinh": (("Noto Sans Sinhala",), CORE),
    "Thai": (("Noto Sans Thai",), CORE),
    "Laoo": (("Noto Sans Lao",), CORE),
    "Khmr": (("Noto Sans Khmer",), CORE),
    "Ethi": (("Noto Sans Ethiopic",), CORE),
    "Armn": (("Noto Sans Armenian",), CORE),
    "Geor": (("Noto Sans Georgian",), CORE),
    "Tibt": (("Noto Serif Tibetan",), CORE),
    "Cher": (("Noto Sans Cherokee",), CORE),
    "Thaa": (("Noto Sans Thaana",), CORE),
}

# Languages whose script libraries get wrong or leave open (languages.md).
SCRIPT_OF: dict[str, str] = {
    "ksw": "Mymr",  # S'gaw Karen: langcodes guesses Latin
    "prs": "Arab",
    "hmn": "Latn",
    "zh": "Hans",
    "yue": "Hant",
}

# Urdu is read in Nastaliq; Naskh follows for any letter Nastaliq lacks.
LANGUAGE_FONTS: dict[str, tuple[str, ...]] = {
    "ur": ("Noto Nastaliq Urdu", "Noto Naskh Arabic"),
}

DEFAULT_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts")

_IGNORABLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn"}
"""Categories not checked alone: spaces, controls, bidi marks, and combining marks (checked
with their base letter's font by the shaper; every Noto font carries its script's marks)."""


class FontError(HavenError):
    """A language cannot be printed because a font is missing."""


@dataclass(frozen=True)
class FontChoice:
    """The fonts one language is printed with."""

    script: str
    families: tuple[str, ...]
    package: str


def font_dirs() -> list[str]:
    """Where fonts are looked for: HAVEN_FONT_PATH (colon-separated), else Debian's folders."""
    configured = os.environ.get("HAVEN_FONT_PATH")
    candidates = configured.split(os.pathsep) if configured else DEFAULT_FONT_DIRS
    return [str(Path(p).expanduser()) for p in candidates if Path(p).expanduser().is_dir()]


def script_of(tag: str) -> str:
    """The ISO 15924 script a language tag is written in."""
    parsed = langcodes.Language.get(tag)
    if parsed.script:
        return str(parsed.script)
    if parsed.language in SCRIPT_OF:
        return SCRIPT_OF[str(parsed.language)]
    maximized = parsed.maximize()
    return str(maximized.script or "Latn")


def choose(tag: str, source_tag: str) -> FontChoice:
    """The font families for pages in `tag`: its script's, the source language's, then Latin."""
    script = script_of(tag)
    families, package = SCRIPT_FONTS.get(script, ((), f"{CORE} fonts-noto-extra"))
    primary = LANGUAGE_FONTS.get(langcodes.Language.get(tag).language or "", families)
    source_families = SCRIPT_FONTS.get(script_of(source_tag), ((LATIN,), CORE))[0]
    chain = tuple(dict.fromkeys((*primary, *source_families, LATIN)))
    return FontChoice(script, chain, package)


@cache
def installed(dirs: tuple[str, ...]) -> dict[str, tuple[str, int]]:
    """Installed font families → (file, index in collection) of their regular face."""
    found: dict[str, tuple[str, int, int]] = {}
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                        font_paths=list(dirs))
    for info in fonts.fonts():
        if info.style != "normal" or info.path is None:
            continue
        distance = abs(info.weight - 400)
        best = found.get(info.family)
        if best is None or distance < best[2]:
            found[info.family] = (info.path, info.index, distance)
    return {family: (path, index) for family, (path, index, _) in found.items()}


@cache
def _cmap(path: str, index: int) -> frozenset[int]:
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


FALLBACK_FIRST = ("Noto Sans CJK SC", "Noto Sans Symbols", "Noto Sans Symbols2",
                  "Noto Sans Math", "Noto Color Emoji", "Noto Emoji")
"""Fonts tried first for a character the language's own fonts lack: Han in the Simplified
Chinese design (pages in Japanese, Korean or Traditional Chinese choose their own above),
then symbols. Every other installed family follows: Noto Sans, then Noto Serif, then the rest."""


_SCRIPT_FAMILIES = tuple(dict.fromkeys(
    family for families, _ in SCRIPT_FONTS.values() for family in families))


class UnprintableError(FontError):
    """Some characters are in no installed font; `chars` says which."""

    def __init__(self, tag: str, name: str, chars: Sequence[str]) -> None:
        self.tag, self.name, self.chars = tag, name, list(chars)
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in self.chars[:5])
        super().__init__(
            f"cannot print {name} ({tag}): no installed font has the characters {shown} — "
            "remove or replace them, or install a font that has them, then run the command "
            "again (or build with --no-pdf)"
        )


def check(tag: str, name: str, choice: FontChoice, texts: Iterable[str],
          dirs: Sequence[str]) -> FontChoice:
    """`choice`, with a fallback font added for each character its fonts lack.

    Raises FontError when one of the language's own fonts is not installed, and
    UnprintableError (naming the characters) when no installed font has a character."""
    fonts = installed(tuple(dirs))
    missing = [family for family in choice.families if family not in fonts]
    if missing:
        family = missing[0]
        package = _package_of(family)
        raise FontError(
            f"cannot print {name} ({tag}): the font '{family}' is not installed — install "
            f"Debian's package {package} (sudo apt-get install {package}), or put the font in "
            f"one of {', '.join(dirs) or 'the font folders'}, then run the command again"
        )
    coverage = [_cmap(*fonts[family]) for family in choice.families]
    uncovered: dict[str, None] = {}
    for text in texts:
        for char in set(text):
            if char in uncovered or unicodedata.category(char) in _IGNORABLE:
                continue
            if not any(ord(char) in cmap for cmap in coverage):
                uncovered[char] = None
    if not uncovered:
        return choice
    added, unprintable = fallbacks(sorted(uncovered), tuple(dirs))
    if unprintable:
        raise UnprintableError(tag, name, unprintable)
    return FontChoice(choice.script, (*choice.families, *added), choice.package)


def fallbacks(chars: Sequence[str], dirs: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The installed families, in fallback order, that give `chars` a glyph; and the
    characters no installed font has."""
    fonts = installed(dirs)
    left = {ord(char) for char in chars}
    added = []
    for family in sorted(fonts, key=_fallback_rank):
        if not left:
            break
        has = left & _cmap(*fonts[family])
        if has:
            added.append(family)
            left -= has
    return added, [chr(code) for code in sorted(left)]


def _fallback_rank(family: str) -> tuple[int, int, str]:
    if family in FALLBACK_FIRST:
        return (0, FALLBACK_FIRST.index(family), family)
    if family in _SCRIPT_FAMILIES:  # a script's letters as its own pages print them
        return (0, len(FALLBACK_FIRST) + _SCRIPT_FAMILIES.index(family), family)
    plain = not any(word in family for word in ("Mono", "Display", "UI", "Unjoined"))
    if family.startswith("Noto Sans ") and plain:
        return (1, 0, family)
    if family.startswith("Noto Serif ") and plain:
        return (2, 0, family)
    return (3, 0, family)


def _package_of(family: str) -> str:
    for families, package in SCRIPT_FONTS.values():
        if family in families:
            return package
    return CORE
