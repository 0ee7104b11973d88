"""Dates as readers of each language write them.

CLDR's long date is right for most languages. Where its data is thin, Babel prints
placeholders: Haitian Creole's months are "M1" … "M12", so a date read "2026 M10 30". There,
Haven uses month names of its own (`OWN_MONTHS`) with a day-month-year pattern, or else a
numeric date that needs no words (2026-10-30). A hub sets its own pattern per language in
hub.yaml (`date_formats: {ht: "d MMMM yyyy"}`), in CLDR's pattern letters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache

from babel import Locale
from babel.dates import DateTimePattern, get_date_format, parse_pattern

from haven.cache import kept_text
from haven.languages import cldr_locale

OWN_MONTHS: dict[str, tuple[str, ...]] = {
    "ht": ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm", "oktòb",
           "novanm", "desanm"),
}
"""Month names, January first, for languages whose CLDR data has none (placeholders)."""

OWN_PATTERNS = {"ht": "d MMMM yyyy"}
"""The long date pattern for languages of OWN_MONTHS (Kreyòl: 30 oktòb 2026)."""

NUMERIC = "yyyy-MM-dd"
"""When no month names exist in the language: a date with no words, in no one's order but ISO's."""

_PLACEHOLDER_MONTH = re.compile(r"^M\d{1,2}$")
_MONTH_WORDS = re.compile(r"MMMM+|LLLL+|MMM|LLL")


def has_month_names(locale: Locale | None) -> bool:
    """Whether CLDR gives real month names for `locale` (not "M1" … "M12")."""
    if locale is None:
        return False
    wide = locale.months.get("format", {}).get("wide", {})
    return bool(wide) and not any(_PLACEHOLDER_MONTH.match(str(name)) for name in wide.values())


def date_pattern(tag: str, override: str | None = None) -> str:
    """The long date pattern of language `tag`: the hub's, else CLDR's when its month names
    are real, else Haven's own (OWN_PATTERNS), else numeric."""
    if override:
        return override
    locale = cldr_locale(tag)
    if has_month_names(locale):
        assert locale is not None
        return str(get_date_format("long", locale=locale).pattern)
    return OWN_PATTERNS.get(tag.split("-")[0], NUMERIC)


def format_long_date(value: dt.date, tag: str, formats: Mapping[str, str] | None = None) -> str:
    """`value` as a long date in language `tag`, with the hub's `formats` (tag → pattern);
    kept in Haven's cache folder once formatted (haven.cache.kept_text: Babel loads a
    language's whole CLDR data to format its first date)."""
    override = (formats or {}).get(tag)
    return kept_text(tag, f"date|{override or ''}|{value.isoformat()}",
                     lambda: _format(value, tag, override))


@lru_cache(maxsize=4096)
def _format(value: dt.date, tag: str, override: str | None) -> str:
    pattern, locale, months = _compiled(tag, override)
    if months is not None:  # month names of Haven's own, as quoted literals
        name = "'" + months[value.month - 1].replace("'", "''") + "'"
        return str(parse_pattern(_MONTH_WORDS.sub(name, pattern.pattern)).apply(value, locale))
    return str(pattern.apply(value, locale))


@lru_cache(maxsize=256)
def _compiled(tag: str, override: str | None) -> tuple[DateTimePattern, Locale, tuple[str, ...] | None]:
    pattern = date_pattern(tag, override)
    locale = cldr_locale(tag)
    months = None
    if not has_month_names(locale):
        months = OWN_MONTHS.get(tag.split("-")[0])
        if months is None:  # no month names anywhere: numbers rather than English or "M10"
            pattern = _MONTH_WORDS.sub("MM", pattern)
    return parse_pattern(pattern), locale or Locale.parse("en"), months


def check_pattern(pattern: str) -> str | None:
    """What is wrong with a date pattern written in hub.yaml, or None."""
    try:
        parsed = parse_pattern(pattern)
    except (ValueError, KeyError) as exc:
        return f"'{pattern}' is not a date pattern ({exc})"
    used = _Fields()
    _ = str(vars(parsed)["format"]) % used
    fields = used.letters
    if not {"y", "d"} <= fields or not ({"M", "L"} & fields):
        return f"'{pattern}' does not give the day, the month and the year"
    return None


class _Fields(dict[str, str]):
    """Collects the pattern letters a parsed pattern uses (its format's %(field)s keys)."""

    def __init__(self) -> None:
        super().__init__()
        self.letters: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.letters.add(key[0])
        return ""
