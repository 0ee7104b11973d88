"""The build pipeline: load → validate → model → translate → render → write.

Each step is one function in its own module; `build()` below calls them in order and
nothing else, so this file is the map of the system (docs/architecture.md says the same).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from haven.content.load import load
from haven.content.validate import Content, validate
from haven.errors import Problem, StrictError
from haven.i18n.catalog import Entry, read_catalog
from haven.i18n.translate import Localized, localize
from haven.model import Site, build_model
from haven.output import publish
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
          strict: bool = False) -> BuildReport:
    """Build the hub in `content_dir` into `output`, atomically.

    With `strict`, any warning stops the build before anything is published.
    """
    started = time.perf_counter()
    raw = load(content_dir)
    content = validate(raw)
    site = build_model(content)
    views = translate(content, site)
    files = render(site, views, progress)
    report = summarize(site, files, output, content.warnings)
    if strict and report.warnings:
        raise StrictError(report.warnings)
    publish(files, output)
    report.seconds = time.perf_counter() - started
    return report


def translate(content: Content, site: Site) -> list[Localized]:
    """Every served language's view of the content, through its PO catalog."""
    views = []
    for lang in site.languages:
        path = content.catalogs.get(lang.tag)
        catalog: dict[str, Entry] = read_catalog(path) if path else {}
        views.append(localize(content, lang.tag, catalog))
    return views


def render(site: Site, views: list[Localized], progress: Progress | None = None) -> dict[str, bytes]:
    """Every file of the site, by its path in the output folder."""
    renderer = Renderer(site)
    files = {"index.html": renderer.chooser(), CSS_PATH: renderer.css()}
    for done, view in enumerate(views, start=1):
        files.update(renderer.language(view))
        if progress:
            progress(done, len(views))
    return dict(sorted(files.items()))


def summarize(site: Site, files: dict[str, bytes], output: Path,
              warnings: list[Problem]) -> BuildReport:
    """Count pages and find the heaviest one (gzip-compressed, as servers send it)."""
    pages = {lang.tag: 0 for lang in site.languages}
    html = [name for name in files if name.endswith(".html")]
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
