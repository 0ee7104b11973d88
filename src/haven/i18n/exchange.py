"""Work for translators, and their work back: `haven translate export` and `import`.

Export writes what a translator needs for one language, by default only what is missing or
outdated, as a PO file (a subset of the catalog, same msgctxt) or as XLIFF 2.0 (`state` on
each <segment>, for CAT tools), with context: the pages that show each text, where it comes
from, a length limit where one applies (`length_limit`; in XLIFF 2.0 also the standard
`slr:sizeRestriction`), and the state and digest of the translation it was sent with
(`haven-exported:`).

Import merges a returned PO, XLIFF 2.0 or XLIFF 1.2 file (translate-toolkit's po2xliff too,
matched on source text and location) into the hub's catalog, with the translators' comments
and the file's Last-Translator and PO-Revision-Date. A UTF-8 BOM, CR line ends and UTF-16
are read. It refuses a file for another language, a PO syntax error or a msgctxt used twice
(with the line), and entries that fail `haven translate check`; an entry made from a source
text that has changed since is kept as fuzzy with that source (the whole file is refused
when none matches). An entry the hub changed after the export is kept as the hub has it (a
conflict), and a reviewed translation is never replaced with an unreviewed one, nor a
person's translation with a machine draft, unless forced. The catalog is written
atomically and stays valid for `msgfmt --check`.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as defused

from haven.content.validate import Content
from haven.errors import HavenError, TranslationError
from haven.i18n.catalog import (
    FIXED_DATE,
    MACHINE,
    REVIEWED,
    State,
    _write,
    drop_previous_comments,
    header,
    po_text,
    read_babel,
    read_previous_ids,
    update_catalog,
)
from haven.i18n.checks import check_entry, length_limit
from haven.i18n.glossary import load_glossary
from haven.i18n.segments import Segment
from haven.i18n.status import (
    catalog_path,
    load_catalog,
    pages_of_segments,
)
from haven.i18n.translate import bundled_catalog, content_segments, entry_state
from haven.locate import hint
from haven.model import build_model
from haven.placeholders import segment_problem, text_problem

Format = Literal["po", "xliff"]
XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF11 = "urn:oasis:names:tc:xliff:document:1.1"  # what translate-toolkit's po2xliff writes
SLR = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
EXPORTED = "haven-exported:"
"""A note on every exported entry: the state and a digest of the translation it was sent
with, so that an import can tell an untouched old entry from new work."""
_EXPORTED = re.compile(r"haven-exported: (\w+) ([0-9a-f]{8}|-)")
TODO = (State.MISSING, State.OUTDATED)

# A person's translation outranks a machine draft; a reviewed one outranks both.
RANK = {State.MACHINE: 1, State.TRANSLATED: 2, State.REVIEWED: 3}


@dataclass(frozen=True)
class ExportItem:
    """One segment as a translator receives it."""

    segment: Segment
    state: State
    translation: str
    """The current translation, if any (for an outdated one: made from `previous_source`)."""
    previous_source: str
    pages: tuple[str, ...]
    every_page: bool
    limit: int | None

    @property
    def where(self) -> str:
        """Where the text shows, in words."""
        pages = "every page" if self.every_page else ", ".join(self.pages) or "no page"
        origin = f"{self.segment.origin_file}:{self.segment.origin_line}" \
            if self.segment.origin_file else (self.segment.note or "Haven's interface")
        return f"{origin}; shown on {pages}"


def export_items(content: Content, lang: str, page_map: Mapping[str, list[str]],
                 everything: bool = False) -> list[ExportItem]:
    """The segments to send for `lang`: missing or outdated ones, or all with `everything`.

    `page_map` gives the segments each page shows (haven.staff.page_map)."""
    check_language(content, lang)
    segments = content_segments(content)
    site = build_model(content)
    on_pages = pages_of_segments(page_map)
    catalog = load_catalog(content, lang)
    previous = read_previous_ids(catalog_path(content, lang))
    bundled = bundled_catalog(lang)
    items = []
    for segment in segments:
        entry = catalog.get(segment.id)
        state = entry_state(entry, segment.source)
        if segment.kind == "ui" and state in TODO and segment.id in bundled:
            entry = bundled[segment.id]
            state = entry_state(entry, segment.source)
        if not everything and state not in TODO:
            continue
        pages = tuple(on_pages.get(segment.id, ()))
        items.append(ExportItem(
            segment=segment,
            state=state,
            translation=entry.text if entry is not None and state is not State.MISSING else "",
            previous_source=_previous(entry.source, segment, previous)
            if entry is not None and state is State.OUTDATED else "",
            pages=pages,
            every_page=len(pages) == len(site.text_pages),
            limit=length_limit(segment),
        ))
    return items


def _previous(old: str, segment: Segment, previous: dict[str, str]) -> str:
    """The source an outdated translation was made from."""
    return old if old != segment.source else previous.get(segment.id, "")


def check_language(content: Content, lang: str) -> None:
    tags = [e.tag for e in content.hub.languages]
    if lang == content.hub.source_language:
        raise TranslationError(
            f"{lang} is the hub's source language: it has nothing to translate — name one of "
            f"the other languages: {', '.join(t for t in tags if t != lang)}"
        )
    if lang not in tags:
        raise TranslationError(
            f"{lang} is not one of the hub's languages ({', '.join(tags)}) — check the tag, or "
            "add the language to `languages` in hub.yaml"
        )


def write_export(items: Iterable[ExportItem], content: Content, lang: str, fmt: Format,
                 output: Path) -> int:
    """Write the items to `output` atomically; returns how many were written."""
    items = list(items)
    if fmt == "po":
        data = _po_bytes(items, lang)
    else:
        data = _xliff_bytes(items, content, lang)
    atomic_write(output, data)
    return len(items)


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside `path`, then rename over it: a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise HavenError(
            f"{path}: cannot write this file ({exc.strerror}) — check the folder exists and "
            "you may write to it"
        ) from None


def _comments(item: ExportItem) -> list[str]:
    notes = [f"Shown on: {'every page' if item.every_page else ', '.join(item.pages)}"]
    if item.segment.note:
        notes.append(item.segment.note)
    if item.limit:
        notes.append(f"Length limit: {item.limit} characters")
    if item.segment.kind == "markdown":
        notes.append("Markdown: keep marks such as **, ## and [text](link); translate the words")
    if "{" in item.segment.source:
        notes.append("Keep the words in braces, such as {date}, exactly as they are")
    if item.state is State.MACHINE:
        notes.append("machine: a machine draft, not yet checked by a person")
    notes.append(exported_note(item.state, item.translation))
    return notes


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8] if text else "-"


def exported_note(state: State, translation: str) -> str:
    """`haven-exported: <state> <digest>`: what the hub held when the entry was exported."""
    return f"{EXPORTED} {state.value} {digest(translation)}"


def _po_bytes(items: list[ExportItem], lang: str) -> bytes:
    catalog = Catalog(locale=None, creation_date=FIXED_DATE, fuzzy=False)
    for item in items:
        segment = item.segment
        message = Message(
            segment.source,
            string=item.translation,
            context=segment.id,
            locations=[(segment.origin_file, segment.origin_line)] if segment.origin_file else [],
            auto_comments=_comments(item),
            flags=["python-brace-format"] if segment.kind == "ui" and "{" in segment.source else [],
        )
        if item.state is State.OUTDATED:
            message.flags.add("fuzzy")
            message.previous_id = [item.previous_source]
        elif item.state is State.REVIEWED:
            message.flags.add(REVIEWED)
        elif item.state is State.MACHINE:
            message.flags.add(MACHINE)
        catalog[segment.source] = message
    return header(lang).encode() + po_text(catalog)


XLIFF_STATE = {
    State.MISSING: "initial",
    State.OUTDATED: "initial",
    State.MACHINE: "translated",
    State.TRANSLATED: "translated",
    State.REVIEWED: "reviewed",
}


def _xliff_bytes(items: list[ExportItem], content: Content, lang: str) -> bytes:
    ET.register_namespace("", XLIFF2)
    ET.register_namespace("slr", SLR)
    q = f"{{{XLIFF2}}}"
    root = ET.Element(f"{q}xliff", {"version": "2.0", "srcLang": content.hub.source_language,
                                    "trgLang": lang})
    file = ET.SubElement(root, f"{q}file", {"id": "haven",
                                            "original": f"translations/{lang}.po"})
    # Length limits in the standard Size and Length Restriction module: characters.
    ET.SubElement(file, f"{{{SLR}}}profiles", {"generalProfile": "xliff:codepoints"})
    for item in items:
        segment = item.segment
        unit_attrs = {"id": segment.id, "name": segment.id}
        if item.limit:
            unit_attrs[f"{{{SLR}}}sizeRestriction"] = str(item.limit)
        unit = ET.SubElement(file, f"{q}unit", unit_attrs)
        notes = ET.SubElement(unit, f"{q}notes")
        ET.SubElement(notes, f"{q}note", {"category": "location"}).text = item.where
        if item.limit:
            ET.SubElement(notes, f"{q}note", {"category": "length-limit"}).text = (
                f"{item.limit} characters at most")
        for text in _comments(item)[1:]:
            if text.startswith(EXPORTED):
                ET.SubElement(notes, f"{q}note", {"category": "haven-exported"}).text = text
            elif not text.startswith("Length limit"):
                ET.SubElement(notes, f"{q}note", {"category": "instructions"}).text = text
        if item.previous_source:
            ET.SubElement(notes, f"{q}note", {"category": "previous-source"}).text = (
                item.previous_source)
        attrs = {"state": XLIFF_STATE[item.state]}
        if item.state is State.MACHINE:
            attrs["subState"] = "haven:machine"
        elif item.state is State.OUTDATED:
            attrs["subState"] = "haven:outdated"
        seg = ET.SubElement(unit, f"{q}segment", attrs)
        source = ET.SubElement(seg, f"{q}source", {"xml:space": "preserve"})
        source.text = segment.source
        if item.translation:
            target = ET.SubElement(seg, f"{q}target", {"xml:space": "preserve"})
            target.text = item.translation
    ET.indent(root, space=" ")
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


# -- import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One entry of a returned file."""

    id: str
    source: str
    text: str
    state: State | None
    """REVIEWED, TRANSLATED or MACHINE; None when the translator has not finished it."""
    line: int = 0
    machine_note: str = ""
    comments: tuple[str, ...] = ()
    """The translator's comments (`# …` in PO)."""
    exported: tuple[str, str] | None = None
    """(state, digest) of the hub's translation when the entry was exported, if known."""
    location: str = ""
    """Where the source text comes from (`file:line`), when the file says (po2xliff)."""


@dataclass
class Returned:
    """A returned translation file, read."""

    path: Path
    kind: str
    language: str
    source_language: str | None
    entries: list[Incoming]
    headers: dict[str, str] = field(default_factory=dict)
    """Last-Translator and PO-Revision-Date, when the file has them."""


@dataclass
class ImportReport:
    """What an import changed, entry by entry."""

    language: str
    catalog: Path
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(segment id, why)."""
    fuzzy: list[str] = field(default_factory=list)
    """Translated from an older source text: kept, marked fuzzy with that source."""
    conflicts: list[tuple[str, str]] = field(default_factory=list)
    """(segment id, why): the hub's translation changed since the export; the hub's is kept."""


def read_returned(path: Path) -> Returned:
    """Read a PO or XLIFF file a translator sent back; anything unreadable is a HavenError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TranslationError(f"{path}: cannot read this file ({exc.strerror}) — check the path")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        try:  # UTF-16 (some Windows tools write XLIFF so): read it as the UTF-8 it holds
            text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else
                               "utf-16-le" if data[:1] == b"<" else "utf-16-be").lstrip("\ufeff")
        except UnicodeDecodeError:
            raise TranslationError(f"{path.name}: this file is neither UTF-8 nor UTF-16 — save "
                                   "it again as UTF-8") from None
        text = re.sub(r"^(<\?xml[^>]*?)\s+encoding=[\"'][^\"']*[\"']", r"\1", text)
        data = text.encode("utf-8")
    data = data.removeprefix(b"\xef\xbb\xbf")
    head = data[:2000].lstrip(b" \t\r\n")
    if head.startswith(b"<"):
        return _read_xliff(path, data)
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # Windows and old Mac lines
    _check_po_syntax(path, data)
    return _read_po(path, data)


_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?'
                      r'"(?:[^"\\]|\\.)*"\s*$')


def _check_po_syntax(path: Path, data: bytes) -> None:
    """Every line of a PO file is a comment, a keyword and a string, or a string; no msgctxt
    twice. Babel reads past such mistakes; a translator must hear where they are."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = data[:exc.start].count(b"\n") + 1
        raise TranslationError(
            f"{path.name}:{at}: this file is not UTF-8 — save it again as UTF-8 (the "
            "translation tool's export settings), or ask the translator to") from None
    contexts: dict[str, int] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _PO_LINE.match(line):
            why = ('a string is not closed with "' if '"' in line and (
                line.startswith(('"', "msg"))) else "this line is not a PO keyword and string")
            raise TranslationError(
                f"{path.name}:{number}: this PO file has a syntax error ({why}) — fix that "
                f"line (check the file with 'msgfmt --check {path.name}'), or ask the "
                "translator to send it again")
        if line.startswith('msgctxt "'):
            context = line[9:].rstrip()[:-1]
            if context in contexts:
                raise TranslationError(
                    f"{path.name}:{number}: msgctxt \"{context}\" is used twice (lines "
                    f"{contexts[context]} and {number}): the file holds two translations of one "
                    "text — keep one of them, or ask the translator to export the file again")
            contexts[context] = number


def _norm(tag: str) -> str:
    return tag.replace("_", "-").strip().lower()


def _read_po(path: Path, data: bytes) -> Returned:
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
        drop_previous_comments(catalog)
    except Exception as exc:  # noqa: BLE001 - Babel raises several kinds for a broken file
        raise TranslationError(
            f"{path.name}: this is neither a PO nor an XLIFF file Haven can read ({exc}) — check "
            f"it with 'msgfmt --check {path.name}', or ask the translator to send it again"
        ) from None
    language = (catalog.locale_identifier or "").replace("_", "-")
    entries = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        state: State | None
        if not text or message.fuzzy:
            state = None
        elif MACHINE in message.flags:
            state = State.MACHINE
        elif REVIEWED in message.flags:
            state = State.REVIEWED
        else:
            state = State.TRANSLATED
        note = next((c for c in message.auto_comments if c.startswith("machine:")), "")
        line = message.lineno or 0
        entries.append(Incoming(message.context or "", message.id, text, state, line, note,
                                tuple(message.user_comments),
                                _exported(message.auto_comments)))
    headers = {}
    head = data.split(b"\n\n", 1)[0].decode("utf-8", "replace")
    for key in ("Last-Translator", "PO-Revision-Date"):
        found = re.search(rf'^"{key}:\s*(.*?)\\n"\s*$', head, re.MULTILINE)
        if found and found.group(1).strip():
            headers[key] = found.group(1).strip()
    return Returned(path, "PO", language, None, entries, headers)


def _exported(notes: Iterable[str]) -> tuple[str, str] | None:
    for note in notes:
        found = _EXPORTED.search(note)
        if found:
            return found.group(1), found.group(2)
    return None


def _read_xliff(path: Path, data: bytes) -> Returned:
    try:  # defusedxml: a DTD or an entity anywhere in the file stops the parser
        root = defused.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                  forbid_external=True)
    except DefusedXmlException:
        raise TranslationError(
            f"{path.name}: this XLIFF file declares a DOCTYPE (DTD) or entities, which Haven "
            "does not read — export it again from the translation tool as plain XLIFF"
        ) from None
    except ET.ParseError as exc:
        line = exc.position[0]
        raise TranslationError(
            f"{path.name}:{line}: this XLIFF file is not well-formed XML ({exc}) — export it "
            "again from the translation tool"
        ) from None
    if root.tag == f"{{{XLIFF2}}}xliff":
        return _read_xliff2(path, root)
    if root.tag in (f"{{{XLIFF12}}}xliff", f"{{{XLIFF11}}}xliff") or (
            root.tag == "xliff" and root.get("version") in ("1.1", "1.2")):
        return _read_xliff12(path, root)
    raise TranslationError(
        f"{path.name}: this is not an XLIFF 2.0 or 1.2 file (its root is <{root.tag}>) — send a "
        "PO file, or export XLIFF 2.0 or 1.2 from the translation tool"
    )


def _text(element: ET.Element | None) -> str:
    """The text of a <source> or <target>, inline markup flattened to its text."""
    return "" if element is None else "".join(element.itertext())


def _read_xliff2(path: Path, root: ET.Element) -> Returned:
    q = f"{{{XLIFF2}}}"
    entries = []
    for unit in root.iter(f"{q}unit"):
        ident = unit.get("name") or unit.get("id") or ""
        segments = unit.findall(f"{q}segment")
        source = "".join(_text(s.find(f"{q}source")) for s in segments)
        target = "".join(_text(s.find(f"{q}target")) for s in segments)
        states = {s.get("state", "initial") for s in segments}
        sub = {s.get("subState", "") for s in segments}
        state: State | None
        if not target or "initial" in states:
            state = None
        elif states <= {"reviewed", "final"}:
            state = State.REVIEWED
        elif "haven:machine" in sub:
            state = State.MACHINE
        else:
            state = State.TRANSLATED
        exported = _exported(n.text or "" for n in unit.iter(f"{q}note")
                             if n.get("category") == "haven-exported")
        entries.append(Incoming(ident, source, target, state, exported=exported))
    return Returned(path, "XLIFF 2.0", root.get("trgLang", ""), root.get("srcLang"), entries)


def _read_xliff12(path: Path, root: ET.Element) -> Returned:
    q = root.tag[:-len("xliff")]
    # translate-toolkit's po2xliff writes approved="yes" for every entry that was not fuzzy:
    # from such a file it means translated, not reviewed.
    from_po = any(g.get("name") == "po-entry" for g in root.iter(f"{q}context-group"))
    entries = []
    language, source_language = "", None
    for file in root.iter(f"{q}file"):
        language = language or file.get("target-language", "")
        source_language = source_language or file.get("source-language")
    for unit in root.iter(f"{q}trans-unit"):
        if unit.get("restype") == "x-gettext-domain-header":
            continue  # po2xliff's copy of the PO header
        ident = unit.get("resname") or unit.get("id") or ""
        where = {c.get("context-type"): (c.text or "") for c in unit.iter(f"{q}context")}
        location = (f"{where['sourcefile']}:{where.get('linenumber', '')}"
                    if where.get("sourcefile") else "")
        notes = [n.text or "" for n in unit.iter(f"{q}note")] + [
            c.text or "" for c in unit.iter(f"{q}context")]
        target_el = unit.find(f"{q}target")
        target = _text(target_el)
        xstate = target_el.get("state", "translated") if target_el is not None else "new"
        state: State | None
        if not target or xstate in ("new", "needs-translation", "needs-adaptation",
                                    "needs-l10n"):
            state = None
        elif (unit.get("approved") == "yes" and not from_po) or xstate in ("final",
                                                                        "signed-off"):
            state = State.REVIEWED
        else:
            state = State.TRANSLATED
        entries.append(Incoming(ident, _text(unit.find(f"{q}source")), target, state,
                                exported=_exported(notes), location=location))
    return Returned(path, "XLIFF 1.2", language, source_language, entries)


def language_matches(theirs: str, ours: str) -> bool:
    """The file's language is ours, or a more precise form of it (es-ES for es)."""
    a, b = _norm(theirs), _norm(ours)
    return a == b or a.startswith(b + "-")


def import_file(content: Content, path: Path, force: bool = False,
                language: str | None = None) -> ImportReport:
    """Merge a returned file into the hub's catalog of its language."""
    returned = read_returned(path)
    if not returned.entries:
        raise TranslationError(
            f"{path.name}: this {returned.kind} file holds no translations — check it is the "
            "file the translator sent back"
        )
    tags = [e.tag for e in content.hub.languages if e.tag != content.hub.source_language]
    if not returned.language:
        if language is None:
            raise TranslationError(
                f"{path.name}: the file does not say its language (no Language header or "
                "trgLang) — add it, or name the language with --language TAG"
            )
        returned.language = language
    lang = next((t for t in tags if language_matches(returned.language, t)), None)
    if language is not None and (lang is None or lang != language):
        raise TranslationError(
            f"{path.name}: this file is in {returned.language}, not {language} — import it "
            f"for {returned.language}, or ask for the {language} file"
        )
    if lang is None:
        raise TranslationError(
            f"{path.name}: this file is for {returned.language}, which is not a language this "
            f"hub translates into ({', '.join(tags)}) — check you were sent the right file, or "
            "add the language to hub.yaml"
        )
    source_language = content.hub.source_language
    if returned.source_language and not language_matches(returned.source_language,
                                                         source_language):
        raise TranslationError(
            f"{path.name}: this file was translated from {returned.source_language}, but the "
            f"hub is written in {source_language} — export the work again with "
            f"{hint('translate', 'export', lang, content.root)}"
        )
    segments = {s.id: s for s in content_segments(content)}
    target = catalog_path(content, lang)
    report = ImportReport(lang, target)
    glossary = load_glossary(content.root, lang)
    accepted: list[Incoming] = []
    stale: list[Incoming] = []
    failing = 0
    for entry in _resolved(returned.entries, list(segments.values())):
        current = segments.get(entry.id)
        if current is None:
            report.refused.append((entry.id or f"line {entry.line}",
                                   "no such text in the hub any more"))
        elif entry.state is None:
            report.unfinished.append(entry.id)
        elif (why := text_problem(entry.text) or segment_problem(entry.id, entry.text)):
            report.refused.append((entry.id, f"line {entry.line}: {why}" if entry.line else why))
            failing += 1
        elif current.source != entry.source:
            stale.append(entry)
        elif failed := check_entry(current, entry.text, glossary, length_limit(current)):
            report.refused += [(entry.id, f"{what} — {fix}") for _, what, fix in failed]
            failing += 1
        else:
            accepted.append(entry)
    matching = len(accepted) + len(report.unfinished) + failing
    if matching == 0:
        raise TranslationError(
            f"{path.name}: none of its {len(returned.entries)} entries matches the hub's current "
            f"text: it was made from a different source, or for another hub — export the work "
            f"again with {hint('translate', 'export', lang, content.root)} and send that"
        )
    if not accepted and not stale:
        return report
    update_catalog(target, lang, list(segments.values()))
    catalog = read_babel(target)
    changed = False
    for entry in accepted:
        message = catalog.get(entry.source, context=entry.id)
        if message is None:  # update_catalog just added every current segment
            report.refused.append((entry.id, "not in the catalog"))
            continue
        old_text = message.string if isinstance(message.string, str) else ""
        old_state = _message_state(message, old_text)
        assert entry.state is not None
        if entry.exported is not None and not force and (
                entry.exported != (old_state.value, digest(old_text))):
            # The hub's translation changed after this file was exported.
            if digest(entry.text) == entry.exported[1]:
                report.conflicts.append((entry.id, ("changed in the hub since this file was "
                                         "exported: the newer translation in the hub is kept")))
                continue
            if old_text and old_text != entry.text:
                report.conflicts.append((
                    entry.id, ("changed both in the hub and in this file since it was exported: "
                    "the hub's is kept — compare the two, and import with --force to take "
                    "this file's")))
                continue
        if old_text == entry.text and (old_state is entry.state or (
                old_state in RANK and RANK[old_state] > RANK[entry.state])):
            if _add_comments(message, entry):
                changed = True
            report.unchanged.append(entry.id)
            continue
        if (not force and old_state in RANK
                and RANK[entry.state] < RANK[old_state] and old_text != entry.text):
            why = ("a reviewed translation would be replaced by an unreviewed one"
                   if old_state is State.REVIEWED else
                   "a person's translation would be replaced by a machine draft")
            report.refused.append((entry.id, f"{why}: use --force to replace it"))
            continue
        (report.new if old_state is State.MISSING else report.updated).append(entry.id)
        message.string = entry.text
        message.flags -= {"fuzzy", REVIEWED, MACHINE}
        message.previous_id = []
        message.auto_comments = [c for c in message.auto_comments if not c.startswith("machine:")]
        if entry.state is State.REVIEWED:
            message.flags.add(REVIEWED)
        elif entry.state is State.MACHINE:
            message.flags.add(MACHINE)
            message.auto_comments.append(entry.machine_note or "machine: imported machine draft")
        _add_comments(message, entry)
        changed = True
    for entry in stale:
        current = segments[entry.id]
        message = catalog.get(current.source, context=entry.id)
        if message is None:
            continue
        old_text = message.string if isinstance(message.string, str) else ""
        if old_text and not message.fuzzy:
            report.conflicts.append((entry.id, ("translated from an older source text, and the "
                                     "hub has a translation of the current one: the hub's is "
                                     "kept")))
            continue
        # Kept for the translator to update: fuzzy, with the source it was made from.
        message.string = entry.text
        message.flags -= {REVIEWED, MACHINE}
        message.flags.add("fuzzy")
        message.previous_id = [entry.source]
        _add_comments(message, entry)
        report.fuzzy.append(entry.id)
        changed = True
    if changed:
        if returned.headers.get("Last-Translator"):
            catalog.last_translator = returned.headers["Last-Translator"]
        if returned.headers.get("PO-Revision-Date"):
            catalog.revision_date = returned.headers["PO-Revision-Date"]
        _write(target, lang, catalog, catalog)
    return report


def _add_comments(message: Message, entry: Incoming) -> bool:
    """Add the translator's comments the entry does not have yet; True when any was added."""
    new = [c for c in entry.comments if c not in message.user_comments]
    message.user_comments = list(message.user_comments) + new
    return bool(new)


def _resolved(entries: list[Incoming], segments: list[Segment]) -> list[Incoming]:
    """Entries with the segment id they belong to.

    A file made by a tool that drops msgctxt (translate-toolkit's po2xliff numbers its units)
    is matched on the source text, and where several segments have it, on where it comes from.
    """
    ids = {s.id for s in segments}
    by_source: dict[str, list[Segment]] = {}
    for segment in segments:
        by_source.setdefault(segment.source, []).append(segment)
    result = []
    for entry in entries:
        if entry.id in ids or entry.source not in by_source:
            result.append(entry)
            continue
        candidates = by_source[entry.source]
        if entry.location and len(candidates) > 1:
            here = [s for s in candidates
                    if f"{s.origin_file}:{s.origin_line}" == entry.location]
            candidates = here or candidates
        result += [replace(entry, id=s.id) for s in candidates]
    return result


def _message_state(message: Message, text: str) -> State:
    if not text:
        return State.MISSING
    if message.fuzzy:
        return State.OUTDATED
    if MACHINE in message.flags:
        return State.MACHINE
    if REVIEWED in message.flags:
        return State.REVIEWED
    return State.TRANSLATED
