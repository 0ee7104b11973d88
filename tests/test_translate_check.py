"""The glossary (`translations/glossary/<tag>.csv`) and `haven translate check`.

Each kind of mistake a translator or a machine makes has one failing case here; the checks
are translate-toolkit's (pofilter) where it has one, Haven's own where it has none.
"""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from haven.i18n.glossary import load_glossary, parse_glossary
from tests.conftest import MakeHub

GLOSSARY = """source,target,description
warrant signed by a judge,orden firmada por un juez,a judicial warrant: not an ICE form
immigration status,estatus migratorio,
Our District,Our District,the district's name: never translated
"""


def test_glossary_is_read_in_weblate_csv_format(tmp_path: Path) -> None:
    folder = tmp_path / "translations" / "glossary"
    folder.mkdir(parents=True)
    (folder / "es.csv").write_bytes(b"\xef\xbb\xbf" + GLOSSARY.encode())
    glossary = load_glossary(tmp_path, "es")
    assert not glossary.problems
    assert [(t.source, t.target, t.line) for t in glossary.terms][0] == (
        "warrant signed by a judge", "orden firmada por un juez", 2)
    assert glossary.terms[0].description.startswith("a judicial warrant")
    found = glossary.found_in("Ask to see a Warrant signed by a judge. Our District helps.")
    assert [t.source for t in found] == ["warrant signed by a judge", "Our District"]
    assert load_glossary(tmp_path, "fr").terms == []


def test_glossary_problems_name_the_file_and_line() -> None:
    glossary = parse_glossary("source,target\nsubpoena,\nsubpoena,citación\nSubpoena,x\n",
                              "translations/glossary/es.csv")
    assert [str(p) for p in glossary.problems] == [
        "translations/glossary/es.csv:2: this row has no target term — give both the source "
        "term and its translation, separated by a comma",
        "translations/glossary/es.csv:4: 'Subpoena' is already in the glossary (line 3) — "
        "keep one row per source term",
    ]
    headless = parse_glossary("subpoena,citación\n", "g.csv")
    assert "the first row must name the columns" in str(headless.problems[0])
