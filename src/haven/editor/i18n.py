"""The editor's interface strings: marked with `_()`, translated through PO catalogs.

The English text is the msgid. `locale/editor.pot` holds every string of the editor's Python
and templates (regenerate it with `python scripts/extract_editor_strings.py`; a test checks
that it is current); `locale/<tag>.po` holds a language's translations, read with the same
Babel reader as Haven's other catalogs. Only translated entries that are not fuzzy, and
whose placeholders (`{name}`) are those of the English, are used; every other string stays
English. The language is the editor's, chosen once (`haven edit --language`), and set for
each request's thread with `use()`.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from haven.errors import HavenError
from haven.i18n.catalog import read_babel
from haven.languages import language

LOCALE = Path(__file__).parent / "locale"
TEMPLATE = LOCALE / "editor.pot"
ENV = "HAVEN_EDITOR_LOCALE"
_FIELD = re.compile(r"\{[^{}]*\}")


@dataclass
class EditorCatalog:
    """One language's usable translations of the editor's strings."""

    tag: str
    singular: dict[str, str] = field(default_factory=dict)
    plural: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    plural_expr: str = "(n != 1)"
    refused: list[str] = field(default_factory=list)
    """Entries left in English because their placeholders differ from the English."""

    @property
    def empty(self) -> bool:
        return not self.singular and not self.plural

    def page_language(self) -> tuple[str, str]:
        """`lang` and `dir` for the editor's pages: the catalog's language if it translates
        anything, else English (a page of English text must not claim to be Arabic)."""
        if self.empty:
            return "en", "ltr"
        return self.tag, language(self.tag).direction

    def gettext(self, message: str) -> str:
        return self.singular.get(message) or message

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        forms = self.plural.get((singular, plural))
        if not forms:
            return singular if count == 1 else plural
        index = _plural_index(self.plural_expr, count)
        return forms[index] if 0 <= index < len(forms) else forms[-1]


def _plural_index(expr: str, count: int) -> int:
    return int(gettext.c2py(expr)(count))


def _same_fields(source: str, text: str) -> bool:
    return sorted(_FIELD.findall(source)) == sorted(_FIELD.findall(text))


def usable(message: Message) -> bool:
    """Whether an entry's translation may be shown: translated, not fuzzy."""
    if not message.id or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(isinstance(s, str) and s for s in strings)


def catalog_from(tag: str, catalog: Catalog) -> EditorCatalog:
    found = EditorCatalog(tag, plural_expr=catalog.plural_expr)
    for message in catalog:
        if not usable(message):
            continue
        if isinstance(message.id, (list, tuple)):
            singular, plural = str(message.id[0]), str(message.id[1])
            forms = [str(s) for s in message.string or ()]
            if all(_same_fields(plural, f) or _same_fields(singular, f) for f in forms):
                found.plural[(singular, plural)] = forms
            else:
                found.refused.append(singular)
        else:
            source, text = str(message.id), str(message.string)
            if _same_fields(source, text):
                found.singular[source] = text
            else:
                found.refused.append(source)
    return found


def catalog_path(tag: str) -> Path | None:
    """The catalog of `tag`: in the folder HAVEN_EDITOR_LOCALE names, if set and it has one
    (for translators trying a catalog before it ships), else Haven's own."""
    folders = [Path(os.environ[ENV])] if os.environ.get(ENV) else []
    for folder in [*folders, LOCALE]:
        path = folder / f"{tag}.po"
        if path.is_file():
            return path
    return None


def editor_catalog(tag: str) -> EditorCatalog:
    """The editor's translations into `tag` (none: English throughout)."""
    path = catalog_path(tag) if tag != "en" else None
    return _read(tag, path) if path is not None else EditorCatalog(tag)


@cache
def _read(tag: str, path: Path) -> EditorCatalog:
    try:
        return catalog_from(tag, read_babel(path))
    except Exception as exc:  # noqa: BLE001 - Babel raises several kinds for a broken file
        raise HavenError(f"{path}: this translation of the editor cannot be read ({exc}) — "
                         f"check it with 'msgfmt --check {path.name}'") from None


def shipped_languages() -> list[str]:
    return sorted(p.stem for p in LOCALE.glob("*.po"))


_ENGLISH = EditorCatalog("en")
_active: ContextVar[EditorCatalog] = ContextVar("haven_editor_catalog", default=_ENGLISH)


@contextmanager
def use(catalog: EditorCatalog) -> Iterator[None]:
    """Translate `_()` into `catalog`'s language within the block (this thread only)."""
    token = _active.set(catalog)
    try:
        yield
    finally:
        _active.reset(token)


def _(message: str) -> str:
    return _active.get().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _active.get().ngettext(singular, plural, count)
