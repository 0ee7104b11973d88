"""Render every page of every language, and the language chooser at the root."""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import phonenumbers
from babel.dates import format_date
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from haven.content.schema import Phone
from haven.i18n.catalog import State
from haven.i18n.languages import Language, cldr_locale, language
from haven.i18n.translate import Localized, LStr
from haven.model import Page, Site
from haven.render.markdown import render_markdown

CSS_PATH = "assets/haven.css"


@dataclass
class PageState:
    """What rendering one page noticed: text shown in another language, machine drafts."""

    lang: Language
    source: Language
    path: str
    fallback: bool = False
    machine: bool = False


class Renderer:
    """Turns the site model and each language's content into files."""

    def __init__(self, site: Site) -> None:
        self.site = site
        env = Environment(
            loader=PackageLoader("haven.render", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(t=_text, md=_markdown, date=_date)
        env.globals.update(ui=_ui, phone=_phone, url=_url, asset=_asset, language_name=_language_name)
        env.tests["contains"] = lambda seq, item: item in seq
        self.env = env
        self.layout = env.get_template("layout.html")
        self.templates = {p.template: env.get_template(p.template) for p in site.pages}

    def css(self) -> bytes:
        return (resources.files("haven.render") / "static" / "haven.css").read_bytes()

    def chooser(self) -> bytes:
        """The root page: every served language, named in itself."""
        site = self.site
        state = PageState(site.source, site.source, "index.html")
        html = self.env.get_template("chooser.html").render(
            site=site, hub=site.content.hub, r=state, languages=site.languages
        )
        return html.encode()

    def language(self, view: Localized) -> dict[str, bytes]:
        """Every page of one language, by path in the output folder."""
        site = self.site
        lang = site.language(view.lang)
        lookup = {
            "topic": {t.id: t for t in view.topics},
            "audience": {a.id: a for a in view.audiences},
            "resource": {r.id: r for r in view.resources},
            "organization": {o.id: o for o in view.organizations},
            "document": {d.meta.id: d for d in view.documents},
        }
        nav = site.nav

        def label(page: Page) -> str:
            return _label(page, view, lookup)

        files: dict[str, bytes] = {}
        ui_cache: dict[str, tuple[Markup, bool, bool]] = {}
        for page in site.pages:
            path = f"{lang.tag}/{page.path}index.html"
            state = PageState(lang, site.source, path)
            common = {"site": site, "L": view, "hub": view.hub, "ui_text": view.ui,
                      "ui_cache": ui_cache, "r": state, "page": page, "lang": lang,
                      "lookup": lookup, "nav": nav, "label": label}
            main = self.templates[page.template].render(common)
            title = str(view.hub.name if page.key == "home" else label(page))
            html = self.layout.render(common, main=Markup(main), title=title)
            files[path] = html.encode()
        return files


UI_LABELS = {"home": "home", "help": "find_help", "report": "report", "resources": "resources"}


def _label(page: Page, view: Localized, lookup: dict[str, dict[str, Any]]) -> str:
    """A page's name in navigation, links and its title (an LStr where translated)."""
    kind = page.key.partition(":")[0]
    if kind in UI_LABELS:
        return view.ui[UI_LABELS[kind]]
    record = lookup[kind][page.record]
    label: str = record.meta.title if kind == "document" else getattr(record, "name", None) or record.title
    return label


def _mark(state: PageState, value: Any, html: Markup, block: bool) -> Markup:
    if not isinstance(value, LStr):
        return html
    if value.state is State.MACHINE:
        state.machine = True
    if value.lang == state.lang.tag:
        return html
    state.fallback = True
    direction = state.source.direction
    attrs = Markup(' lang="{}"').format(value.lang)
    if direction != state.lang.direction:
        attrs += Markup(' dir="{}"').format(direction)
    tag = "div" if block else "span"
    return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attrs, html)


@pass_context
def _text(ctx: Context, value: Any) -> Markup:
    """Inline translatable text, marked with its own language when it is not the page's."""
    if value is None:
        return Markup("")
    return _mark(ctx["r"], value, escape(value), block=False)


@pass_context
def _markdown(ctx: Context, value: Any) -> Markup:
    """A Markdown block, marked with its own language when it is not the page's."""
    if value is None:
        return Markup("")
    return _mark(ctx["r"], value, Markup(render_markdown(str(value))), block=True)


@pass_context
def _ui(ctx: Context, key: str, **values: Any) -> Markup:
    """An interface string, with {placeholders} filled by escaped values."""
    value: LStr = ctx["ui_text"][key]
    state: PageState = ctx["r"]
    if not values:  # the common case: the same markup on every page of a language
        cache: dict[str, tuple[Markup, bool, bool]] = ctx["ui_cache"]
        if key not in cache:
            scratch = PageState(state.lang, state.source, state.path)
            html = _mark(scratch, value, Markup(escape(str(value))), block=False)
            cache[key] = (html, scratch.fallback, scratch.machine)
        html, fallback, machine = cache[key]
        state.fallback |= fallback
        state.machine |= machine
        return html
    text = Markup(escape(str(value)))
    try:
        text = text.format(**values)
    except (KeyError, IndexError, ValueError):
        pass
    return _mark(state, value, text, block=False)


@pass_context
def _date(ctx: Context, value: dt.date | None) -> str:
    if value is None:
        return ""
    return _format_date(value, ctx["r"].lang.cldr)


@lru_cache(maxsize=4096)
def _format_date(value: dt.date, locale: str | None) -> str:
    if locale is None:
        return value.isoformat()
    return str(format_date(value, "long", locale=locale))


@lru_cache(maxsize=4096)
def _phone_parts(number: str, region: str) -> tuple[str, str]:
    parsed = phonenumbers.parse(number, region)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return e164, national


@pass_context
def _phone(ctx: Context, value: Phone | str) -> Markup:
    """A phone number as a tel: link, kept left-to-right inside right-to-left text."""
    number = value.number if isinstance(value, Phone) else value
    e164, national = _phone_parts(number, ctx["site"].content.hub.country)
    ext = value.extension if isinstance(value, Phone) and value.extension else ""
    href = f"tel:{e164}" + (f";ext={ext}" if ext else "")
    shown = national + (f" x{ext}" if ext else "")
    return Markup('<a class="tel" href="{}" dir="ltr">{}</a>').format(href, shown)


@pass_context
def _url(ctx: Context, target: str, lang: str | None = None) -> str:
    """A relative link from the page being rendered to the page `target` of language `lang`.

    `target` is a page path inside a language folder ("" for its home, "help/" …); `lang`
    defaults to the page's own language, and "" means the root (the language chooser).
    """
    state: PageState = ctx["r"]
    folder = state.lang.tag if lang is None else lang
    full = posixpath.join(folder, target) if folder else (target or ".")
    rel = posixpath.relpath(full, posixpath.dirname(state.path) or ".")
    return "./" if rel == "." else rel + "/"


@pass_context
def _language_name(ctx: Context, tag: str) -> str:
    """A language's name in the page's language (CLDR), else in itself."""
    return _name_in(tag, ctx["r"].lang.cldr)


@lru_cache(maxsize=4096)
def _name_in(tag: str, page_locale: str | None) -> str:
    target = cldr_locale(tag)
    if target is not None and page_locale is not None:
        name = target.get_display_name(page_locale)
        if name:
            return str(name)
    return language(tag).endonym


@pass_context
def _asset(ctx: Context, name: str) -> str:
    state: PageState = ctx["r"]
    return posixpath.relpath(f"assets/{name}", posixpath.dirname(state.path) or ".")
