"""PO catalogs kept in step with the content, checked with GNU gettext's own msgfmt."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from haven.content.load import load
from haven.content.validate import validate
from haven.i18n.catalog import State, _write, read_catalog, update_catalog
from haven.i18n.translate import content_segments
from haven.scaffold import create


def _update(hub: Path) -> dict[str, int]:
    return update_catalog(hub / "translations" / "es.po", "es", content_segments(validate(load(hub))))


def _translate(po: Path, strings: dict[str, str]) -> None:
    catalog = read_po(po.open("rb"))
    for message in catalog:
        if message.context in strings:
            message.string = strings[message.context]
            message.flags.add("reviewed")
    _write(po, "es", catalog, catalog)


def test_a_paragraph_inserted_above_keeps_the_translations_below(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    _update(hub)
    po = hub / "translations" / "es.po"
    _translate(po, {"document:welcome:body.0": "Queridas familias:",
                    "document:welcome:body.2": "Llámenos si tiene preguntas. La interpretación es gratis."})
    letter = hub / "documents" / "welcome.md"
    letter.write_text(letter.read_text().replace("Dear families,", "A new opening line.\n\nDear families,"))
    _update(hub)
    entries = read_catalog(po)
    assert entries["document:welcome:body.1"].text == "Queridas familias:"
    assert entries["document:welcome:body.1"].state is State.REVIEWED
    assert entries["document:welcome:body.3"].state is State.REVIEWED
    assert entries["document:welcome:body.0"].state in (State.OUTDATED, State.MISSING)


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
def test_bundled_and_example_catalogs_pass_msgfmt_check() -> None:
    root = Path(__file__).parent.parent / "src" / "haven"
    catalogs = sorted(root.glob("i18n/locale/*.po")) + sorted(root.glob("examples/*/translations/*.po"))
    assert len(catalogs) >= 2
    for po in catalogs:
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{po}: {result.stderr}"


def test_example_catalog_is_in_step_with_the_content(tmp_path: Path) -> None:
    from haven.example import example_content

    hub = tmp_path / "hartford"
    shutil.copytree(example_content(), hub)
    counts = _update(hub)
    assert counts["new"] == 0 and counts["changed"] == 0 and counts["obsolete"] == 0
    states = read_catalog(hub / "translations" / "es.po")
    letter = [e for k, e in states.items() if k.startswith("document:superintendent-letter:body.")]
    assert letter and all(e.state is State.REVIEWED for e in letter)


TRICKY_PO = r'''msgid ""
msgstr ""
"Language: es\n"
"Content-Type: text/plain; charset=UTF-8\n"

#. machine: libretranslate http://127.0.0.1:5000
#, machine
msgctxt "a"
msgid "Say \"hello\"\n"
"and a tab\there"
msgstr "Diga \"hola\"\n"
"y un tab\taquí \\ barra"

#, fuzzy, reviewed
#| msgctxt "b"
#| msgid "Old text"
msgctxt "b"
msgid "New text"
msgstr "Texto viejo"

#, reviewed
msgctxt "c"
msgid "Call"
msgstr "Llame"

msgctxt "d"
msgid "Missing"
msgstr ""

#~ msgctxt "gone"
#~ msgid "Removed"
#~ msgstr "Quitado"
'''


def test_fast_reader_agrees_with_babel(tmp_path: Path) -> None:
    from haven.i18n.catalog import _read_plain_po, _read_with_babel

    tricky = tmp_path / "es.po"
    tricky.write_text(TRICKY_PO, encoding="utf-8")
    root = Path(__file__).parent.parent / "src" / "haven"
    paths = [tricky, *root.glob("i18n/locale/*.po"), *root.glob("examples/*/translations/*.po")]
    for po in paths:
        fast = _read_plain_po(po.read_text(encoding="utf-8"))
        assert fast is not None, po
        assert fast == _read_with_babel(po), po
    entries = read_catalog(tricky)
    assert entries["a"].text == 'Diga "hola"\ny un tab\taquí \\ barra'
    assert entries["a"].state is State.MACHINE
    assert entries["b"].state is State.OUTDATED
    assert entries["c"].state is State.REVIEWED
    assert entries["d"].state is State.MISSING
    assert "gone" not in entries


def test_plural_forms_go_to_babel(tmp_path: Path) -> None:
    from haven.i18n.catalog import _read_plain_po

    po = tmp_path / "fr.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgctxt "n"\nmsgid "one"\n'
                  'msgid_plural "many"\nmsgstr[0] "un"\nmsgstr[1] "plusieurs"\n', encoding="utf-8")
    assert _read_plain_po(po.read_text()) is None
    assert read_catalog(po) == {}


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_a_long_changed_source_keeps_a_previous_msgid_msgfmt_accepts(tmp_path: Path) -> None:
    """Babel wraps a long `#| msgid` like prose, cutting its strings; Haven writes it itself."""
    hub = tmp_path / "hub"
    create(hub)
    hub_yaml = hub / "hub.yaml"
    old = "Every child has the right to go to school. You are welcome here."
    longer = " ".join(["A long sentence that goes on and on, past the width of one line."] * 4)
    hub_yaml.write_text(hub_yaml.read_text().replace(old, longer))
    _update(hub)
    po = hub / "translations" / "es.po"
    _translate(po, {"hub:home.intro": "Texto traducido."})
    hub_yaml.write_text(hub_yaml.read_text().replace(longer, longer + " And one more."))
    assert _update(hub)["changed"] == 1
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = po.read_text()
    assert '#| msgid ""\n#| "' in text
    entry = read_catalog(po)["hub:home.intro"]
    assert entry.state is State.OUTDATED and entry.text == "Texto traducido."
    _update(hub)  # the previous source survives another update
    text = po.read_text()
    assert '#| "' in text
    # Babel reads `#|` lines as translator comments; they must not come back as "# | …" prose
    assert "\n# |" not in text and "\n# " not in text.split("msgctxt", 1)[1]


def _large_catalog(path: Path, entries: int = 400) -> None:
    """A PO file above KEPT_SIZE: kept parsed in Haven's cache folder once read."""
    body = "".join(f'#, reviewed\nmsgctxt "organization:org-{n}:description"\n'
                   f'msgid "A long description of organization {n}, long enough to wrap."\n'
                   f'msgstr ""\n"Una descripción larga de la organización {n}, "\n'
                   f'"bastante larga para continuar en otra línea."\n\n' for n in range(entries))
    path.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n\n' + body, encoding="utf-8")


def test_a_large_catalog_is_kept_parsed_and_read_back_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large catalog read once is kept parsed, by its content's digest, in Haven's cache
    folder; another process (here: the in-process memo emptied, the file copied elsewhere)
    gets the same entries and msgctxt lines from it, without parsing. A changed file is
    parsed again, a damaged kept copy is ignored and written again, and a kept copy holding
    what Haven would not publish is never used."""
    from haven.i18n import catalog
    from haven.i18n.catalog import KEPT_SIZE, context_lines

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    po = tmp_path / "es.po"
    _large_catalog(po)
    assert po.stat().st_size >= KEPT_SIZE
    parsed = read_catalog(po)
    lines = context_lines(po)
    kept = list((tmp_path / "cache" / "haven").glob("catalogs-*/*.json"))
    assert len(kept) == 1 and lines is not None
    assert lines["organization:org-7:description"] == 4 + 7 * 7 + 2

    elsewhere = tmp_path / "copy" / "es.po"
    elsewhere.parent.mkdir()
    shutil.copy(po, elsewhere)
    monkeypatch.setattr(catalog, "_READ", {})
    monkeypatch.setattr(catalog, "_read_plain_po", lambda *_: pytest.fail("parsed again"))
    assert read_catalog(elsewhere) == parsed
    assert context_lines(elsewhere) == lines
    assert [e.line for e in read_catalog(elsewhere).values()] == [e.line for e in parsed.values()]
    monkeypatch.undo()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(catalog, "_READ", {})
    kept[0].write_bytes(b"{not json")  # damaged: parsed from the file, and kept again
    assert read_catalog(po) == parsed
    assert kept[0].read_bytes().startswith(b"{")
    assert catalog._kept(po, kept[0].stem + "x" * 32) is None  # another digest

    text = kept[0].read_text(encoding="utf-8")  # a text Haven refuses, put in the kept copy
    assert "Una descripción larga de la organización 3," in text
    kept[0].write_text(text.replace("Una descripción larga de la organización 3,",
                                    "Una descripción\\u0007", 1), encoding="utf-8")
    monkeypatch.setattr(catalog, "_READ", {})
    assert read_catalog(po) == parsed

    po.write_text(po.read_text(encoding="utf-8").replace("organización 5,", "entidad 5,"),
                  encoding="utf-8")
    assert read_catalog(po)["organization:org-5:description"].text.startswith(
        "Una descripción larga de la entidad 5,")
    assert len(list((tmp_path / "cache" / "haven").glob("catalogs-*/*.json"))) == 2
