"""The editor's own strings go through PO catalogs: the committed template is current, the
shipped catalogs pass msgfmt, and a real `haven edit --language es` shows Spanish in real
Chromium (and passes axe), while a language with no catalog falls back to English."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from haven.cli import main
from haven.cli.commands.edit import interface_language
from haven.content.schema import Document, Organization, Service
from haven.editor.extract import MACHINE_NOTE, template_ids, template_text, update_language
from haven.editor.forms import FILE_MODELS, build_form, edited_models, walk
from haven.editor.i18n import (
    LOCALE,
    TEMPLATE,
    _,
    catalog_from,
    editor_catalog,
    shipped_languages,
    use,
)
from haven.example import example_content
from haven.i18n.catalog import read_babel
from tests.test_a11y import AXE, axe_violations
from tests.test_editor import Running, editor_process

EDITOR = TEMPLATE.parent.parent


def _marked_strings() -> set[str]:
    """Every `_("…")` string of the editor, found without Babel: Python's own parser for the
    code, a regular expression for the templates."""
    found: set[str] = set()
    for path in EDITOR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    call = re.compile(r"""\b_\(\s*(?:"([^"]*)"|'([^']*)')\s*\)""")
    for path in (EDITOR / "templates").glob("*.html"):
        for match in call.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def _form_strings() -> tuple[set[str], set[str]]:
    """(labels, help texts) of the forms the editor shows, in English: from the forms
    themselves, built empty and filled from the example's records."""
    labels: set[str] = set()
    helps: set[str] = set()
    forms = [build_form(model, None) for model in edited_models()]
    forms.append(build_form(Organization, example_yaml("directory/hps-welcome-center.yaml")))
    for form in forms:
        for form_field in walk(form):
            labels.add(form_field.label)
            labels.update([form_field.item_label] if form_field.item_label else [])
            helps.update([form_field.help] if form_field.help else [])
    return labels, helps


def example_yaml(name: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load((example_content() / name).read_text(encoding="utf-8"))


def test_the_forms_walked_for_extraction_are_the_forms_shown() -> None:
    models = edited_models()
    assert set(FILE_MODELS.values()) | {Organization, Document, Service} <= set(models)
    labels, helps = _form_strings()
    assert {"Phone", "Phones", "Name", "Postal code", "Interpretation languages"} <= labels
    assert len(helps) > 100
    assert any("immigration status" in h for h in helps)


def test_the_committed_template_is_current() -> None:
    committed = template_ids(TEMPLATE.read_bytes())
    assert committed == template_ids(template_text()), (
        "src/haven/editor/locale/editor.pot is not current: run "
        "'python scripts/extract_editor_strings.py'")
    marked = _marked_strings()
    assert len(marked) > 80
    assert marked - committed == set(), "strings marked with _() but not in editor.pot"
    labels, helps = _form_strings()
    assert labels - committed == set(), "form labels not in editor.pot"
    assert helps - committed == set(), "help texts (schema docstrings) not in editor.pot"
    assert committed - marked - labels - helps == set(), "stale strings in editor.pot"
    template = read_babel(TEMPLATE)
    assert any("Organization.phones" in c for c in template["Phone"].auto_comments)
    assert any("Organization.name" in c for c in template["Name"].auto_comments)


def test_shipped_catalogs_pass_msgfmt_check(tmp_path: Path) -> None:
    assert shutil.which("msgfmt"), "gettext's msgfmt is not installed"
    assert "es" in shipped_languages()
    for path in [TEMPLATE, *sorted(LOCALE.glob("*.po"))]:
        done = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(path)],
                              check=False, capture_output=True, text=True)
        assert done.returncode == 0, f"{path.name}: {done.stderr}"


def test_spanish_is_a_complete_machine_draft_never_marked_reviewed() -> None:
    """Every interface string, form label and help text is drafted, and labelled a draft."""
    committed = template_ids(TEMPLATE.read_bytes())
    catalog = read_babel(LOCALE / "es.po")
    messages = {m.id: m for m in catalog if m.id}
    assert set(messages) == committed
    labels, helps = _form_strings()
    assert labels | helps <= set(messages)
    for message in messages.values():
        assert message.string, message.id
        assert "machine" in message.flags and "reviewed" not in message.flags, message.id
        assert not message.fuzzy
        assert MACHINE_NOTE in message.auto_comments, message.id
    spanish = editor_catalog("es")
    assert spanish.refused == []
    assert len(spanish.singular) == len(committed)
    assert spanish.page_language() == ("es", "ltr")
    assert spanish.gettext("Phone") == "Teléfono"
    never_ask = next(h for h in helps if h.startswith("Who can use the service"))
    assert "nunca pregunte por la situación migratoria" in spanish.gettext(never_ask)


def test_only_translated_current_entries_with_the_same_placeholders_are_used(
        tmp_path: Path) -> None:
    po = tmp_path / "ar.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Save"\nmsgstr "حفظ"\n\n'
        '#, fuzzy\nmsgid "Remove"\nmsgstr "إزالة قديمة"\n\n'
        'msgid "Preview"\nmsgstr ""\n\n'
        'msgid "Page {page} of {pages}"\nmsgstr "صفحة {صفحة} من {pages}"\n\n'
        'msgid "New {kind}"\nmsgstr "{kind} جديد"\n',
        encoding="utf-8")
    assert subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "ar.mo"), str(po)],
                          check=False, capture_output=True).returncode == 0
    arabic = catalog_from("ar", read_babel(po))
    assert arabic.refused == ["Page {page} of {pages}"]
    assert arabic.page_language() == ("ar", "rtl")
    with use(arabic):
        assert _("Save") == "حفظ"
        assert _("Remove") == "Remove"  # fuzzy: the English until someone checks it
        assert _("Preview") == "Preview"
        assert _("Page {page} of {pages}").format(page=1, pages=2) == "Page 1 of 2"
        assert _("New {kind}").format(kind="x") == "x جديد"
    assert _("Save") == "Save"  # outside the block: English


def test_updating_a_catalog_keeps_translations_and_marks_changed_strings_fuzzy(
        tmp_path: Path) -> None:
    template = tmp_path / "editor.pot"
    template.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                        'msgid "Save"\nmsgstr ""\n\n'
                        'msgid "Remove this record now"\nmsgstr ""\n\n'
                        'msgid "Preview"\nmsgstr ""\n', encoding="utf-8")
    po = tmp_path / "es.po"
    update_language(po, "es", {"Save": "Guardar", "Remove this record": "x"}, template)
    first = read_babel(po)
    assert first["Save"].string == "Guardar" and "machine" in first["Save"].flags
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgid "Remove this record now"\nmsgstr ""',
        'msgid "Remove this record"\nmsgstr "Eliminar este registro"'), encoding="utf-8")
    counts = update_language(po, "es", None, template)
    assert counts == {"translated": 1, "drafted": 0, "fuzzy": 1, "empty": 1}
    catalog = read_babel(po)
    assert catalog["Save"].auto_comments.count(MACHINE_NOTE) == 1
    assert catalog["Remove this record now"].fuzzy
    assert catalog["Remove this record now"].string == "Eliminar este registro"
    with use(catalog_from("es", catalog)):
        assert _("Remove this record now") == "Remove this record now"  # fuzzy: English
        assert _("Save") == "Guardar"
    assert subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "es.mo"), str(po)],
                          check=False, capture_output=True).returncode == 0
    assert "Language: es\\n" in po.read_text(encoding="utf-8")
    # A draft fills a fuzzy entry (Babel's guess from a similar old string), never a current one.
    counts = update_language(po, "es", {"Remove this record now": "Quitar este registro ya",
                                        "Save": "Salvar"}, template)
    assert counts == {"translated": 1, "drafted": 1, "fuzzy": 0, "empty": 1}
    catalog = read_babel(po)
    assert catalog["Remove this record now"].string == "Quitar este registro ya"
    assert not catalog["Remove this record now"].fuzzy
    assert "machine" in catalog["Remove this record now"].flags
    assert catalog["Save"].string == "Guardar"


def test_a_language_with_no_catalog_is_english_and_says_so() -> None:
    assert not (LOCALE / "ar.po").exists()  # the browser test below relies on it too
    none = editor_catalog("ar")
    assert none.empty
    assert none.page_language() == ("en", "ltr")
    assert interface_language(None, "es") == "es"
    assert interface_language(None, "not a tag!") == "en"
    assert interface_language("zh-Hans", "en") == "zh-Hans"


def test_a_language_option_that_is_not_a_tag_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "hub"
    shutil.copytree(example_content(), root)
    result = CliRunner().invoke(main, ["edit", str(root), "--no-browser", "--port", "0",
                                       "--language", "../../etc/passwd"])
    assert result.exit_code != 0
    assert "not a language tag" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def spanish_editor(tmp_path: Path) -> Iterator[Running]:
    yield from editor_process(tmp_path, ["--language", "es"])


@pytest.fixture
def arabic_editor(tmp_path: Path) -> Iterator[Running]:
    yield from editor_process(tmp_path, ["--language", "ar"])


ARABIC_PO = (
    'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    'msgid "All records"\nmsgstr "كل السجلات"\n\n'
    'msgid "Translations"\nmsgstr "الترجمات"\n\n'
    '#, fuzzy\nmsgid "To check"\nmsgstr "للمراجعة"\n')


@pytest.fixture
def partial_arabic_editor(tmp_path: Path) -> Iterator[Running]:
    """`haven edit --language ar` with a catalog that translates two strings (one more is
    fuzzy), tried from the folder HAVEN_EDITOR_LOCALE names."""
    folder = tmp_path / "editor-locale"
    folder.mkdir()
    (folder / "ar.po").write_text(ARABIC_PO, encoding="utf-8")
    yield from editor_process(tmp_path, ["--language", "ar"], {"HAVEN_EDITOR_LOCALE": str(folder)})


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


ORGANIZATION = "/edit?file=directory/hps-welcome-center.yaml&path="
PAGES = ["/", "/records", "/edit?file=hub.yaml&path=", "/edit?file=documents/letter.md&path=",
         ORGANIZATION, "/translations", "/translations/es?state=machine"]


def _visit(browser: Any, running: Running) -> Iterator[tuple[str, Any, list[str]]]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The editor's own script errors and failed requests (Chromium asks for /favicon.ico on
    # its own; the editor has none). The preview is the site's, answering 404 until built.
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            and "/preview/" not in r.url else None)
    try:
        page.goto(running.url)
        for path in PAGES:
            response = page.goto(running.base + path)
            assert response is not None and response.status == 200, path
            yield path, page, errors
    finally:
        context.close()


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed")
def test_haven_edit_in_spanish(browser: Any, spanish_editor: Running) -> None:
    for path, page, errors in _visit(browser, spanish_editor):
        assert page.get_attribute("html", "lang") == "es", path
        assert page.get_attribute("html", "dir") == "ltr", path
        nav = page.get_by_role("navigation")
        assert nav.get_by_role("link", name="Todos los registros").is_visible()
        assert nav.get_by_role("link", name="Traducciones").is_visible()
        assert page.get_by_role("link", name="Ir al formulario").count() == 1
        assert page.title().endswith("— Editor de Haven"), path
        if path.startswith("/edit"):
            assert page.get_by_role("button", name="Guardar").count() >= 1, path
            assert page.get_by_role("complementary", name="Vista previa").count() == 1, path
        assert "All records" not in page.content(), path
        if path == ORGANIZATION:  # the form's labels and help texts are Spanish
            assert page.locator("label[for=f-name]").inner_text().startswith("Nombre name")
            phones = page.locator("fieldset#f-phones")
            assert phones.locator("legend").first.inner_text() == "Teléfonos phones"
            assert phones.get_by_role("group", name="Teléfono 1").count() == 1
            assert page.locator("label[for=f-phones-0-number]").inner_text().startswith("Número")
            assert page.locator("#f-name-help").inner_text() == (
                "El nombre de la organización, tal como ella lo escribe. Los nombres no se "
                "traducen.")
            assert page.get_by_role("textbox", name="Nombre name (obligatorio)").get_attribute(
                "aria-describedby") == "f-name-help"
        assert axe_violations(page) == [], path
        assert errors == [], (path, errors)


def test_a_refused_save_is_explained_in_spanish(browser: Any, spanish_editor: Running) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(spanish_editor.url)
        page.goto(spanish_editor.base + "/edit?file=hub.yaml&path=")
        page.fill("#f-phone", "12")
        page.click("#save")
        page.locator("#error-summary-h",
                     has_text="No se guardó: la compilación se detendría").wait_for()
    finally:
        context.close()


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed")
def test_haven_edit_in_a_language_with_no_catalog_falls_back_to_english(
        browser: Any, arabic_editor: Running) -> None:
    assert "no translation into ar yet" in arabic_editor.notes
    for path, page, errors in _visit(browser, arabic_editor):
        assert page.get_attribute("html", "lang") == "en", path
        assert page.get_attribute("html", "dir") == "ltr", path
        assert page.get_by_role("navigation").get_by_role(
            "link", name="All records").is_visible(), path
        if path.startswith("/edit"):
            assert page.get_by_role("button", name="Save").count() >= 1, path
        assert axe_violations(page) == [], path
        assert errors == [], (path, errors)


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed")
def test_a_partial_arabic_catalog_is_right_to_left_with_english_for_the_rest(
        browser: Any, partial_arabic_editor: Running) -> None:
    assert partial_arabic_editor.notes == "Only this computer can open it. Stop with Ctrl+C.\n"
    for path, page, errors in _visit(browser, partial_arabic_editor):
        assert page.get_attribute("html", "lang") == "ar", path
        assert page.get_attribute("html", "dir") == "rtl", path
        nav = page.get_by_role("navigation")
        assert nav.get_by_role("link", name="كل السجلات").is_visible(), path
        assert nav.get_by_role("link", name="الترجمات").is_visible(), path
        assert nav.get_by_role("link", name="To check").is_visible(), path  # fuzzy: English
        # Right to left: the first link of the menu is at the right.
        first, last = (nav.get_by_role("link").nth(i).bounding_box() for i in (0, 2))
        assert first is not None and last is not None and first["x"] > last["x"], path
        if path.startswith("/edit"):
            assert page.get_by_role("button", name="Save").count() >= 1, path
        assert axe_violations(page) == [], path
        assert errors == [], (path, errors)
