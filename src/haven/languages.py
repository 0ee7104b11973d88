"""What Haven knows about a language: its name in itself, in English, and its direction.

CLDR (through Babel) knows most languages; for those it lacks (S'gaw Karen, Hmong,
Chuukese …) the hub's own endonym table below, or names in hub.yaml, fill in.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import babel
from babel import Locale, UnknownLocaleError

from haven.cache import cache_folder, keep_in_cache, kept_text, made_by

Direction = Literal["ltr", "rtl"]

# Languages CLDR lacks, or that libraries get wrong: tag → (endonym, English name, direction).
ENDONYMS: dict[str, tuple[str, str, Direction]] = {
    "ksw": ("ကညီကျိာ်", "S'gaw Karen", "ltr"),
    "hmn": ("Hmoob", "Hmong", "ltr"),
    "chk": ("Chuuk", "Chuukese", "ltr"),
    "mh": ("Kajin M̧ajeļ", "Marshallese", "ltr"),
    "cnh": ("Laiholh", "Hakha Chin", "ltr"),
    "mam": ("Qyool Mam", "Mam", "ltr"),
    "kri": ("Krio", "Krio", "ltr"),
    "prs": ("دری", "Dari", "rtl"),
    "tl": ("Tagalog", "Tagalog", "ltr"),  # CLDR would say Filipino (fil)
    "kac": ("Jinghpaw", "Kachin", "ltr"),
    "din": ("Thuɔŋjäŋ", "Dinka", "ltr"),
    "kg": ("Kikongo", "Kongo", "ltr"),
    "ilo": ("Ilokano", "Ilocano", "ltr"),
    "kjb": ("Qʼanjobʼal", "Qʼanjobʼal", "ltr"),
    "jam": ("Patwa", "Jamaican Patois", "ltr"),
    "kmr": ("Kurmancî", "Kurdish (Kurmanji)", "ltr"),  # CLDR: "Kurdî (kurmancî) (latînî, Türkiye)"
}

# Tags a district uses that CLDR knows under another name.
CLDR_ALIASES = {"prs": "fa_AF", "tl": "fil"}

RTL_FALLBACK = {"ar", "fa", "ps", "ur", "ckb", "he", "yi", "dv", "ug", "sd", "prs"}


@dataclass(frozen=True)
class Language:
    """A served language, named as its readers name it."""

    tag: str
    """The BCP 47 tag the district uses, kept as written (prs stays prs)."""
    endonym: str
    english_name: str
    direction: Direction
    cldr: str | None
    """The Babel locale used for CLDR data (dates), or None where CLDR has none."""

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


@cache
def cldr_locale(tag: str) -> Locale | None:
    """Babel's locale for a tag, through the alias table; None when CLDR lacks it."""
    identifier = CLDR_ALIASES.get(tag, tag.replace("-", "_"))
    try:
        return Locale.parse(identifier)
    except (UnknownLocaleError, ValueError):
        return None


@cache
def language(tag: str, endonym: str | None = None, english_name: str | None = None) -> Language:
    """Describe `tag`; names given by the hub win over the tables."""
    name, english, direction, cldr = _described(tag)
    return Language(
        tag=tag,
        endonym=endonym or name,
        english_name=english_name or english,
        direction=direction,
        cldr=cldr,
    )


def _described(tag: str) -> tuple[str, str, Direction, str | None]:
    """(endonym, English name, direction, CLDR locale) from the tables, as kept on disk."""
    known = _kept_names()
    if tag in known:
        return known[tag]
    own = ENDONYMS.get(tag)
    locale = cldr_locale(tag)
    direction: Direction
    if own:
        name, english, direction = own
    elif locale is not None:
        name = _capitalize(locale.get_display_name(locale) or tag)
        english = locale.get_display_name("en") or tag
        direction = "rtl" if locale.text_direction == "rtl" else "ltr"
    else:
        english = str(Locale.parse("en").languages.get(tag) or tag)
        name = tag
        direction = "rtl" if tag.split("-")[0] in RTL_FALLBACK else "ltr"
    found = known[tag] = (name, english, direction, str(locale) if locale is not None else None)
    _keep_names(known)
    return found


@cache
def _kept_names() -> dict[str, tuple[str, str, Direction, str | None]]:
    """What earlier runs worked out (reading a locale's CLDR data for its name costs a few
    milliseconds each, twenty languages a tenth of a second), from Haven's cache folder,
    keyed by Haven's and Babel's versions and these tables (template_cache.py: the same
    folder; anything unreadable is ignored and worked out again)."""
    try:
        data = json.loads(_names_file().read_bytes())
        return {tag: (str(v[0]), str(v[1]), "rtl" if v[2] == "rtl" else "ltr",
                      None if v[3] is None else str(v[3])) for tag, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError, IndexError, KeyError):
        return {}


def _keep_names(known: dict[str, tuple[str, str, Direction, str | None]]) -> None:
    keep_in_cache(_names_file(),
                  json.dumps({tag: list(value) for tag, value in known.items()}).encode())


@cache
def _names_file() -> Path:
    from haven import __version__

    tables = repr((ENDONYMS, CLDR_ALIASES, sorted(RTL_FALLBACK), babel.__version__, __version__))
    key = hashlib.sha256(tables.encode()).hexdigest()[:16]
    return cache_folder() / f"languages-{key}.json"


def tag_is_valid(tag: str) -> bool:
    """`langcodes.tag_is_valid(tag)`, the tags found valid remembered in Haven's cache folder
    (keyed by langcodes' and language_data's versions): importing langcodes' tables cost every
    build 40 ms before anything else could start, for the few tags a hub serves."""
    kept = _kept_tags()
    if tag in kept:
        return True
    import langcodes  # only for a tag no earlier run found valid

    valid = bool(langcodes.tag_is_valid(tag))
    if valid:
        kept.add(tag)
        keep_in_cache(_tags_file(), json.dumps(sorted(kept)).encode())
    return valid


@cache
def _kept_tags() -> set[str]:
    try:
        data = json.loads(_tags_file().read_bytes())
        return {tag for tag in data if isinstance(tag, str)} if isinstance(data, list) else set()
    except (OSError, ValueError):
        return set()


@cache
def _tags_file() -> Path:
    from importlib import metadata

    versions = []
    for name in ("langcodes", "language-data"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return cache_folder() / f"language-tags-{made_by(';'.join(versions))}.json"


def _capitalize(name: str) -> str:
    # Georgian has no capital letters in running text: upper() would give Mtavruli (Ქართული).
    if name[:1] and "\u10d0" <= name[0] <= "\u10ff":
        return name
    return name[:1].upper() + name[1:]


@cache
def name_for(target: Language, page: Language) -> str:
    """`target`'s name as readers of a page in language `page` expect it.

    In itself on its own pages; on English pages its English name (the hub's, else Haven's
    table, else CLDR's: "Dari", "S'gaw Karen", never "Persian (Afghanistan)" or a name in
    another script); on other pages CLDR's name in the page's language, for the tag itself
    before its CLDR alias ("darí", not "persa (Afganistán)"); else its name in itself.
    """
    if target.tag == page.tag:
        return target.endonym
    if page.tag.split("-")[0] == "en":
        return target.english_name
    if page.cldr is not None:
        name = _cldr_name(target.tag, page.cldr)
        if name:
            return name
    return target.endonym


@cache
def _cldr_name(tag: str, page_locale: str) -> str | None:
    """CLDR's name of `tag` in `page_locale`, kept in Haven's cache folder once found (the
    first costs loading the page language's whole CLDR data)."""
    return kept_text(page_locale, f"name|{tag}", lambda: _named_in(tag, page_locale) or "") or None


def _named_in(tag: str, page_locale: str) -> str | None:
    try:
        page = Locale.parse(page_locale)
    except (UnknownLocaleError, ValueError):
        return None
    own = page.languages.get(tag.replace("-", "_"))
    if own:
        return str(own)
    if tag in CLDR_ALIASES or tag in ENDONYMS:
        return None  # CLDR knows it under another name: that name would mislead
    target = cldr_locale(tag)
    name = target.get_display_name(page) if target is not None else None
    return str(name) if name else None


def has_name(tag: str) -> bool:
    """Whether Haven can name `tag` at all (its table or CLDR), without the hub's help."""
    if tag in ENDONYMS or cldr_locale(tag) is not None:
        return True
    english = Locale.parse("en").languages
    return tag.replace("-", "_") in english or tag.split("-")[0] in english
