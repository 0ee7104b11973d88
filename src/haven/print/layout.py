"""What each printed piece says in one language, as plain data for the Typst template.

Every string is `{"t": text, "l": language}`: the template sets the language of each run, so
that text shown in the source language (a missing translation) is marked as such in the PDF,
as it is on the site. Text whose direction differs from the page's, phone numbers and web
addresses are wrapped in Unicode directional isolates, the PDF equivalent of `<bdi>`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from haven.content.facets import is_closed, service_closed
from haven.content.schema import Organization, Status
from haven.dates import format_long_date
from haven.i18n.catalog import State
from haven.i18n.translate import LocalDocument, Localized, LStr
from haven.languages import Language, language, name_for
from haven.markdown import parser
from haven.phones import shown as shown_number
from haven.placeholders import fill

LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"

_md = parser()

STAFF_AUDIENCE_PREFIX = "staff"
LEGAL_TOPIC = "legal-help"
MAX_ORGANIZATIONS = 5


def typst_lang(tag: str) -> str:
    """Typst's `lang` takes the ISO 639 code alone (zh-Hant → zh)."""
    return tag.split("-")[0].lower()


def hub_url(base_url: str, tag: str) -> str:
    """The hub's page in one language: what the QR code points to."""
    return base_url.rstrip("/") + f"/{tag}/"


@dataclass
class Writer:
    """Turns a language's strings into template data, noting fallbacks and machine text."""

    lang: Language
    region: str
    fallback: bool = False
    machine: bool = False
    texts: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)
    """The hub's date patterns by language (hub.yaml `date_formats`)."""

    def s(self, value: Any) -> dict[str, str]:
        text = str(value)
        tag = self.lang.tag
        if isinstance(value, LStr):
            if value.state is State.MACHINE:
                self.machine = True
            if value.lang != tag:
                self.fallback = True
                tag = value.lang
                if language(value.lang).direction != self.lang.direction:
                    text = (RLI if language(value.lang).is_rtl else LRI) + text + PDI
        self.texts.append(text)
        return {"t": text, "l": typst_lang(tag)}

    def ui(self, view: Localized, key: str, **values: str) -> dict[str, str]:
        value = view.ui[key]
        text = fill(str(value), values)
        return self.s(LStr(text, value.lang, value.state))

    def ltr(self, text: str) -> dict[str, str]:
        """A phone number or address: always left to right."""
        wrapped = LRI + text + PDI if self.lang.is_rtl else text
        self.texts.append(wrapped)
        return {"t": wrapped, "l": typst_lang(self.lang.tag)}

    def phone(self, number: str) -> dict[str, str]:
        return self.ltr(shown_number(number, self.region))

    def date(self, value: dt.date, tag: str) -> str:
        """A date in the language of the sentence it goes in (English in an English fallback)."""
        return format_long_date(value, tag, self.date_formats)

    def notices(self, view: Localized, source: Language, phone: str) -> list[dict[str, str]]:
        """What the page says about its own language: fallback text, machine drafts."""
        notes = []
        if self.fallback:  # both languages named in the language of the sentence
            said_in = language(view.ui["not_translated"].lang)
            notes.append(self.ui(view, "not_translated", language=name_for(self.lang, said_in),
                                 source=name_for(source, said_in), phone=phone))
        if self.machine:
            notes.append(self.ui(view, "machine_translation"))
        return notes


def piece_data(view: Localized, lang: Language, source: Language, base_url: str,
               region: str) -> tuple[dict[str, Any], list[str]]:
    """Everything the template needs for one language, and every string it will print."""
    hub = view.hub
    url = hub_url(base_url, lang.tag)
    formats = dict(hub.date_formats)
    common = Writer(lang, region, date_formats=formats)
    phone_text = str(common.phone(str(hub.phone))["t"])
    data: dict[str, Any] = {
        "lang": typst_lang(lang.tag),
        "tag": lang.tag,
        "dir": lang.direction,
        "endonym": common.s(LStr(lang.endonym, lang.tag, State.REVIEWED)),
        "name": common.s(hub.name),
        "url": common.ltr(url),
        "url_plain": url,
        "phone": common.phone(str(hub.phone)),
        "phone_label": common.s(hub.phone_label),
        "interpretation": common.s(hub.interpretation),
        "call": common.ui(view, "call"),
        "scan": common.ui(view, "print_scan"),
        "privacy": common.ui(view, "privacy"),
    }
    texts = list(common.texts)

    flyer = Writer(lang, region, common.fallback, common.machine, date_formats=formats)
    data["flyer"] = {
        "intro": flyer.s(hub.home.intro),
        "first": flyer.ui(view, "what_to_do_first"),
        "steps": [flyer.s(step) for step in hub.home.first_steps],
        "help": flyer.ui(view, "find_help"),
        "help_intro": flyer.ui(view, "help_intro"),
        "orgs": [_organization(flyer, view, org) for org in legal_help(view.organizations)],
    }
    data["flyer"]["notices"] = flyer.notices(view, source, phone_text)
    texts += flyer.texts

    card = Writer(lang, region, common.fallback, common.machine, date_formats=formats)
    rights = families_guide(view.documents)
    data["card"] = {
        "title": card.s(rights.meta.title) if rights else card.ui(view, "what_to_do_first"),
        "rights": [{"head": card.s(head), "short": card.s(short), "full": card.s(full)}
                   for head, short, full in rights_sections(rights)] if rights else [],
        "first": card.ui(view, "what_to_do_first"),
        "steps": [card.s(step) for step in hub.home.first_steps],
    }
    data["card"]["notices"] = card.notices(view, source, phone_text)
    texts += card.texts

    staff = staff_document(view.documents)
    if staff is not None:
        poster = Writer(lang, region, common.fallback, common.machine, date_formats=formats)
        blocks: list[dict[str, Any]] = []
        for block in staff.blocks:
            blocks += _blocks(poster, block)
        meta = staff.meta
        data["poster"] = {
            "title": poster.s(meta.title),
            "summary": poster.s(meta.summary) if meta.summary else None,
            "blocks": blocks,
            "review": _review(poster, view, meta.verification) if meta.verification else None,
        }
        data["poster"]["notices"] = poster.notices(view, source, phone_text)
        texts += poster.texts
    return data, texts


_SENTENCE_END = re.compile(r"(?<=[.!?;。！？؟۔።።။।])\s+|(?<=[。！？])")
MIN_SENTENCE = 24
"""A sentence end closer to the start than this is an abbreviation ("v.", "Dr."), not an end."""


def rights_sections(guide: LocalDocument) -> list[tuple[LStr, LStr, LStr]]:
    """The guide's headed sections as the wallet card carries them: (heading, the first
    sentence under it, all its paragraphs), in the language each is shown in. Sections with
    no paragraph (a list of sources) are left out; links keep their words only."""
    sections: list[tuple[LStr, list[LStr]]] = []
    for block in guide.blocks:
        tokens = _md.parse(str(block))
        if tokens and tokens[0].type == "heading_open":
            sections.append((LStr(_words(tokens[1].children or []), block.lang, block.state), []))
        elif sections and tokens and tokens[0].type == "paragraph_open":
            sections[-1][1].append(LStr(_words(tokens[1].children or []), block.lang, block.state))
    found = []
    for head, paragraphs in sections:
        if paragraphs:
            first = paragraphs[0]
            full = LStr(" ".join(paragraphs), first.lang,
                        max((p.state for p in paragraphs), key=_TRUST.index))
            found.append((head, LStr(_first_sentence(first), first.lang, first.state), full))
    return found


_TRUST = [State.REVIEWED, State.TRANSLATED, State.MACHINE, State.OUTDATED, State.MISSING]
"""States from most to least trusted: text joined from several keeps the least trusted."""


def _words(children: list[Token]) -> str:
    """Inline Markdown's words alone (a card has no room for link addresses)."""
    return "".join(c.content if c.type in ("text", "code_inline") else " "
                   for c in children if c.type in ("text", "code_inline", "softbreak", "hardbreak"))


def _first_sentence(text: str) -> str:
    for found in _SENTENCE_END.finditer(text):
        if found.start() >= MIN_SENTENCE:
            return text[:found.start()].strip()
    return text.strip()


def legal_help(organizations: list[Any]) -> list[Any]:
    """A few organizations giving free legal help: those with a phone, then the confirmed."""
    offering = [o for o in organizations
                if any(LEGAL_TOPIC in s.topics for s in o.services if not service_closed(o, s))]
    ranked = sorted(offering, key=lambda o: (not _phones(o), o.verification.status != Status.CURRENT))
    return ranked[:MAX_ORGANIZATIONS]


def families_guide(documents: list[LocalDocument]) -> LocalDocument | None:
    """The families' know-your-rights guide: the first guide for families."""
    guides = [d for d in documents if d.meta.kind == "guide"]
    for doc in guides:
        if "families" in doc.meta.audiences:
            return doc
    return None


def staff_document(documents: list[LocalDocument]) -> LocalDocument | None:
    """The staff protocol: a guide for staff only, else any guide or document for staff.

    Staff audiences are those whose id starts with "staff" ("staff-and-partners").
    """
    def staff(doc: LocalDocument) -> bool:
        return any(a.startswith(STAFF_AUDIENCE_PREFIX) for a in doc.meta.audiences)

    def only_staff(doc: LocalDocument) -> bool:
        return all(a.startswith(STAFF_AUDIENCE_PREFIX) for a in doc.meta.audiences)

    ranked = sorted((d for d in documents if staff(d)),
                    key=lambda d: (not only_staff(d), d.meta.kind != "guide"))
    return ranked[0] if ranked else None


def _phones(org: Organization) -> list[str]:
    """The numbers to call `org` on: none of a closed organization, location or service."""
    if is_closed(org.verification):
        return []
    numbers = [p.number for p in org.phones if p.type == "voice"]
    numbers += [p.number for loc in org.locations
                if not loc.confidential and not is_closed(loc.verification) for p in loc.phones]
    numbers += [p.number for s in org.services if not is_closed(s.verification)
                for p in s.phones if p.type == "voice"]
    return list(dict.fromkeys(numbers))


def _organization(writer: Writer, view: Localized, org: Any) -> dict[str, Any]:
    phones = _phones(org)
    item: dict[str, Any] = {
        "name": writer.s(org.name),
        "phone": writer.phone(phones[0]) if phones else None,
        "web": writer.ltr(_short(org.url)) if org.url and not phones else None,
        "status": _status(writer, view, org.verification, call=True),
    }
    return item


def _short(url: str) -> str:
    return url.split("://", 1)[-1].removeprefix("www.").rstrip("/")


def _status(writer: Writer, view: Localized, verification: Any,
            call: bool = False) -> dict[str, str]:
    """How an item stands; an unconfirmed organization (`call`) with the number to check on."""
    if call and verification.status == Status.UNVERIFIED:
        return _unverified_call(writer, view)
    if verification.status == Status.CURRENT and verification.assured_date:
        date = writer.date(verification.assured_date, view.ui["last_checked"].lang)
        return writer.ui(view, "last_checked", date=date)
    if verification.status == Status.CLOSED and verification.closed_on:
        date = writer.date(verification.closed_on, view.ui["status_closed"].lang)
        return writer.ui(view, "status_closed", date=date)
    if verification.status == Status.SUPERSEDED and verification.superseded_on:
        date = writer.date(verification.superseded_on, view.ui["status_superseded"].lang)
        return writer.ui(view, "status_superseded", date=date)
    key = {Status.MOVED: "status_moved", Status.NEEDS_REVIEW: "status_needs_review"}
    return writer.ui(view, key.get(verification.status, "status_unverified"))


def _unverified_call(writer: Writer, view: Localized) -> dict[str, str]:
    """"Not yet confirmed. Before you go, call {phone} to check." as one sentence pair."""
    first, then = view.ui["status_unverified"], view.ui["call_to_check"]
    shown = shown_number(str(view.hub.phone), writer.region)
    if writer.lang.is_rtl:
        shown = LRI + shown + PDI
    text = f"{first} {str(then).replace('{phone}', shown)}"
    state = then.state if first.lang == then.lang else first.state
    return writer.s(LStr(text, then.lang if first.lang == then.lang else first.lang, state))


def _review(writer: Writer, view: Localized, verification: Any) -> dict[str, Any] | None:
    if verification.status == Status.CURRENT:
        return None
    return {"status": _status(writer, view, verification),
            "note": writer.s(verification.note) if verification.note else None}


def _blocks(writer: Writer, block: LStr) -> list[dict[str, Any]]:
    """A Markdown block as headings, paragraphs and list items of plain text."""
    out: list[dict[str, Any]] = []
    tokens = _md.parse(str(block))
    ordered: list[bool] = []
    numbers: list[int] = []
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            ordered.append(token.type == "ordered_list_open")
            numbers.append(int(token.attrGet("start") or 1) - 1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            ordered.pop()
            numbers.pop()
        elif token.type == "list_item_open" and numbers:
            numbers[-1] += 1
        elif token.type == "inline":
            parent = tokens[i - 1]
            text = LStr(_inline(token.children or []), block.lang, block.state)
            if parent.type == "heading_open":
                out.append({"kind": "heading", "text": writer.s(text)})
            elif ordered and parent.type == "paragraph_open":
                marker = f"{numbers[-1]}." if ordered[-1] else "•"
                out.append({"kind": "item", "marker": marker, "text": writer.s(text),
                            "depth": len(ordered)})
            else:
                out.append({"kind": "para", "text": writer.s(text)})
    return out


def _inline(children: list[Token]) -> str:
    """Inline Markdown as plain text; a link keeps its address, which paper cannot click."""
    parts: list[str] = []
    href = ""
    start = 0
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            start = len(parts)
        elif child.type == "link_close" and href:
            label = "".join(parts[start:])
            if href.startswith(("http://", "https://")) and _short(href) not in label:
                parts.append(f" ({LRI}{_short(href)}{PDI})")
            href = ""
    return "".join(parts)
