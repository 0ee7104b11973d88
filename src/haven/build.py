"""The build pipeline: load → validate → model → translate → render → write.

Each step is one function in its own module; `build()` below calls them in order and
nothing else, so this file is the map of the system (docs/architecture.md says the same).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from haven.content.load import load
from haven.content.validate import Content, validate
from haven.errors import Problem, StrictError
from haven.i18n.catalog import Entry, read_catalog
from haven.i18n.status import (
    STAFF_CSS,
    STAFF_TRANSLATIONS,
    render_status_html,
    staff_css,
    status_matrix,
)
from haven.i18n.translate import Localized, localize
from haven.model import Site, build_model
from haven.offline import offline_files
from haven.output import publish
from haven.outreach.messages import (
    STAFF_OUTREACH,
    Message,
    language_messages,
    render_outreach_html,
)
from haven.print.render import render_pdfs
from haven.privacy import security_files
from haven.render.site import CSS_PATH, Renderer

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


def example_content() -> Path:
    """The bundled Hartford hub."""
    return Path(str(resources.files("haven") / "examples" / "hartford"))


def build(content_dir: Path, output: Path, progress: Progress | None = None,
          strict: bool = False, pdf: bool = True) -> BuildReport:
    """Build the hub in `content_dir` into `output`, atomically.

    With `strict`, any warning stops the build before anything is published. With `pdf`,
    each language's printable pieces are made too (reused from `output` when unchanged).
    """
    started = time.perf_counter()
    raw = load(content_dir)
    content = validate(raw)
    site = build_model(content)
    translations = translate(content, site)
    files = render(site, translations, progress, pdf_from=output if pdf else None)
    report = summarize(site, files, output, content.warnings)
    if strict and report.warnings:
        raise StrictError(report.warnings)
    publish(files, output)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class Translation:
    """One language's translate step, run where that language is rendered.

    Languages are independent once the content is valid, so `render` may run each
    language's translation and rendering in a process of its own.
    """

    content: Content
    lang: str

    def view(self) -> Localized:
        path = self.content.catalogs.get(self.lang)
        catalog: dict[str, Entry] = read_catalog(path) if path else {}
        return localize(self.content, self.lang, catalog)


def translate(content: Content, site: Site) -> list[Translation]:
    """Every served language's view of the content, through its PO catalog."""
    return [Translation(content, lang.tag) for lang in site.languages]


def render(site: Site, translations: list[Translation], progress: Progress | None = None,
           pdf_from: Path | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path in the output folder.

    With `pdf_from` (the folder of the previous build, which may not exist yet), each
    language's printable PDFs are made as well.
    """
    renderer = Renderer(site)
    files = {"index.html": renderer.chooser(), CSS_PATH: renderer.css()}
    files.update(security_files(site.content))  # _headers and an nginx snippet for hosts
    messages: list[Message] = []
    with _per_language(_Job(site, translations, pdf_from)) as languages:
        # While the languages render (in other processes when possible), the staff pages.
        matrix = status_matrix(site.content)
        files[STAFF_TRANSLATIONS] = render_status_html(matrix, stylesheet="staff.css").encode()
        files[STAFF_CSS] = staff_css()
        for done, (pages, language_messages) in enumerate(languages, start=1):
            files.update(pages)
            messages += language_messages
            if progress:
                progress(done, len(translations))
    files[STAFF_OUTREACH] = render_outreach_html(site.content, messages).encode()
    files.update(offline_files(site, files))  # the offline worker and each language's manifest
    return dict(sorted(files.items()))


@dataclass(frozen=True)
class _Job:
    site: Site
    translations: list[Translation]
    pdf_from: Path | None

    def language(self, renderer: Renderer, index: int) -> tuple[dict[str, bytes], list[Message]]:
        """One language's pages (and printable pieces), and its messages to families."""
        view = self.translations[index].view()
        printed = {}
        if self.pdf_from is not None:
            printed = render_pdfs(self.site, [view], previous=self.pdf_from)
        messages = language_messages(self.site.content, view, self.source_view())
        return renderer.language(view, printed=sorted(printed)) | printed, messages

    def source_view(self) -> Localized:
        """The source language's view, made once per process (messages fall back to it)."""
        global _SOURCE_VIEW
        content = self.site.content
        if _SOURCE_VIEW is None or _SOURCE_VIEW[0] is not content:
            _SOURCE_VIEW = (content, localize(content, content.hub.source_language, {}))
        return _SOURCE_VIEW[1]


_SOURCE_VIEW: tuple[Content, Localized] | None = None
_JOB: _Job | None = None
"""What forked workers render: set just before the pool starts, inherited by fork."""
_RENDERER: Renderer | None = None


def _render_language(index: int) -> tuple[dict[str, bytes], list[Message]]:
    global _RENDERER
    assert _JOB is not None
    if _RENDERER is None or _RENDERER.site is not _JOB.site:
        _RENDERER = Renderer(_JOB.site)
    return _JOB.language(_RENDERER, index)


@contextmanager
def _per_language(job: _Job) -> Iterator[Iterator[tuple[dict[str, bytes], list[Message]]]]:
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
    if workers < 2 or count < 4 or not forkable or _threads() > 1:
        renderer = Renderer(job.site)
        yield (job.language(renderer, index) for index in range(count))
        return
    _JOB = job
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield pool.imap(_render_language, range(count))
    finally:
        _JOB = None


def _threads() -> int:
    """Threads of this process, native ones included (Python's own count misses those)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def summarize(site: Site, files: dict[str, bytes], output: Path,
              warnings: list[Problem]) -> BuildReport:
    """Count pages and find the heaviest one (gzip-compressed, as servers send it)."""
    pages = {lang.tag: 0 for lang in site.languages}
    html = [name for name in files if name.endswith(".html") and not name.startswith("_staff/")]
    for name in html:
        tag = name.partition("/")[0]
        if tag in pages:
            pages[tag] += 1
    css = len(zlib.compress(files[CSS_PATH], 9))
    # Gzip only the largest pages: compressed size follows raw size closely enough.
    candidates = sorted(html, key=lambda name: len(files[name]), reverse=True)[:25]
    sizes = {name: len(zlib.compress(files[name], 9)) + css for name in candidates}
    heaviest = max(sizes.items(), key=lambda item: (item[1], item[0]))
    warnings = warnings + [
        Problem(name, 0, f"the page weighs {size:,} bytes compressed, over the {PAGE_BUDGET:,}-byte "
                "budget for a cheap phone", "shorten its text or split it into two pages")
        for name, size in sorted(sizes.items()) if size > PAGE_BUDGET
    ]
    return BuildReport(output, pages, heaviest, 0.0, len(files), warnings)
