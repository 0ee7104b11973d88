"""Render every page of every language, and the language chooser at the root."""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar, cast

from jinja2 import Environment
from markupsafe import Markup, escape

from haven import templating
from haven.content.facets import open_phones
from haven.content.schema import Phone
from haven.costs import format_money
from haven.dates import format_long_date
from haven.i18n.catalog import State
from haven.i18n.translate import Localized, LStr, content_segment_ids, localize, partly_translated
from haven.languages import Language, language, name_for
from haven.markdown import render_markdown
from haven.model import Page, PageKind, Site
from haven.opendata.jsonld import organization_jsonld, script_safe_string
from haven.phones import tel_of
from haven.placeholders import fill
from haven.privacy.headers import base_path
from haven.render.assets import asset_bytes, asset_path
from haven.render.describe import describe, shorten
from haven.render.directory import directory_files, facet_label
from haven.render.shared import Evaluate, Filler, Placeholders, Skeleton, marker
from haven.render.uses import (
    HUB,
    NOT_FOUND_KEY,
    SEARCH_INDEX,
    PageUse,
    own_records,
    segment_records,
)

CSS_PATH = asset_path("haven.css")
NOT_FOUND = "404.html"
"""Each language's page for a missing address, and the site's (haven.hosting)."""


@dataclass
class PageState:
    """The page being rendered, and what rendering it noticed.

    Filters and globals read it through `_PAGE` (a context variable, so concurrent builds in
    threads stay apart) instead of Jinja's context: macros can then be imported once, without
    context, and called cheaply.
    """

    lang: Language
    source: Language
    path: str
    ui: dict[str, LStr] = field(default_factory=dict)
    ui_cache: dict[str, tuple[Markup, int]] = field(default_factory=dict)
    region: str = "US"
    view: Localized | None = None
    """The language's content (what deferred calls of shared pages read)."""
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The language's records by kind and id."""
    names: Mapping[str, Language] = field(default_factory=dict)
    """Languages the hub names itself, by tag (served and by phone)."""
    placeholders: Placeholders | None = None
    """Set while a shared page is rendered for every language at once (haven.render.shared):
    whatever depends on the language is deferred, as a placeholder."""
    fallback: bool = False
    """Some text is shown in the source language, not the page's."""
    machine: bool = False
    """Some text is an unreviewed machine draft."""
    outdated: bool = False
    """Some text was translated from an earlier version of the source."""

    @property
    def noticed(self) -> int:
        """What rendering noticed, as bits: fallback 1, machine draft 2, outdated 4."""
        return self.fallback | self.machine << 1 | self.outdated << 2

    def notice(self, noticed: int) -> None:
        """Take in what rendering a cached or filled-in piece of the page noticed."""
        self.fallback |= bool(noticed & 1)
        self.machine |= bool(noticed & 2)
        self.outdated |= bool(noticed & 4)

    @property
    def depth(self) -> int:
        """How many folders down from the site's root the page is."""
        return self.path.count("/")

    def sibling(self, path: str) -> PageState:
        """A fresh state for another page of the same language."""
        return PageState(self.lang, self.source, path, self.ui, self.ui_cache, self.region,
                         self.view, self.records, self.names, self.placeholders)


_PAGE: ContextVar[PageState] = ContextVar("haven_page")

F = TypeVar("F", bound=Callable[..., Any])

PER_LANGUAGE: dict[str, Callable[..., Any]] = {}
"""The template functions declared `@per_language`, by name."""


def per_language(func: F) -> F:
    """Declare a template function per-language: what it returns depends on the page's
    language (its words, its way of writing dates or amounts …).

    On a shared page (haven.render.shared) a call is not made: it becomes a placeholder, and
    each language makes the same call, with the same arguments, when it fills the page in.
    Elsewhere the function runs as it is.
    """

    @functools.wraps(func)
    def deferring(*args: Any, **kwargs: Any) -> Any:
        placeholders = _PAGE.get().placeholders
        if placeholders is not None:
            return placeholders.defer(deferring, *args, **kwargs)
        return func(*args, **kwargs)

    PER_LANGUAGE[func.__name__] = deferring
    return cast(F, deferring)


@contextmanager
def _rendering(state: PageState) -> Iterator[PageState]:
    token = _PAGE.set(state)
    try:
        yield state
    finally:
        _PAGE.reset(token)


def load_templates() -> None:
    """Every page template loaded (compiled now where the bytecode cache has none): content
    of no hub needed, so `haven build` does it while the content is read ahead."""
    env = environment()
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates, compiled once per process (the preview rebuilds many times)."""
    env = templating.environment("haven.render", strict=True)
    env.filters.update(t=_text, md=_markdown, date=_date, striptags=_striptags)
    env.globals.update(ui=_ui, phone=_phone, url=_url, asset=_asset, file=_file, language_name=_language_name,
                       organization_jsonld=_organization_jsonld, letter_notice=_letter_notice,
                       asset_path=asset_path)
    env.globals.update(cached=_cached, language_facet=_language_facet)  # the filter pages
    env.globals.update(open_phones=open_phones, call_to_check=_call_to_check, money=_money)
    env.tests["contains"] = lambda seq, item: item in seq
    return env


SHARED_TEMPLATES = frozenset({"organization.html", "facet.html", "help.html", "document.html",
                              "resource.html", "resources.html", "report.html"})
"""Pages whose markup differs between languages only by their words: rendered once per build
and filled in for each language (haven.render.shared). A template listed here may show a
language's text only through the template functions (`|t`, `|md`, `ui()`, `|date`,
`language_name()` …), never compare or transform it in the template itself."""


class Renderer:
    """Turns the site model and each language's content into files."""

    def __init__(self, site: Site, shared: bool = True, caches: bool = True) -> None:
        """With `shared` (the default), the pages of SHARED_TEMPLATES are rendered once for
        every language; without, each language renders them itself. Without `caches`, every
        page is rendered whole, by itself: no header, layout or interface-string cache."""
        self.site = site
        self.shared = SHARED_TEMPLATES if shared else frozenset()
        self.caches = caches
        self._skeletons: tuple[Placeholders, dict[str, Skeleton]] | None = None
        self._placeholder_view: tuple[PageState, dict[str, Any]] | None = None
        self._uses: dict[str, PageUse] | None = None
        self._all_skeletons = False
        self.env = env = environment()
        self.layout = env.get_template("layout.html")
        self.top = env.get_template("_top.html")
        self.bottom = env.get_template("_bottom.html")
        self.head = Markup(env.get_template("_head.html").render())
        self.links = env.get_template("_links.html")
        self.templates = {p.template: env.get_template(p.template) for p in site.pages}
        self.templates[OFFLINE_PAGE.template] = env.get_template(OFFLINE_PAGE.template)

    @classmethod
    def reference(cls, site: Site) -> Renderer:
        """A renderer with every cache and shortcut off: each page of each language through
        its templates, as written. What the fast renderer must match byte for byte."""
        return cls(site, shared=False, caches=False)

    def css(self) -> bytes:
        return asset_bytes("haven.css")

    def chooser(self, partial: Mapping[str, tuple[str, str]] | None = None) -> bytes:
        """The root page: every served language, named in itself.

        `partial` gives, for each language below the hub's translation threshold, its
        "partly translated" label and the language that label is in (tag → (text, tag)).
        """
        global _CHOOSER
        site = self.site
        hub = site.content.hub
        made_of = (tuple(site.languages), site.source, dict(partial or {}))
        last = _CHOOSER  # the preview builds again: the same hub and languages, the same page
        if self.caches and last is not None and last[0] is hub and last[1] == made_of:
            return last[2]
        state = PageState(site.source, site.source, "index.html", region=hub.country)
        labels = {tag: (text, language(lang)) for tag, (text, lang) in (partial or {}).items()}
        with _rendering(state):
            description = shorten(f"{hub.name}: " + " · ".join(
                dict.fromkeys(lang.endonym for lang in site.languages)))
            html = self.env.get_template("chooser.html").render(
                site=site, hub=hub, r=state, languages=site.languages, partial=labels,
                description=description,
            )
        _CHOOSER = (hub, made_of, html.encode())
        return _CHOOSER[2]

    def language(self, view: Localized, printed: Sequence[str] = (),
                 only: Collection[str] | None = None) -> dict[str, bytes]:
        """Every page of one language, by path in the output folder (with `only`, the pages
        of those keys, and the search index if `SEARCH_INDEX` is among them).

        `printed` names the language's PDFs (`pdf/es/flyer-letter.pdf` …), linked from its home.
        """
        if only is not None and not only and self.caches:
            return {}  # an incremental build that changed nothing this language shows
        site = self.site
        lang = site.language(view.lang)
        lookup = _records(view)
        nav_keys = {p.key for p in site.nav}
        base = PageState(lang, site.source, f"{lang.tag}/index.html", view.ui,
                         {} if self.caches else _NoCache(), site.content.hub.country, view,
                         lookup, _names(site))
        common = self._common(view, lang, lookup, printed)
        if not self.caches:
            return self._reference_language(view, base, common)
        partial = partly_translated(site.content, view)
        placeholders, skeletons = self.skeletons(only)
        filler = Filler(placeholders, _evaluator(base))
        # The head's links, header, navigation and footer differ only by the page's depth and
        # nav entry.
        chrome: dict[tuple[int, str], tuple[Markup, Markup, Markup, int]] = {}
        layouts: dict[tuple[Any, ...], tuple[str, str, str, str]] = {}
        files: dict[str, bytes] = {}
        for page in self.pages():
            if only is not None and page.key not in only:
                continue
            state = base.sibling(f"{lang.tag}/{page.path}index.html")
            current = page.key if page.key in nav_keys else ""
            with _rendering(state):
                key = (state.depth, current)
                if key not in chrome:
                    scratch = state.sibling(state.path)
                    with _rendering(scratch):
                        links = Markup(self.links.render(common, page=page, r=scratch))
                        top = Markup(self.top.render(common, page=page, r=scratch))
                        bottom = Markup(self.bottom.render(common, page=page, r=scratch))
                    chrome[key] = (links, top, bottom, scratch.noticed)
                links, top, bottom, noticed = chrome[key]
                state.notice(noticed)
                if page.template in self.shared:
                    main, noticed = filler.fill(skeletons[page.path])
                    state.notice(noticed)
                else:
                    main = self.templates[page.template].render(common, page=page, r=state)
                if partial:  # below the hub's threshold: every page says it is partly translated
                    state.notice(1)
                title = str(view_title(common, page))
                # The layout around a page's title and main differs only by depth, nav entry,
                # home or not, and the notices shown, unless the page's own address is in
                # it (the outdated notice's link, "page 2 of 3" in the title).
                own = state.outdated or page.parts > 1
                frame_key = (*key, page.key == "home", state.noticed)
                frame = None if own else layouts.get(frame_key)
                if frame is None:
                    frame = self._frame(common, page, state, links=links, top=top, bottom=bottom)
                    if not own:
                        layouts[frame_key] = frame
                description = escape(describe(main, title))
                html = f"{frame[0]}{description}{frame[1]}{escape(title)}{frame[2]}{main}{frame[3]}"
            files[state.path] = html.encode()
        if only is None or SEARCH_INDEX in only:
            files.update(directory_files(site, view))  # the search index and its script
        if only is None or NOT_FOUND_KEY in only:
            files.update(self.not_found(view, lang, base))
        return files

    def pages(self) -> list[Page]:
        """Every page of a language: the site's, and the offline page when the hub has one."""
        return [*self.site.pages, *([OFFLINE_PAGE] if self.site.content.hub.offline else [])]

    def _reference_language(self, view: Localized, base: PageState,
                            common: dict[str, Any]) -> dict[str, bytes]:
        """Every page of a language rendered whole, one template after the other."""
        site = self.site
        partial = partly_translated(site.content, view)
        files: dict[str, bytes] = {}
        for page in self.pages():
            state = base.sibling(f"{base.lang.tag}/{page.path}index.html")
            with _rendering(state):
                parts = {name: Markup(template.render(common, page=page, r=state))
                         for name, template in (("links", self.links), ("top", self.top),
                                                ("bottom", self.bottom))}
                main = Markup(self.templates[page.template].render(common, page=page, r=state))
                if partial:
                    state.notice(1)
                title = str(view_title(common, page))
                html = self.layout.render(common, page=page, r=state, title=title, main=main,
                                          description=describe(main, title), head=self.head,
                                          **parts)
            files[state.path] = html.encode()
        files.update(directory_files(site, view))
        files.update(self.not_found(view, base.lang, base))
        return files

    def not_found(self, view: Localized, lang: Language, base: PageState) -> dict[str, bytes]:
        """The language's 404 page (`es/404.html`), and for the source language the site's
        (`404.html`), which lists every language too.

        A host serves a 404 page at whatever address was asked for, at any depth: its links
        start from the hub's folder (the path of `base_url`: "/" or "/hub/")."""
        root = base_path(self.site.content.hub.base_url)
        template = self.env.get_template(NOT_FOUND)
        files = {}
        places: list[tuple[str, tuple[Language, ...]]] = [(f"{lang.tag}/{NOT_FOUND}", ())]
        if lang.tag == self.site.source.tag:
            places.append((NOT_FOUND, tuple(self.site.languages)))
        for path, languages in places:
            state = base.sibling(path)
            with _rendering(state):
                html = template.render(
                    hub=view.hub, lang=lang, head=self.head, root=root, home=f"{root}{lang.tag}/",
                    languages=languages, r=state,
                    description=shorten(f"{state.ui['not_found_title']}. {state.ui['not_found']}"))
            files[path] = html.encode()
        return files

    def _frame(self, common: dict[str, Any], page: Page, state: PageState,
               **parts: Markup) -> tuple[str, str, str, str]:
        """The layout around a page's description, title and main: (before the description,
        between it and the title, between the title and main, after main).

        `parts` are the head's links, the header and the footer."""
        scratch = state.sibling(state.path)
        scratch.notice(state.noticed)
        with _rendering(scratch):
            html = self.layout.render(common, page=page, r=scratch, title=_TITLE,
                                      description=_DESCRIPTION, main=Markup(_MAIN),
                                      head=self.head, **parts)
        before, _, rest = html.partition(_DESCRIPTION)
        described, _, rest = rest.partition(_TITLE)
        between, _, after = rest.partition(_MAIN)
        return before, described, between, after

    def _common(self, view: Localized, lang: Language, lookup: dict[str, dict[str, Any]],
                printed: Sequence[str] = ()) -> dict[str, Any]:
        """What every template of a language's pages is given."""

        def label(page: Page) -> str:
            return _label(page, view, lookup)

        return {"site": self.site, "L": view, "hub": view.hub, "ui_text": view.ui, "lang": lang,
                "lookup": lookup, "nav": self.site.nav, "label": label,
                "printed": _printed(printed)}

    def skeletons(self, keys: Collection[str] | None = None
                  ) -> tuple[Placeholders, dict[str, Skeleton]]:
        """The shared pages' markup, by page path, with placeholders for each language's words.

        Each is made once per renderer; a full build makes them all in the main process while
        the language workers prepare, and hands them over (`shared_pages`). With `keys`, only
        those pages' are made (an incremental build); the others are made when asked for.
        """
        if self._skeletons is not None and keys is None and self._all_skeletons:
            return self._skeletons
        if self._skeletons is None:
            site = self.site
            source = site.source
            numbers = _segment_placeholders() if self.caches else Placeholders()
            view = localize(site.content, source.tag, {},
                            placeholder=lambda seg: LStr(numbers.segment(seg, _bare_text),
                                                         source.tag, State.REVIEWED),
                            catalog_key=("placeholders", id(numbers)) if self.caches else None)
            placeholders = numbers.copy() if self.caches else numbers
            if len(numbers.calls) > 2 * len(content_segment_ids(site.content)) + 4096:
                _forget_segment_placeholders()
            lookup = _records(view)
            base = PageState(source, source, f"{source.tag}/index.html", view.ui, {},
                             site.content.hub.country, view, lookup, _names(site), placeholders)
            self._placeholder_view = base, self._common(view, source, lookup)
            self._skeletons = placeholders, {}
        placeholders, skeletons = self._skeletons
        wanted = [page for page in self.site.pages
                  if page.template in self.shared and page.path not in skeletons
                  and (keys is None or page.key in keys)]
        if wanted:
            assert self._placeholder_view is not None  # (shared pages taken are all there)
            base, common = self._placeholder_view
        for page in wanted:
            state = base.sibling(f"{base.lang.tag}/{page.path}index.html")
            with _rendering(state):
                skeletons[page.path] = Skeleton.of(self.templates[page.template].render(
                    common, page=page, r=state))
        self._all_skeletons = self._all_skeletons or keys is None
        return self._skeletons

    def shared_pages(self) -> bytes | None:
        """Every shared page's skeleton, the placeholders they hold and what each page uses,
        made here if not yet, pickled for forked workers (`take_shared_pages`); None when
        they cannot be (the workers then make them themselves)."""
        placeholders, skeletons = self.skeletons()
        uses = self.uses()
        try:
            return pickle.dumps((placeholders.calls, placeholders.segments, skeletons, uses),
                                protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None

    def take_shared_pages(self, data: bytes) -> None:
        """What `shared_pages` made, in another process of the same build."""
        calls, segments, skeletons, uses = pickle.loads(data)
        placeholders = Placeholders()
        placeholders.calls, placeholders.segments = calls, segments
        self._skeletons, self._uses, self._all_skeletons = (placeholders, skeletons), uses, True


    def uses(self, keys: Collection[str] | None = None) -> dict[str, PageUse]:
        """What each page used, by page key (haven.render.uses): read off the placeholders
        of its markup, made with every language's words deferred, the shared pages' skeletons
        and, for the other pages and the layout around each page, one more rendering.

        With `keys`, only those pages' (the others are kept from an earlier call)."""
        if self._uses is None:
            self._uses = {}
        uses = self._uses
        wanted = [p for p in self.pages()
                  if p.key not in uses and (keys is None or p.key in keys)]
        not_found = NOT_FOUND_KEY not in uses and (keys is None or NOT_FOUND_KEY in keys)
        if not wanted and not not_found:
            return uses
        placeholders, skeletons = self.skeletons({p.key for p in wanted})
        assert self._placeholder_view is not None
        base, common = self._placeholder_view
        site = self.site
        owner = segment_records(site.content)
        walked: dict[int, tuple[dict[str, None], dict[str, None]]] = {}
        if not_found:  # the 404 pages: the hub's name and phone, interface strings
            segments_404: dict[str, None] = {}
            ui_404: dict[str, None] = {}
            root = base_path(site.content.hub.base_url)
            state = base.sibling(f"{base.lang.tag}/{NOT_FOUND}")
            with _rendering(state):
                html = self.env.get_template(NOT_FOUND).render(
                    hub=common["hub"], lang=base.lang, head=self.head, root=root,
                    home=f"{root}{base.lang.tag}/", languages=tuple(site.languages), r=state,
                    description="")
            _walk(placeholders, Skeleton.of(html), walked, segments_404, ui_404)
            records_404 = dict.fromkeys([HUB])
            records_404.update((owner[seg], None) for seg in segments_404 if seg in owner)
            uses[NOT_FOUND_KEY] = PageUse(NOT_FOUND_KEY, tuple(segments_404), tuple(ui_404),
                                          tuple(records_404), (NOT_FOUND, "_head.html"))
        nav_keys = {p.key for p in site.nav}
        frames: dict[tuple[Any, ...], list[Skeleton]] = {}
        for page in wanted:
            state = base.sibling(f"{base.lang.tag}/{page.path}index.html")
            with _rendering(state):
                main = skeletons.get(page.path) if page.template in self.shared else None
                if main is None:
                    main = Skeleton.of(self.templates[page.template].render(
                        common, page=page, r=state))
                home = page.kind is PageKind.HOME
                frame_key = (state.depth, page.key if page.key in nav_keys else "", home,
                             page.parts > 1)
                if frame_key not in frames:
                    parts = {name: Markup(template.render(common, page=page, r=state))
                             for name, template in (("links", self.links), ("top", self.top),
                                                    ("bottom", self.bottom))}
                    layout = self.layout.render(common, page=page, r=state, title="",
                                                description="", main=Markup(""),
                                                head=self.head, **parts)
                    frames[frame_key] = [Skeleton.of(layout)]
                title = str(view_title(common, page))
            segments: dict[str, None] = {}
            ui: dict[str, None] = {}
            for skeleton in (main, Skeleton.of(title), *frames[frame_key]):
                _walk(placeholders, skeleton, walked, segments, ui)
            records = dict.fromkeys(own_records(site, page))
            records.update((owner[seg], None) for seg in segments if seg in owner)
            uses[page.key] = PageUse(page.key, tuple(segments), tuple(ui), tuple(records),
                                     (page.template, *LAYOUT_TEMPLATES))
        return uses


LAYOUT_TEMPLATES = ("layout.html", "_head.html", "_links.html", "_offline.html", "_top.html",
                    "_bottom.html", "_macros.html")
"""The templates around every page's own."""


def view_title(common: dict[str, Any], page: Page) -> Any:
    """A page's title: the hub's name on its home page, else its label."""
    return common["hub"].name if page.kind is PageKind.HOME else common["label"](page)


def _walk(placeholders: Placeholders, skeleton: Skeleton,
          walked: dict[int, tuple[dict[str, None], dict[str, None]]],
          segments: dict[str, None], ui: dict[str, None]) -> None:
    """Add the content segments and interface strings behind `skeleton`'s placeholders."""
    for number in skeleton.distinct:
        found = walked.get(number)
        if found is None:
            found = walked[number] = ({}, {})
            call = placeholders.calls[number]
            if call.func in _SEGMENT_CALLS:
                found[0][call.args[0]] = None
            elif call.func is _ui:
                found[1][call.args[0]] = None
            for _, hole in call.holes:
                _walk(placeholders, hole, walked, *found)
        segments.update(found[0])
        ui.update(found[1])


_TITLE, _MAIN, _DESCRIPTION = marker("title"), marker("main"), marker("description")
"""Where a page's title, main and description go in a layout rendered once for many pages."""


class _NoCache(dict[str, tuple[Markup, int]]):
    """An interface-string cache that keeps nothing (the reference renderer's)."""

    def __setitem__(self, key: str, value: tuple[Markup, int]) -> None:
        pass


def _names(site: Site) -> dict[str, Language]:
    """The languages the hub names itself (served and by phone), by tag."""
    hub = site.content.hub
    return {e.tag: e.language for e in (*hub.languages, *hub.interpretation_languages)}


def _records(view: Localized) -> dict[str, dict[str, Any]]:
    """A language's records by kind and id."""
    return {
        "topic": {t.id: t for t in view.topics},
        "audience": {a.id: a for a in view.audiences},
        "resource": {r.id: r for r in view.resources},
        "organization": {o.id: o for o in view.organizations},
        "document": {d.meta.id: d for d in view.documents},
    }


def _printed(names: Sequence[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(product, [(paper, path) …]) …] from `pdf/<tag>/<product>-<paper>.pdf` names."""
    products: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        stem = name.rsplit("/", 1)[-1].removesuffix(".pdf")
        product, _, paper = stem.rpartition("-")
        if product and name.endswith(".pdf"):
            products.setdefault(product, []).append((paper, name))
    order = {"flyer": 0, "card": 1, "poster": 2}
    return sorted(products.items(), key=lambda item: (order.get(item[0], 9), item[0]))


UI_LABELS = {"home": "home", "help": "find_help", "report": "report", "resources": "resources",
             "offline": "offline_missing_title"}

OFFLINE_PAGE = Page("offline", PageKind.OFFLINE, "offline.html", "offline/")
"""Each language's page that the offline worker (haven.offline) shows, from a phone's saved
copy, for a page that is not saved there when the network fails: never linked online."""


def _label(page: Page, view: Localized, lookup: dict[str, dict[str, Any]]) -> str:
    """A page's name in navigation, links and its title (an LStr where translated)."""
    kind = page.kind
    if kind in UI_LABELS:
        return view.ui[UI_LABELS[kind]]
    if kind is PageKind.FACET:
        return facet_label(page.record, view, _language_name)
    record = lookup[kind][page.record]
    label: str = (record.meta.title if kind is PageKind.DOCUMENT
                  else getattr(record, "name", None) or record.title)
    return label


def _mark(state: PageState, value: Any, html: Markup, block: bool) -> Markup:
    marked, noticed = _marked(state, value, html, block)
    if noticed:
        state.notice(noticed)
    return marked


_OWN_NOTICE = {State.MACHINE: 2, State.OUTDATED: 4}
"""What text in the page's own language makes the page notice (PageState.noticed's bits)."""


def _marked(state: PageState, value: Any, html: Markup, block: bool) -> tuple[Markup, int]:
    """`html`, wrapped with its own language when `value` is not in the page's, and what the
    page notices of it (PageState.noticed's bits)."""
    if not isinstance(value, LStr):
        return html, 0
    if value.lang == state.lang.tag:
        return html, _OWN_NOTICE.get(value.state, 0)
    wrapper = _wrapper(value.lang, state.source.direction, state.lang.direction, block)
    return Markup(wrapper) % html, 1


@lru_cache(maxsize=1024)
def _wrapper(lang: str, direction: str, page_direction: str, block: bool) -> str:
    """`<span lang="en">%s</span>`: marks text in another language than the page's."""
    tag = "div" if block else "span"
    dir_attr = f' dir="{direction}"' if direction != page_direction else ""
    return f'<{tag} lang="{escape(lang)}"{dir_attr}>%s</{tag}>'


def _text(value: Any) -> Markup:
    """Inline translatable text, marked with its own language when it is not the page's."""
    if value is None:
        return Markup("")
    state = _PAGE.get()
    deferred = _deferred_segment(state, value, _segment_text)
    if deferred is not None:
        return deferred
    return _mark(state, value, escape(value), block=False) + _unconfirmed(value, block=False)


def _unconfirmed(value: Any, block: bool) -> Markup:
    """The label of a statement the content marks as not yet confirmed, else nothing."""
    if not getattr(value, "unconfirmed", False):
        return Markup("")
    label = _ui("unconfirmed")
    if block:
        return Markup('<p class="unconfirmed"><small>{}</small></p>').format(label)
    return Markup(' <small class="unconfirmed">({})</small>').format(label)


def _markdown(value: Any) -> Markup:
    """A Markdown block, marked with its own language when it is not the page's."""
    if value is None:
        return Markup("")
    state = _PAGE.get()
    placeholders = state.placeholders
    if placeholders is not None and isinstance(value, str):
        segment = placeholders.segments.get(value)
        if segment is not None:  # its page: links depend on the page's depth
            return placeholders.defer(_segment_markdown, segment, state.depth)
    return _markdown_at(state, value, state.depth)


def _markdown_at(state: PageState, value: Any, depth: int) -> Markup:
    root = "../" * (depth - 1) if depth > 1 else ""
    return (_mark(state, value, Markup(render_markdown(str(value), root)), block=True)
            + _unconfirmed(value, block=True))


def _deferred_segment(state: PageState, value: Any, shown: Callable[[str], Markup]) -> Markup | None:
    """On a shared page, the placeholder for `shown(segment)` when `value` is a segment's."""
    placeholders = state.placeholders
    if placeholders is None or not isinstance(value, str):
        return None
    segment = placeholders.segments.get(value)
    return None if segment is None else placeholders.defer(shown, segment)


# What the placeholders of shared pages (haven.render.shared) stand for: a content segment
# shown as it is, as inline text, or as Markdown, in the language being filled in.

def _segment_placeholders() -> Placeholders:
    """The placeholders of content segments' texts, kept by the process: a process that builds
    again (the preview) then localizes its placeholder view only where records changed
    (haven.i18n.translate.localize remembers each record's copy, whose markup holds these
    numbers), not every record of the hub at each edit. Each build works on a copy."""
    global _SEGMENT_PLACEHOLDERS
    if _SEGMENT_PLACEHOLDERS is None:
        _SEGMENT_PLACEHOLDERS = Placeholders()
    return _SEGMENT_PLACEHOLDERS


def _forget_segment_placeholders() -> None:
    """Start again: the kept placeholders grew well beyond the segments the hub has (every
    edit numbers its record's segments anew)."""
    global _SEGMENT_PLACEHOLDERS
    _SEGMENT_PLACEHOLDERS = None


_SEGMENT_PLACEHOLDERS: Placeholders | None = None
_CHOOSER: tuple[Any, tuple[Any, ...], bytes] | None = None


def _bare_text(seg_id: str) -> str:
    view = _PAGE.get().view
    assert view is not None
    return view.texts[seg_id]


def _segment_text(seg_id: str) -> Markup:
    return _text(_bare_text(seg_id))


def _segment_markdown(seg_id: str, depth: int) -> Markup:
    return _markdown_at(_PAGE.get(), _bare_text(seg_id), depth)


def _evaluator(base: PageState) -> Evaluate:
    """How a language fills in a shared page's placeholder: the deferred call, made with
    the language's state, its HTML escaped as the template would have, and what it noticed."""

    scratch = base.sibling(base.path)
    assert base.view is not None
    texts = base.view.texts

    def evaluate(func: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> tuple[str, int]:
        if func is _segment_text and not texts[args[0]].unconfirmed:
            # most placeholders: what _segment_text does, without a call
            value = texts[args[0]]
            html, noticed = _marked(base, value, escape(value), block=False)
            return str(html), noticed
        if func is _piece:  # its placeholders are filled in already
            return str(args[0]), 0
        scratch.fallback = scratch.machine = scratch.outdated = False
        token = _PAGE.set(scratch)
        try:
            html = escape(func(*args, **kwargs))
        finally:
            _PAGE.reset(token)
        return str(html), scratch.noticed

    return evaluate


@per_language
def _ui(key: str, **values: Any) -> Markup:
    """An interface string, with {placeholders} filled by escaped values."""
    state = _PAGE.get()
    value = state.ui[key]
    if not values:  # the common case: the same markup on every page of a language
        return _once(key, lambda: _mark(_PAGE.get(), value, escape(str(value)), block=False))
    return _mark(state, value, _fill(escape(str(value)), values), block=False)


def _fill(text: Markup, values: dict[str, Any]) -> Markup:
    """{name} placeholders replaced by escaped values; anything else in braces left as it is.

    Translators write these strings, so only plain names are filled (haven.placeholders:
    no attribute or index lookups, no format specs, never str.format).
    """
    return Markup(fill(text, {key: str(escape(value)) for key, value in values.items()}))


def _cached(key: str, render: Callable[..., Any], *args: Any) -> Markup:
    """`render(*args)`, made once per language under `key`, then reused on every page.

    For pieces of the directory shown on many filter pages. `key` must name everything the
    piece depends on besides the language: a piece with a relative link depends on the
    page's depth. It shares the language's interface-string cache, under keys no interface
    string has.
    """
    return _once(marker(key), lambda: Markup(render(*args)))


def _once(key: str, make: Callable[[], Markup]) -> Markup:
    """`make()` the first time `key` is asked for in a language, its cached markup after,
    with what making it noticed (text in another language, a machine draft) on each page."""
    state = _PAGE.get()
    found = state.ui_cache.get(key)
    if found is None:
        scratch = state.sibling(state.path)
        with _rendering(scratch):
            html = make()
            if state.placeholders is not None:  # one placeholder for the whole piece
                html = state.placeholders.defer(_piece, html)
        found = state.ui_cache[key] = (html, scratch.noticed)
    state.notice(found[1])
    return found[0]


def _piece(html: Markup) -> Markup:
    """A cached piece of a shared page: its placeholders are filled in before this call."""
    return html


def _date(value: dt.date | None) -> str:
    return "" if value is None else _long_date(value)


@per_language
def _long_date(value: dt.date) -> str:
    state = _PAGE.get()
    formats = state.view.hub.date_formats if state.view is not None else None
    return format_long_date(value, state.lang.tag, formats)


def _phone(value: Phone | str) -> Markup:
    """A phone number as a tel: link, kept left-to-right inside right-to-left text."""
    return _phone_link(*tel_of(value, _PAGE.get().region))


@per_language
def _money(amount: float, currency: str) -> str:
    """An amount in a currency, written as the page's language writes it (Babel, CLDR)."""
    state = _PAGE.get()
    return format_money(amount, currency, state.lang.cldr or state.source.cldr)


def _call_to_check() -> Markup:
    """"Before you go, call {phone} to check.", with the hub's number."""
    state = _PAGE.get()
    assert state.view is not None, "call_to_check() is for a language's pages"
    return _ui("call_to_check", phone=_phone(state.view.hub.phone))


@lru_cache(maxsize=4096)
def _phone_link(href: str, shown: str) -> Markup:
    return Markup('<a class="tel" href="{}" dir="ltr">{}</a>').format(href, shown)


def _url(target: str, lang: str | None = None) -> str:
    """A relative link from the page being rendered to the page `target` of language `lang`.

    `target` is a page path inside a language folder ("" for its home, "help/" …); `lang`
    defaults to the page's own language, and "" means the root (the language chooser).
    Links climb to the language's folder (or the root) and go down from there, so they
    depend only on how deep the page is: pages of equal depth share their header.
    """
    state = _PAGE.get()
    folder = state.lang.tag if lang is None else lang
    if folder == state.lang.tag and state.depth:
        return "../" * (state.depth - 1) + target or "./"
    return "../" * state.depth + (f"{folder}/{target}" if folder else target) or "./"


@per_language
def _language_name(tag: str) -> str:
    """A language's name in the page's language (CLDR), else in itself."""
    state = _PAGE.get()
    return name_for(state.names.get(tag) or language(tag), state.lang)


@per_language
def _language_facet(tag: str) -> Markup:
    """A language filter's name: in the page's language, then in itself when that differs."""
    state = _PAGE.get()
    name = _language_name(tag)
    own = state.names.get(tag) or language(tag)
    if own.endonym.lower() == name.lower():
        return escape(name)
    return Markup('{} · <span lang="{}" dir="{}">{}</span>').format(
        name, own.tag, own.direction, own.endonym)


@per_language
def _letter_notice(doc_id: str) -> Markup:
    """Above a letter shown translated, and not in a translation the district reviewed: that
    it is a translation of the district's letter, not its own text."""
    state = _PAGE.get()
    blocks = state.records["document"][doc_id].blocks
    translated = any(isinstance(b, LStr) and b.lang == state.lang.tag != state.source.tag
                     and b.state is not State.REVIEWED for b in blocks)
    if not translated:
        return Markup("")
    return Markup('<p class="notice" role="note">{}</p>\n').format(_ui("letter_translation"))


def _striptags(value: Any) -> str:
    """Jinja's `striptags` (the tags come with the words: per language on a shared page)."""
    return _stripped(Markup(value.__html__() if hasattr(value, "__html__") else str(value)))


@per_language
def _stripped(html: Markup) -> str:
    return html.striptags()


def _organization_jsonld(org_id: str) -> Markup:
    """An organization's schema.org description, in the page's language (haven.opendata).

    On a shared page it is made once too: a placeholder inside a JSON string comes out of
    the JSON encoder as `\\u0000<number>\\u0001`, and is put back as a placeholder for
    the same text escaped as JSON, or for the page's language tag.
    """
    state = _PAGE.get()
    assert state.view is not None
    placeholders = state.placeholders
    tag = state.lang.tag if placeholders is None else placeholders.defer(_page_language)
    hub = state.view.hub
    text = organization_jsonld(
        state.records["organization"][org_id], hub.base_url, country=hub.country,
        area_served=hub.district, page_path=f"{tag}/help/org/{org_id}/")
    if placeholders is None:
        return Markup(text)
    return Markup(_JSON_PLACEHOLDER.sub(lambda found: _in_json(placeholders, found[1]), text))


_JSON_PLACEHOLDER = re.compile(r"\\u0000([0-9]+)\\u0001")


def _in_json(placeholders: Placeholders, number: str) -> str:
    placeholder = marker(number)
    segment = placeholders.segments.get(placeholder)
    return placeholder if segment is None else placeholders.defer(_segment_json, segment)


def _segment_json(seg_id: str) -> Markup:
    """A content segment inside a JSON-LD string, escaped as the whole JSON-LD is."""
    return Markup(script_safe_string(_bare_text(seg_id)))


_SEGMENT_CALLS = frozenset({_bare_text, _segment_text, _segment_markdown, _segment_json})
"""Placeholders that show a content segment (its id is their first argument)."""


def _page_language() -> Markup:
    return Markup(_PAGE.get().lang.tag)


def _asset(name: str) -> str:
    """A relative link to a shared asset, by its content-hashed name (haven.render.assets)."""
    return _file(asset_path(name))


def _file(path: str) -> str:
    """A relative link to a file given by its path from the site's root."""
    return "../" * _PAGE.get().depth + path
