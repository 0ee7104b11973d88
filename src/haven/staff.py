"""The staff report: the translation matrix and the messages to copy, in one place.

`haven build` writes it into every site (`_staff/`), and `haven translate status` and
`haven translate export` read the same figures. Which segments each page shows is not kept by
hand: it is what rendering the page recorded (haven.render.uses).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from haven.content.validate import Content
from haven.i18n.catalog import Entry
from haven.i18n.segments import Segment
from haven.i18n.status import (
    STAFF_CSS,
    STAFF_TRANSLATIONS,
    LanguageStatus,
    StatusMatrix,
    language_status,
    matrix_of,
    matrix_row,
    render_status_html,
    segment_states,
    staff_css,
)
from haven.i18n.status import status_matrix as _status_matrix
from haven.i18n.translate import Localized, content_segments
from haven.model import Page, Site, build_model
from haven.outreach.messages import STAFF_OUTREACH, Message, render_outreach_html
from haven.render.site import Renderer
from haven.render.uses import PageUse

if TYPE_CHECKING:  # `haven translate export` needs it, a build does not
    from haven.i18n.exchange import ExportItem


def page_segments(site: Site, uses: Mapping[str, PageUse],
                  segments: list[Segment]) -> dict[str, list[str]]:
    """The segment ids a reader of each text page sees, by page key: every interface string,
    then the content segments its rendering recorded, in catalog order."""
    ui = [s.id for s in segments if s.kind == "ui"]
    order = {s.id: n for n, s in enumerate(segments) if s.kind != "ui"}
    return {page.key: ui + sorted((i for i in uses[page.key].segments if i in order),
                                  key=order.__getitem__)
            for page in site.text_pages}


def page_map(content: Content, site: Site | None = None) -> dict[str, list[str]]:
    """`page_segments` of the content, rendering what must be rendered to know it."""
    site = site or build_model(content)
    return page_segments(site, Renderer(site).uses(), content_segments(content))


def status_matrix(content: Content,
                  catalogs: Mapping[str, Mapping[str, Entry]] | None = None) -> StatusMatrix:
    """`haven translate status`: every served language's figures (haven.i18n.status)."""
    return _status_matrix(content, page_map(content), catalogs)


def export_items(content: Content, lang: str, everything: bool = False) -> list[ExportItem]:
    """`haven translate export`: the segments to send, each with the pages that show it."""
    from haven.i18n.exchange import export_items as _export_items

    return _export_items(content, lang, page_map(content), everything)


def language_figures(site: Site, view: Localized, catalog: Mapping[str, Entry],
                     segments: list[Segment], pages: Mapping[str, list[str]]
                     ) -> LanguageStatus | None:
    """One language's translation figures, from the states its view already found, with its
    row of the matrix made (a build makes it in the language's worker). None for the source."""
    content = site.content
    if view.lang == content.hub.source_language:
        return None
    ui = segment_states([s for s in segments if s.kind == "ui"], view.lang, catalog)
    states = {s.id: ui[s.id] if s.kind == "ui" else view.states[s.id] for s in segments}
    status = language_status(content, site.language(view.lang), states, pages)
    status.row = matrix_row(status, site.text_pages, content.hub.translation_threshold)
    return status


def staff_files(site: Site, statuses: list[LanguageStatus],
                messages: list[Message]) -> dict[str, bytes]:
    """The staff pages of a build: the translation matrix, its stylesheet, the messages.

    A process that builds again keeps each language's figures and messages while what they
    are made from is unchanged (haven.workers): the pages are made again only when one of
    them, the hub's settings or its text pages are not the same."""
    global _STAFF
    made_of = (site.content.hub, *statuses, None, *messages)
    last = _STAFF
    if (last is not None and len(last[0]) == len(made_of)
            and all(a is b for a, b in zip(last[0], made_of, strict=True))
            and last[1] == site.text_pages):
        return dict(last[2])
    matrix = matrix_of(site.content, site.text_pages, statuses)
    files = {
        STAFF_TRANSLATIONS: render_status_html(matrix, stylesheet="staff.css").encode(),
        STAFF_CSS: staff_css(),
        STAFF_OUTREACH: render_outreach_html(site.content, messages).encode(),
    }
    _STAFF = (made_of, list(site.text_pages), files)
    return dict(files)


_STAFF: tuple[tuple[object, ...], list[Page], dict[str, bytes]] | None = None
