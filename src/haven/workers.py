"""Each language's part of a build, on every core: its translation, pages, figures, messages.

Languages are independent once the content is valid, so the render step runs the languages
in forked worker processes (forked, so that the site model and the compiled templates are
inherited, not rebuilt; the shared pages' skeletons, made meanwhile, are handed over). This
module holds that machinery — the job a worker runs, the workers, and the garbage
collector's settings during a build — so that `haven.build` stays the map of the pipeline.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from haven.cache import keep_texts
from haven.content.validate import Content
from haven.errors import HavenError, Problem
from haven.i18n.catalog import Entry, read_catalog
from haven.i18n.checks import Finding, check_one, remember, remembered, summary_parts
from haven.i18n.glossary import glossary_path
from haven.i18n.segments import Segment
from haven.i18n.status import LanguageStatus
from haven.i18n.translate import (
    Localized,
    content_segment_ids,
    content_segments,
    localize,
    partly_translated,
    remembers,
)
from haven.incremental import Plan, language_unit, saved_here, shown_digests
from haven.interrupt import forking_quietly, quiet_worker, shielded, thread_count, tidy_task
from haven.memo import once_per_object
from haven.model import Site
from haven.offline import file_digests
from haven.output import Staging
from haven.outreach.messages import Message, language_messages
from haven.render.site import Renderer
from haven.staff import language_figures, page_segments


@dataclass(frozen=True)
class Translation:
    """One language's translate step, run where that language is rendered."""

    content: Content
    lang: str

    def catalog(self) -> dict[str, Entry]:
        path = self.content.catalogs.get(self.lang)
        return read_catalog(path) if path else {}

    def catalog_key(self) -> tuple[str, int, int, int]:
        """What identifies the catalog's content: its file's path, time, size and inode."""
        path = self.content.catalogs.get(self.lang)
        try:
            stat = os.stat(path) if path else None
        except OSError:
            stat = None
        if path is None or stat is None:
            return NO_CATALOG
        return (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def view(self, catalog: dict[str, Entry] | None = None,
             key: tuple[str, int, int, int] | None = None) -> Localized:
        """The language's view; each record's copy is remembered for the next build in this
        process (haven.i18n.translate.localize), under `key`, taken before the catalog was read."""
        if catalog is None:
            key = self.catalog_key()
            catalog = self.catalog()
        # A forked worker ends with the build: remembering would only cost it time.
        return localize(self.content, self.lang, catalog, catalog_key=None if _FORKED else key)

    def warm(self) -> bool:
        """Whether this process localized the language before, from the catalog as it is now
        (a new process renders in workers: it has nothing to reuse)."""
        return remembers(self.lang) == self.catalog_key()


@dataclass
class LanguageDone:
    """What one language's worker reports once its files are made."""

    sizes: dict[str, int]
    messages: list[Message]
    status: LanguageStatus | None
    """Its translation figures (None for the source language)."""
    digests: dict[str, str]
    """Its files' digests for the offline manifests (haven.offline), hashed where they are."""
    compressed: dict[str, int]
    """The gzip size of its largest pages (summarize finds the heaviest page among them)."""
    tag: str = ""
    partial: tuple[str, str] | None = None
    """Below the hub's translation threshold: its "partly translated" label and the tag of
    the language that label is in (the chooser shows it)."""
    files: dict[str, bytes] = field(default_factory=dict)
    """An incremental build's files, still to be written (a full build writes them where
    they are made, into the staging folder)."""
    hashes: dict[str, str] = field(default_factory=dict)
    """Each file's content digest (the build record, haven.incremental)."""
    unit: str = ""
    shown: list[str] = field(default_factory=list)
    """What the language shows, digested: for the next incremental build."""
    rendered: frozenset[str] | None = None
    """The keys of the pages it rendered (None: every page)."""
    findings: list[Finding] = field(default_factory=list)
    """`haven translate check` on its catalog (when the job checks)."""
    glossary_problems: list[Problem] = field(default_factory=list)
    summary: list[tuple[tuple[str, str], Problem]] | None = None
    """Its findings summed as the build's warnings (`summary_parts`), instead of `findings`."""


@dataclass(frozen=True)
class Job:
    site: Site
    translations: list[Translation]
    pdf_from: Path | None
    stage: Staging | None
    """Where a full build's workers write; None in an incremental build."""
    renderer: Renderer
    plan: Plan | None = None
    """What an incremental build may keep (None: render every page)."""
    check: bool = True
    """Run the translation checks on each catalog (False: the process knows their findings)."""
    strict: bool = False
    """Every finding is a warning of its own (`--strict`); else a forked worker sums its
    language's findings itself, and only the sums travel back (`LanguageDone.summary`)."""
    kept_checks: Path | None = None
    """Where each language's entry checks are kept between builds (haven.i18n.checks:
    `remembered`, `remember`), beside the site."""

    def language(self, index: int) -> LanguageDone:
        """One language's pages (and printable pieces)."""
        return self.finish(self.prepare(index))

    def prepare(self, index: int, ahead: bool = False) -> Prepared:
        """What a language needs before its pages: its catalog, its view, its PDFs; with
        `ahead` (a worker waiting for the shared pages, `language_workers`), also its
        messages and checks, which need none."""
        translation = self.translations[index]
        key = translation.catalog_key()
        catalog = translation.catalog()
        view = translation.view(catalog, key)
        printed = {}
        if self.pdf_from is not None:
            from haven.print.render import render_pdfs  # Typst and fonts: only with PDFs

            printed = render_pdfs(self.site, [view], previous=self.pdf_from)
        content = self.site.content
        label = view.ui["partly_translated"]
        partial = (str(label), label.lang) if partly_translated(content, view) else None
        shown = shown_digests(view, content_segment_ids(content))
        unit = language_unit(view, partial is not None, sorted(printed))
        prepared = Prepared(key, catalog, view, printed, partial, shown, unit)
        if ahead:
            prepared.messages = self._messages(view)
            prepared.checks = self._checks(view, catalog, key)
        return prepared

    def finish(self, prepared: Prepared) -> LanguageDone:
        """The language's pages, and what it reports (`prepare` made the rest)."""
        key, catalog, view, printed = prepared.key, prepared.catalog, prepared.view, prepared.printed
        partial, shown, unit = prepared.partial, prepared.shown, prepared.unit
        content = self.site.content
        segments, page_map = self.segments()
        only = None if self.plan is None else self.plan.dirty(view.lang, unit, shown)
        same = () if _FORKED else (key, _glossary_key(content, view.lang), content.root,
                                    content.hub, view.states, page_map, self.check)
        if only is not None and not only and not printed:
            before = _DONE.get(view.lang)
            if before is not None and _same(before[0], same):
                # Nothing it shows changed: its messages, checks and figures neither.
                old = before[1]
                return LanguageDone({}, old.messages, old.status, {}, {}, view.lang, old.partial,
                                    unit=unit, shown=shown, rendered=frozenset(),
                                    findings=old.findings,
                                    glossary_problems=old.glossary_problems)
        files = self.renderer.language(view, printed=sorted(printed), only=only) | printed
        if self.stage is not None:
            for name, data in files.items():
                self.stage.write(name, data)
        messages = prepared.messages if prepared.messages is not None else self._messages(view)
        findings, glossary_problems = (prepared.checks if prepared.checks is not None
                                       else self._checks(view, catalog, key))
        summary = None
        if _FORKED and not self.strict:  # a thousand findings pickled: 4 ms; their sums: none
            summary, findings = summary_parts(findings, content.root), []
        hashed = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        done = LanguageDone({name: len(data) for name, data in files.items()}, messages,
                            _remembered_figures(self.site, view, catalog, segments, page_map),
                            file_digests(self.site, files, hashed), _largest_compressed(files),
                            view.lang, partial,
                            files if self.stage is None else {},
                            {name: digest[:32] for name, digest in hashed.items()},
                            unit, shown, None if only is None else frozenset(only),
                            findings, glossary_problems)
        done.summary = summary
        keep_texts()  # dates and amounts it formatted first (a forked worker's, or lost)
        if not _FORKED:
            _DONE[view.lang] = (same, done)
        return done

    def _messages(self, view: Localized) -> list[Message]:
        return _remembered_messages(self.site.content, view, self.source_view)

    def _checks(self, view: Localized, catalog: dict[str, Entry],
                key: tuple[str, int, int, int]) -> tuple[list[Finding], list[Problem]]:
        """`haven translate check` on the language's catalog (when the job checks)."""
        content = self.site.content
        if not self.check or view.lang == content.hub.source_language:
            return [], []
        folder, used = self.kept_checks, set[str]()
        if folder is not None:
            remembered(folder, view.lang)
        found = _remembered_checks(content, view.lang, self.content_segments(), catalog, key,
                                   used)
        if folder is not None and used:  # (a check of every entry: none when few changed)
            remember(folder, view.lang, used)
        return found

    def source_view(self) -> Localized:
        """The source language's view, made once per process (messages fall back to it)."""
        global _SOURCE_VIEW
        content = self.site.content
        found = _SOURCE_VIEW  # read once: another thread may replace it meanwhile
        if found is None or found[0] is not content:
            found = _SOURCE_VIEW = (content, localize(
                content, content.hub.source_language, {},
                catalog_key=None if _FORKED else NO_CATALOG))
        return found[1]

    def few_changes(self) -> bool:
        """Whether an incremental build changes so little, in a process that built the site
        before (and so remembers, or will from now on), that rendering here beats forking
        workers: at most SMALL pages use a changed record or a source text that changed.
        A new process (`haven build` after an edit) renders in workers: it has nothing to
        reuse."""
        plan = self.plan
        if plan is None or not (saved_here(plan.previous)
                                or all(t.warm() for t in self.translations)):
            return False
        source = self.site.content.hub.source_language
        pages = plan.estimate(source, shown_digests(self.source_view(), plan.segment_ids))
        return pages is not None and pages <= SMALL

    def content_segments(self) -> list[Segment]:
        """The hub's segments: once per process (and content)."""
        return _content_segments(self.site.content)

    def segments(self) -> tuple[list[Segment], dict[str, list[str]]]:
        """The hub's segments, and those each page shows (the staff matrix): once per process."""
        global _SEGMENTS
        content = self.site.content
        found = _SEGMENTS  # read once: another thread may replace it meanwhile
        if found is None or found[0] is not content:
            segments = self.content_segments()
            uses = self.renderer.uses() if self.plan is None else self.plan.uses
            page_map = page_segments(self.site, uses, segments)
            if found is not None and found[2] == page_map:
                page_map = found[2]  # the same object: each language's reports compare it by identity
            found = _SEGMENTS = (content, segments, page_map)
        return found[1], found[2]


@dataclass
class Prepared:
    """A language's part of the work that needs no shared pages (`Job.prepare`)."""

    key: tuple[str, int, int, int]
    catalog: dict[str, Entry]
    view: Localized
    printed: dict[str, bytes]
    partial: tuple[str, str] | None
    shown: list[str]
    unit: str
    messages: list[Message] | None = None
    checks: tuple[list[Finding], list[Problem]] | None = None


SMALL = 60
"""Pages per language an incremental build renders in this process rather than in workers."""
NO_CATALOG = ("", 0, 0, 0)
_SOURCE_VIEW: tuple[Content, Localized] | None = None
_SEGMENTS: tuple[Content, list[Segment], dict[str, list[str]]] | None = None
_FORKED = False
_content_segments = once_per_object(content_segments)
"""True in a forked worker (haven.i18n.translate.localize need not remember there)."""


# -- what a process that builds again remembers of each language -------------------------
# The preview builds in this process after each edit (Job.few_changes): each language's
# messages, checks and figures are made again only when what they are made from changed.

T = TypeVar("T")
_MESSAGES: dict[str, tuple[tuple[object, ...], Any]] = {}
_CHECKS: dict[str, tuple[tuple[object, ...], tuple[tuple[str, str, str], ...],
                         dict[str, list[Finding]], list[Problem], list[Finding]]] = {}
_FIGURES: dict[str, tuple[tuple[object, ...], Any]] = {}
_DONE: dict[str, tuple[tuple[object, ...], LanguageDone]] = {}
"""Each language's last report, and what it was made from (its catalog, the hub, the state
of each segment, the segments each page shows, whether it checked)."""


def _same(before: tuple[object, ...], now: tuple[object, ...]) -> bool:
    """Keys compared item by item: objects by identity (a remembered view's records are
    the very same objects while unchanged), everything else by value."""
    return len(before) == len(now) and all(
        a is b or (not isinstance(a, BaseModel) and a == b) for a, b in zip(before, now, strict=True))


def _remembered(store: dict[str, tuple[tuple[object, ...], Any]], lang: str,
                key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave the last time for `lang` from the same `key` (`_same`)."""
    before = store.get(lang)
    if before is None or not _same(before[0], key):
        before = store[lang] = (key, compute())
    value: T = before[1]
    return value


def _remembered_messages(content: Content, view: Localized,
                         source_view: Callable[[], Localized]) -> list[Message]:
    """`language_messages`: they show only the hub's settings and texts in the language."""
    def made() -> list[Message]:
        return language_messages(content, view, source_view)

    if _FORKED:
        return made()
    return _remembered(_MESSAGES, view.lang, (
        content.hub, view.hub, source_view().hub,
        tuple((k, v, v.lang, v.state) for k, v in view.ui.items())), made)


def _remembered_checks(content: Content, lang: str, segments: list[Segment],
                       catalog: dict[str, Entry], catalog_key: tuple[str, int, int, int],
                       used: set[str] | None = None) -> tuple[list[Finding], list[Problem]]:
    """`check_one`: its findings depend on the catalog, the glossary, the hub (the text
    message's budget and links) and each segment's source; with the first three as before,
    only the segments whose source changed are checked again. When every entry is checked,
    `used` collects the digests of the entry checks it needed."""
    if _FORKED:
        return check_one(content, lang, segments, catalog, used=used)
    key = (content.root, content.hub, catalog_key, _glossary_key(content, lang))
    sources = _sources(segments)
    before = _CHECKS.get(lang)
    changed = (None if before is None or not _same(before[0], key)
               else _changed_sources(before[1], sources, segments))
    if before is None or changed is None:  # another catalog, glossary or hub, or other segments
        fresh, problems = check_one(content, lang, segments, catalog, used=used)
        by_segment: dict[str, list[Finding]] = {}
        for finding in fresh:
            by_segment.setdefault(finding.ident, []).append(finding)
    else:
        result: list[Finding] | None
        _, _, by_segment, problems, result = before
        if changed:
            fresh, problems_now = check_one(content, lang, changed, catalog)
            again = {s.id for s in changed}
            found: dict[str, list[Finding]] = {}
            for finding in fresh:
                found.setdefault(finding.ident, []).append(finding)
            if problems_now != problems or any(found.get(i, []) != by_segment.get(i, [])
                                               for i in again):
                by_segment = {i: f for i, f in by_segment.items() if i not in again} | found
                problems, result = problems_now, None
        if result is not None:  # the same findings: the same list (the build's summary keeps it)
            _CHECKS[lang] = (key, sources, by_segment, problems, result)
            return result, problems
    result = [f for s in segments for f in by_segment.get(s.id, ())]
    _CHECKS[lang] = (key, sources, by_segment, problems, result)
    return result, problems


def _changed_sources(before: tuple[tuple[str, str, str], ...],
                     now: tuple[tuple[str, str, str], ...],
                     segments: list[Segment]) -> list[Segment] | None:
    """Which of `segments` (whose `_sources` are `now`) changed their source text since
    `before` (None: the segments are not the same ones, in the same order): worked out once
    per build, not per language."""
    global _CHANGED
    found = _CHANGED
    if found is None or found[0] is not before or found[1] is not now:
        if before == now:
            changed: list[Segment] | None = []
        elif [s[0] for s in before] != [s[0] for s in now]:
            changed = None
        else:
            changed = [segment for segment, old, new in zip(segments, before, now, strict=True)
                       if old != new]
        found = _CHANGED = (before, now, changed)
    return found[2]


_CHANGED: tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...],
                list[Segment] | None] | None = None


def _remembered_figures(site: Site, view: Localized, catalog: dict[str, Entry],
                        segments: list[Segment], page_map: dict[str, list[str]]
                        ) -> LanguageStatus | None:
    """`language_figures`: they count the state of each segment, page by page."""
    def made() -> LanguageStatus | None:
        return language_figures(site, view, catalog, segments, page_map)

    if _FORKED:
        return made()
    return _remembered(_FIGURES, view.lang, (
        site.content.hub, view.states, page_map,
        tuple((page.key, page.path) for page in site.text_pages),
        tuple((s.id, s.source, catalog.get(s.id)) for s in segments if s.kind == "ui")), made)


def _glossary_key(content: Content, lang: str) -> tuple[int, ...]:
    """What identifies a language's glossary file (empty when it has none)."""
    try:
        stat = os.stat(glossary_path(content.root, lang))
    except OSError:
        return ()
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


@once_per_object
def _sources(segments: list[Segment]) -> tuple[tuple[str, str, str], ...]:
    """Each segment's id, kind and source text (worked out once per list of segments)."""
    return tuple((s.id, s.kind, s.source) for s in segments)




HEAVY_CANDIDATES = 3
"""How many of a language's largest pages are compressed to find the heaviest page: the
compressed size follows the raw size closely enough."""


def _largest_compressed(files: dict[str, bytes]) -> dict[str, int]:
    pages = [name for name in files if name.endswith(".html")]
    largest = sorted(pages, key=lambda name: (len(files[name]), name))[-HEAVY_CANDIDATES:]
    return {name: len(zlib.compress(files[name], 9)) for name in largest}


def largest_compressed(files: dict[str, bytes]) -> dict[str, int]:
    """The gzip size of the largest HTML pages among `files`."""
    return _largest_compressed(files)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector's youngest generation every 20,000 allocations, not 700.

    A build makes millions of short-lived objects, freed by reference counting; collecting
    after every 700 of them cost a tenth of a language's time. Cycles still get collected.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@contextmanager
def per_language(job: Job, share: Callable[[], bytes | None] | None = None
                 ) -> Iterator[Iterator[LanguageDone]]:
    """Each language's files, in order: on every core when the build runs in the main thread.

    With `share` (a full build: `Renderer.shared_pages`, the skeletons of the pages every
    language shares and what each page uses), the workers fork before those are made:
    this process makes them while the workers prepare their first languages, then hands
    them over (`language_workers`). In-process, each language makes them when it needs them.

    Forking is safe only while the process has no other thread (a lock another thread holds
    would stay locked forever in the child): the preview server, a browser driver, a test's
    threads or a native library's thread pool (Typst's, once it has compiled in this process)
    make the build render in-process. It is worth it only for several languages.
    """
    count = len(job.translations)
    workers = min(os.cpu_count() or 1, count)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    # The content is read-only from here on: the garbage collector need not walk it again
    # (and forked workers then share its memory pages instead of copying them).
    gc.freeze()
    try:
        if workers < 2 or count < 4 or not forkable or thread_count() > 1 or job.few_changes():
            yield (job.language(index) for index in range(count))
            return
        with language_workers(job, workers, share) as done:
            yield done
    finally:
        gc.unfreeze()


@contextmanager
def language_workers(job: Job, workers: int, share: Callable[[], bytes | None] | None
                     ) -> Iterator[Iterator[LanguageDone]]:
    """`workers` forked processes that take the languages one by one, and their reports in
    the languages' order; stopped (SIGTERM) and waited for however the block ends.

    Each worker prepares a language (`Job.prepare`: catalog, view, PDFs, checks, messages)
    and, once this process has sent the shared pages (`share()`, pickled: the same bytes to
    every worker, through an unnamed temporary file), renders it (`Job.finish`). Until they
    come, it prepares further languages instead of waiting (`_language_worker`). A language
    that fails is reported in its place in the order, as the exception its worker raised.
    """
    context = multiprocessing.get_context("fork")
    count = len(job.translations)
    taken = context.Value("i", 0)
    ahead = context.Array("i", workers, lock=False)  # each worker's languages prepared ahead
    signals = [context.Pipe(duplex=False) for _ in range(workers)]  # here → each worker
    reports = [context.Pipe(duplex=False) for _ in range(workers)]  # each worker → here
    ends = [end for pair in (*signals, *reports) for end in pair]
    processes = []
    # The shared pages go through a file with no name: nothing to remove, however this ends.
    with tempfile.TemporaryFile() as handover:
        try:
            with forking_quietly():
                for number in range(workers):
                    keep = (signals[number][0], reports[number][1])
                    process = context.Process(target=_language_worker, daemon=True, args=(
                        job, count, taken, ahead, number, handover.fileno(), *keep,
                        [end for end in ends if end not in keep]))
                    process.start()
                    processes.append(process)
            for reading, _ in signals:
                reading.close()
            for _, writing in reports:
                writing.close()
            size = 0
            data = None if share is None else share()
            if data is not None:
                handover.write(data)
                handover.flush()
                size = len(data)
            for _, writing in signals:
                try:
                    writing.send(size)  # a few bytes: never waits for the worker
                except OSError:  # a worker that found no language left to take has ended
                    pass
            yield _in_order(count, [reading for reading, _ in reports])
        finally:
            with shielded():  # a stop signal now would leave workers running
                for process in processes:
                    if process.is_alive():
                        process.terminate()
                for process in processes:
                    process.join()
                for end in ends:
                    end.close()


def _language_worker(job: Job, count: int, taken: Any, ahead: Any, number: int, handover: int,
                     signal_end: Any, report: Any, others: list[Any]) -> None:
    """A forked worker: take the next language, prepare it, render it once the shared pages
    have come (preparing more meanwhile), report each with its number.

    Until the shared pages come, no worker prepares more languages ahead than another does
    (`ahead`), and none prepares the last languages: what one has prepared only it can
    render, and the languages left when they come go to whichever worker is free, so that
    the workers end together."""
    global _FORKED
    _FORKED = True
    quiet_worker()
    # A worker ends with the build, and its languages make next to no reference cycles (its
    # peak memory is the same without the collector): its collections were 3 ms a language.
    gc.disable()
    for end in others:  # only this worker's two ends stay open, so that each pipe's end is seen
        end.close()
    waiting: list[tuple[int, Prepared]] = []
    shared = False

    def take_shared() -> None:
        nonlocal shared
        size = signal_end.recv()
        if size:
            job.renderer.take_shared_pages(os.pread(handover, size, 0))
        shared = True
        with taken.get_lock():
            ahead[number] = count  # holds no other worker back any more

    while True:
        if not shared and signal_end.poll():
            take_shared()
        if shared and waiting:
            first, prepared = waiting.pop(0)
            _report(report, first, partial(job.finish, prepared))
            continue
        index: int | None
        with taken.get_lock():
            # Ahead of another worker, or at the last languages (left to whichever worker is
            # free first): wait for the shared pages a little.
            if not shared and (ahead[number] > min(ahead) or taken.value >= count - len(ahead)):
                index = None
            else:
                index = taken.value
                taken.value += 1
                if not shared:
                    ahead[number] += 1
        if index is None:
            signal_end.poll(0.005)
            continue
        if index >= count:
            if not waiting:
                with taken.get_lock():
                    ahead[number] = count
                return
            take_shared()  # nothing more to prepare: wait for the shared pages
            continue
        if shared:
            _report(report, index, partial(job.language, index))
        else:
            try:
                with tidy_task():
                    waiting.append((index, job.prepare(index, ahead=True)))
            except Exception as exc:  # noqa: BLE001 - reported in the language's place
                _send(report, index, exc)


def _report(report: Any, index: int, work: Callable[[], LanguageDone]) -> None:
    try:
        with tidy_task():
            done: LanguageDone | Exception = work()
    except Exception as exc:  # noqa: BLE001 - reported in the language's place
        done = exc
    _send(report, index, done)


def _send(report: Any, index: int, done: LanguageDone | Exception) -> None:
    try:
        report.send((index, done))
    except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled
        report.send((index, HavenError(f"a language could not be built: {done!r} ({exc})")))


def _in_order(count: int, reports: list[Any]) -> Iterator[LanguageDone]:
    """The workers' reports, in the languages' order; a language's exception raised in its
    place; a worker that ended without reporting every language it took, an error."""
    found: dict[int, LanguageDone | Exception] = {}
    open_ = list(reports)
    for index in range(count):
        while index not in found:
            if not open_:
                raise HavenError("a language worker stopped before it was done (the computer "
                                 "may have run out of memory) — build again, with other "
                                 "programs closed")
            for ready in wait(open_):
                try:
                    number, done = cast(Connection, ready).recv()
                except EOFError:
                    open_.remove(ready)
                    continue
                found[number] = done
        done = found.pop(index)
        if isinstance(done, Exception):
            raise done
        yield done


