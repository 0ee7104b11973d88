"""Robustness (issue 16): odd characters, language tags and print fonts are a message with
file:line, never a traceback and never a whole build refused for want of a font."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.build import build
from haven.cli import main
from haven.errors import HavenError
from tests.conftest import MakeHub, starter_text
from tests.test_hostile import problems
from tests.test_translate_workflow import fill as fill_catalog
from tests.test_translate_workflow import hub_with, update

ORG = "directory/example-legal-aid.yaml"


def with_name(name: str) -> dict[str, str]:
    """The starter organization, its name replaced by `name` (a YAML double-quoted string)."""
    return {ORG: starter_text(ORG).replace("name: Example Legal Aid", f'name: "{name}"', 1)}


# -- code points no text may hold -------------------------------------------------------------

@pytest.mark.parametrize(("written", "words"), [
    ("Legal Aid \ue000", "private-use character (U+E000)"),
    ("Legal Aid \\uE000", "private-use character (U+E000)"),
    ("Legal Aid \\U000F0000", "private-use character (U+F0000)"),
    ("Legal Aid \u0378", "not assigned (U+0378)"),
    ("Legal Aid \\U000E0080", "not assigned (U+E0080)"),
    ("Legal Aid \\uFFFF", "not assigned (U+FFFF)"),
    ("Legal Aid \\uD800", "lone surrogate, U+D800"),
])
def test_unassigned_private_use_and_surrogates_are_refused_with_their_line(
        make_hub: MakeHub, written: str, words: str) -> None:
    found = problems(make_hub(with_name(written)))
    assert len(found) == 1, found
    assert found[0].startswith(f"{ORG}:3: ") and words in found[0], found


def test_a_private_use_character_in_a_document_body_is_refused_with_its_line(
        make_hub: MakeHub) -> None:
    text = starter_text("documents/welcome.md") + "\nA line with \ue000 in it.\n"
    line = text.count("\n")
    found = problems(make_hub({"documents/welcome.md": text}))
    expected = (f"documents/welcome.md:{line}: the line contains a private-use character "
                "(U+E000) — it means something only on the computer it came from, and prints "
                "as an empty box: remove it, or replace it with the ordinary character or word")
    assert found == [expected], found


def test_a_private_use_character_in_a_msgstr_is_refused_at_build(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    fill_catalog(root / "translations" / "cy.po",
                 {"hub:home.intro": ("Croeso \ue000 i bawb", "reviewed")})
    with pytest.raises(HavenError) as caught:
        build(root, tmp_path / "site", pdf=False)
    message = caught.value.format_message()
    assert "translations/cy.po:" in message and "hub:home.intro" in message, message
    assert "private-use character (U+E000)" in message, message


def test_letters_of_every_script_and_emoji_are_accepted(make_hub: MakeHub) -> None:
    from haven.content.load import load
    from haven.content.validate import validate

    validate(load(make_hub(with_name("Ayuda 法律援助 مساعدة कानूनी ᚠᛇᚻ 𓀀 😀 e\u0301"))))


# -- language tags that name no language --------------------------------------------------------

@pytest.mark.parametrize(("tag", "words"), [
    ("x-evil", "private-use tag"), ("i-klingon", "grandfathered tag"),
    ("en-x-foo", "private-use tag"), ("root", "CLDR default"), ("und", "undetermined"),
    ("mul", "several languages"), ("zxx", "no linguistic content"),
    ("mis", "without a code"), ("qaa", "private-use language code"),
    ("qtz", "private-use language code"), ("qab-Latn", "private-use language code"),
    ("en-Qaax", "private-use script code"),
])
def test_language_tags_that_name_no_language_are_refused_at_validation(
        make_hub: MakeHub, tag: str, words: str) -> None:
    text = starter_text("hub.yaml").replace("  - es\n", f"  - es\n  - {tag}\n", 1)
    line = text.splitlines().index(f"  - {tag}") + 1
    found = problems(make_hub({"hub.yaml": text}))
    assert len(found) == 1, found
    assert found[0].startswith(f"hub.yaml:{line}: '{tag}'") and words in found[0], found


@pytest.mark.parametrize("tag", ["es-419", "zh-Hant", "prs", "ksw", "tlh", "sr-Latn"])
def test_real_language_tags_are_accepted(make_hub: MakeHub, tag: str) -> None:
    from haven.content.schema import language_tag_problem

    assert language_tag_problem(tag) is None


def test_a_language_tag_in_a_service_is_checked_too(make_hub: MakeHub) -> None:
    text = starter_text(ORG).replace("languages: [en, es]", "languages: [en, x-evil]")
    found = problems(make_hub({ORG: text}))
    assert len(found) == 1 and "'x-evil' is a private-use tag" in found[0], found


# -- print fonts chosen per character -----------------------------------------------------------

NOTO = Path("/usr/share/fonts/truetype/noto")
NAMES = "Ayuda 法律援助 مساعدة कानूनी ᚠᛇᚻ ★"


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_letters_the_language_fonts_lack_print_with_a_font_that_has_them(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    root = make_hub(with_name(f"Legal Aid {NAMES}"))
    result = cli.invoke(main, ["build", str(root), "--output", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    flyer = tmp_path / "site" / "pdf" / "en" / "flyer-letter.pdf"
    from pypdf import PdfReader

    fonts = {str(font.get("/BaseFont")) for page in PdfReader(flyer).pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("CJK" in name for name in fonts), fonts
    assert any("Devanagari" in name for name in fonts), fonts
    assert any("Runic" in name for name in fonts), fonts
    assert "法律援助" in pdf_text(flyer)


def test_the_fallback_prefers_the_font_a_scripts_own_pages_use() -> None:
    from haven.print.fonts import fallbacks, font_dirs

    assert fallbacks(["ع", "中"], tuple(font_dirs())) == (["Noto Sans CJK SC",
                                                          "Noto Naskh Arabic"], [])


@pytest.fixture
def few_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A font folder with Noto Sans and Noto Sans Runic only: no Chinese."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSansRunic-Regular.ttf"):
        (folder / name).symlink_to(NOTO / name)
    monkeypatch.setenv("HAVEN_FONT_PATH", str(folder))
    return folder


def test_a_character_no_installed_font_has_is_reported_at_its_file_and_line(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path, few_fonts: Path) -> None:
    hub = starter_text("hub.yaml").replace("You are welcome here.", "ᚠᛇᚻ 中 欢迎.")
    line = next(n for n, t in enumerate(hub.splitlines(), 1) if "中" in t)
    root = make_hub({"hub.yaml": hub, **with_name("Legal Aid \\u4E2D")})
    out = tmp_path / "site"
    result = cli.invoke(main, ["build", str(root), "--output", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not out.exists()
    assert "nothing was published" in result.output
    assert f"hub.yaml:{line}: no installed font has the character '中' (U+4E2D, " \
           "cjk unified ideograph-4e2d), so the printed pieces cannot show it" in result.output
    assert f"{ORG}:3: no installed font has the character '中'" in result.output, result.output
    assert "fonts-noto-core" not in result.output
    assert "--no-pdf" in result.output
    result = cli.invoke(main, ["build", str(root), "--output", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output


def test_a_character_no_font_has_in_a_translation_is_reported_in_the_catalog(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path, few_fonts: Path) -> None:
    root = hub_with(make_hub, languages="  - es")
    update(cli, root)
    po = root / "translations" / "es.po"
    fill_catalog(po, {"hub:home.intro": ("Bienvenidos 中", "reviewed")}, lang="es")
    line = next(n for n, t in enumerate(po.read_text().splitlines(), 1) if "中" in t)
    result = cli.invoke(main, ["build", str(root), "--output", str(tmp_path / "site")])
    assert result.exit_code == 1, result.output
    assert f"translations/es.po:{line}: no installed font has the character '中'" \
        in result.output, result.output


# -- files that are not files -------------------------------------------------------------------

def test_a_catalog_that_is_a_folder_or_a_link_to_one_is_a_message(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    """Found by the long fuzz run: `translations/es.po` as a folder was an IsADirectoryError."""
    for make in (lambda po: po.mkdir(), lambda po: po.symlink_to("..", target_is_directory=True)):
        root = make_hub()
        (root / "translations").mkdir()
        make(root / "translations" / "es.po")
        result = cli.invoke(main, ["build", str(root), "--output", str(tmp_path / "site"),
                                   "--no-pdf"])
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert "translations/es.po: this is not a file" in result.output, result.output


# -- very long translations -----------------------------------------------------------------------

def long_import(make_hub: MakeHub, cli: CliRunner, tmp_path: Path, text: str) -> tuple[Path, str]:
    """Export Spanish from a starter hub, translate one paragraph with `text`, import it."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from po_import import SEGMENT, with_msgstr

    root = make_hub()
    update(cli, root)
    export = tmp_path / "es-todo.po"
    result = cli.invoke(main, ["translate", "export", "es", str(root), "-o", str(export)])
    assert result.exit_code == 0, result.output
    export.write_text(with_msgstr(export.read_text(encoding="utf-8"), SEGMENT, text),
                      encoding="utf-8")
    result = cli.invoke(main, ["translate", "import", str(export), str(root)])
    assert "Traceback" not in result.output
    return root, result.output


def test_a_long_translation_without_spaces_is_written_unwrapped_and_reads_back(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    from haven.i18n.catalog import read_catalog
    from tests.test_translate_workflow import msgfmt_check

    text = "家庭权利学校帮助律师免费电话口译语言文件计划紧急联系信息" * 3000  # 84,000 characters
    root, output = long_import(make_hub, cli, tmp_path, text)
    po = root / "translations" / "es.po"
    assert read_catalog(po)["document:welcome:body.0"].text == text, output
    assert f'msgstr "{text}"' in po.read_text(encoding="utf-8").splitlines()  # one line
    msgfmt_check(po)
    result = cli.invoke(main, ["build", str(root), "--output", str(tmp_path / "site"),
                               "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert text in (tmp_path / "site" / "es" / "welcome" / "index.html").read_text()


def test_short_translations_are_still_wrapped_as_babel_does(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    text = "Todos los niños tienen derecho a ir a la escuela. " * 20
    root, output = long_import(make_hub, cli, tmp_path, text.strip())
    po = (root / "translations" / "es.po").read_text(encoding="utf-8")
    entry = po[po.index('msgctxt "document:welcome:body.0"'):].split("\n\n")[0]
    msgstr = entry[entry.index("msgstr "):].splitlines()
    assert msgstr[0] == 'msgstr ""' and len(msgstr) > 5, output
    assert all(line.startswith('"') and len(line) <= 100 for line in msgstr[1:]), msgstr


def test_a_translation_over_the_limit_is_refused_at_import_and_at_build(
        make_hub: MakeHub, cli: CliRunner, tmp_path: Path) -> None:
    from haven.placeholders import MAX_TEXT

    text = "palabra " * (MAX_TEXT // 8 + 1)
    root, output = long_import(make_hub, cli, tmp_path, text)
    assert "document:welcome:body.0" in output, output
    assert f"more than the {MAX_TEXT:,} Haven accepts in one entry" in output, output
    po = root / "translations" / "es.po"
    assert "palabra palabra" not in po.read_text(encoding="utf-8")
    fill_catalog(po, {"document:welcome:body.0": (text, "reviewed")}, lang="es")  # by hand
    with pytest.raises(HavenError) as caught:
        build(root, tmp_path / "site", pdf=False)
    message = caught.value.format_message()
    assert "translations/es.po:" in message and "document:welcome:body.0" in message, message
    assert f"more than the {MAX_TEXT:,}" in message


def test_long_obsolete_and_fuzzy_entries_are_written_unwrapped_and_read_back(
        tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog, Message
    from babel.messages.pofile import read_po

    from haven.i18n.catalog import header, po_text, read_previous_ids
    from tests.test_translate_workflow import msgfmt_check

    long = "法律" * 5000
    catalog = Catalog(locale="es")
    fuzzy = catalog.add(long, string=long + "es", context="doc:a", flags=["fuzzy"],
                        previous_id=[long + "old"])
    catalog.add("short", string="corto", context="doc:b")
    gone = Message(long + "gone", string=long + "es", context="doc:c")
    catalog.obsolete[(gone.id, "doc:c")] = gone
    assert fuzzy is not None
    po = tmp_path / "es.po"
    po.write_bytes(header("es").encode() + po_text(catalog))
    msgfmt_check(po)
    again = read_po(po.open("rb"))
    assert again.get(long, context="doc:a").string == long + "es"
    assert again.get("short", context="doc:b").string == "corto"
    assert any(m.string == long + "es" for m in again.obsolete.values())
    assert read_previous_ids(po) == {"doc:a": long + "old"}


# -- immigration status under other names ---------------------------------------------------------

@pytest.mark.parametrize("key", ["statut-d-immigration", "statut_immigration", "stato_immigrazione",
                                 "Estatus Migratorio", "ESTATUS-MIGRATORIO", "estátus_migratorio",
                                 "ｅｓｔａｔｕｓ＿ｍｉｇｒａｔｏｒｉｏ", "immigratiοn_status",
                                 "immigration.status", "cítízénshíp"])
def test_more_status_field_names_get_the_status_message(make_hub: MakeHub, key: str) -> None:
    text = starter_text("hub.yaml").replace("review_every_days: 90",
                                            f"review_every_days: 90\n{key}: yes")
    found = problems(make_hub({"hub.yaml": text}))
    assert len(found) == 1 and "would record immigration or citizenship status" in found[0], \
        found


def test_local_servers_never_print_a_traceback_for_a_failed_request(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A browser that closes a tab mid-download (BrokenPipeError) is routine: nothing is said;
    anything else is one line. The standard library's server prints a traceback for both."""
    import http.server
    import socket
    import threading

    from haven.localserver import LocalServer

    class Big(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/fail":
                raise ValueError("no such thing")
            self.send_response(200)
            self.end_headers()
            for _ in range(2000):
                self.wfile.write(b"x" * 65536)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = LocalServer(("127.0.0.1", 0), Big)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET / HTTP/1.0\r\n\r\n")
            client.recv(1024)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /fail HTTP/1.0\r\n\r\n")
            client.recv(1024)
        err = ""
        deadline = time.monotonic() + 10
        while "no such thing" not in err and time.monotonic() < deadline:
            time.sleep(0.05)
            err += capsys.readouterr().err
    finally:
        server.shutdown()
        server.server_close()
    err += capsys.readouterr().err
    assert "haven: a request from this computer failed (ValueError: no such thing)" in err
    assert "Traceback" not in err and "Broken pipe" not in err and "BrokenPipe" not in err
