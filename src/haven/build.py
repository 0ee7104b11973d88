"""The build pipeline: load → validate → model → translate → render → write.

Each step is one function in its own module; `build()` below calls them in order and
nothing else, so this file is the map of the system (docs/architecture.md says the same).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from haven.content.load import load
from haven.content.validate import Content, validate
from haven.errors import Problem, StrictError
from haven.hosting import hosting_files
from haven.i18n.catalog import Entry, read_catalog
from haven.i18n.checks import as_problems, check_hub, summary
from haven.i18n.segments import Segment
from haven.i18n.status import (
    STAFF_CSS,
    STAFF_TRANSLATIONS,
    LanguageStatus,
    language_status,
    matrix_of,
    matrix_row,
    page_segments,
    render_status_html,
    segment_states,
    staff_css,
)
from haven.i18n.translate import Localized, content_segments, localize, partly_translated
from haven.model import Site, build_model
from haven.offline import file_digests, offline_files
from haven.output import Staging, staging
from haven.outreach.messages import (
    STAFF_OUTREACH,
    Message,
    language_messages,
    render_outreach_html,
)
from haven.print.render import render_pdfs
from haven.render.assets import asset_files
from haven.render.directory import SCRIPT_PATH, find_script
from haven.render.site import CSS_PATH, NOT_FOUND, Renderer

PAGE_BUDGET = 14 * 1024
"""Bytes a page may weigh gzip-compressed, its stylesheet included: the first TCP round trip."""

Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    """What a build made, for the summary."""

    output: Path
    pages: dict[str, int]
    """Pages per language tag."""
    heaviest: tuple[str, int]
    """The heaviest HTML page and its gzip size, stylesheet included."""
    seconds: float
    files: int
    warnings: list[Problem] = field(default_factory=list)

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values()) + 1


def build(content_dir: Path, output: Path, progress: Progress | None = None,
          strict: bool = False, pdf: bool = True) -> BuildReport:
    """Build the hub in `content_dir` into `output`, atomically.

    With `strict`, any warning stops the build before anything is published. With `pdf`,
    each language's printable pieces are made too (reused from `output` when unchanged).
    """
    started = time.perf_counter()
    with _fewer_collections():
        raw = load(content_dir)
        content = validate(raw)
        site = build_model(content)
        checked = check_translations(content, strict)
        translations = translate(content, site)
        with staging(output) as stage:
            rendered = render(site, translations, stage, progress,
                              pdf_from=output if pdf else None)
            report = summarize(site, rendered, output, content.warnings + checked)
            if strict and report.warnings:
                raise StrictError(report.warnings)
            publish(rendered, stage)
    report.seconds = time.perf_counter() - started
    return report


def check_translations(content: Content, strict: bool = False) -> list[Problem]:
    """`haven translate check` on every catalog, as warnings: one per language and file
    (a count of each kind of problem), or every problem with its line under `strict`."""
    findings, problems = check_hub(content)
    return problems + (as_problems(findings) if strict else summary(findings, content.root))


@contextmanager
def _fewer_collections() -> Iterator[None]:
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


@dataclass(frozen=True)
class Translation:
    """One language's translate step, run where that language is rendered.

    Languages are independent once the content is valid, so `render` may run each
    language's translation and rendering in a process of its own.
    """

    content: Content
    lang: str

    def catalog(self) -> dict[str, Entry]:
        path = self.content.catalogs.get(self.lang)
        return read_catalog(path) if path else {}

    def view(self, catalog: dict[str, Entry] | None = None) -> Localized:
        return localize(self.content, self.lang, self.catalog() if catalog is None else catalog)


def translate(content: Content, site: Site) -> list[Translation]:
    """Every served language's view of the content, through its PO catalog."""
    return [Translation(content, lang.tag) for lang in site.languages]


@dataclass
class Rendered:
    """The site: each language's files already in the staging folder, the rest in `files`."""

    files: dict[str, bytes]
    """Made in this process, still to be written."""
    sizes: dict[str, int]
    """Every file of the site, written or not, by path: its size in bytes."""
    staged: Path
    compressed: dict[str, int] = field(default_factory=dict)
    """The gzip size of each language's largest pages, measured where they were made."""

    def read(self, name: str) -> bytes:
        return self.files[name] if name in self.files else (self.staged / name).read_bytes()


@dataclass
class _LanguageDone:
    """What one language's worker reports once its files are in the staging folder."""

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


def render(site: Site, translations: list[Translation], stage: Staging,
           progress: Progress | None = None, pdf_from: Path | None = None) -> Rendered:
    """Every file of the site: each language's pages (and printable PDFs, with `pdf_from`,
    the previous build's folder, which may not exist yet) go straight into `stage`.
    """
    renderer = Renderer(site)
    files = {CSS_PATH: renderer.css(), SCRIPT_PATH: find_script(), **asset_files("icon.svg")}
    files.update(hosting_files(site))  # _headers, nginx and IIS files, robots.txt, favicon …
    sizes: dict[str, int] = {}
    digests: dict[str, str] = {}
    compressed: dict[str, int] = {}
    messages: list[Message] = []
    statuses: list[LanguageStatus] = []
    partial: dict[str, tuple[str, str]] = {}
    renderer.skeletons()  # the pages shared by every language, made before workers fork
    with _per_language(_Job(site, translations, pdf_from, stage, renderer)) as languages:
        for done, language in enumerate(languages, start=1):
            sizes.update(language.sizes)
            digests.update(language.digests)
            compressed.update(language.compressed)
            messages += language.messages
            if language.status is not None:
                statuses.append(language.status)
            if language.partial is not None:
                partial[language.tag] = language.partial
            if progress:
                progress(done, len(translations))
    # The chooser, once every language has said whether it is partly translated.
    files["index.html"] = renderer.chooser(partial)
    # The staff report: the translation matrix and the messages to copy.
    matrix = matrix_of(site.content, site.text_pages, statuses)
    files[STAFF_TRANSLATIONS] = render_status_html(matrix, stylesheet="staff.css").encode()
    files[STAFF_CSS] = staff_css()
    files[STAFF_OUTREACH] = render_outreach_html(site.content, messages).encode()
    files.update(offline_files(site, files, digests, sizes))  # the offline worker, each language's manifest
    sizes.update((name, len(data)) for name, data in files.items())
    return Rendered(files, sizes, stage.path, compressed)


@dataclass(frozen=True)
class _Job:
    site: Site
    translations: list[Translation]
    pdf_from: Path | None
    stage: Staging
    renderer: Renderer

    def language(self, index: int) -> _LanguageDone:
        """One language's pages (and printable pieces), written into the staging folder."""
        translation = self.translations[index]
        catalog = translation.catalog()
        view = translation.view(catalog)
        printed = {}
        if self.pdf_from is not None:
            printed = render_pdfs(self.site, [view], previous=self.pdf_from)
        files = self.renderer.language(view, printed=sorted(printed)) | printed
        for name, data in files.items():
            self.stage.write(name, data)
        messages = language_messages(self.site.content, view, self.source_view)
        label = view.ui["partly_translated"]
        partial = (str(label), label.lang) if partly_translated(self.site.content, view) else None
        return _LanguageDone({name: len(data) for name, data in files.items()}, messages,
                             self.status(view, catalog), file_digests(self.site, files),
                             _largest_compressed(files), view.lang, partial)

    def source_view(self) -> Localized:
        """The source language's view, made once per process (messages fall back to it)."""
        global _SOURCE_VIEW
        content = self.site.content
        if _SOURCE_VIEW is None or _SOURCE_VIEW[0] is not content:
            _SOURCE_VIEW = (content, localize(content, content.hub.source_language, {}))
        return _SOURCE_VIEW[1]

    def status(self, view: Localized, catalog: dict[str, Entry]) -> LanguageStatus | None:
        """The language's translation figures, from the states its view already found."""
        global _SEGMENTS
        content = self.site.content
        if view.lang == content.hub.source_language:
            return None
        if _SEGMENTS is None or _SEGMENTS[0] is not content:
            segments = content_segments(content)
            _SEGMENTS = (content, segments, page_segments(content, self.site.text_pages, segments))
        _, segments, page_map = _SEGMENTS
        ui = segment_states([s for s in segments if s.kind == "ui"], view.lang, catalog)
        states = {s.id: ui[s.id] if s.kind == "ui" else view.states[s.id] for s in segments}
        status = language_status(content, self.site.language(view.lang), states, page_map)
        status.row = matrix_row(status, self.site.text_pages, content.hub.translation_threshold)
        return status


_SOURCE_VIEW: tuple[Content, Localized] | None = None
_SEGMENTS: tuple[Content, list[Segment], dict[str, list[str]]] | None = None
_JOB: _Job | None = None
"""What forked workers render: set just before the pool starts, inherited by fork."""


HEAVY_CANDIDATES = 3
"""How many of a language's largest pages are compressed to find the heaviest page: the
compressed size follows the raw size closely enough."""


def _largest_compressed(files: dict[str, bytes]) -> dict[str, int]:
    pages = [name for name in files if name.endswith(".html")]
    largest = sorted(pages, key=lambda name: (len(files[name]), name))[-HEAVY_CANDIDATES:]
    return {name: len(zlib.compress(files[name], 9)) for name in largest}


def _render_language(index: int) -> _LanguageDone:
    assert _JOB is not None
    return _JOB.language(index)


@contextmanager
def _per_language(job: _Job) -> Iterator[Iterator[_LanguageDone]]:
    """Each language's files, in order: on every core when the build runs in the main thread.

    Forking is safe only while the process has no other thread (a lock another thread holds
    would stay locked forever in the child): the preview server, a browser driver, a test's
    threads or a native library's thread pool (Typst's, once it has compiled in this process)
    make the build render in-process. It is worth it only for several languages.
    """
    global _JOB
    count = len(job.translations)
    workers = min(os.cpu_count() or 1, count)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    # The content is read-only from here on: the garbage collector need not walk it again
    # (and forked workers then share its memory pages instead of copying them).
    gc.freeze()
    try:
        if workers < 2 or count < 4 or not forkable or _threads() > 1:
            yield (job.language(index) for index in range(count))
            return
        _JOB = job
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield pool.imap(_render_language, range(count))
    finally:
        _JOB = None
        gc.unfreeze()


def _threads() -> int:
    """Threads of this process, native ones included (Python's own count misses those)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def summarize(site: Site, rendered: Rendered, output: Path,
              warnings: list[Problem]) -> BuildReport:
    """Count pages and find the heaviest one (gzip-compressed, as servers send it)."""
    sizes = rendered.sizes
    pages = {lang.tag: 0 for lang in site.languages}
    html = [name for name in sizes if name.endswith(".html") and not name.startswith("_staff/")
            and name.rpartition("/")[2] != NOT_FOUND]
    for name in html:
        tag = name.partition("/")[0]
        if tag in pages:
            pages[tag] += 1
    css = len(zlib.compress(rendered.read(CSS_PATH), 9))
    # Each language's largest pages were compressed where they were made; here, the rest.
    made_here = _largest_compressed(
        {name: data for name, data in rendered.files.items() if name in html})
    compressed = {name: size + css for name, size in (rendered.compressed | made_here).items()}
    heaviest = max(compressed.items(), key=lambda item: (item[1], item[0]))
    warnings = warnings + [
        Problem(name, 0, f"the page weighs {size:,} bytes compressed, over the {PAGE_BUDGET:,}-byte "
                "budget for a cheap phone", "shorten its text or split it into two pages")
        for name, size in sorted(compressed.items()) if size > PAGE_BUDGET
    ]
    return BuildReport(output, pages, heaviest, 0.0, len(sizes), warnings)


def publish(rendered: Rendered, stage: Staging) -> None:
    """Write the files made in this process and swap the staging folder in for the output."""
    stage.publish(rendered.files)
