"""Robustness (issue 16): odd characters, language tags and print fonts are a message with
file:line, never a traceback and never a whole build refused for want of a font."""

from __future__ import annotations

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
    assert found == [f"documents/welcome.md:{line}: the line contains a private-use character "
                     "(U+E000) — it means something only on the computer it came from, and "
                     "prints as an empty box: remove it, or replace it with the ordinary "
                     "character or word"], found


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
