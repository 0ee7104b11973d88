"""Step 4, translate: the content of one language, every string marked with its language.

Each translatable string becomes an `LStr`: the text shown, the language it is really in
(the source language when the translation is missing or outdated) and its state, so that
pages can mark fallbacks with `lang` and label machine drafts.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Self, cast

from haven.content.schema import Document, Hub, PublishPolicy
from haven.content.validate import Content
from haven.i18n.catalog import Entry, State, read_catalog
from haven.i18n.segments import (
    Segment,
    SegmentKind,
    body_segment_id,
    extract,
    map_record,
    markdown_blocks,
    unconfirmed_paths,
)
from haven.memo import RecordMemo, once_per_object
from haven.ui import UI_STRINGS, segment_id

POLICIES: dict[str, frozenset[State]] = {
    "reviewed": frozenset({State.REVIEWED}),
    "translated": frozenset({State.REVIEWED, State.TRANSLATED}),
    "machine": frozenset({State.REVIEWED, State.TRANSLATED, State.MACHINE}),
}
"""Which translations readers see, by publish policy. Outdated translations are shown too,
labelled as such with a link to the current source, except under `reviewed`."""


def publish_policy(hub: Hub, tag: str) -> PublishPolicy:
    """The policy of language `tag`: its own `publish`, or else the hub's."""
    for entry in hub.languages:
        if entry.tag == tag and entry.publish is not None:
            return entry.publish
    return hub.publish


def published_states(hub: Hub, tag: str) -> frozenset[State]:
    """The states whose translations readers of `tag` see as current."""
    return POLICIES[publish_policy(hub, tag)]


class LStr(str):
    """Text that knows which language it is in and how far it can be trusted."""

    lang: str
    state: State
    unconfirmed: bool = False
    """The content marks this statement as not yet confirmed (its record's `unconfirmed`)."""

    def __new__(cls, text: str, lang: str, state: State) -> Self:
        value = super().__new__(cls, text)
        value.lang = lang
        value.state = state
        return value

    def __getnewargs__(self) -> tuple[str, str, State]:  # type: ignore[override]
        """Pickled (the shared pages handed to forked workers) with its language and state."""
        return str(self), self.lang, self.state

    @cached_property
    def digest(self) -> str:
        """What a reader is shown, digested: the text, its language, its state and whether it
        is marked unconfirmed (haven.incremental compares it from build to build; a view a
        process remembers digests each text once)."""
        shown = f"{self}\0{self.lang}\0{self.state.value}\0{int(self.unconfirmed)}"
        return hashlib.blake2b(shown.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass
class LocalDocument:
    meta: Document
    blocks: list[LStr]


@dataclass
class Localized:
    """One language's view of the whole content."""

    lang: str
    hub: Any
    topics: list[Any]
    audiences: list[Any]
    resources: list[Any]
    reporting: Any
    organizations: list[Any]
    documents: list[LocalDocument]
    ui: dict[str, LStr]
    states: dict[str, State] = field(default_factory=dict)
    """State of every content segment in this language, by segment id."""
    texts: dict[str, LStr] = field(default_factory=dict)
    """What readers see of every content segment, by segment id."""
    generation: int | None = field(default=None, compare=False)
    """Which view this is, when localize remembers it (a process that builds again)."""
    based_on: int | None = field(default=None, compare=False)
    changed: frozenset[str] | None = field(default=None, compare=False)
    """The segments whose text may differ from the view `based_on` (the one this process made
    before for the language, patched into this one); None: any may."""


def content_segments(content: Content) -> list[Segment]:
    """Every segment of the hub, UI strings included, in a stable order (the same list for
    the same `Content` object, which the build asks about more than once; do not change it)."""
    return _segments_of(content)[0]


def content_segment_ids(content: Content) -> list[str]:
    """The ids of the content's segments but the interface strings, in the same order (the
    same list for the same `Content` object: each language's digests are kept in that order)."""
    return _segments_of(content)[1]


def _segments_of(content: Content) -> tuple[list[Segment], list[str]]:
    global _SEGMENTS
    found = _SEGMENTS  # read once: another thread (the editor's) may replace it meanwhile
    if found is None or found[0] is not content:
        segments = _content_segments(content)
        found = _SEGMENTS = (content, segments, [s.id for s in segments if s.kind != "ui"])
    return found[1], found[2]


_SEGMENTS: tuple[Content, list[Segment], list[str]] | None = None


def _content_segments(content: Content) -> list[Segment]:
    segments: list[Segment] = []

    def add(kind: str, ident: str, record: Any) -> None:
        origin = content.origins.get((kind, ident), "")
        segments.extend(_EXTRACTED.value(record, f"{kind}\0{origin}", _record_segments))

    add("hub", "hub", content.hub)
    for topic in content.topics:
        add("topic", topic.id, topic)
    for audience in content.audiences:
        add("audience", audience.id, audience)
    for doc in content.documents:
        add("document", doc.meta.id, doc.meta)
        for n, (line, text) in enumerate(markdown_blocks(doc.body)):
            segments.append(Segment(body_segment_id(doc.meta.id, n), text, "markdown",
                                    doc.file, doc.body_line + line))
    for resource in content.resources:
        add("resource", resource.id, resource)
    if content.reporting:
        add("reporting", "intro", content.reporting)
    for org in content.organizations:
        add("organization", org.id, org)
    _EXTRACTED.done()
    segments += _ui_segments()
    return segments


def _record_segments(record: Any, key: str) -> list[Segment]:
    """A record's segments; `key` is its kind and where it is written (file:line)."""
    kind, _, origin = key.partition("\0")
    file, _, line = origin.rpartition(":")
    return [Segment(ident, text, cast(SegmentKind, seg_kind), file, int(line or 0))
            for ident, seg_kind, text in extract(record, kind)]


@cache
def _ui_segments() -> tuple[Segment, ...]:
    return tuple(Segment(segment_id(key), text, "ui", note="Interface text")
                 for key, text in UI_STRINGS.items())


_EXTRACTED: RecordMemo[list[Segment]] = RecordMemo()
"""Each record's segments, while it is the very object from the same place (a process that
builds again)."""


@cache
def bundled_catalog(lang: str) -> dict[str, Entry]:
    """Haven's own translations of its interface strings, if it ships them for `lang`."""
    resource = resources.files("haven.i18n") / "locale" / f"{lang}.po"
    if not resource.is_file():
        return {}
    with resources.as_file(resource) as path:
        return read_catalog(Path(path))


def localize(content: Content, lang: str, catalog: dict[str, Entry],
             placeholder: Callable[[str], LStr] | None = None,
             catalog_key: Hashable | None = None) -> Localized:
    """The content as readers of `lang` see it.

    With `placeholder`, every content segment is `placeholder(segment id)` instead: the
    renderer's language-independent copy (haven.render.shared); with a `catalog_key` too
    (what identifies the placeholders), it is remembered apart from the language's own view.

    With `catalog_key` (what identifies `catalog`: its file's path, size, time and inode), each
    record's localized copy is remembered, and the next call with the same key maps again only
    the records that are not the very objects it mapped before: a process that builds again
    after an edit (the preview) localizes one organization, not the whole directory.
    """
    source = content.hub.source_language
    shown = published_states(content.hub, lang)
    if publish_policy(content.hub, lang) != "reviewed":
        shown |= {State.OUTDATED}  # shown with a label and a link to the current source
    states: dict[str, State] = {}
    texts: dict[str, LStr] = {}
    marked = unconfirmed_segments(content)
    token = None if catalog_key is None else (catalog_key, source, frozenset(shown))
    slot = lang if placeholder is None else f"placeholders:{lang}"  # the renderer's own view
    before = _VIEWS.get(slot) if token is not None else None
    warm = before is not None and before[0] == token
    remembered: dict[int, _Mapped] = before[1] if before is not None and warm else {}
    kept: dict[int, _Mapped] = {}
    fresh: list[_Mapped] = []
    if before is not None and warm:  # the last view's segments, patched below where they changed
        texts, states = dict(before[3]), dict(before[4])
    into: list[tuple[dict[str, LStr], dict[str, State]]] = [(texts, states)]
    """Where `pick` writes: the view's dicts, or one record's while it is remembered."""

    def pick(seg_id: str, kind: str, text: str) -> LStr:
        if placeholder is not None:  # an empty text stays empty: templates test for it
            return placeholder(seg_id) if text else LStr(text, source, State.REVIEWED)
        shown_text = _pick(seg_id, text)
        if seg_id in marked:
            shown_text.unconfirmed = True
        return shown_text

    def _pick(seg_id: str, text: str) -> LStr:
        its_texts, its_states = into[-1]
        if lang == source:
            shown_text = LStr(text, source, State.REVIEWED)
        else:
            entry = catalog.get(seg_id)
            state = its_states[seg_id] = entry_state(entry, text)
            if entry is not None and entry.text and state in shown:
                shown_text = LStr(entry.text, lang, state)
            else:
                shown_text = LStr(text, source, state)
        its_texts[seg_id] = shown_text
        return shown_text

    def mapped(record: Any, prefix: str, body: str | None = None
               ) -> tuple[Any, list[LStr] | None]:
        """`map_record(record, prefix, pick)` (and a document's body blocks, first), or what
        it gave the last time for this very record."""
        if token is None:
            blocks = None if body is None else [
                pick(body_segment_id(record.id, n), "markdown", text)
                for n, (_, text) in enumerate(markdown_blocks(body))]
            return map_record(record, prefix, pick), blocks
        old = remembered.get(id(record))
        if old is None or old.record is not record or old.prefix != prefix or old.body != body:
            into.append(({}, {}))
            try:
                blocks = None if body is None else [
                    pick(body_segment_id(record.id, n), "markdown", text)
                    for n, (_, text) in enumerate(markdown_blocks(body))]
                value = map_record(record, prefix, pick)
            finally:
                its_texts, its_states = into.pop()
            old = _Mapped(record, prefix, body, (value, blocks), its_texts, its_states)
            fresh.append(old)
        if not warm:
            texts.update(old.texts)
            states.update(old.states)
        kept[id(record)] = old
        return old.value

    ui = before[2] if before is not None and warm else _interface(lang, catalog, shown)

    documents = []
    for doc in content.documents:
        meta, blocks = mapped(doc.meta, "document", doc.body)
        documents.append(LocalDocument(meta, blocks or []))
    view = Localized(
        lang=lang,
        hub=mapped(content.hub, "hub")[0],
        topics=[mapped(t, "topic")[0] for t in content.topics],
        audiences=[mapped(a, "audience")[0] for a in content.audiences],
        resources=[mapped(r, "resource")[0] for r in content.resources],
        reporting=mapped(content.reporting, "reporting")[0] if content.reporting else None,
        organizations=[mapped(o, "organization")[0] for o in content.organizations],
        documents=documents,
        ui=ui,
        states=states,
        texts=texts,
    )
    if warm:  # out with what records no longer show, in with what the changed ones show
        changed: set[str] = set()
        for gone in (m for ident, m in remembered.items() if kept.get(ident) is not m):
            changed.update(gone.texts)
            for seg_id in gone.texts:
                texts.pop(seg_id, None)
            for seg_id in gone.states:
                states.pop(seg_id, None)
        for made in fresh:
            changed.update(made.texts)
            texts.update(made.texts)
            states.update(made.states)
        assert before is not None
        view.based_on, view.changed = before[5], frozenset(changed)
        old_states = before[4]
        if len(states) == len(old_states) and all(
                states.get(ident) == old_states.get(ident) for ident in changed):
            view.states = states = old_states  # the same dict: compared by identity from here on
    if token is not None:
        view.generation = next(_GENERATIONS)
        _VIEWS[slot] = (token, kept, ui, texts, states, view.generation)
    return view


@dataclass
class _Mapped:
    """One record as one language shows it, and the segments it showed."""

    record: Any
    prefix: str
    body: str | None
    value: tuple[Any, list[LStr] | None]
    texts: dict[str, LStr]
    states: dict[str, State]


_VIEWS: dict[str, tuple[object, dict[int, _Mapped], dict[str, LStr], dict[str, LStr],
                         dict[str, State], int]] = {}
_GENERATIONS = itertools.count(1)


def remembers(lang: str) -> Hashable | None:
    """The catalog key of the view of `lang` that `localize` remembers, if any."""
    before = _VIEWS.get(lang)
    return before[0][0] if before is not None and isinstance(before[0], tuple) else None
"""By language: the catalog it was localized with, and each record's copy (the last call's
records only, so that what is kept never grows beyond one view per language)."""


def _interface(lang: str, catalog: dict[str, Entry], shown: set[State] | frozenset[State]
               ) -> dict[str, LStr]:
    """The interface strings as readers of `lang` see them."""
    bundled = bundled_catalog(lang)
    ui: dict[str, LStr] = {}
    for key, text in UI_STRINGS.items():  # interface strings are written in English
        ident = segment_id(key)
        entry = catalog.get(ident)
        if entry_state(entry, text) not in shown:  # the hub's own catalog may override Haven's
            entry = bundled.get(ident) or entry
        state = State.REVIEWED if lang == "en" else entry_state(entry, text)
        if lang != "en" and entry is not None and entry.text and state in shown:
            ui[key] = LStr(entry.text, lang, state)
        else:
            ui[key] = LStr(text, "en", state)
    return ui


@once_per_object
def unconfirmed_segments(content: Content) -> set[str]:
    """The segment ids of every statement the content marks as not yet confirmed."""
    found: set[str] = set()
    records: list[tuple[Any, str]] = [(content.hub, "hub"), *((r, "resource") for r in content.resources),
                                      *((o, "organization") for o in content.organizations)]
    if content.reporting:
        records.append((content.reporting, "reporting"))
    # Each record's marks are worked out again only for a record that is not the very object
    # of the last call (a process that builds again: the preview).
    for record, prefix in records:
        found.update(_MARKS.value(record, prefix, _marked_paths))
    for doc in content.documents:
        found.update(_MARKS.value(doc.meta, "document", _marked_paths))
        marked = set(doc.meta.unconfirmed)
        for n, _ in enumerate(markdown_blocks(doc.body)):
            if "body" in marked or f"body.{n}" in marked:
                found.add(body_segment_id(doc.meta.id, n))
    _MARKS.done()
    return found


def _marked_paths(record: Any, prefix: str) -> frozenset[str]:
    return frozenset(unconfirmed_paths(record, prefix))


_MARKS: RecordMemo[frozenset[str]] = RecordMemo()


@once_per_object
def _segment_words(content: Content) -> dict[str, int]:
    """The words of each of the hub's own segments (interface strings left out), by id."""
    return {s.id: max(1, len(s.source.split()))
            for s in content_segments(content) if s.kind != "ui"}


def translated_share(content: Content, view: Localized) -> int:
    """Percent of the hub's own text (in source words) that readers of `view` see translated:
    segments in a state its publish policy shows as current. 100 for the source language."""
    if view.lang == content.hub.source_language:
        return 100
    words = _segment_words(content)
    total = sum(words.values())
    if not total:
        return 100
    shown = published_states(content.hub, view.lang)
    translated = sum(n for ident, n in words.items() if view.states.get(ident) in shown)
    return translated * 100 // total


def partly_translated(content: Content, view: Localized) -> bool:
    """Whether the language's share of translated text is below the hub's
    `translation_threshold`: the chooser and every page of it then say so."""
    threshold = content.hub.translation_threshold
    return threshold > 0 and translated_share(content, view) < threshold


def entry_state(entry: Entry | None, source: str) -> State:
    """The state of a translation of `source`: outdated when it was made from another text."""
    if entry is None:
        return State.MISSING
    if entry.state is not State.MISSING and entry.source != source:
        return State.OUTDATED
    return entry.state
