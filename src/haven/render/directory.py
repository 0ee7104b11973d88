"""The directory's filter pages and search: names of filters, the search index, its script.

The filters themselves are planned once per site in `model.py` (`directory_facets`); this
module names them in a language, and writes each language's search index: a small script
file of data (`<tag>/search-index.js`) that `assets/find.js` loads when the reader first
uses the search box. It is a script, not JSON, so that it loads under the hub's policy
(`connect-src 'none'`: no script can send anything anywhere) and from a USB stick
(`file://`, where browsers refuse fetch()).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from haven.content.facets import (
    Facet,
    is_closed,
    is_free,
    open_phones,
    public_towns,
    service_closed,
)
from haven.content.schema import Phone
from haven.costs import cost_text
from haven.i18n.translate import Localized, LStr
from haven.languages import name_for
from haven.markdown import render_markdown
from haven.memo import RecordMemo
from haven.model import Site
from haven.phones import tel, tel_of
from haven.placeholders import fill
from haven.render.assets import asset_bytes, asset_path

SCRIPT_PATH = asset_path("find.js")
INDEX_NAME = "search-index.js"
"""In each language's folder: `es/search-index.js`."""

GROUP_LABELS = {"topic": "topics", "language": "languages_spoken", "free": "cost",
                "accreditation": "accreditation", "audience": "audience", "town": "town"}
"""The interface string that names each kind of filter."""


def directory_files(site: Site, view: Localized) -> dict[str, bytes]:
    """The file a language's directory adds beside its pages: its search index (the script,
    shared by every language, is written once with the stylesheet)."""
    return {f"{view.lang}/{INDEX_NAME}": search_index(site, view)}


@lru_cache(maxsize=1)
def find_script() -> bytes:
    """The help page's filtering and search: plain JavaScript, no library."""
    return asset_bytes("find.js")


def facet_label(record: str, view: Localized, language_name: Callable[[str], str]) -> str:
    """A filter page's name in plain text, for its title: 'Languages spoken: Spanish'."""
    kind, _, value = record.partition(":")
    ui = view.ui
    return _titled(ui, GROUP_LABELS[kind], _value_name(kind, value, view, language_name))


def _titled(ui: dict[str, Any], group: str, value: str) -> str:
    # A translated title with other braces never gets here (read_catalog refuses it).
    return fill(str(ui["facet_title"]), {"filter": str(ui[group]), "value": value})


def _value_name(kind: str, value: str, view: Localized,
                language_name: Callable[[str], str]) -> str:
    if kind == "topic":
        return str(next(t.name for t in view.topics if t.id == value))
    if kind == "audience":
        return str(next(a.name for a in view.audiences if a.id == value))
    if kind == "language":
        return language_name(value)
    if kind == "free":
        return str(view.ui["free"])
    if kind == "accreditation":
        return str(view.ui[f"acc_{value}"])
    return value


# -- the search index -------------------------------------------------------------------------

def search_index(site: Site, view: Localized) -> bytes:
    """One language's search index: its pages, organizations and services, as a script.

    `havenIndex({"p": [[title, path, text, digits] …], "o": [[name, path, text, tel, shown,
    digits, [[service name, anchor, text] …]] …]})`. Paths are relative to the language's
    folder; `digits` holds every phone number's digits, so that '695-8400' finds a number.
    Addresses are left out, and a confidential location gives not even its town.
    """
    lang = site.language(view.lang)
    ui = view.ui
    topics = {t.id: t for t in view.topics}
    audiences = {a.id: a for a in view.audiences}
    hub = view.hub
    region = site.content.hub.country

    contacts = _contacts(site)
    # Each topic's everyday search words, in the page's language and in the source's
    # ("lawyer" finds legal help on every page, "محامي" on the Arabic ones).
    source_words = {t.id: t.search_words for t in site.content.topics}
    words = {t.id: _search_words(t.search_words, source_words.get(t.id)) for t in view.topics}

    @cache  # a few dozen languages, asked about for every service
    def spoken(tag: str) -> str:
        target = site.named(tag)
        name, own = name_for(target, lang), target.endonym
        return name if name.casefold() == own.casefold() else f"{name} {own}"

    pages: list[list[str]] = [
        [hub.name, "", _join(hub.home.intro, *hub.home.first_steps), _digits([hub.phone], region)]
    ]
    for doc in view.documents:
        body = " ".join(_plain(block) for block in doc.blocks)
        pages.append([doc.meta.title, f"{doc.meta.id}/", _join(doc.meta.summary, body), ""])
    pages.append([ui["find_help"], "help/", str(ui["help_intro"]), ""])
    for facet in site.facets.values():
        pages.append(_facet_entry(facet, view, spoken, words))
    if view.reporting is not None:
        channels = view.reporting.channels
        text = _join(_plain(view.reporting.intro), *(_join(c.name, c.description) for c in channels))
        phones = [p for c in channels if not is_closed(c.verification) for p in c.phones]
        pages.append([ui["report"], "report/", text, _digits(phones, region)])
    if view.resources:
        pages.append([ui["resources"], "resources/", "", ""])
    for res in view.resources:
        pages.append([res.title, f"resources/{res.id}/",
                      _join(res.publisher, ui[f"kind_{res.kind}"], res.description), ""])

    orgs: list[list[Any]] = []
    # What an organization's entry shows besides the organization itself: a process that
    # builds again (the preview) keeps each entry while these and the organization's copy
    # in this language are the very same (haven.i18n.translate.localize keeps the copies).
    shown_with = (ui, *view.topics, *view.audiences, *site.content.topics)
    settings = (lang, region, site.source.cldr, tuple(site.languages))
    last = _ENTRIES.get(view.lang)
    kept = last[2] if last is not None and _same_objects(last[0], shown_with) and (
        last[1] == settings) else {}
    entries: dict[int, tuple[Any, list[Any]]] = {}
    for org in view.organizations:
        known = kept.get(id(org))
        if known is not None and known[0] is org:
            entries[id(org)] = known
            orgs.append(known[1])
            continue
        services = []
        for s in org.services:
            if service_closed(org, s):
                continue
            text = _join(
                s.description,
                *(topics[t].name for t in s.topics if t in topics),
                *(words[t] for t in s.topics if t in words),
                *(audiences[a].name for a in s.audiences if a in audiences),
                *(spoken(tag) for tag in s.languages),
                ui["free"] if is_free(s) else "",
                cost_text(s, lang.cldr or site.source.cldr, str(ui["cost_free"])),
                *(ui[f"acc_{a.value}"] for a in s.accreditations),
            )
            services.append([s.name, f"s-{s.id}", text])
            if (other := _other_language(s.name, view.lang)):
                services[-1].append(other)
        tel, shown, digits, towns = contacts[org.id]
        text = _join(org.alternate_name, _clip(org.description), *towns)
        orgs.append([str(org.name), f"help/org/{org.id}/", text, tel, shown, digits, services])
        entries[id(org)] = (org, orgs[-1])
    _ENTRIES[view.lang] = (shown_with, settings, entries)
    for page in pages:
        if (other := _other_language(page[0], view.lang)):
            page.append(other)
    data = json.dumps({"p": pages, "o": orgs}, ensure_ascii=False, separators=(",", ":"))
    # U+2028 and U+2029 end a line in older JavaScript engines, inside strings too.
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"havenIndex({data});\n".encode()


_ENTRIES: dict[str, tuple[tuple[Any, ...], tuple[Any, ...], dict[int, tuple[Any, list[Any]]]]] = {}
"""By language: what its organizations' entries were made with, and each entry by the
organization's copy it was made from (the last index's only)."""


def _same_objects(before: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    return len(before) == len(now) and all(a is b for a, b in zip(before, now, strict=True))


Contact = tuple[str, str, str, list[str]]


def _contacts(site: Site) -> dict[str, Contact]:
    """Each organization's first phone (link and as shown), all its phones' digits and its
    public towns: the same in every language, so worked out once per site and process (and
    once per organization record, in a process that builds again)."""
    global _CONTACTS
    if _CONTACTS is None or _CONTACTS[0] is not site:
        region = site.content.hub.country
        found = {org.id: _CONTACT.value(org, region, _contact)
                 for org in site.content.organizations}
        _CONTACT.done()
        _CONTACTS = (site, found)
    return _CONTACTS[1]


def _contact(org: Any, region: str) -> Contact:
    phones = open_phones(org)
    tel_link, shown = tel_of(phones[0], region) if phones else ("", "")
    return (tel_link, shown, _digits(phones, region), public_towns(org))


_CONTACTS: tuple[Site, dict[str, Contact]] | None = None
_CONTACT: RecordMemo[Contact] = RecordMemo()


def _other_language(text: object, lang: str) -> str:
    """The language of a translatable text when it is not the page's (a fallback), else ""."""
    return text.lang if isinstance(text, LStr) and text.lang != lang else ""


def _facet_entry(facet: Facet, view: Localized, spoken: Callable[[str], str],
                 words: dict[str, str]) -> list[str]:
    if facet.kind == "topic":
        topic = next(t for t in view.topics if t.id == facet.value)
        return [topic.name, facet.path, _join(topic.description, words.get(topic.id)), ""]
    title = facet_label(facet.key, view, spoken)
    return [title, facet.path, "", ""]


_WORD_LIST = re.compile(r"\s*[,،،，、;；]\s*")


def _search_words(*lists: object) -> str:
    """Comma-separated search word lists (any script's commas) as one line of words, each
    word once, in order."""
    found: dict[str, None] = {}
    for words in lists:
        for word in _WORD_LIST.split(str(words or "")):
            if word.strip():
                found.setdefault(" ".join(word.split()), None)
    return " ".join(found)


DESCRIPTION_CHARACTERS = 160
"""How much of an organization's description the index holds: where it says what it is."""


def _clip(text: object, limit: int = DESCRIPTION_CHARACTERS) -> str:
    """The start of a text, cut at a space when there is one (not every script has them)."""
    words = " ".join(str(text or "").split())
    if len(words) <= limit:
        return words
    cut = words[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def _join(*parts: object) -> str:
    return " ".join(" ".join(str(p).split()) for p in parts if p)


_TAG = re.compile(r"<[^>]+>")


def _plain(markdown: object) -> str:
    """The text of a Markdown block, without its markup."""
    return html.unescape(_TAG.sub(" ", render_markdown(str(markdown)))) if markdown else ""


def _digits(phones: list[Phone] | list[str], region: str) -> str:
    """Every number's digits, in full international form (18606958400), space-separated."""
    found: dict[str, None] = {}
    for phone in phones:
        number = phone.number if isinstance(phone, Phone) else phone
        found.setdefault(tel(number, region)[0].removeprefix("tel:+"), None)
    return " ".join(found)
