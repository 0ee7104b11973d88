"""`haven outreach`: SMS encoding and segments (GSM 03.38), messages per language, CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.cli import main
from haven.content.load import load
from haven.content.validate import Content, validate
from haven.i18n.catalog import State, read_catalog
from haven.outreach.messages import (
    COLUMNS,
    Message,
    build_messages,
    markdown_to_text,
    outreach_rows,
    spoken_number,
)
from haven.sms import GSM7_BASIC, GSM7_EXTENSION, analyze, split_segments

MakeHub = Callable[..., Path]

# -- GSM 03.38 -----------------------------------------------------------------------------


def test_the_tables_have_the_size_of_gsm_03_38() -> None:
    assert len(GSM7_BASIC) == 127  # 128 codes, one of which is the escape to the extension
    assert GSM7_EXTENSION == set("\f^{}\\[]~|€")


@pytest.mark.parametrize(("length", "segments"), [(1, 1), (160, 1), (161, 2), (306, 2),
                                                  (307, 3), (459, 3), (460, 4)])
def test_plain_gsm7_segments(length: int, segments: int) -> None:
    info = analyze("a" * length)
    assert (info.encoding, info.units, info.segments) == ("GSM-7", length, segments)


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_an_extension_character_counts_two_septets(char: str) -> None:
    assert analyze("a" * 158 + char).units == 160
    assert analyze("a" * 158 + char).segments == 1
    info = analyze("a" * 159 + char)
    assert (info.encoding, info.units, info.segments) == ("GSM-7", 161, 2)


@pytest.mark.parametrize("char", list("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r"))
def test_gsm7_letters_and_symbols_keep_gsm7(char: str) -> None:
    info = analyze("a" * 159 + char)
    assert (info.encoding, info.units, info.segments) == ("GSM-7", 160, 1)


@pytest.mark.parametrize("char", list("áíóúçÁÍÓÚâêôãõ’‘“”–—…\u00a0`"))
def test_one_character_outside_gsm7_makes_the_message_ucs2(char: str) -> None:
    info = analyze("Hello " + char)
    assert info.encoding == "UCS-2"
    assert info.non_gsm == (char,)


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3),
                                                  (201, 3), (202, 4)])
def test_ucs2_segments(length: int, segments: int) -> None:
    info = analyze("ú" + "a" * (length - 1))
    assert (info.encoding, info.units, info.segments) == ("UCS-2", length, segments)


def test_in_ucs2_extension_characters_count_one() -> None:
    assert analyze("ú€" + "[" * 68).units == 70


def test_a_character_outside_the_bmp_counts_two_units() -> None:
    assert analyze("😀").units == 2
    assert analyze("a" * 68 + "😀").segments == 1  # 70 units
    info = analyze("a" * 69 + "😀")
    assert (info.encoding, info.units, info.characters, info.segments) == ("UCS-2", 71, 70, 2)


@pytest.mark.parametrize("text", ["مرحبا بكم في مدارسنا", "欢迎来到我们的学校", "ကြိုဆိုပါတယ်", "नमस्ते"])
def test_non_latin_scripts_are_ucs2(text: str) -> None:
    info = analyze(text)
    assert info.encoding == "UCS-2"
    assert info.units == len(text.encode("utf-16-le")) // 2


def test_a_split_never_cuts_a_surrogate_pair() -> None:
    text = "a" * 66 + "😀" + "a" * 66  # 134 units: two parts of 67 if the pair were cut
    parts = split_segments(text)
    assert parts == ["a" * 66, "😀" + "a" * 65, "a"]
    assert analyze(text).segments == 3
    for part in parts:
        assert len(part.encode("utf-16-le")) // 2 <= 67
        part.encode("utf-16-le").decode("utf-16-le")  # every part is whole UTF-16


def test_a_split_never_cuts_an_escape_pair() -> None:
    text = "a" * 152 + "€" + "a" * 152  # 306 septets: two parts of 153 if the pair were cut
    parts = split_segments(text)
    assert parts == ["a" * 152, "€" + "a" * 151, "a"]
    assert analyze(text).segments == 3
    assert "".join(parts) == text


def test_a_single_message_is_not_split() -> None:
    assert split_segments("Hello") == ["Hello"]
    assert split_segments("€" * 80) == ["€" * 80]  # 160 septets


# -- voice ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "spoken"), [
    ("860-695-8400", "8 6 0, 6 9 5, 8 4 0 0"),
    ("(800) 421-3481", "8 0 0, 4 2 1, 3 4 8 1"),
    ("+1 877 292 3804", "8 7 7, 2 9 2, 3 8 0 4"),
])
def test_phone_numbers_are_read_digit_by_digit_in_groups(number: str, spoken: str) -> None:
    assert spoken_number(number, "US") == spoken


# -- the Hartford example ------------------------------------------------------------------


@pytest.fixture(scope="module")
def hartford() -> Content:
    from haven.example import example_content

    return validate(load(example_content()))


@pytest.fixture(scope="module")
def hartford_messages(hartford: Content) -> list[Message]:
    return build_messages(hartford)


def test_every_served_language_gets_every_message(hartford: Content) -> None:
    rows = outreach_rows(hartford)
    tags = [entry.tag for entry in hartford.hub.languages]
    assert len(tags) >= 16
    for channel, channel_rows in rows.items():
        assert [row["language"] for row in channel_rows] == tags, channel
        for row in channel_rows:
            assert list(row) == list(COLUMNS[channel])
            assert row["text"].strip()
            assert row["language_name"] and row["endonym"]


def test_messages_link_to_the_languages_own_page(hartford_messages: list[Message]) -> None:
    for message in hartford_messages:
        if message.channel == "sms":
            assert message.text.endswith(f"https://hartford.haven.example/{message.language.tag}/")
            assert "860-695-8400" in message.text
        if message.channel == "email":
            assert f"https://hartford.haven.example/{message.language.tag}/" in message.text


def test_the_spanish_messages_come_from_the_catalog(hartford: Content,
                                                   hartford_messages: list[Message]) -> None:
    catalog = read_catalog(hartford.catalogs["es"])
    sms = next(m for m in hartford_messages if m.channel == "sms" and m.language.tag == "es")
    source = catalog["hub:outreach.sms"].text
    assert sms.text == source.replace("{phone}", "860-695-8400").replace(
        "{link}", "https://hartford.haven.example/es/")
    assert (sms.text_language, sms.state) == ("es", State.MACHINE)
    assert any("Machine translation" in w for w in sms.warnings)
    info = analyze(sms.text)
    assert info.encoding == "GSM-7"  # ñ is in the GSM alphabet
    assert info.segments <= 2
    email = next(m for m in hartford_messages if m.channel == "email" and m.language.tag == "es")
    assert email.subject == catalog["hub:outreach.email_subject"].text
    assert '<html lang="es" dir="ltr">' in email.html
    assert '<a href="tel:+18606958400">860-695-8400</a>' in email.html


def test_an_untranslated_language_says_its_message_is_in_the_source_language(
    hartford_messages: list[Message],
) -> None:
    for message in hartford_messages:
        if message.language.tag != "ksw":  # no faithful draft could be made (translations.md)
            continue
        assert message.text_language == "en"
        assert message.state is State.MISSING
        assert any("Not translated into S'gaw Karen" in w for w in message.warnings)
        if message.channel == "email":
            assert '<html lang="en" dir="ltr">' in message.html


def test_english_sms_is_gsm7_within_budget(hartford_messages: list[Message]) -> None:
    sms = next(m for m in hartford_messages if m.channel == "sms" and m.language.tag == "en")
    row = sms.row()
    assert (row["encoding"], row["segments"], row["warning"]) == ("GSM-7", "1", "")
    assert row["units"] == str(len(sms.text))


def test_the_voice_script_is_short_lines_with_numbers_to_read_aloud(
    hartford_messages: list[Message],
) -> None:
    voice = next(m for m in hartford_messages if m.channel == "voice" and m.language.tag == "en")
    lines = voice.text.split("\n")
    assert "860-695-8400" not in voice.text
    with_number = [line for line in lines if "8 6 0, 6 9 5, 8 4 0 0" in line]
    assert len(with_number) == 2 and lines[-1] == with_number[0]  # said again at the end
    assert "When you call, you can ask for an interpreter." in lines
    for line in lines:
        assert line.count(". ") == 0 and len(line) < 120


# -- messages from a hub of one's own ------------------------------------------------------


def _hub_with(make_hub: MakeHub, outreach: str) -> Path:
    root = make_hub()
    path = root / "hub.yaml"
    path.write_text(path.read_text(encoding="utf-8") + outreach, encoding="utf-8")
    return root


def _messages(root: Path) -> dict[tuple[str, str], Message]:
    return {(m.channel, m.language.tag): m for m in build_messages(validate(load(root)))}


def test_without_an_outreach_block_messages_come_from_the_home_page(make_hub: MakeHub) -> None:
    messages = _messages(make_hub())
    sms = messages[("sms", "en")].text
    assert sms.startswith("Every child has the right to go to school.")
    assert "Call: 860-555-0100 https://families.example.org/en/" in sms
    email = messages[("email", "en")]
    assert "- Our schools do not ask about immigration status." in email.text
    assert "<li>Our schools do not ask about immigration status.</li>" in email.html
    assert messages[("voice", "es")].text_language == "en"


def test_a_message_over_the_budget_gets_a_warning(make_hub: MakeHub, tmp_path: Path) -> None:
    long = "Every child is welcome in our schools. " * 5  # 195 characters
    root = _hub_with(make_hub, f"outreach:\n  sms: \"{long}{{phone}}\"\n  sms_segment_budget: 1\n")
    sms = _messages(root)[("sms", "en")]
    assert any("2 SMS segments" in w and "budget of 1" in w for w in sms.warnings)
    result = CliRunner().invoke(main, ["outreach", str(root), "--output", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "over the hub's budget of 1" in result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "o" / "sms.csv").read_text("utf-8"))))
    assert "budget of 1" in rows[0]["warning"]


def test_the_warning_names_the_characters_that_make_it_ucs2(make_hub: MakeHub) -> None:
    text = "Our schools don’t ask about status — call us. " * 2
    root = _hub_with(make_hub, f"outreach:\n  sms: \"{text}\"\n")
    sms = _messages(root)[("sms", "en")]
    assert analyze(sms.text).encoding == "UCS-2"
    assert any("replace ’ — to send it as GSM-7" in w for w in sms.warnings)


def test_email_html_is_escaped(make_hub: MakeHub) -> None:
    body = "  email_body: |\n    Hello <script>alert(1)</script> & welcome.\n\n    See {link}\n"
    root = _hub_with(make_hub, f"outreach:\n  email_subject: A <b> & c\n{body}")
    email = _messages(root)[("email", "en")]
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; welcome." in email.html
    assert "<title>A &lt;b&gt; &amp; c</title>" in email.html
    assert email.text.startswith("Hello <script>alert(1)</script> & welcome.")


def test_an_unknown_placeholder_is_a_content_error(make_hub: MakeHub, cli: CliRunner) -> None:
    root = _hub_with(make_hub, "outreach:\n  sms: Call {telephone} today.\n")
    result = cli.invoke(main, ["outreach", str(root), "--output", str(root / "out")])
    assert result.exit_code == 1
    assert "hub.yaml" in result.output and "{telephone}" in result.output
    assert "Traceback" not in result.output


def test_markdown_to_text() -> None:
    text = markdown_to_text("Hi **there**.\n\n- one\n- [two](https://x.example/)\n\nBye")
    assert text == "Hi there.\n\n- one\n- two (https://x.example/)\n\nBye"


# -- the command ---------------------------------------------------------------------------


def test_the_command_writes_one_csv_per_channel(cli: CliRunner, tmp_path: Path,
                                                hartford: Content, example_dir: Path) -> None:
    served = [entry.tag for entry in hartford.hub.languages]
    assert len(served) >= 16
    out = tmp_path / "outreach"
    result = cli.invoke(main, ["outreach", str(example_dir), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["email.csv", "sms.csv", "voice.csv"]
    for channel in ("sms", "email", "voice"):
        data = (out / f"{channel}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        assert [row["language"] for row in rows] == served
        assert tuple(rows[0]) == COLUMNS[channel]
    sms = list(csv.DictReader(io.StringIO((out / "sms.csv").read_text("utf-8"), newline="")))
    assert all(row["encoding"] in ("GSM-7", "UCS-2") and int(row["segments"]) >= 1
               for row in sms)
    assert "Outreach messages written to" in result.output
    assert "ksw (S'gaw" in result.output and "not yet translated" in result.output
    result = cli.invoke(main, ["outreach", str(example_dir), "--output", str(out)])  # again: replaced whole
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["email.csv", "sms.csv", "voice.csv"]


def test_a_broken_content_folder_gives_no_traceback(make_hub: MakeHub, cli: CliRunner,
                                                    tmp_path: Path) -> None:
    root = make_hub({"hub.yaml": "name: [unclosed\n"})
    result = cli.invoke(main, ["outreach", str(root), "--output", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "hub.yaml" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_an_output_that_is_a_file_gives_a_clear_error(cli: CliRunner, tmp_path: Path,
                                                       example_dir: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("not a folder")
    result = cli.invoke(main, ["outreach", str(example_dir), "--output", str(target)])
    assert result.exit_code == 2
    assert "is a file" in result.output and "Traceback" not in result.output
    assert target.read_text() == "not a folder"
    (tmp_path / "folder" / "sms.csv").mkdir(parents=True)  # a folder where a file goes
    result = cli.invoke(main, ["outreach", str(example_dir), "--output",
                               str(tmp_path / "folder")])
    assert result.exit_code == 1
    assert "choose another folder with --output" in result.output
    assert "Traceback" not in result.output
