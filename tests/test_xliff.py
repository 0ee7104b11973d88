"""XLIFF 2.0 export for CAT tools, and import of XLIFF 2.0 and 1.2, through to the built site."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.build import build
from haven.cli import main
from haven.errors import TranslationError
from haven.i18n.catalog import State, read_catalog
from haven.i18n.exchange import XLIFF2, import_file, write_export
from haven.i18n.translate import content_segments
from haven.staff import export_items
from tests.conftest import MakeHub
from tests.test_translate_workflow import (
    content_of,
    fake_french,
    fill,
    hub_with,
    msgfmt_check,
    needs_msgfmt,
    update,
)

NS = {"x": XLIFF2}


def export_xliff(cli: CliRunner, root: Path, out: Path, *extra: str) -> ET.Element:
    result = cli.invoke(main, ["translate", "export", "cy", str(root), "--format", "xliff",
                               "--output", str(out), *extra])
    assert result.exit_code == 0, result.output
    return ET.parse(out).getroot()


def translate_xliff(path: Path, state: str = "translated") -> None:
    """What a CAT tool does: a target for every unit, the segment's state moved on."""
    ET.register_namespace("", XLIFF2)
    tree = ET.parse(path)
    for segment in tree.getroot().iterfind(".//x:segment", NS):
        source = segment.find("x:source", NS)
        assert source is not None
        target = segment.find("x:target", NS)
        if target is None:
            target = ET.SubElement(segment, f"{{{XLIFF2}}}target")
        target.text = fake_french(source.text or "", "CY")
        segment.set("state", state)
        segment.attrib.pop("subState", None)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def test_xliff_export_has_states_and_context(make_hub: MakeHub, cli: CliRunner,
                                             tmp_path: Path) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    update(cli, root)
    fill(root / "translations" / "cy.po", {"hub:name": ("Ein ardal", "reviewed"),
                                           "hub:phone_label": ("Canolfan", "machine")})
    xliff = export_xliff(cli, root, tmp_path / "all.xlf", "--all")
    assert xliff.tag == f"{{{XLIFF2}}}xliff"
    assert (xliff.get("version"), xliff.get("srcLang"), xliff.get("trgLang")) == ("2.0", "en", "cy")
    units = {u.get("id"): u for u in xliff.iterfind(".//x:unit", NS)}
    assert len(units) == len(content_segments(content_of(root)))
    name = units["hub:name"].find("x:segment", NS)
    assert name is not None and name.get("state") == "reviewed"
    assert name.findtext("x:target", namespaces=NS) == "Ein ardal"
    label = units["hub:phone_label"].find("x:segment", NS)
    assert label is not None and (label.get("state"), label.get("subState")) == (
        "translated", "haven:machine")
    intro = units["hub:home.intro"].find("x:segment", NS)
    assert intro is not None and intro.get("state") == "initial"
    assert intro.find("x:target", NS) is None
    notes = {n.get("category"): n.text for n in units["ui:call"].iterfind(".//x:note", NS)}
    assert notes["location"] == "Interface text; shown on every page"
    assert notes["length-limit"] == "20 characters at most"
    # By default only what is missing or outdated.
    todo = export_xliff(cli, root, tmp_path / "todo.xlf")
    ids = {u.get("id") for u in todo.iterfind(".//x:unit", NS)}
    assert "hub:name" not in ids and "hub:home.intro" in ids


@needs_msgfmt
def test_xliff_round_trip_export_translate_import_build(make_hub: MakeHub, cli: CliRunner,
                                                        tmp_path: Path) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    update(cli, root)
    work = tmp_path / "cy.xlf"
    export_xliff(cli, root, work)
    translate_xliff(work, state="reviewed")
    result = cli.invoke(main, ["translate", "import", str(work), str(root)])
    assert result.exit_code == 0, result.output
    po = root / "translations" / "cy.po"
    msgfmt_check(po)
    entries = read_catalog(po)
    assert entries["hub:home.intro"].text.startswith(fake_french("Every child", "CY"))
    assert all(e.state is State.REVIEWED for e in entries.values())
    assert entries["document:welcome:body.0"].text == fake_french("Dear families,", "CY")
    build(root, tmp_path / "site")
    page = (tmp_path / "site" / "cy" / "index.html").read_text()
    assert fake_french("Every child has the right to go to school.", "CY") in page


def test_xliff_initial_segments_are_not_imported(make_hub: MakeHub, cli: CliRunner,
                                                 tmp_path: Path) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    update(cli, root)
    work = tmp_path / "cy.xlf"
    export_xliff(cli, root, work)
    translate_xliff(work, state="initial")  # a draft the translator has not finished
    report = import_file(content_of(root), work)
    assert report.unfinished and not report.new and not report.updated


def test_xliff_refusals(make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    update(cli, root)
    work = tmp_path / "cy.xlf"
    export_xliff(cli, root, work)
    translate_xliff(work)
    text = work.read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.xlf"
    wrong.write_text(text.replace('trgLang="cy"', 'trgLang="de"'), encoding="utf-8")
    with pytest.raises(TranslationError, match="this file is for de"):
        import_file(content_of(root), wrong)
    source = tmp_path / "source.xlf"
    source.write_text(text.replace('srcLang="en"', 'srcLang="fr"'), encoding="utf-8")
    with pytest.raises(TranslationError, match="translated from fr"):
        import_file(content_of(root), source)
    bomb = tmp_path / "bomb.xlf"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<xliff/>')
    result = cli.invoke(main, ["translate", "import", str(bomb), str(root)])
    assert result.exit_code == 1 and "DOCTYPE" in result.output
    broken = tmp_path / "broken.xlf"
    broken.write_text(text[: len(text) // 2], encoding="utf-8")
    result = cli.invoke(main, ["translate", "import", str(broken), str(root)])
    assert result.exit_code == 1 and "not well-formed XML" in result.output
    assert "Traceback" not in result.output


XLIFF12 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="en" target-language="cy" datatype="plaintext" original="cy.po">
  <body>
   <trans-unit id="hub:name" approved="yes">
    <source>Our District — Protecting Immigrant Families</source>
    <target state="final">Ein Ardal</target>
   </trans-unit>
   <trans-unit id="1" resname="hub:phone_label">
    <source>Family Welcome Center</source>
    <target state="translated">Canolfan Groeso</target>
   </trans-unit>
   <trans-unit id="hub:interpretation">
    <source>Say the name of your language. Interpretation is free.</source>
    <target state="needs-translation"></target>
   </trans-unit>
  </body>
 </file>
</xliff>
"""


@needs_msgfmt
def test_xliff_12_is_accepted(make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    path = tmp_path / "cy12.xlf"
    path.write_text(XLIFF12, encoding="utf-8")
    report = import_file(content_of(root), path)
    assert report.new == ["hub:name", "hub:phone_label"]
    assert report.unfinished == ["hub:interpretation"]
    po = root / "translations" / "cy.po"
    entries = read_catalog(po)
    assert entries["hub:name"].state is State.REVIEWED
    assert entries["hub:phone_label"].state is State.TRANSLATED
    msgfmt_check(po)


def test_write_export_refuses_an_unwritable_place(make_hub: MakeHub, tmp_path: Path) -> None:
    from haven.errors import HavenError

    root = hub_with(make_hub, languages="  - es\n  - cy")
    content = content_of(root)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(HavenError, match="cannot write this file"):
        write_export(export_items(content, "cy"), content, "cy", "xliff", blocker / "out.xlf")
