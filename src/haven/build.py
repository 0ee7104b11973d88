"""The build pipeline: load → validate → model → translate → render → write.

Each step is one function in its own module; `build()` below calls them in order and
nothing else, so this file is the map of the system (docs/architecture.md says the same).
Each language's part of the render step runs in haven.workers; the staff report is assembled
in haven.staff; what an incremental build may keep is decided in haven.incremental.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path

from haven.content.ahead import ReadAhead, files_of
from haven.content.load import load
from haven.content.validate import Content, validate
from haven.errors import Problem, StrictError
from haven.hosting import hosting_files
from haven.i18n.checks import Finding, as_problems, summary_parts
from haven.i18n.status import LanguageStatus
from haven.i18n.translate import content_segment_ids
from haven.incremental import (
    BuildRecord,
    code_digest,
    file_digest,
    intact,
    model_digest,
    plan,
    prune_records,
    publish_changes,
    read_record,
    record_digests,
    save_record,
    spare_folder,
    state_folder,
)
from haven.memo import RecordMemo
from haven.model import Site, build_model
from haven.offline import offline_files
from haven.output import Staging, staging
from haven.outreach.messages import Message
from haven.render.assets import asset_files
from haven.render.directory import SCRIPT_PATH, find_script
from haven.render.site import CSS_PATH, NOT_FOUND, Renderer, load_templates
from haven.render.uses import NOT_FOUND_KEY
from haven.staff import staff_files
from haven.workers import (
    HEAVY_CANDIDATES,
    Job,
    Translation,
    fewer_collections,
    largest_compressed,
    per_language,
)

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
    remade: list[str] | None = None
    """The pages an incremental build rendered again (None: a full build, every page)."""

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values()) + 1


def build(content_dir: Path, output: Path, progress: Progress | None = None,
          strict: bool = False, pdf: bool = True, clean: bool = False,
          ahead: ReadAhead | None = None) -> BuildReport:
    """Build the hub in `content_dir` into `output`, atomically.

    With `strict`, any warning stops the build before anything is published. With `pdf`,
    each language's printable pieces are made too (reused from `output` when unchanged).
    Into a site an earlier build made, only the pages that used what changed are rendered
    again (haven.incremental), unless `clean`. `ahead` is the content being read by another
    process (haven.content.ahead: `haven build`), else it is read here.
    """
    started = time.perf_counter()
    with fewer_collections():
        # What the checks are of, as it was before it was read:
        files = (strict, ahead.files if ahead else files_of(content_dir))
        code_digest()  # what needs no content (Haven's own digest, its templates) is done
        load_templates()  # while the content is read ahead
        content = (ahead.content() if ahead else None) or validate(load(content_dir))
        site = build_model(content)
        known = known_translation_warnings(files)  # None: each worker checks its own catalog
        translations = translate(content, site)
        previous = None if clean else previous_build(output, site, pdf)
        if previous is not None:
            rendered = render(site, translations, None, progress,
                              pdf_from=output if pdf else None, pdf=pdf, previous=(previous, output),
                              check=known is None, strict=strict)
            checked = (known if known is not None
                       else translation_warnings(content, strict, rendered, files))
            report = summarize(site, rendered, output, content.warnings + checked)
            if strict and report.warnings:
                raise StrictError(report.warnings)
            if not publish_changes(output, previous, rendered.record, rendered.files):
                previous = None  # another build published meanwhile: build in full
        if previous is None:
            with staging(output) as stage:
                rendered = render(site, translations, stage, progress,
                                  pdf_from=output if pdf else None, pdf=pdf, check=known is None,
                                  strict=strict)
                checked = (known if known is not None
                           else translation_warnings(content, strict, rendered, files))
                report = summarize(site, rendered, output, content.warnings + checked)
                if strict and report.warnings:
                    raise StrictError(report.warnings)
                publish(rendered, stage)
    report.remade = rendered.remade
    report.seconds = time.perf_counter() - started
    return report


def checks_folder(output: Path) -> Path:
    """Where the translation checks' results are kept between builds, a file per language:
    beside the site, with its record (`--clean` keeps them: they depend only on the content).
    A build writes nothing else outside its output."""
    return state_folder(output) / "checks"


def previous_build(output: Path, site: Site, pdf: bool) -> BuildRecord | None:
    """The record of the site in `output`, when this build may start from it: the same
    Haven, the same pages, filters and languages."""
    record = read_record(output)
    if record is None or record.code != code_digest() or record.model != model_digest(site, pdf):
        return None
    return record if intact(output, record) else None


def known_translation_warnings(files: tuple[object, ...]) -> list[Problem] | None:
    """The translation checks' warnings when this process found them for these very `files`
    (`strict`, and each file's path, time, size and inode: the preview builds again after each
    edit); None when they must be run: then each language's worker checks its catalog beside
    its pages (render), and `translation_warnings` gathers what they found."""
    found = _CHECKED.get(files)
    return None if found is None else list(found)


def translation_warnings(content: Content, strict: bool, rendered: Rendered,
                         files: tuple[object, ...]) -> list[Problem]:
    """`haven translate check` on every catalog, as warnings: one per language and file
    (a count of each kind of problem), or every problem with its line under `strict`; kept
    for `files` (as they were before the build read them)."""
    if strict:
        checked = as_problems(chain.from_iterable(rendered.findings))
    else:
        parts = [part for language, summed in zip(rendered.findings, rendered.summaries, strict=True)
                 for part in (summed if summed is not None
                              else _SUMMARIES.value(language, str(content.root), _summary_of))]
        _SUMMARIES.done()
        checked = [problem for _, problem in sorted(parts, key=lambda part: part[0])]
    found = rendered.glossary_problems + checked
    _CHECKED.clear()
    _CHECKED[files] = found
    return list(found)


_CHECKED: dict[tuple[object, ...], list[Problem]] = {}


def forget_translation_warnings() -> None:
    """Run the translation checks in the next build, even for files whose findings this
    process knows: the preview's warm-up then leaves each language's checks remembered
    (haven.workers), so that its first edit checks only the segments it changed."""
    _CHECKED.clear()


def _summary_of(findings: list[Finding], root: str) -> list[tuple[tuple[str, str], Problem]]:
    return summary_parts(findings, Path(root))


_SUMMARIES: RecordMemo[list[tuple[tuple[str, str], Problem]]] = RecordMemo()
"""Each language's summary, while its findings are the very same list (a process that
builds again keeps a language's findings while its checks found the same)."""


def translate(content: Content, site: Site) -> list[Translation]:
    """Every served language's view of the content, through its PO catalog."""
    return [Translation(content, lang.tag) for lang in site.languages]


@dataclass
class Rendered:
    """The site: in a full build each language's files already in the staging folder and
    the rest in `files`; in an incremental build, every file made in `files`."""

    files: dict[str, bytes]
    """Made in this process (or by an incremental build's workers), still to be written."""
    sizes: dict[str, int]
    """Every file of the site, written or not, by path: its size in bytes."""
    staged: Path | None
    """The staging folder of a full build; the live site for an incremental one."""
    record: BuildRecord
    compressed: dict[str, int] = field(default_factory=dict)
    """The gzip size of each language's largest pages."""
    remade: list[str] | None = None
    """The pages the workers rendered (None: every page, a full build)."""
    findings: list[list[Finding]] = field(default_factory=list)
    """The translation checks' findings, language by language (when the workers checked)."""
    summaries: list[list[tuple[tuple[str, str], Problem]] | None] = field(default_factory=list)
    """Or, language by language, their sums as a forked worker made them (`findings` empty)."""
    glossary_problems: list[Problem] = field(default_factory=list)

    def read(self, name: str) -> bytes:
        if name in self.files or self.staged is None:
            return self.files[name]
        return (self.staged / name).read_bytes()


def render(site: Site, translations: list[Translation], stage: Staging | None,
           progress: Progress | None = None, pdf_from: Path | None = None, pdf: bool = True,
           previous: tuple[BuildRecord, Path] | None = None, check: bool = True,
           strict: bool = False) -> Rendered:
    """Every file of the site: each language's pages (and printable PDFs, with `pdf_from`,
    the previous build's folder, which may not exist yet) go straight into `stage`; with
    `previous` (an incremental build, no stage), only the pages that used what changed are
    rendered, and every file made is returned (the second item is the live site). With
    `check`, each language's worker also runs the translation checks on its catalog (and
    with `strict`, reports every finding rather than their sums)."""
    live = None if previous is None else previous[1]
    before = None if previous is None else previous[0]
    renderer = Renderer(site)
    files = {CSS_PATH: renderer.css(), SCRIPT_PATH: find_script(), **asset_files("icon.svg")}
    files.update(hosting_files(site))  # _headers, nginx and IIS files, robots.txt, favicon …
    segment_ids = content_segment_ids(site.content)
    records_now = changes = None
    if before is not None:
        records_now = record_digests(site.content)
        changes = plan(before, site, records_now, segment_ids, renderer.uses)
    sizes: dict[str, int] = {}
    digests: dict[str, str] = {} if before is None else dict(before.offline)
    hashes: dict[str, tuple[str, int]] = {}
    compressed: dict[str, int] = {}
    messages: list[Message] = []
    statuses: list[LanguageStatus] = []
    partial: dict[str, tuple[str, str]] = {}
    languages: dict[str, tuple[str, list[str]]] = {}
    made: dict[str, bytes] = {}
    remade: list[str] | None = None if before is None else []
    if before is not None:  # start from the previous site's files, the shared ones aside
        layout = _layout(before.files.keys(), site)
        hashes = dict(before.files)
        for name in layout.shared:  # made again below
            del hashes[name]
    findings: list[list[Finding]] = []
    summaries: list[list[tuple[tuple[str, str], Problem]] | None] = []
    glossary_problems: list[Problem] = []
    output = live if live is not None else stage.output if stage is not None else None
    job = Job(site, translations, pdf_from, stage, renderer, changes, check, strict,
              None if output is None else checks_folder(output))
    # In a full build, the pages every language shares are made once, and what each page
    # uses read off them, while the language workers prepare (haven.workers).
    with per_language(job, renderer.shared_pages if before is None else None) as done_:
        if records_now is None:  # (a full build: meanwhile, its workers render)
            records_now = record_digests(site.content)
        for done, language in enumerate(done_, start=1):
            findings.append(language.findings)
            summaries.append(language.summary)
            glossary_problems += language.glossary_problems
            if before is not None:
                if language.rendered is None:  # rendered in full: what it made is all it has
                    for name in layout.by_language.get(language.tag, ()):
                        del hashes[name]
                made.update(language.files)
                assert remade is not None
                remade += [name for name in language.files if name.endswith(".html")]
            else:
                sizes.update(language.sizes)
            hashes.update((name, (digest, language.sizes[name]))
                          for name, digest in language.hashes.items())
            digests.update(language.digests)
            compressed.update(language.compressed)
            messages += language.messages
            languages[language.tag] = (language.unit, language.shown)
            if language.status is not None:
                statuses.append(language.status)
            if language.partial is not None:
                partial[language.tag] = language.partial
            if progress:
                progress(done, len(translations))
    # The chooser, once every language has said whether it is partly translated.
    files["index.html"] = renderer.chooser(partial)
    files.update(staff_files(site, statuses, messages))  # the translation matrix, messages
    if before is not None:
        sizes = {name: size for name, (_, size) in hashes.items()}
    files.update(offline_files(site, files, digests, sizes))  # the offline worker, each language's manifest
    sizes.update((name, len(data)) for name, data in files.items())
    hashes.update((name, (file_digest(data), len(data))) for name, data in files.items())
    if before is not None:
        compressed = _heaviest(site, _layout(hashes.keys(), site), sizes, made,
                               before, compressed, live)
    if before is None or hashes.keys() != before.files.keys():
        hashes = dict(sorted(hashes.items()))  # (else in the previous record's order: sorted)
    uses = renderer.uses() if changes is None else changes.uses  # for the next build
    keys = [*(page.key for page in renderer.pages()), NOT_FOUND_KEY]  # the 404 pages too
    record = BuildRecord(code_digest(), model_digest(site, pdf), segment_ids, languages,
                         records_now, {key: uses[key] for key in keys},
                         hashes, digests, dict(sorted(compressed.items())))
    if before is None:
        return Rendered(files, sizes, stage.path if stage else None, record, compressed,
                        None, findings, summaries, glossary_problems)
    return Rendered(made | files, sizes, None, record, compressed, sorted(remade or []),
                    findings, summaries, glossary_problems)


@dataclass(frozen=True)
class _Layout:
    """Where a site's files are: by the language whose folder they are in (`es/…`,
    `pdf/es/…`; the site's 404 page is the source language's, as its worker makes it)."""

    names: frozenset[str]
    by_language: dict[str, list[str]]
    pages: dict[str, list[str]]
    """Each language's HTML pages (its PDFs' folder aside)."""
    shared: list[str]
    """The files in no language's folder (the stylesheet, the chooser, the manifests …)."""
    page_counts: dict[str, int]
    """Each language's pages, its 404 page aside (the summary's count)."""
    shared_pages: list[str]
    """The HTML pages in no language's folder, the staff pages and 404 page aside (the
    chooser)."""


def _layout(names: Collection[str], site: Site) -> _Layout:
    """The layout of a site with these files (worked out again only for other names: an
    edit in the preview seldom adds or removes a page)."""
    global _LAST_LAYOUT
    source, tags = site.source.tag, frozenset(lang.tag for lang in site.languages)
    last = _LAST_LAYOUT
    if last is not None and last[0] == (source, tags) and last[1].names == names:
        return last[1]
    by_language: dict[str, list[str]] = {}
    for name in names:
        top, _, rest = name.partition("/")
        if top == "pdf":
            top = rest.partition("/")[0]
        elif name == NOT_FOUND:
            top = source
        by_language.setdefault(top, []).append(name)
    shared = [name for top, found in by_language.items() if top not in tags for name in found]
    languages = {top: found for top, found in by_language.items() if top in tags}
    pages = {tag: [name for name in found if name.endswith(".html") and not name.startswith("pdf/")]
             for tag, found in languages.items()}
    counts = {tag: sum(1 for name in found if name.rpartition("/")[2] != NOT_FOUND)
              for tag, found in pages.items()}
    shared_pages = [name for name in shared if name.endswith(".html")
                    and not name.startswith("_staff/") and name.rpartition("/")[2] != NOT_FOUND]
    layout = _Layout(frozenset(names), languages, pages, shared, counts, shared_pages)
    _LAST_LAYOUT = ((source, tags), layout)
    return layout


_LAST_LAYOUT: tuple[tuple[str, frozenset[str]], _Layout] | None = None


def _heaviest(site: Site, layout: _Layout, sizes: dict[str, int], made: dict[str, bytes],
              previous: BuildRecord, fresh: dict[str, int], live: Path | None) -> dict[str, int]:
    """The gzip size of each language's largest pages, as a full build finds them: from this
    build's files where they were made, else from the previous record (a language that made
    nothing has the same largest pages as before)."""
    source = site.source.tag
    touched = {source if name == NOT_FOUND else name.partition("/")[0] for name in made}
    before: dict[str, dict[str, int]] = {}
    for name, size in previous.compressed.items():
        tag = source if name == NOT_FOUND else name.partition("/")[0]
        before.setdefault(tag, {})[name] = size
    found: dict[str, int] = {}
    for lang in site.languages:
        if lang.tag not in touched and lang.tag in before:
            found.update(before[lang.tag])
            continue
        pages = layout.pages.get(lang.tag, [])
        for name in sorted(pages, key=lambda n: (sizes[n], n))[-HEAVY_CANDIDATES:]:
            if name in fresh:
                found[name] = fresh[name]
            elif name in made:
                found[name] = len(zlib.compress(made[name], 9))
            elif name in previous.compressed:
                found[name] = previous.compressed[name]
            elif live is not None:
                found[name] = len(zlib.compress((live / name).read_bytes(), 9))
    return found


def summarize(site: Site, rendered: Rendered, output: Path,
              warnings: list[Problem]) -> BuildReport:
    """Count pages and find the heaviest one (gzip-compressed, as servers send it)."""
    sizes = rendered.sizes
    layout = _layout(sizes.keys(), site)
    pages = {lang.tag: layout.page_counts.get(lang.tag, 0) for lang in site.languages}
    css = _compressed_size(rendered.read(CSS_PATH))
    # Each language's largest pages were compressed where they were made; here, the rest.
    made_here = largest_compressed({name: rendered.files[name] for name in layout.shared_pages
                                    if name in rendered.files})
    compressed = {name: size + css for name, size in (rendered.compressed | made_here).items()}
    heaviest = max(compressed.items(), key=lambda item: (item[1], item[0]))
    warnings = warnings + [
        Problem(name, 0, f"the page weighs {size:,} bytes compressed, over the {PAGE_BUDGET:,}-byte "
                "budget for a cheap phone", "shorten its text or split it into two pages")
        for name, size in sorted(compressed.items()) if size > PAGE_BUDGET
    ]
    return BuildReport(output, pages, heaviest, 0.0, len(sizes), warnings)


@lru_cache(maxsize=2)
def _compressed_size(data: bytes) -> int:
    return len(zlib.compress(data, 9))


def publish(rendered: Rendered, stage: Staging) -> None:
    """Write the files made in this process and swap the staging folder in for the output.

    The spare beside it (haven.incremental) is deleted: it may share files with a site edited
    by hand; the next incremental build makes it again."""
    state = save_record(stage.output, rendered.record)
    stage.publish(rendered.files, state, drop=spare_folder(stage.output))
    prune_records(stage.output)
