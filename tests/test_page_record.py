"""What each page used, recorded while rendering (haven.render.uses), and the staff matrix's
per-page segments derived from it (haven.staff.page_segments)."""

from __future__ import annotations

from markupsafe import escape

from haven.content.load import load
from haven.content.validate import validate
from haven.example import example_content
from haven.i18n.translate import content_segments, localize
from haven.model import PageKind, build_model
from haven.render.site import NOT_FOUND, Renderer
from haven.render.uses import NOT_FOUND_KEY, segment_records
from haven.staff import page_map


def _hartford() -> tuple[Renderer, dict[str, bytes]]:
    content = validate(load(example_content()))
    site = build_model(content)
    renderer = Renderer(site)
    pages = Renderer.reference(site).language(localize(content, site.source.tag, {}))
    return renderer, pages


def test_recorded_segments_are_the_ones_each_page_shows() -> None:
    """Every plain-text segment recorded for a page is in that page, and every plain-text
    segment found in a page (long enough not to be found by chance) was recorded."""
    renderer, pages = _hartford()
    site = renderer.site
    uses = renderer.uses()
    texts = {s.id: str(escape(s.source)) for s in content_segments(site.content)
             if s.kind == "text"}
    distinctive = {i: t for i, t in texts.items() if len(t) > 24
                   and sum(t in other for other in texts.values()) == 1}
    checked = 0
    tag = site.source.tag
    shown = [(page.key, f"{tag}/{page.path}index.html") for page in renderer.pages()]
    assert "offline" in dict(shown)  # the offline page, beside the site's own pages
    for key, path in [*shown, (NOT_FOUND_KEY, f"{tag}/{NOT_FOUND}"), (NOT_FOUND_KEY, NOT_FOUND)]:
        html = pages[path].decode()
        recorded = set(uses[key].segments)
        for ident in recorded & texts.keys():
            assert texts[ident] in html, f"{ident} recorded for {key} but not shown"
            checked += 1
        for ident, text in distinctive.items():
            if text in html:
                assert ident in recorded, f"{key} shows {ident} but did not record it"
    assert checked > 400
    assert "hub:phone_label" in uses[NOT_FOUND_KEY].segments


def test_records_follow_the_segments_and_the_page() -> None:
    renderer, _ = _hartford()
    site = renderer.site
    uses = renderer.uses()
    org = next(p for p in site.pages if p.kind is PageKind.ORGANIZATION)
    records = set(uses[org.key].records)
    # its own record, the hub (header), the documents (their titles in the navigation)
    assert {f"organization:{org.record}", "hub"} <= records
    assert {f"document:{d.meta.id}" for d in site.content.documents} <= records
    assert not any(r.startswith("organization:") and r != f"organization:{org.record}"
                   for r in records)
    topic = next(p for p in site.pages if p.kind is PageKind.TOPIC)
    listed = {f"organization:{o}" for o, _ in site.facet_of(topic).results}
    assert listed and listed <= set(uses[topic.key].records)
    owner = segment_records(site.content)
    assert all(owner[s] in uses[p.key].records for p in site.pages for s in uses[p.key].segments)
    assert all(u.templates[0] == p.template and "layout.html" in u.templates
               for p in site.pages for u in [uses[p.key]])


def test_the_staff_matrix_counts_what_rendering_recorded() -> None:
    content = validate(load(example_content()))
    site = build_model(content)
    segments = content_segments(content)
    pages = page_map(content, site)
    ui = [s.id for s in segments if s.kind == "ui"]
    assert set(pages) == {p.key for p in site.text_pages}
    assert all(ids[:len(ui)] == ui for ids in pages.values())  # every interface string
    home, org = pages["home"], pages[next(p.key for p in site.pages
                                          if p.kind is PageKind.ORGANIZATION)]
    assert "hub:home.intro" in home and "hub:home.intro" not in org
    assert "hub:name" in org and "hub:interpretation" in org  # header and footer
    assert "hub:phone_label" in home and "hub:phone_label" not in org  # the home page's only
    letter = pages["document:superintendent-letter"]
    assert sum(i.startswith("document:superintendent-letter:body.") for i in letter) > 5
    assert not any(i.startswith("document:superintendent-letter:body.") for i in home)
