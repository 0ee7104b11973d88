"""What each page used, recorded while rendering: the build's map of dependencies.

The renderer makes the shared pages once with a placeholder wherever a language's words go
(haven.render.shared); it makes the other pages, the header, footer and layout the same way
once more, only to read them. The placeholders left in that markup say which content
segments and which interface strings the page shows. A segment belongs to one record (an
organization with its services and locations, a document, a topic …), so they also say which
records the page shows. From that record:

- the staff translation matrix counts, for each page, the segments a reader of it sees
  (haven.staff), with no hand-kept list to fall out of step with the templates;
- an incremental build re-renders only the pages that used what changed (haven.incremental).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from haven.content.validate import Content
from haven.i18n.segments import body_segment_id, extract, markdown_blocks
from haven.model import Page, PageKind, Site

HUB = "hub"
REPORTING = "reporting"
SEARCH_INDEX = "search-index"
"""Not a page's key: a language's search index, made again whenever anything it shows may
have changed (any record, any segment of the language)."""
NOT_FOUND_KEY = "404"
"""Not a page's key either: a language's 404 page (and the source language's, the site's)."""


@dataclass(frozen=True)
class PageUse:
    """What one page (in every language) used."""

    key: str
    segments: tuple[str, ...]
    """Content segment ids the page shows, in the order first shown."""
    ui: tuple[str, ...]
    """Interface strings (keys) the page shows whatever happens; notices that depend on the
    language (a fallback, a machine draft) may add others."""
    records: tuple[str, ...]
    """Records the page shows something of: `hub`, `reporting`, `organization:<id>` …"""
    templates: tuple[str, ...]
    """The templates it is rendered from (its own, the layout and its parts)."""


def record_key(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


def records(content: Content) -> Iterator[tuple[str, str, object]]:
    """(record key, segment prefix, record) of every record of the content."""
    yield HUB, "hub", content.hub
    for topic in content.topics:
        yield record_key("topic", topic.id), "topic", topic
    for audience in content.audiences:
        yield record_key("audience", audience.id), "audience", audience
    for resource in content.resources:
        yield record_key("resource", resource.id), "resource", resource
    if content.reporting:
        yield REPORTING, "reporting", content.reporting
    for org in content.organizations:
        yield record_key("organization", org.id), "organization", org
    for doc in content.documents:
        yield record_key("document", doc.meta.id), "document", doc.meta


def segment_records(content: Content) -> dict[str, str]:
    """The record each content segment belongs to (a service's to its organization)."""
    owner: dict[str, str] = {}
    for key, prefix, record in records(content):
        for seg_id, _, _ in extract(record, prefix):
            owner[seg_id] = key
    for doc in content.documents:
        key = record_key("document", doc.meta.id)
        for n, _ in enumerate(markdown_blocks(doc.body)):
            owner[body_segment_id(doc.meta.id, n)] = key
    return owner


def own_records(site: Site, page: Page) -> list[str]:
    """The records a page is about, whatever it shows of them: its own record, and for a
    filter page the organizations it lists."""
    found = [HUB]
    if page.kind in (PageKind.TOPIC, PageKind.FACET):
        found += [record_key("organization", org) for org, _ in
                  site.facet_of(page).part(page.part)]
        if page.kind is PageKind.TOPIC:
            found.append(record_key("topic", page.record))
    elif page.kind in (PageKind.ORGANIZATION, PageKind.DOCUMENT, PageKind.RESOURCE):
        found.append(record_key(page.kind, page.record))
    elif page.kind is PageKind.REPORT:
        found.append(REPORTING)
    return found
