"""A glossary per language: the terms that must never drift (`translations/glossary/<tag>.csv`).

The format is the CSV glossary Weblate imports and exports: a header row naming the columns
`source` and `target` (and optionally `description`), then one term a row, UTF-8 (a BOM is
accepted). A term whose target is its source (the district's name, an organization's name)
is a term to keep as it is. `haven translate check` uses the glossary: when the source of an
entry holds a glossary term, its translation must hold the glossary's target term.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from haven.errors import Problem

GLOSSARY_DIR = "translations/glossary"
COLUMNS = ("source", "target", "description")


@dataclass(frozen=True)
class Term:
    source: str
    target: str
    description: str = ""
    line: int = 0

    @property
    def forms(self) -> tuple[str, ...]:
        """What counts as using the term: the target, or either part of "name (gloss)",
        since a name kept in the source language is glossed in brackets at first mention."""
        target = self.target.strip()
        head, bracket, rest = target.partition(" (")
        if bracket and rest.endswith(")"):
            return (target, head.strip(), rest[:-1].strip())
        return (target,)


@dataclass
class Glossary:
    """One language's terms, and the problems found reading its file."""

    path: Path | None = None
    terms: list[Term] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _key: tuple[str, ...] | None = field(default=None, init=False, repr=False)
    _kept: tuple[str, ...] | None = field(default=None, init=False, repr=False)
    _by_source: dict[str, Term] = field(default_factory=dict, init=False, repr=False)

    @property
    def kept(self) -> tuple[str, ...]:
        """Terms kept as they are (target = source): names, which stay in the source language."""
        if self._kept is None:
            self._kept = tuple(t.source for t in self.terms if t.source == t.target)
        return self._kept

    def found_in(self, source: str) -> list[Term]:
        """The glossary terms that occur in `source` (whole words, any case), each once."""
        if not self.terms:
            return []
        if self._key is None:
            self._key = tuple(sorted({t.source for t in self.terms}, key=lambda s: (-len(s), s)))
            self._by_source = {t.source.casefold(): t for t in reversed(self.terms)}
        return [self._by_source[found] for found in _found(self._key, source)
                if found in self._by_source]


@lru_cache(maxsize=4)
def _pattern(key: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in key) + r")(?!\w)",
                      re.IGNORECASE)


@lru_cache(maxsize=16384)
def _found(key: tuple[str, ...], source: str) -> tuple[str, ...]:
    """The source terms (casefolded) of a glossary found in `source`: the same in every
    language whose glossary lists the same terms, so computed once for all of them."""
    found: dict[str, None] = {}
    for match in _pattern(key).finditer(source):
        found.setdefault(match.group(0).casefold(), None)
    return tuple(found)


def glossary_path(root: Path, tag: str) -> Path:
    return root / GLOSSARY_DIR / f"{tag}.csv"


def load_glossary(root: Path, tag: str) -> Glossary:
    """The glossary of language `tag` in the content folder `root` (empty when it has none)."""
    path = glossary_path(root, tag)
    if not path.is_file():
        return Glossary()
    name = f"{GLOSSARY_DIR}/{path.name}"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Glossary(path, [], [Problem(name, 0, f"this glossary cannot be read ({exc})",
                                           "save it as UTF-8 CSV")])
    return parse_glossary(text, name, path)


def parse_glossary(text: str, name: str, path: Path | None = None) -> Glossary:
    """Read Weblate's CSV glossary format; every bad row is a Problem, the rest is kept."""
    glossary = Glossary(path)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return glossary
    head = [cell.strip().lower() for cell in rows[0]]
    if "source" not in head or "target" not in head:
        glossary.problems.append(Problem(
            name, 1, "the first row must name the columns: source,target[,description]",
            "add the row 'source,target,description' at the top, as Weblate writes it"))
        return glossary
    at = {column: head.index(column) for column in COLUMNS if column in head}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(column: str, row: list[str] = row) -> str:
            index = at.get(column)
            return row[index].strip() if index is not None and index < len(row) else ""

        source, target = cell("source"), cell("target")
        if not source or not target:
            glossary.problems.append(Problem(
                name, number, f"this row has no {'source' if not source else 'target'} term",
                "give both the source term and its translation, separated by a comma"))
            continue
        key = source.casefold()
        if key in seen:
            glossary.problems.append(Problem(
                name, number, f"'{source}' is already in the glossary (line {seen[key]})",
                "keep one row per source term"))
            continue
        seen[key] = number
        glossary.terms.append(Term(source, target, cell("description"), number))
    return glossary
