"""`haven export fragment`: the letter and the directory as HTML to paste into another site.

Each fragment is one `<div class="haven-fragment …" lang="…">` element: no <html> or <head>,
no script, no style sheet and no picture (it takes the styles of the page it is pasted into,
and makes no request of its own). Every link is absolute, to the hub's `base_url`; phone
numbers are `tel:` links. Text not yet translated keeps its own `lang`, as on the hub.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from markupsafe import Markup, escape

from haven.content.facets import is_closed, is_free, location_closed, service_closed
from haven.content.schema import Phone, Status, Verification
from haven.content.validate import Content
from haven.costs import cost_text
from haven.dates import format_long_date
from haven.errors import HavenError
from haven.i18n.catalog import Entry, read_catalog
from haven.i18n.translate import Localized, localize
from haven.languages import language
from haven.markdown import render_markdown
from haven.phones import tel_of
from haven.placeholders import fill


def export_fragments(content: Content, lang: str) -> dict[str, bytes]:
    """`letter.html` (one per letter: `<id>.html` when there are several) and `directory.html`."""
    served = [entry.tag for entry in content.hub.languages]
    if lang not in served:
        raise HavenError(f"the hub does not serve the language '{lang}' — use one of "
                         f"{', '.join(served)}, or add it to languages in hub.yaml")
    path = content.catalogs.get(lang)
    catalog: dict[str, Entry] = read_catalog(path) if path else {}
    view = localize(content, lang, catalog)
    writer = _Fragments(content, view)
    letters = [d for d in view.documents if d.meta.kind == "letter"]
    files = {}
    for doc in letters:
        name = "letter.html" if len(letters) == 1 else f"{doc.meta.id}.html"
        files[name] = writer.letter(letters.index(doc)).encode()
    files["directory.html"] = writer.directory().encode()
    return files


class _Fragments:
    def __init__(self, content: Content, view: Localized) -> None:
        self.content = content
        self.view = view
        self.lang = view.lang
        self.info = language(view.lang)
        self.base = content.hub.base_url.rstrip("/") + "/"
        self.country = content.hub.country

    def page(self, path: str) -> str:
        return f"{self.base}{self.lang}/{path}"

    def text(self, value: object) -> Markup:
        """Escaped text, marked with its own language when it is not the fragment's."""
        lang = getattr(value, "lang", self.lang)
        if lang != self.lang:
            return Markup('<span lang="{}">{}</span>').format(lang, value)
        return escape(value)

    def block(self, value: object) -> Markup:
        html = Markup(self.absolute(render_markdown(str(value), self.page(""))))
        lang = getattr(value, "lang", self.lang)
        if lang != self.lang:
            return Markup('<div lang="{}">{}</div>').format(lang, html)
        return html

    def absolute(self, html: str) -> str:
        """Links within the hub made absolute, so they work from another site."""
        def fix(match: re.Match[str]) -> str:
            href = match[2]
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
                return match[0]
            return f'{match[1]}"{escape(urljoin(self.page(""), href))}"'
        return re.sub(r'(href=)"([^"]*)"', fix, html)

    def ui(self, key: str, **values: str) -> Markup:
        text = self.view.ui[key]
        out = self.text(text)
        return Markup(fill(str(out), {name: str(escape(value)) for name, value in values.items()}))

    def date(self, value: object) -> str:
        import datetime as dt

        assert isinstance(value, dt.date)
        return format_long_date(value, self.info.tag, self.view.hub.date_formats)

    def phone(self, phone: Phone | str) -> Markup:
        href, shown = tel_of(phone, self.country)
        return Markup('<a href="{}" dir="ltr">{}</a>').format(href, shown)

    def open(self, kind: str) -> Markup:
        direction = "rtl" if self.info.direction == "rtl" else "ltr"
        return Markup('<div class="haven-fragment haven-{}" lang="{}" dir="{}">\n').format(
            kind, self.lang, direction)

    def letter(self, index: int) -> str:
        doc = [d for d in self.view.documents if d.meta.kind == "letter"][index]
        meta = doc.meta
        parts = [self.open("letter"),
                 Markup("<h2>{}</h2>\n").format(self.text(meta.title))]
        parts += [self.block(block) + Markup("\n") for block in doc.blocks]
        if meta.author:
            signer = self.text(meta.author)
            if meta.author_title:
                signer = self.ui("from_author", author=str(meta.author),
                                 title=str(meta.author_title))
            parts.append(Markup("<p>{}</p>\n").format(signer))
        parts.append(self.status(meta.verification))
        parts.append(Markup('<p><a href="{}">{}</a></p>\n').format(
            self.page(f"{meta.id}/"), self.text(meta.title)))
        parts.append(Markup("</div>\n"))
        return str(Markup("").join(parts))

    def status(self, verification: Verification | None, call: bool = False) -> Markup:
        """How an item stands; with `call` (an organization), an unconfirmed one gives the
        hub's number to check on it."""
        if verification is None:
            return Markup("")
        words: list[Markup] = []
        if verification.status is Status.UNVERIFIED:
            words.append(self.ui("status_unverified"))
            if call:
                words.append(self.ui("call_to_check", phone=self.phone(self.content.hub.phone)))
        elif verification.status is Status.NEEDS_REVIEW:
            words.append(self.ui("status_needs_review"))
        elif verification.status is Status.MOVED:
            words.append(self.ui("status_moved"))
        elif verification.status is Status.CLOSED and verification.closed_on:
            words.append(self.ui("status_closed", date=self.date(verification.closed_on)))
        elif verification.status is Status.SUPERSEDED and verification.superseded_on:
            words.append(self.ui("status_superseded", date=self.date(verification.superseded_on)))
        if verification.note:
            words.append(self.text(verification.note))
        if verification.assured_date:
            words.append(self.ui("last_checked", date=self.date(verification.assured_date)))
        if not words:
            return Markup("")
        return Markup("<p><small>{}</small></p>\n").format(Markup(" ").join(words))

    def directory(self) -> str:
        hub = self.view.hub
        parts = [self.open("directory"),
                 Markup('<h2><a href="{}">{}</a></h2>\n').format(self.page("help/"),
                                                                 self.ui("find_help")),
                 Markup("<p>{}</p>\n").format(self.ui("help_intro")),
                 Markup("<p>{}: {} ({})</p>\n").format(self.ui("call_us"),
                                                      self.phone(self.content.hub.phone),
                                                      self.text(hub.phone_label))]
        for org in self.view.organizations:
            parts.append(Markup('<section>\n<h3><a href="{}">{}</a></h3>\n').format(
                self.page(f"help/org/{org.id}/"), org.name))
            if org.description:
                parts.append(Markup("<p>{}</p>\n").format(self.text(org.description)))
            closed = is_closed(org.verification)
            if closed:
                parts.append(self.status(org.verification))
            phones = [] if closed else list(org.phones) + [
                p for loc in org.locations if not location_closed(org, loc) for p in loc.phones]
            for phone in phones:
                label = Markup(" — {}").format(self.text(phone.description)) \
                    if phone.description else Markup("")
                parts.append(Markup("<p>{}: {}{}</p>\n").format(
                    self.ui("phone"), self.phone(phone), label))
            for loc in org.locations:
                if location_closed(org, loc):
                    if not closed and loc.name:
                        parts.append(Markup("<p>{}: {}</p>\n").format(loc.name, self.status(
                            loc.verification).striptags()))
                elif loc.confidential:
                    parts.append(Markup("<p>{}</p>\n").format(self.ui("address_withheld")))
                elif loc.address:
                    a = loc.address
                    line = ", ".join(p for p in (a.address_1, a.address_2, a.city,
                                                 f"{a.state_province} {a.postal_code}") if p)
                    parts.append(Markup("<p>{}: {}</p>\n").format(self.ui("address"), line))
            offered = [s for s in org.services if not service_closed(org, s)]
            if offered:
                parts.append(Markup("<ul>\n"))
                for service in offered:
                    bits = [Markup("<strong>{}</strong>").format(self.text(service.name))]
                    if service.description:
                        bits.append(self.text(service.description))
                    if is_free(service):
                        bits.append(self.ui("free"))
                    elif (cost := cost_text(service, self.info.cldr,
                                            str(self.view.ui["cost_free"]))):
                        bits.append(Markup("{}: {}").format(self.ui("cost"), cost))
                    if service.languages:
                        names = ", ".join(language(t).endonym for t in service.languages)
                        bits.append(Markup("{}: {}").format(self.ui("languages_spoken"), names))
                    parts.append(Markup("<li>{}</li>\n").format(Markup(" — ").join(bits)))
                parts.append(Markup("</ul>\n"))
            if not closed:
                parts.append(self.status(org.verification, call=True))
            parts.append(Markup("</section>\n"))
        parts.append(Markup("</div>\n"))
        return str(Markup("").join(parts))
