"""How far each language is translated: for the hub and for every page (`haven translate status`).

A page counts the segments a reader of it sees: every interface string, and the content
segments that rendering the page recorded (haven.render.uses, haven.staff.page_map): the hub's
name and interpretation line in its header and footer, the documents' titles in its navigation,
its own text. A segment is in one of five states (see `catalog.State`); the hub's publish
policy, per language, says which states are shown to readers (`published_states`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from haven.content.schema import PublishPolicy
from haven.content.validate import Content
from haven.i18n.catalog import Entry, State, read_catalog
from haven.i18n.segments import Segment
from haven.i18n.translate import (
    bundled_catalog,
    content_segments,
    entry_state,
    publish_policy,
    published_states,
)
from haven.languages import Language
from haven.memo import once_per_object
from haven.model import Page, build_model
from haven.privacy.headers import page_meta
from haven.templating import environment

STATES: tuple[State, ...] = (
    State.REVIEWED, State.TRANSLATED, State.MACHINE, State.OUTDATED, State.MISSING,
)
STAFF_TRANSLATIONS = "_staff/translations.html"
"""Where every build puts the translation matrix: linked from no public page, noindex."""


def catalog_path(content: Content, tag: str) -> Path:
    """Where the catalog of `tag` is, or would be written."""
    return content.catalogs.get(tag) or content.root / "translations" / f"{tag}.po"


def load_catalog(content: Content, tag: str) -> dict[str, Entry]:
    """The hub's catalog of `tag`, empty when it has none yet."""
    path = catalog_path(content, tag)
    return read_catalog(path) if path.exists() else {}


def segment_states(
    segments: Iterable[Segment], lang: str, catalog: Mapping[str, Entry]
) -> dict[str, State]:
    """State of every segment in `lang`; interface strings fall back to Haven's own catalog."""
    bundled = bundled_catalog(lang)
    states: dict[str, State] = {}
    for segment in segments:
        state = entry_state(catalog.get(segment.id), segment.source)
        if (segment.kind == "ui" and state in (State.MISSING, State.OUTDATED)
                and segment.id in bundled):
            state = entry_state(bundled[segment.id], segment.source)
        states[segment.id] = state
    return states


def pages_of_segments(page_map: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The inverse: for each segment id, the keys of the pages that show it."""
    result: dict[str, list[str]] = {}
    for key, ids in page_map.items():
        for ident in ids:
            result.setdefault(ident, []).append(key)
    return result


@dataclass(frozen=True)
class Counts:
    """How many segments are in each state."""

    reviewed: int = 0
    translated: int = 0
    machine: int = 0
    outdated: int = 0
    missing: int = 0

    @classmethod
    def of(cls, states: Iterable[State]) -> Counts:
        found = list(states)  # five counts in C beat a Counter for a page's few dozen segments
        return cls(*(found.count(state) for state in STATES))

    @property
    def total(self) -> int:
        return self.reviewed + self.translated + self.machine + self.outdated + self.missing

    def get(self, state: State) -> int:
        value: int = getattr(self, state.value)
        return value

    def shown(self, published: Iterable[State]) -> int:
        """Segments whose translation readers see."""
        return sum(self.get(state) for state in set(published))

    def percent(self, published: Iterable[State]) -> int:
        """Shown translated, in whole percent, rounded down (99.6 % is not 100 %)."""
        return 100 if self.total == 0 else self.shown(published) * 100 // self.total

    def below(self, published: Iterable[State], threshold: int) -> bool:
        return self.shown(published) * 100 < threshold * self.total

    def as_dict(self) -> dict[str, int]:
        return {state.value: self.get(state) for state in STATES} | {"total": self.total}


@dataclass
class LanguageStatus:
    """One language's figures: for the whole hub and per page."""

    tag: str
    name: str
    english_name: str
    policy: PublishPolicy
    published: frozenset[State]
    hub: Counts
    pages: dict[str, Counts] = field(default_factory=dict)
    content: Counts = field(default_factory=Counts)
    """The hub's own text (everything but Haven's interface strings)."""
    interface: Counts = field(default_factory=Counts)
    """Haven's interface strings (`ui:…`), which ship translated for many languages."""
    page_content: dict[str, Counts] = field(default_factory=dict)
    """The hub's own text of each page."""
    row: str = ""
    """Its row of the staff page's languages × pages table, when made beforehand (matrix_row:
    a build makes it in the language's worker)."""

    @property
    def percent(self) -> int:
        return self.hub.percent(self.published)


@dataclass
class StatusMatrix:
    """Every served language (but the source) × every page."""

    hub_name: str
    source_language: str
    threshold: int
    pages: list[Page]
    languages: list[LanguageStatus]

    def below_threshold(self) -> list[tuple[str, str, int]]:
        """(language, page key, percent) of every page under the hub's threshold."""
        if self.threshold <= 0:
            return []
        return [
            (lang.tag, key, counts.percent(lang.published))
            for lang in self.languages
            for key, counts in lang.pages.items()
            if counts.below(lang.published, self.threshold)
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "source_language": self.source_language,
            "threshold": self.threshold,
            "pages": [{"key": p.key, "path": p.path} for p in self.pages],
            "languages": [
                {
                    "tag": lang.tag,
                    "name": lang.name,
                    "english_name": lang.english_name,
                    "publish": lang.policy,
                    "percent_shown": lang.percent,
                    "hub": lang.hub.as_dict(),
                    "content": lang.content.as_dict()
                    | {"percent_shown": lang.content.percent(lang.published)},
                    "interface": lang.interface.as_dict()
                    | {"percent_shown": lang.interface.percent(lang.published)},
                    "pages": {
                        key: counts.as_dict() | {
                            "percent_shown": counts.percent(lang.published),
                            "content_percent_shown":
                                lang.page_content[key].percent(lang.published),
                        }
                        for key, counts in lang.pages.items()
                    },
                }
                for lang in self.languages
            ],
            "below_threshold": [
                {"language": tag, "page": key, "percent_shown": percent}
                for tag, key, percent in self.below_threshold()
            ],
        }


def status_matrix(
    content: Content, page_map: Mapping[str, list[str]],
    catalogs: Mapping[str, Mapping[str, Entry]] | None = None,
) -> StatusMatrix:
    """The figures of every served language; catalogs are read from the hub unless given.

    `page_map` gives the segments each page shows, by page key: what rendering recorded
    (haven.staff.page_map).
    """
    site = build_model(content)
    segments = content_segments(content)
    source = content.hub.source_language
    languages = []
    for lang in site.languages:
        if lang.tag == source:
            continue
        catalog = catalogs[lang.tag] if catalogs and lang.tag in catalogs else load_catalog(
            content, lang.tag)
        states = segment_states(segments, lang.tag, catalog)
        languages.append(language_status(content, lang, states, page_map))
    return matrix_of(content, site.text_pages, languages)


def language_status(content: Content, lang: Language, states: Mapping[str, State],
                    page_map: Mapping[str, list[str]]) -> LanguageStatus:
    """One language's figures, from the state of each of its segments."""
    return LanguageStatus(
        tag=lang.tag,
        name=lang.endonym,
        english_name=lang.english_name,
        policy=publish_policy(content.hub, lang.tag),
        published=published_states(content.hub, lang.tag),
        hub=Counts.of(states.values()),
        pages={key: Counts.of([states[i] for i in ids]) for key, ids in page_map.items()},
        content=Counts.of(state for i, state in states.items() if not i.startswith("ui:")),
        interface=Counts.of(state for i, state in states.items() if i.startswith("ui:")),
        page_content={key: Counts.of([states[i] for i in ids])
                      for key, ids in _content_only(page_map).items()},
    )


@once_per_object
def _content_only(page_map: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Each page's content segments, interface strings left out (once per page map: every
    language of a build counts with the same one)."""
    return {key: [i for i in ids if not i.startswith("ui:")] for key, ids in page_map.items()}


def matrix_of(content: Content, pages: list[Page],
              languages: list[LanguageStatus]) -> StatusMatrix:
    """The matrix of the languages' figures (every served language but the source)."""
    source = content.hub.source_language
    return StatusMatrix(content.hub.name, source, content.hub.translation_threshold, pages,
                        [lang for lang in languages if lang.tag != source])


# -- the staff report page ------------------------------------------------------------------

BANDS = (
    (100, "complete", "✓", "all shown translated"),
    (80, "most", "◕", "80 % or more"),
    (1, "some", "◔", "under 80 %"),
    (0, "none", "✗", "nothing translated"),
)


def band(percent: int) -> tuple[str, str, str]:
    """(css class, symbol, words) of a percentage: colour is never the only signal."""
    for floor, name, symbol, words in BANDS:
        if percent >= floor:
            return name, symbol, words
    return BANDS[-1][1:]


_env = environment("haven.i18n")
_env.globals["security_meta"] = page_meta


def matrix_row(lang: LanguageStatus, pages: list[Page], threshold: int) -> Markup:
    """One language's row of the languages × pages table (a big hub has thousands of cells,
    so they are written here rather than by the template)."""
    cells = []
    for key, label in _labels(tuple(pages)):
        counts = lang.pages[key]
        percent = counts.percent(lang.published)
        name, symbol, _ = band(percent)
        below = " below" if threshold and counts.below(lang.published, threshold) else ""
        title = ", ".join(f"{counts.get(state)} {state.value}" for state in STATES)
        cells.append(f'<td class="{name}{below}" title="{label}: {title}">'
                     f'{symbol} {percent} %{below}</td>\n')
    return Markup("".join(cells))


@lru_cache(maxsize=8)
def _labels(pages: tuple[Page, ...]) -> list[tuple[str, Markup]]:
    return [(page.key, escape(page_label(page))) for page in pages]


def page_label(page: Page) -> str:
    """A page's name, the same in every language and never another page's: its address in
    the language's folder (`know-your-rights` is the document, `help/know-your-rights` the
    topic), `home` for the home page."""
    return page.path.strip("/") or "home"


STAFF_CSS = "_staff/staff.css"


def staff_css() -> bytes:
    """The staff report's small stylesheet (a file: the site's CSP forbids inline styles)."""
    return (resources.files("haven.i18n") / "templates" / "staff.css").read_bytes()


def render_status_html(matrix: StatusMatrix, stylesheet: str | None = None) -> str:
    """The staff report's page: a languages × pages matrix, coloured, with words and symbols.

    A standalone HTML document (no script, `noindex`) that links `stylesheet`, or carries
    its styles inline when written on its own (`haven translate status --html`).
    """
    template = _env.get_template("translations.html")
    rows = []
    for lang in matrix.languages:
        name, symbol, words = band(lang.percent)
        cells = Markup(lang.row) if lang.row else matrix_row(lang, matrix.pages, matrix.threshold)
        rows.append({"lang": lang, "cells": cells, "band": name, "symbol": symbol,
                     "words": words})
    return template.render(
        matrix=matrix, rows=rows, states=STATES, bands=BANDS, stylesheet=stylesheet,
        css=Markup(staff_css().decode()),
        columns=[(page, page_label(page)) for page in matrix.pages],
    )
