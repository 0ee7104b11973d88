"""What readers see of a translation: publish policy, machine drafts and outdated text, labelled."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from haven.build import build
from haven.content.load import load
from haven.content.validate import validate
from haven.i18n.catalog import _write, update_catalog
from haven.i18n.translate import bundled_catalog, content_segments
from haven.scaffold import create


def _hub(tmp_path: Path, flags: set[str]) -> Path:
    hub = tmp_path / "hub"
    create(hub)
    po = hub / "translations" / "es.po"
    update_catalog(po, "es", content_segments(validate(load(hub))))
    catalog = read_po(po.open("rb"))
    for message in catalog:
        if message.context == "document:welcome:body.0":
            message.string = "Queridas familias:"
            message.flags |= flags
    _write(po, "es", catalog, catalog)
    return hub


def _letter(hub: Path, tmp_path: Path) -> str:
    out = tmp_path / "site"
    build(hub, out)
    return (out / "es" / "welcome" / "index.html").read_text()


def test_outdated_translation_is_shown_labelled_with_a_link_to_the_current_text(tmp_path: Path) -> None:
    hub = _hub(tmp_path, {"reviewed"})
    letter = hub / "documents" / "welcome.md"
    letter.write_text(letter.read_text().replace("Dear families,", "Dear parents and families,"))
    update_catalog(hub / "translations" / "es.po", "es", content_segments(validate(load(hub))))
    assert "#| msgid \"Dear families,\"" in (hub / "translations" / "es.po").read_text()
    html = _letter(hub, tmp_path)
    assert "<p>Queridas familias:</p>" in html
    assert "El texto en inglés cambió después de esta traducción." in html
    assert 'href="../../en/welcome/" hreflang="en">Lea el texto actual en inglés</a>' in html


def test_machine_draft_is_labelled_and_reviewed_policy_hides_it(tmp_path: Path) -> None:
    hub = _hub(tmp_path, {"machine"})
    html = _letter(hub, tmp_path)
    assert "<p>Queridas familias:</p>" in html
    assert "traducción automática" in html
    settings = hub / "hub.yaml"
    settings.write_text(settings.read_text() + "publish: reviewed\n")
    html = _letter(hub, tmp_path)
    assert "Queridas familias" not in html
    assert '<div lang="en"><p>Dear families,</p>\n</div>' in html
    assert "traducción automática" not in html


def test_reviewed_translation_carries_no_label(tmp_path: Path) -> None:
    hub = _hub(tmp_path, {"reviewed"})
    # Haven's own interface strings include machine drafts: a district that has a person
    # review them in its own catalog publishes pages with no label at all.
    po = hub / "translations" / "es.po"
    catalog = read_po(po.open("rb"))
    bundled = bundled_catalog("es")
    for message in catalog:
        if str(message.context).startswith("ui:") and bundled[str(message.context)].text:
            message.string = bundled[str(message.context)].text
            message.flags.add("reviewed")
    _write(po, "es", catalog, catalog)
    html = _letter(hub, tmp_path)
    assert "<p>Queridas familias:</p>" in html
    assert "traducción automática" not in html and "cambió después" not in html
