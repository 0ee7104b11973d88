"""The glossary (`translations/glossary/<tag>.csv`) and `haven translate check`.

Each kind of mistake a translator or a machine makes has one failing case here; the checks
are translate-toolkit's (pofilter) where it has one, Haven's own where it has none.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.cli import main
from haven.i18n.catalog import Entry, State
from haven.i18n.checks import check_entry, check_language
from haven.i18n.glossary import Glossary, load_glossary, parse_glossary
from haven.i18n.segments import Segment
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
    assert next((t.source, t.target, t.line) for t in glossary.terms) == (
        "warrant signed by a judge", "orden firmada por un juez", 2)
    assert glossary.terms[0].description.startswith("a judicial warrant")
    found = glossary.found_in("Ask to see a Warrant signed by a judge. Our District helps.")
    assert [t.source for t in found] == ["warrant signed by a judge", "Our District"]
    assert load_glossary(tmp_path, "fr").terms == []


def test_glossary_problems_name_the_file_and_line() -> None:
    glossary = parse_glossary("source,target\nsubpoena,\nsubpoena,citación\nSubpoena,x\n",
                              "translations/glossary/es.csv")
    assert [str(p) for p in glossary.problems] == [
        ("translations/glossary/es.csv:2: this row has no target term — give both the source "
         "term and its translation, separated by a comma"),
        ("translations/glossary/es.csv:4: 'Subpoena' is already in the glossary (line 3) — "
         "keep one row per source term"),
    ]
    headless = parse_glossary("subpoena,citación\n", "g.csv")
    assert "the first row must name the columns" in str(headless.problems[0])


# -- each kind of mistake -------------------------------------------------------------------

TERMS = parse_glossary(GLOSSARY, "translations/glossary/es.csv")

CASES = [
    # (kind, source, kind of segment, a wrong translation, a right one)
    ("placeholder", "Call {phone} today.", "text", "Llame al {الهاتف} hoy.",
     "Llame al {phone} hoy."),
    ("placeholder", "Last checked {date}", "ui", "Revisado", "Revisado el {date}"),
    ("number", "Call (860) 695-8400 before 5 pm.", "text", ("Llame al (860) 695-8401 antes de "
     "las 5."), "Llame al (860) 695-8400 antes de las 5."),
    ("email", "Write to welcome@hartford.example.org.", "text", ("Escriba a bienvenida@hartford."
     "example.org."), "Escriba a welcome@hartford.example.org."),
    ("url", "See https://portal.ct.gov/sde for details.", "text", ("Vea https://portal.ct.gov "
     "para más."), "Vea https://portal.ct.gov/sde para más."),
    ("markdown", "Read [your rights](https://www.ilrc.org/red-cards).", "markdown",
     "Lea sus derechos (https://www.ilrc.org/red-cards).",
     "Lea [sus derechos](https://www.ilrc.org/red-cards)."),
    ("markdown", "- Stay calm.\n- Do not open the door.", "markdown",
     "Mantenga la calma. No abra la puerta.", "- Mantenga la calma.\n- No abra la puerta."),
    ("glossary", "Ask to see a warrant signed by a judge.", "text",
     "Pida ver una orden de arresto.", "Pida ver una orden firmada por un juez."),
    ("length", "Call", "ui", "Llame por teléfono a este número ahora", "Llamar"),
    ("untranslated", "You have the right to remain silent.", "text",
     "You have the right to remain silent.", "Tiene derecho a guardar silencio."),
    ("untranslated", "Schools do not ask about immigration status, and they never will.",
     "text", "Las escuelas do not ask about immigration estatus migratorio, y nunca lo harán.",
     "Las escuelas no preguntan por el estatus migratorio, y nunca lo harán."),
]


@pytest.mark.parametrize(("kind", "source", "segment_kind", "wrong", "right"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_kind_of_mistake_is_caught(kind: str, source: str, segment_kind: str, wrong: str,
                                        right: str) -> None:
    segment = Segment("hub:example", source, segment_kind)  # type: ignore[arg-type]
    limit = 20 if kind == "length" else None
    found = check_entry(segment, wrong, TERMS, limit)
    assert [k for k, _, _ in found] == [kind], found
    assert check_entry(segment, right, TERMS, limit) == []


def test_digits_of_another_script_and_kept_names_are_fine() -> None:
    segment = Segment("hub:phone", "Call (860) 695-8400, Our District.", "text")
    assert check_entry(segment, "اتصل على (٨٦٠) ٦٩٥-٨٤٠٠، Our District.", TERMS) == []
    name = Segment("hub:name", "Our District", "text")
    assert check_entry(name, "Our District", TERMS) == []
    assert check_entry(name, "Our District", Glossary())[0][0] == "untranslated"


def test_finding_names_file_line_entry_problem_and_fix(tmp_path: Path, make_hub: MakeHub,
                                                       cli: CliRunner) -> None:
    root = make_hub()
    result = cli.invoke(main, ["translate", "update", str(root)])
    assert result.exit_code == 0, result.output
    po = root / "translations" / "es.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgctxt "ui:last_checked"' in text
    text = text.replace('msgctxt "ui:last_checked"\nmsgid "Last checked {date}"\nmsgstr ""',
                        'msgctxt "ui:last_checked"\nmsgid "Last checked {date}"\n'
                        'msgstr "Revisado el día"')
    po.write_text(text, encoding="utf-8")
    line = text.splitlines().index('msgctxt "ui:last_checked"') + 1
    result = cli.invoke(main, ["translate", "check", str(root), "--language", "es"])
    assert result.exit_code == 1, result.output
    assert (f"translations/es.po:{line}: ui:last_checked — the placeholder {{date}} is "
            "missing — copy every word in braces exactly as the source has it: "
            "{date}") in result.output
    assert "1 problem(s) in 1 translation(s)" in result.output


# -- speed: every build runs the checks -----------------------------------------------------

_KEPT = re.compile(r"(\{[^{}]*\}|\]\([^)]*\)|https?://\S+|\S+@\S+|\d+)")


def _scrambled(source: str) -> str:
    """A stand-in translation: every word reversed, placeholders, links and numbers kept."""
    parts = _KEPT.split(source)
    return "".join(part if i % 2 else " ".join(w[::-1] for w in part.split(" "))
                   for i, part in enumerate(parts))


def test_thirty_languages_of_three_hundred_entries_are_checked_fast(tmp_path: Path,
                                                                   example_dir: Path) -> None:
    from babel.messages.catalog import Catalog, Message

    from haven.content.load import load
    from haven.content.validate import validate
    from haven.i18n.catalog import _write
    from haven.i18n.checks import check_hub
    from haven.i18n.translate import content_segments

    content = validate(load(example_dir))
    segments = content_segments(content)[:300]
    assert len(segments) == 300
    tags = [e.tag for e in content.hub.languages if e.tag != content.hub.source_language][:30]
    glossary = "source,target\n" + "".join(f"{w},{w[::-1]}\n" for w in (
        "warrant", "judge", "subpoena", "immigration status", "lawyer", "school", "district",
        "rights", "free of charge", "accredited representative", "interpreter", "family"))
    (tmp_path / "translations" / "glossary").mkdir(parents=True)
    catalogs = {}
    for tag in tags:
        catalog = Catalog(locale=None)
        for segment in segments:
            catalog[segment.source] = Message(segment.source, _scrambled(segment.source),
                                              context=segment.id, flags=["machine"])
        path = tmp_path / "translations" / f"{tag}.po"
        _write(path, tag, catalog, catalog)
        (tmp_path / "translations" / "glossary" / f"{tag}.csv").write_text(glossary)
        catalogs[tag] = path
    content.catalogs.clear()
    content.catalogs.update(catalogs)
    object.__setattr__(content, "root", tmp_path)
    timings = []
    for _ in range(3):
        started = time.process_time()  # CPU time: other processes on the machine do not count
        findings, problems = check_hub(content)
        timings.append(time.process_time() - started)
    assert not problems
    assert {f.language for f in findings} <= set(tags)
    print(f"30 × 300 entries checked in {min(timings):.3f} s of CPU")
    assert min(timings) < 0.5, f"30 × 300 entries checked in {min(timings):.2f} s"


# -- run by build and by import --------------------------------------------------------------


def _spanish_with(root: Path, cli: CliRunner, translation: str) -> Path:
    result = cli.invoke(main, ["translate", "update", str(root)])
    assert result.exit_code == 0, result.output
    po = root / "translations" / "es.po"
    text = po.read_text(encoding="utf-8")
    old = 'msgctxt "ui:last_checked"\nmsgid "Last checked {date}"\nmsgstr ""'
    assert old in text
    po.write_text(text.replace(old, old[:-2] + f'"{translation}"'), encoding="utf-8")
    return po


def test_build_warns_with_a_summary_and_details_under_strict(make_hub: MakeHub, cli: CliRunner,
                                                             tmp_path: Path) -> None:
    root = make_hub()
    _spanish_with(root, cli, "Revisado el día")  # {date} dropped
    result = cli.invoke(main, ["build", str(root), "-o", str(tmp_path / "site"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert ("warning: translations/es.po: 1 translation(s) fail a check (placeholder 1) — see "
            f"each with \"haven translate check {root} --language es\", or build with --strict"
            ) in "".join(result.output.splitlines())
    result = cli.invoke(main, ["build", str(root), "-o", str(tmp_path / "site"), "--no-pdf",
                               "--strict"])
    assert result.exit_code == 1
    assert "ui:last_checked — the placeholder {date} is missing" in result.output


def test_import_refuses_a_translation_that_fails_a_check(make_hub: MakeHub, cli: CliRunner,
                                                         tmp_path: Path) -> None:
    root = make_hub()
    result = cli.invoke(main, ["translate", "update", str(root)])
    work = tmp_path / "es.po"
    result = cli.invoke(main, ["translate", "export", "es", str(root), "--all", "-o", str(work)])
    assert result.exit_code == 0, result.output
    text, count = re.subn(r'(msgctxt "ui:last_checked"\nmsgid "Last checked \{date\}"\nmsgstr )".*"',
                          r'\1"Revisado el día"', work.read_text(encoding="utf-8"))
    text, more = re.subn(r'(msgctxt "ui:call"\nmsgid "Call"\nmsgstr )".*"', r'\1"Llamar"', text)
    assert count == more == 1
    work.write_text(text, encoding="utf-8")
    result = cli.invoke(main, ["translate", "import", str(work), str(root)])
    assert ("refused: ui:last_checked: the placeholder {date} is missing — copy "
            "every word in braces exactly as the source has it: {date}") in result.output
    from haven.i18n.catalog import read_catalog
    entries = read_catalog(root / "translations" / "es.po")
    assert entries["ui:last_checked"].state is State.MISSING
    assert entries["ui:call"].text == "Llamar"


def test_a_text_message_over_the_sms_budget_is_caught(example_dir: Path) -> None:
    from haven.content.load import load
    from haven.content.validate import validate
    from haven.i18n.translate import content_segments

    content = validate(load(example_dir))
    sms = next(s for s in content_segments(content) if s.id == "hub:outreach.sms")
    budget = content.hub.outreach.sms_segment_budget if content.hub.outreach else 2
    long = "مرحبا " * (40 * budget) + "{phone} {link}"
    found = check_language(content, "ar", {sms.id: Entry(sms.source, long, State.MACHINE)},
                           [sms])
    found = [f for f in found if f.kind != "glossary"]  # the example's Arabic glossary applies too
    assert [(f.ident, f.kind) for f in found] == [("hub:outreach.sms", "length")]
    assert f"over the hub's budget of {budget}" in found[0].what
    assert found[0].fix.startswith("shorten it to")


def test_a_glossed_name_counts_in_either_form_and_addresses_are_not_left_words() -> None:
    glossary = parse_glossary(
        "source,target\nHartford Public Schools,Hartford Public Schools (Écoles publiques)\n"
        "warrant,mandat\n", "fr.csv")
    segment = Segment("hub:x", "Call Hartford Public Schools about a warrant.", "text")
    for text in ("Appelez Hartford Public Schools au sujet d’un mandat.",
                 "Appelez les Écoles publiques au sujet d’un mandat.",
                 "Appelez Hartford Public Schools (Écoles publiques) au sujet d’un mandat."):
        assert check_entry(segment, text, glossary, None) == []
    wrong = check_entry(segment, "Appelez le district au sujet d’un ordre.", glossary, None)
    assert {kind for kind, _, _ in wrong} == {"glossary"} and len(wrong) == 2
    linked = Segment("hub:y", "Read the page at www.aclu.org/know-your-rights/immigrants-rights "
                     "today.", "text")
    assert check_entry(linked, "Lisez la page www.aclu.org/know-your-rights/immigrants-rights "
                       "aujourd’hui.", parse_glossary("source,target\n", "fr.csv"), None) == []
