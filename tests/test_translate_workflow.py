"""`haven translate status | update | export | import` on a small hub, PO round trips included.

Every catalog Haven writes is checked with GNU gettext's own `msgfmt --check`.
"""

from __future__ import annotations

import codecs
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from haven.build import build
from haven.cli import main
from haven.content.load import load
from haven.content.validate import Content, validate
from haven.errors import HavenError, TranslationError
from haven.i18n.catalog import (
    State,
    _write,
    read_catalog,
    read_previous_ids,
    restore_previous_ids,
    update_catalog,
)
from haven.i18n.exchange import export_items, import_file, write_export
from haven.i18n.status import (
    published_states,
    render_status_html,
    status_matrix,
)
from haven.i18n.translate import content_segments
from haven.ui import UI_STRINGS
from tests.conftest import MakeHub

needs_msgfmt = pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")


def msgfmt_check(po: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{po}: {result.stderr}\n{po.read_text()}"


def hub_with(make_hub: MakeHub, extra: str = "", languages: str = "  - es\n  - cy") -> Path:
    root = make_hub()
    hub = root / "hub.yaml"
    text = hub.read_text(encoding="utf-8").replace("  - es\n", languages + "\n", 1)
    hub.write_text(text + extra, encoding="utf-8")
    return root


def content_of(root: Path) -> Content:
    return validate(load(root))


def update(cli: CliRunner, root: Path) -> None:
    result = cli.invoke(main, ["translate", "update", str(root)])
    assert result.exit_code == 0, result.output


_KEPT = re.compile(r"(\{[^{}]*\}|\]\([^)]*\)|https?://\S+|\S+@\S+)")


def fake_french(source: str, prefix: str = "FR") -> str:
    """A deterministic 'translation' that keeps placeholders, links, addresses, numbers and
    Markdown marks as they are, and leaves no English words: letters are shifted (ROT13), so
    `haven translate check` passes it as a translation."""
    parts = _KEPT.split(source)
    return f"{prefix} " + "".join(part if i % 2 else codecs.encode(part, "rot13")
                                  for i, part in enumerate(parts))


def fill(po: Path, strings: dict[str, tuple[str, str]], lang: str = "cy") -> None:
    """Set msgstr and a flag ('reviewed', 'machine' or '') of some entries of a catalog."""
    catalog = read_po(po.open("rb"))
    for message in catalog:
        if message.context in strings:
            text, flag = strings[message.context]
            message.string = text
            message.flags.discard("fuzzy")
            if flag:
                message.flags.add(flag)
    _write(po, lang, catalog, catalog)


def fill_export(po: Path, flag: str = "") -> None:
    """What a translator does with an exported PO file: translate everything, keep the header."""
    catalog = read_po(po.open("rb"))
    for message in catalog:
        if message.id:
            message.string = fake_french(str(message.id))
            message.flags.discard("fuzzy")
            message.previous_id = []
            if flag:
                message.flags.add(flag)
    with po.open("wb") as handle:
        write_po(handle, catalog, width=100)


# -- status ---------------------------------------------------------------------------------


def test_status_counts_each_state_for_the_hub_and_per_page(make_hub: MakeHub,
                                                           cli: CliRunner) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {
        "hub:name": ("Notre district", "reviewed"),
        "hub:phone_label": ("Centre d'accueil", ""),
        "hub:interpretation": ("Dites le nom de votre langue.", "machine"),
        "hub:home.intro": ("Chaque enfant a le droit d'aller à l'école.", ""),
        "ui:home": ("Accueil", "reviewed"),
    })
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text().replace("You are welcome here.", "Welcome."))
    content = content_of(root)
    matrix = status_matrix(content)
    assert [lang.tag for lang in matrix.languages] == ["es", "cy"]  # not the source language
    cy = matrix.languages[1]
    total = len(content_segments(content))
    assert cy.hub.total == total
    assert (cy.hub.reviewed, cy.hub.translated, cy.hub.machine, cy.hub.outdated) == (2, 1, 1, 1)
    assert cy.hub.missing == total - 5
    # The home page: every interface string, the hub's name/number/interpretation, its own text.
    home = cy.pages["home"]
    assert (home.reviewed, home.translated, home.machine, home.outdated) == (2, 1, 1, 1)
    assert home.total > len(UI_STRINGS) + 3
    # An organization page shows the hub's name but not the home page's intro.
    org = cy.pages["organization:example-legal-aid"]
    assert (org.reviewed, org.translated, org.machine, org.outdated) == (2, 1, 1, 0)
    # Spanish interface strings ship with Haven: they count as translated.
    es = matrix.languages[0]
    assert es.hub.translated + es.hub.reviewed + es.hub.machine >= len(UI_STRINGS)


def test_status_json_and_table(make_hub: MakeHub, cli: CliRunner) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    result = cli.invoke(main, ["translate", "status", str(root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    cy = next(lang for lang in data["languages"] if lang["tag"] == "cy")
    assert cy["hub"]["missing"] == cy["hub"]["total"] and cy["percent_shown"] == 0
    assert set(cy["pages"]) >= {"home", "document:welcome", "help", "report"}
    table = cli.invoke(main, ["translate", "status", str(root)])
    assert table.exit_code == 0 and "missing" in table.output and "cy" in table.output


def test_status_strict_fails_below_the_threshold(make_hub: MakeHub, cli: CliRunner) -> None:
    root = hub_with(make_hub, "translation_threshold: 50\n")
    update(cli, root)
    result = cli.invoke(main, ["translate", "status", str(root), "--strict"])
    assert result.exit_code == 1
    assert "translation_threshold of 50%" in result.output and "cy home: 0%" in result.output
    assert "Traceback" not in result.output
    assert cli.invoke(main, ["translate", "status", str(root)]).exit_code == 0  # without --strict
    # Translate French completely: it passes; Spanish (only Haven's own UI strings) is over 50%.
    po = root / "translations" / "cy.po"
    fill(po, {m.context: (fake_french(str(m.id)), "") for m in read_po(po.open("rb"))
              if m.context})
    assert cli.invoke(main, ["translate", "status", str(root), "--strict"]).exit_code == 0
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text().replace("translation_threshold: 50",
                                           "translation_threshold: 100"))
    result = cli.invoke(main, ["translate", "status", str(root), "--strict"])
    assert result.exit_code == 1 and "es home:" in result.output and "cy home" not in result.output


def test_publish_policy_per_hub_and_per_language(make_hub: MakeHub, cli: CliRunner) -> None:
    root = hub_with(make_hub, "publish: reviewed\n",
                    languages="  - es\n  - tag: cy\n    publish: machine")
    content = content_of(root)
    assert published_states(content.hub, "es") == {State.REVIEWED}
    assert published_states(content.hub, "cy") == {State.REVIEWED, State.TRANSLATED, State.MACHINE}
    update(cli, root)
    po = root / "translations" / "es.po"
    fill(po, {"hub:name": ("Nuestro distrito", "machine")}, lang="es")
    es = status_matrix(content_of(root)).languages[0]
    assert es.policy == "reviewed" and es.content.machine == 1  # the hub's own text
    assert es.hub.shown(es.published) == es.hub.reviewed  # machine drafts are not shown


def test_staff_page_is_a_coloured_matrix_with_words(make_hub: MakeHub, cli: CliRunner) -> None:
    root = hub_with(make_hub, "translation_threshold: 10\n")
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text().replace("name: Our District", "name: Our <b>District</b>", 1))
    update(cli, root)
    html = render_status_html(status_matrix(content_of(root)))
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Our &lt;b&gt;District&lt;/b&gt;" in html  # autoescaped
    assert 'class="none below"' in html and "✗ 0 %" in html and "below</td>" in html
    assert "<script" not in html
    out = root.parent / "matrix.html"
    result = cli.invoke(main, ["translate", "status", str(root), "--html", str(out)])
    assert result.exit_code == 0 and out.read_text().startswith("<!doctype html>")


# -- update ---------------------------------------------------------------------------------


@needs_msgfmt
def test_update_keeps_obsolete_and_reviewed_work(make_hub: MakeHub, cli: CliRunner) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {
        "hub:home.first_steps.2": ("Appelez-nous pour une aide gratuite.", "reviewed"),
        "hub:home.intro": ("Chaque enfant a le droit d'aller à l'école.", "reviewed"),
        "hub:name": ("Notre district", "reviewed"),
    })
    hub = root / "hub.yaml"
    text = hub.read_text()
    text = text.replace("    - Call us for free help in your language.\n", "")
    text = text.replace("You are welcome here.", "Welcome, all of you.")
    hub.write_text(text)
    update(cli, root)
    msgfmt_check(po)
    raw = po.read_text()
    assert '#~ msgctxt "hub:home.first_steps.2"' in raw
    assert '#~ msgstr "Appelez-nous pour une aide gratuite."' in raw
    catalog = read_po(po.open("rb"))
    restore_previous_ids(catalog, read_previous_ids(po))
    intro = catalog.get("Every child has the right to go to school. Welcome, all of you.",
                        context="hub:home.intro")
    assert intro is not None and intro.fuzzy and "reviewed" not in intro.flags
    assert intro.previous_id == ["Every child has the right to go to school. You are welcome here."]
    assert intro.string == "Chaque enfant a le droit d'aller à l'école."
    assert read_catalog(po)["hub:name"].state is State.REVIEWED


def _edit_twice(make_hub: MakeHub, cli: CliRunner) -> tuple[Path, Path]:
    """A translated hub whose intro changed and whose last first step was removed."""
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {"hub:home.first_steps.2": ("Appelez-nous pour une aide gratuite.", "reviewed"),
              "hub:home.intro": ("Chaque enfant a le droit d'aller à l'école.", "reviewed")})
    hub = root / "hub.yaml"
    text = hub.read_text().replace("    - Call us for free help in your language.\n", "")
    hub.write_text(text.replace("You are welcome here.", "Welcome, all of you."))
    return root, po


@needs_msgfmt
def test_updating_again_keeps_obsolete_entries_and_previous_sources(make_hub: MakeHub,
                                                                     cli: CliRunner) -> None:
    root, po = _edit_twice(make_hub, cli)
    segments = content_segments(content_of(root))
    for _ in range(3):
        update_catalog(po, "cy", segments)
        text = po.read_text()
        assert '#~ msgstr "Appelez-nous pour une aide gratuite."' in text
        assert '#| msgid "Every child has the right to go to school. You are welcome here."' in text
        msgfmt_check(po)
    # The removed text comes back: so does its translation (Babel writes obsolete entries
    # without their flags, so it comes back as translated, to be reviewed again).
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text().replace(
        "    - Learn your rights and make a family plan.\n",
        "    - Learn your rights and make a family plan.\n    - Call us for free help in your "
        "language.\n"))
    update_catalog(po, "cy", content_segments(content_of(root)))
    entry = read_catalog(po)["hub:home.first_steps.2"]
    assert (entry.text, entry.state) == ("Appelez-nous pour une aide gratuite.", State.TRANSLATED)
    assert "#~ msgstr" not in po.read_text()
    msgfmt_check(po)


def test_a_second_translate_update_keeps_obsolete_and_previous(make_hub: MakeHub,
                                                               cli: CliRunner) -> None:
    root, po = _edit_twice(make_hub, cli)
    update(cli, root)
    update(cli, root)
    text = po.read_text()
    assert '#~ msgstr "Appelez-nous pour une aide gratuite."' in text
    assert '#| msgid "Every child has the right to go to school. You are welcome here."' in text


# -- export and import (PO) -----------------------------------------------------------------


@needs_msgfmt
def test_po_round_trip_export_translate_import_build(make_hub: MakeHub, cli: CliRunner,
                                                     tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    work = tmp_path / "cy-todo.po"
    result = cli.invoke(main, ["translate", "export", "cy", str(root), "--format", "po",
                               "--output", str(work)])
    assert result.exit_code == 0, result.output
    msgfmt_check(work)
    exported = read_po(work.open("rb"))
    assert len([m for m in exported if m.id]) == len(content_segments(content_of(root)))
    assert exported.locale_identifier == "cy"
    ui_call = exported.get("Call", context="ui:call")
    assert ui_call is not None and "Shown on: every page" in ui_call.auto_comments
    assert "Length limit: 20 characters" in ui_call.auto_comments
    title = exported.get("A message to our families", context="document:welcome:title")
    assert title is not None and "Length limit: 50 characters" in title.auto_comments
    fill_export(work)
    result = cli.invoke(main, ["translate", "import", str(work), str(root)])
    assert result.exit_code == 0, result.output
    assert "new" in result.output and "refused" in result.output
    po = root / "translations" / "cy.po"
    msgfmt_check(po)
    entries = read_catalog(po)
    assert entries["hub:home.intro"].text.startswith(fake_french("Every child"))
    assert entries["ui:last_checked"].text == "FR Ynfg purpxrq {date}"
    assert all(e.state is State.TRANSLATED for e in entries.values())
    # Nothing is left to send.
    assert export_items(content_of(root), "cy") == []
    # The build shows the French text, marked as French.
    report = build(root, tmp_path / "site")
    assert report.total_pages > 0
    page = (tmp_path / "site" / "cy" / "index.html").read_text()
    assert fake_french("Every child has the right to go to school.") in page
    assert 'lang="cy"' in page


@needs_msgfmt
def test_a_changed_source_is_exported_as_fuzzy_with_the_previous_text(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {"hub:home.intro": ("Chaque enfant a le droit d'aller à l'école.", "reviewed"),
              "hub:name": ("Notre district", "")})
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text().replace("You are welcome here.", "Welcome."))
    update(cli, root)
    content = content_of(root)
    cy = status_matrix(content).languages[1]
    assert cy.hub.outdated == 1
    items = {i.segment.id: i for i in export_items(content, "cy")}
    assert "hub:name" not in items  # translated and current: not sent again
    intro = items["hub:home.intro"]
    assert intro.state is State.OUTDATED
    assert intro.previous_source.endswith("You are welcome here.")
    out = tmp_path / "cy.po"
    write_export(items.values(), content, "cy", "po", out)
    msgfmt_check(out)
    text = out.read_text()
    assert '#| msgid "Every child has the right to go to school. You are welcome here."' in text
    assert '#, fuzzy\n#| msgid "Every child' in text
    # The translator fixes it: importing replaces the outdated translation.
    fill_export(out)
    report = import_file(content, out)
    assert "hub:home.intro" in report.updated
    assert read_catalog(po)["hub:home.intro"].state is State.TRANSLATED
    msgfmt_check(po)


def test_import_refuses_a_file_for_another_language(make_hub: MakeHub, cli: CliRunner,
                                                    tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    content = content_of(root)
    work = tmp_path / "work.po"
    write_export(export_items(content, "cy"), content, "cy", "po", work)
    fill_export(work)
    german = tmp_path / "de.po"
    german.write_text(work.read_text().replace('"Language: cy\\n"', '"Language: de\\n"'))
    before = (root / "translations" / "cy.po").read_bytes()
    result = cli.invoke(main, ["translate", "import", str(german), str(root)])
    assert result.exit_code == 1
    assert "this file is for de, which is not a language this hub translates into" in result.output
    assert "Traceback" not in result.output
    result = cli.invoke(main, ["translate", "import", str(work), str(root), "--language", "es"])
    assert result.exit_code == 1 and "this file is in cy, not es" in result.output
    assert (root / "translations" / "cy.po").read_bytes() == before


def test_import_keeps_entries_made_from_a_different_source_as_fuzzy(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    content = content_of(root)
    work = tmp_path / "work.po"
    write_export(export_items(content, "cy"), content, "cy", "po", work)
    fill_export(work)
    # The source changes after the export: that entry is kept as fuzzy, the rest is merged.
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text().replace("You are welcome here.", "Welcome."))
    update(cli, root)
    report = import_file(content_of(root), work)
    assert "hub:home.intro" in report.fuzzy and not report.refused
    assert "hub:name" in report.new
    assert read_catalog(root / "translations" / "cy.po")["hub:home.intro"].state is (
        State.OUTDATED)
    # A file whose every entry comes from another text is refused whole.
    other = tmp_path / "other.po"
    catalog = read_po(work.open("rb"))
    for message in list(catalog):
        if message.id:
            message.id = f"Something else: {message.id}"
    with other.open("wb") as handle:
        write_po(handle, catalog)
    with pytest.raises(TranslationError, match="made from a different source"):
        import_file(content_of(root), other)


@needs_msgfmt
def test_import_never_replaces_reviewed_work_unless_forced(make_hub: MakeHub, cli: CliRunner,
                                                           tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {"hub:name": ("Notre district", "reviewed"),
              "hub:phone_label": ("Centre d'accueil", "")})
    content = content_of(root)
    work = tmp_path / "all.po"
    write_export(export_items(content, "cy", everything=True), content, "cy", "po", work)
    fill_export(work, flag="machine")  # a machine draft of everything comes back
    result = cli.invoke(main, ["translate", "import", str(work), str(root)])
    assert result.exit_code == 1, result.output  # it refused entries: it says so
    assert "hub:name: a reviewed translation would be replaced by an unreviewed one" in result.output
    assert "hub:phone_label: a person's translation would be replaced by a machine draft" in (
        result.output)
    entries = read_catalog(po)
    assert entries["hub:name"] == entries["hub:name"].__class__(
        "Our District — Protecting Immigrant Families", "Notre district", State.REVIEWED)
    assert entries["hub:phone_label"].text == "Centre d'accueil"
    assert entries["hub:interpretation"].state is State.MACHINE
    assert "#. machine:" in po.read_text()
    msgfmt_check(po)
    # The same text again changes nothing; --force replaces.
    again = import_file(content_of(root), work)
    assert "hub:interpretation" in again.unchanged and not again.new
    forced = import_file(content_of(root), work, force=True)
    assert "hub:name" in forced.updated and not forced.refused
    assert read_catalog(po)["hub:name"].state is State.MACHINE
    msgfmt_check(po)


def test_import_of_a_reviewed_file_marks_it_reviewed(make_hub: MakeHub, cli: CliRunner,
                                                     tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {"hub:name": ("FR Our District — Protecting Immigrant Families", "")})
    content = content_of(root)
    work = tmp_path / "all.po"
    write_export(export_items(content, "cy", everything=True), content, "cy", "po", work)
    fill_export(work, flag="reviewed")
    report = import_file(content, work)
    assert "hub:name" in report.updated  # same words, now reviewed
    assert read_catalog(po)["hub:name"].state is State.REVIEWED


@pytest.mark.parametrize("text", ["not a translation file at all\n", "msgid \"unterminated\n",
                                  ""])
def test_import_of_garbage_is_a_clear_error(make_hub: MakeHub, cli: CliRunner, tmp_path: Path,
                                           text: str) -> None:
    root = hub_with(make_hub)
    bad = tmp_path / "bad.po"
    bad.write_text(text)
    result = cli.invoke(main, ["translate", "import", str(bad), str(root)])
    assert result.exit_code == 1, result.output
    assert "Error: bad.po:" in result.output and "Traceback" not in result.output
    assert not (root / "translations" / "cy.po").exists()


def test_export_refuses_the_source_language_and_unknown_ones(make_hub: MakeHub) -> None:
    content = content_of(hub_with(make_hub))
    with pytest.raises(HavenError, match="source language"):
        export_items(content, "en")
    with pytest.raises(HavenError, match="not one of the hub's languages"):
        export_items(content, "de")


def test_a_localized_record_is_the_copy_pydantic_would_make() -> None:
    """segments._updated stands in for model_copy(update=…) when views are made."""
    from pydantic import BaseModel

    from haven.content.load import load
    from haven.content.validate import validate
    from haven.example import example_content
    from haven.i18n.segments import _updated

    content = validate(load(example_content()))
    records: list[BaseModel] = [content.hub, *content.topics, *content.resources]
    for org in content.organizations:
        records += [org, *org.services, *org.locations, *org.phones]
    for record in records:
        field = next(iter(type(record).model_fields))
        updates = {field: getattr(record, field)}
        ours, theirs = _updated(record, updates), record.model_copy(update=updates)
        assert ours == theirs and type(ours) is type(theirs)
        assert ours.model_fields_set == theirs.model_fields_set
        assert ours.model_dump() == theirs.model_dump()
        assert ours is not record and ours.__dict__ is not record.__dict__
