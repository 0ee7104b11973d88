"""Incremental builds: re-render only the pages that used what changed, publish at once.

Every build leaves a record beside the site (`.haven-state-<site>/<id>.json`; the site's
`.haven-site` marker names it): digests of Haven itself (its code, templates and bundled
catalogs), of the site's model (its pages, filters and languages), of each record's
non-text data (an organization with its text fields replaced by their segment ids), of
what each language shows of each content segment (the text, its language, its state) and of
its interface strings, what each page used (haven.render.uses), and every file's digest.

The next build compares. Haven or its templates changed, the model changed (a page added or
removed, a filter's results changed), the record is missing or unreadable, or `--clean`:
everything is rendered, as a first build. Otherwise each language's worker renders only the
pages that used a record whose data changed or a segment whose shown text changed in that
language; everything a page can show comes from those, so the rest are byte for byte what they
were (tests/test_incremental.py checks every kind of edit against a clean build).

Publishing stays all or nothing. Beside the site lies its previous version (the spare,
`.haven-spare-<site>/`), which the last publish swapped out. The changed files are written
into the spare (unchanged ones hard-linked from the live site when the spare lacks them;
files are always replaced, never written in place, so the live site's files are never
touched), then the two are swapped under the build lock. A build interrupted before the swap
leaves the live site as it was; the spare's marker is removed first, so a half-updated spare
is never trusted again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import metadata, resources
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson

from haven import __version__
from haven.content.validate import Content
from haven.i18n.segments import map_record, markdown_blocks
from haven.i18n.translate import Localized
from haven.interrupt import remove_folder, shielded
from haven.memo import RecordMemo, once_per_object
from haven.model import Site
from haven.output import (
    MARKER,
    _check_replaceable,
    _lock,
    _lock_of,
    _new_staging,
    _safe,
    _swap_lock,
    clean_leftovers,
    marker_text,
    replace_folder,
)
from haven.render.uses import SEARCH_INDEX, PageUse, record_key, records

FORMAT = 1
STATE_LINE = "state: "


def file_digest(data: bytes) -> str:
    """A file's digest in the build record: SHA-256 (hardware-assisted on most processors,
    and what the offline manifests need too: a worker hashes each file once), 32 hex digits."""
    return hashlib.sha256(data).hexdigest()[:32]


def _short(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def code_digest() -> str:
    """Haven itself: its version, its libraries' versions and every file of the package
    (code, templates, stylesheets, bundled catalogs), the bundled example hub aside."""
    return package_digest(Path(str(resources.files("haven"))))


@lru_cache(maxsize=4)
def package_digest(root: Path) -> str:
    """`code_digest` of the package in `root` (read once per process)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(__version__.encode())
    for name in ("jinja2", "markupsafe", "babel", "markdown-it-py", "pydantic"):
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            pass
    files = []
    for folder, folders, names in os.walk(root):  # not into bytecode or the bundled example
        top = folder == str(root)
        folders[:] = [f for f in folders if f != "__pycache__" and not (top and f == "examples")]
        files += [Path(folder, name).relative_to(root).parts for name in names]
    for parts in sorted(files):
        path = root.joinpath(*parts)
        if path.is_file():
            digest.update("/".join(parts).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def model_digest(site: Site, pdf: bool) -> str:
    """The site's shape: its languages, pages, filters and whether it has an offline page
    (a change means a full build). Worked out once per site: a build asks twice."""
    global _MODEL_DIGEST
    found = _MODEL_DIGEST
    if found is None or found[0] is not site or found[1] != pdf:
        found = _MODEL_DIGEST = (site, pdf, _model_digest(site, pdf))
    return found[2]


_MODEL_DIGEST: tuple[Site, bool, str] | None = None


def _model_digest(site: Site, pdf: bool) -> str:
    shape = [repr(site.source), [repr(lang) for lang in site.languages],
             [repr(page) for page in site.pages], [repr(f) for f in site.facets.values()],
             sorted(site.service_facets.items()), site.content.hub.offline, pdf]
    return _short(repr(shape))


def record_digests(content: Content) -> dict[str, str]:
    """Each record's data but its text: each text field is replaced by its segment id (what
    it says is in the segments' digests), so a changed sentence does not touch the pages that
    show only the record's other fields, and a changed phone number does. (A record that is
    the very object digested last time is not digested again: validation keeps unchanged
    files' records in a process that builds again.)"""
    found: dict[str, str] = {}
    for key, prefix, record in records(content):
        found[key] = _DIGESTED.value(record, prefix, _record_digest)
    _DIGESTED.done()
    for doc in content.documents:
        key = record_key("document", doc.meta.id)
        found[key] = _short(found[key] + str(len(markdown_blocks(doc.body))))
    return found


def _record_digest(record: object, prefix: str) -> str:
    return _short(map_record(record, prefix, lambda ident, kind, text: ident).model_dump_json())


_DIGESTED: RecordMemo[str] = RecordMemo()
"""The last build's records and their digests, by identity."""


def shown_digests(view: Localized, ids: Sequence[str]) -> list[str]:
    """What a language shows of each segment of `ids` (`LStr.digest`: its text, language,
    state, and whether it is marked unconfirmed); "" for a segment it does not show.

    A view patched from the one digested last for its language (haven.i18n.translate.localize,
    in a process that builds again) is digested only where it changed: reading every text of
    twenty languages' views took 10 ms of the preview's rebuild, most of it memory traffic."""
    last = _SHOWN.get(view.lang)
    if (last is not None and view.changed is not None and (last[0] is ids or last[0] == ids)
            and last[1] == view.based_on):
        ids = last[0]  # equal ids: their positions are known
        shown = list(last[2])
        position, texts = _positions(ids), view.texts
        for ident in view.changed:
            at = position.get(ident)
            if at is not None:
                text = texts.get(ident)
                shown[at] = "" if text is None else text.digest
    else:
        shown = list(map(_DIGEST, map(view.texts.get, ids, repeat(_NOTHING))))
    if view.generation is not None:
        _SHOWN[view.lang] = (ids, view.generation, shown)
    return shown


@once_per_object
def _positions(ids: Sequence[str]) -> dict[str, int]:
    """Each id's position in `ids` (worked out once per list)."""
    return {ident: n for n, ident in enumerate(ids)}


_SHOWN: dict[str, tuple[Sequence[str], int, list[str]]] = {}
"""By language: the ids, view and digests of its last `shown_digests`."""
_DIGEST = attrgetter("digest")
_NOTHING = SimpleNamespace(digest="")


def language_unit(view: Localized, partial: bool, printed: list[str]) -> str:
    """What every page of a language shows besides content segments: its interface strings,
    whether it is partly translated, its printable pieces. (A process that builds again
    keeps a view's interface strings, the very same dict, while its catalog is unchanged:
    their part is digested once.)"""
    ui = view.ui
    found = _UI_DIGESTS.get(view.lang)
    if found is None or found[0] is not ui:
        parts = [f"{key}\0{value}\0{value.lang}\0{value.state.value}"
                 for key, value in sorted(ui.items())]
        found = _UI_DIGESTS[view.lang] = (ui, "\1".join(parts))
    return _short("\1".join([found[1], str(partial), *printed]))


_UI_DIGESTS: dict[str, tuple[dict[str, Any], str]] = {}
"""By language: the last view's interface strings, and their part of its unit."""


@dataclass
class BuildRecord:
    """What a build made and from what: the next build's starting point."""

    code: str
    model: str
    segments: list[str]
    """The content segments' ids, in the order of each language's `shown` list."""
    languages: dict[str, tuple[str, list[str]]]
    """By tag: (language_unit, shown_digests)."""
    records: dict[str, str]
    uses: dict[str, PageUse]
    files: dict[str, tuple[str, int]]
    """Every file of the site: (digest, size)."""
    offline: dict[str, str] = field(default_factory=dict)
    """The offline manifests' digests of the languages' files."""
    compressed: dict[str, int] = field(default_factory=dict)
    state: str = field(default="", compare=False)
    """Its id (the digest of its JSON), when it was read from disk."""

    def to_json(self) -> bytes:
        """The record as JSON, keys sorted (its digest names it). orjson: the 1.5 MB record of
        a 20-language hub takes 0.6 ms, where the standard library's encoder took 13 ms of
        the preview's rebuild."""
        data: dict[str, Any] = {
            "format": FORMAT, "code": self.code, "model": self.model,
            "segments": self.segments, "languages": self.languages, "records": self.records,
            "uses": {key: (u.segments, u.ui, u.records, u.templates)
                     for key, u in self.uses.items()},
            "files": self.files, "offline": self.offline, "compressed": self.compressed,
        }
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)

    @classmethod
    def from_json(cls, text: bytes) -> BuildRecord:
        data = orjson.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError("another format")
        return cls(
            data["code"], data["model"], data["segments"],
            {tag: (value[0], value[1]) for tag, value in data["languages"].items()},
            data["records"],
            {key: PageUse(key, tuple(u[0]), tuple(u[1]), tuple(u[2]), tuple(u[3]))
             for key, u in data["uses"].items()},
            {name: (value[0], value[1]) for name, value in data["files"].items()},
            data["offline"], data["compressed"])


@dataclass(frozen=True)
class Plan:
    """An incremental build's plan: what changed since the previous record."""

    previous: BuildRecord
    changed_records: frozenset[str]
    uses: dict[str, PageUse]
    """What each page uses now (the previous record's, made again for changed records)."""
    segment_ids: Sequence[str]
    """The content segments' ids now (haven.i18n.translate.content_segment_ids)."""

    def dirty(self, tag: str, unit: str, shown: list[str]) -> set[str] | None:
        """The keys of the pages language `tag` must render again (None: every page)."""
        before = self.previous.languages.get(tag)
        if before is None or before[0] != unit:
            return None
        changed = self._changed(before[1], shown)
        if changed is None:
            return None
        dirty = self._pages_using(changed)
        if self.changed_records or changed:
            dirty.add(SEARCH_INDEX)
        return dirty

    def estimate(self, source: str, shown: list[str]) -> int | None:
        """How many pages use a changed record or a segment whose source text changed
        (`shown`: the source language's shown_digests now); None when it cannot tell."""
        before = self.previous.languages.get(source)
        changed = None if before is None else self._changed(before[1], shown)
        return None if changed is None else len(self._pages_using(changed))

    def _changed(self, was: list[str], shown: list[str]) -> set[str] | None:
        """The segments whose shown digest differs from `was` (the previous record's, in its
        order of segments); None when the record's list does not fit it."""
        previous = self.previous.segments
        if len(was) != len(previous):
            return None
        if self._same_segments:  # the usual case: compared in place, all at once when equal
            if was == shown:
                return set()
            return {i for i, old, new in zip(self.segment_ids, was, shown, strict=True)
                    if old != new}
        digests = dict(zip(previous, was, strict=True))
        return {i for i, digest in zip(self.segment_ids, shown, strict=True)
                if digests.get(i) != digest}

    def _pages_using(self, segments: set[str]) -> set[str]:
        """The pages that use a changed record or one of `segments`."""
        dirty = set(self._record_users)
        if segments:
            dirty.update(key for key, use in self.uses.items()
                         if not segments.isdisjoint(use.segments))
        return dirty

    @cached_property
    def _same_segments(self) -> bool:
        return list(self.segment_ids) == self.previous.segments

    @cached_property
    def _record_users(self) -> frozenset[str]:
        """The pages that use a changed record (worked out once per plan, not per language)."""
        records = self.changed_records
        return frozenset(key for key, use in self.uses.items()
                         if not records.isdisjoint(use.records))


def plan(previous: BuildRecord, site: Site, records_now: Mapping[str, str],
         segment_ids: Sequence[str], remake: Any) -> Plan:
    """What changed since `previous`; `remake(keys)` gives the current uses of those pages."""
    changed = {key for key, digest in records_now.items() if previous.records.get(key) != digest}
    changed |= previous.records.keys() - records_now.keys()
    stale = {key for key, use in previous.uses.items() if not changed.isdisjoint(use.records)}
    uses = dict(previous.uses)
    if stale:
        fresh = remake(stale)
        uses.update((key, fresh[key]) for key in stale)
    return Plan(previous, frozenset(changed), uses, segment_ids)


# -- where records are kept, and publishing ----------------------------------------------------

def state_folder(output: Path) -> Path:
    return output.absolute().parent / f".haven-state-{output.absolute().name}"


def spare_folder(output: Path) -> Path:
    return output.absolute().parent / f".haven-spare-{output.absolute().name}"


def state_of(site: Path) -> str | None:
    """The record id a built site's marker names, if any."""
    try:
        text = (site / MARKER).read_text()
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        if line.startswith(STATE_LINE):
            state = line[len(STATE_LINE):].strip()
            return state if state.isalnum() else None
    return None


def read_record(output: Path, site: Path | None = None) -> BuildRecord | None:
    """The record of the site in `site` (the output by default), or None."""
    state = state_of(site or output)
    if state is None:
        return None
    path = state_folder(output) / f"{state}.json"
    known = _RECORDS.get(str(path))
    if known is not None and path.is_file():
        return known  # this process wrote it (or read it) already
    try:
        data = path.read_bytes()
        if file_digest(data) != state:
            return None
        record = BuildRecord.from_json(data)
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # orjson's error is a ValueError
        return None
    record.state = state
    _remember_record(path, record)
    return record


_RECORDS: dict[str, BuildRecord] = {}
"""Records this process wrote or read, by file: the preview's next build starts from the one
it just published without reading its JSON again (a record's file is named by its digest,
so a file of that name holds that record)."""


def _remember_record(path: Path, record: BuildRecord) -> None:
    if len(_RECORDS) >= 4:
        _RECORDS.pop(next(iter(_RECORDS)))
    _RECORDS[str(path)] = record


def save_record(output: Path, record: BuildRecord) -> str:
    """Keep `record` beside the site (not in it: nothing of it is served); its id."""
    data = record.to_json()
    state = file_digest(data)
    folder = state_folder(output)
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"{state}.json"
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".record-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    record.state = state
    _remember_record(target, record)
    _SAVED.add(state)
    return state


_SAVED: set[str] = set()


def saved_here(record: BuildRecord) -> bool:
    """Whether this process made `record` (it built the site before: the preview)."""
    return bool(record.state) and record.state in _SAVED


def prune_records(output: Path) -> None:
    """Keep only the records of the live site and its spare."""
    keep = {f"{s}.json" for s in (state_of(output.absolute()), state_of(spare_folder(output)))
            if s}
    folder = state_folder(output)
    if folder.is_dir():
        # Records and their temporary files; the checks' folder stays (checks.json, the checks
        # in one file before each language had its own, goes like a record).
        for item in folder.iterdir():
            record = item.suffix == ".json" and item.stem.isalnum()
            if item.name not in keep and (record or item.name.startswith(".record-")):
                item.unlink(missing_ok=True)


def intact(output: Path, record: BuildRecord) -> bool:
    """Whether the site in `output` still holds every file of its record, at its size (a
    file edited by hand makes the next build a full one)."""
    base = os.fspath(output)
    try:
        return all(os.stat(f"{base}/{name}").st_size == size
                   for name, (_, size) in record.files.items())
    except OSError:
        return False


def publish_changes(output: Path, live: BuildRecord, record: BuildRecord,
                    made: Mapping[str, bytes]) -> bool:
    """Make the spare the new site and swap it in: the files whose digest differs from the
    spare's own are written (`made` holds every file this build made; the others are the
    live site's, linked). False, with nothing published, when another build published
    meanwhile (the caller then builds in full)."""
    output = output.absolute()
    state = save_record(output, record)
    clean_leftovers(output)  # what killed builds left beside the site
    with _lock(_swap_lock(output)):
        if not live.state or state_of(output) != live.state:
            return False
        _check_replaceable(output)
        _update_spare(output, live, record, made, state)
        _swap_spare(output)
    prune_records(output)
    return True


def _update_spare(output: Path, live: BuildRecord, record: BuildRecord,
                  made: Mapping[str, bytes], state: str) -> None:
    spare = spare_folder(output)
    held = read_record(output, spare) if spare.is_dir() else None
    if held is None:
        if spare.exists():
            shutil.rmtree(spare)
        held = _copy_of_live(output, live, spare)
    (spare / MARKER).unlink(missing_ok=True)  # from here on the spare is half-made
    folders: set[str] = set()
    # What differs from the spare's files (a difference of item sets: no loop over every file).
    for name, _ in sorted(record.files.items() - held.files.items()):
        relative = _safe(name)
        target = spare / relative
        folder = os.path.dirname(relative)
        if folder not in folders:
            os.makedirs(spare / folder, exist_ok=True)
            folders.add(folder)
        temporary = target.with_name(f".haven-tmp-{target.name}")
        if name in made:
            temporary.write_bytes(made[name])
        else:
            temporary.unlink(missing_ok=True)
            os.link(output / relative, temporary)
        os.replace(temporary, target)
    for name in held.files.keys() - record.files.keys():
        (spare / _safe(name)).unlink(missing_ok=True)
    for folder in UNTRACKED_FOLDERS:  # what other commands add (haven check's staff page)
        try:
            entries = list(os.scandir(spare / folder))
        except OSError:
            continue
        for entry in entries:
            name = f"{folder}/{entry.name}" if folder else entry.name
            if entry.is_file() and name not in record.files and name != MARKER:
                os.unlink(entry.path)
    temporary = spare / f"{MARKER}.tmp"
    temporary.write_text(marker_text(state))
    os.replace(temporary, spare / MARKER)
    os.chmod(spare, 0o755)


UNTRACKED_FOLDERS = ("", "_staff")
"""Folders of a site where other commands add files (`haven check` writes `_staff/check.html`):
a spare drops them, as a full build does."""


def _swap_spare(output: Path) -> None:
    """The spare becomes the site and the site the spare (under the build lock): exchanged in
    one call where the system can (haven.output.exchange), else by three renames that a stop
    signal cannot cut (haven.output.replace_folder)."""
    spare = spare_folder(output)
    with shielded():
        old = replace_folder(spare, output)
        if old is not None and old != spare:
            old.rename(spare)


def _copy_of_live(output: Path, live: BuildRecord, spare: Path) -> BuildRecord:
    """A spare made of hard links to the live site's files (none is ever written in place),
    in a staging folder of haven.output's (locked while it is made: a killed build's is
    cleaned up by the next)."""
    with shielded():
        made, owner = _new_staging(output)
    try:
        folders: set[str] = set()
        for name in live.files:
            relative = _safe(name)
            folder = os.path.dirname(relative)
            if folder not in folders:
                os.makedirs(made / folder, exist_ok=True)
                folders.add(folder)
            os.link(output / relative, made / relative)
        made.rename(spare)
    except BaseException:
        remove_folder(made)
        raise
    finally:
        with shielded():
            owner.release()
            with contextlib.suppress(OSError):
                os.unlink(_lock_of(made))
    return live
