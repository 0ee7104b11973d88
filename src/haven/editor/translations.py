"""The translation view: one language's texts, their state and their checks; saving goes
through `haven translate import` (haven.i18n.exchange.import_file), so the hub's PO catalog
is written exactly as an import writes it, with the same refusals."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from haven.content.load import load
from haven.content.validate import Content, validate
from haven.i18n.catalog import FIXED_DATE, REVIEWED, State, header, po_text
from haven.i18n.checks import check_entry, length_limit
from haven.i18n.exchange import ImportReport, exported_note, import_file
from haven.i18n.glossary import load_glossary
from haven.i18n.status import load_catalog, segment_states
from haven.i18n.translate import bundled_catalog, content_segments

PAGE_SIZE = 40


@dataclass
class Row:
    id: str
    source: str
    text: str
    state: str
    kind: str
    where: str
    problems: list[str] = field(default_factory=list)


@dataclass
class LanguageView:
    tag: str
    rows: list[Row]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    source_tag: str = "en"


def hub_content(root: Path) -> Content:
    return validate(load(root))


def languages(content: Content) -> list[str]:
    return [e.tag for e in content.hub.languages if e.tag != content.hub.source_language]


def language_view(content: Content, tag: str, state: str = "", page: int = 1) -> LanguageView:
    """The rows of one page of `tag`'s texts, optionally only those in `state`."""
    segments = content_segments(content)
    catalog = load_catalog(content, tag)
    bundled = bundled_catalog(tag)
    states = segment_states(segments, tag, catalog)
    glossary = load_glossary(content.root, tag)
    counts: dict[str, int] = {s.value: 0 for s in State}
    for value in states.values():
        counts[value.value] += 1
    chosen = [s for s in segments if not state or states[s.id].value == state]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = []
    for segment in chosen[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]:
        entry = catalog.get(segment.id) or (bundled.get(segment.id) if segment.kind == "ui"
                                            else None)
        text = entry.text if entry is not None else ""
        row = Row(segment.id, segment.source, text, states[segment.id].value, segment.kind,
                  f"{segment.origin_file}:{segment.origin_line}" if segment.origin_file
                  else segment.note)
        if text and states[segment.id] is not State.OUTDATED:
            row.problems = [f"{what} — {fix}" for _, what, fix
                            in check_entry(segment, text, glossary, length_limit(segment))]
        rows.append(row)
    return LanguageView(tag, rows, len(chosen), page, pages, counts,
                        content.hub.source_language)


def save(content: Content, tag: str, form: Mapping[str, str], translator: str) -> ImportReport:
    """Import the changed rows of the form, as a PO file a translator sent back would be."""
    segments = {s.id: s for s in content_segments(content)}
    catalog = Catalog(locale=None, creation_date=FIXED_DATE, fuzzy=False)
    for name, text in form.items():
        if not name.startswith("t:"):
            continue
        ident = name[2:]
        segment = segments.get(ident)
        if segment is None:
            continue
        text = text.replace("\r\n", "\n").strip()
        old_text = form.get(f"o:{ident}", "").replace("\r\n", "\n")
        old_state = State(form.get(f"s:{ident}", "missing"))
        reviewed = f"r:{ident}" in form
        if not text or (text == old_text.strip() and not (
                reviewed and old_state is not State.REVIEWED)):
            continue
        message = Message(segment.source, string=text, context=ident,
                          auto_comments=[exported_note(old_state, old_text)])
        if reviewed:
            message.flags.add(REVIEWED)
        catalog[segment.source] = message
    head = header(tag).splitlines(keepends=True)
    head = [line for line in head
            if not line.startswith(('"Last-Translator:', '"PO-Revision-Date:'))]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000")
    extra = f'"PO-Revision-Date: {stamp}\\n"\n'
    if translator.strip():
        extra += f'"Last-Translator: {_po_safe(translator)}\\n"\n'
    head.insert(2, extra)
    with tempfile.TemporaryDirectory(prefix="haven-edit-") as folder:
        path = Path(folder) / f"{tag}.po"
        path.write_bytes("".join(head).encode() + po_text(catalog))
        if not any(True for _ in catalog):
            return ImportReport(tag, path)
        return import_file(content, path, language=tag)


def _po_safe(text: str) -> str:
    return " ".join(text.replace("\\", "").replace('"', "'").split())
