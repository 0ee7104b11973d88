"""Hostile input (issue 16): nothing leaks, nothing is hijacked, nothing crashes.

Content and translations come from many hands. Each test here is one way a hostile (or
careless) file could have published what it should not, or stopped a build with a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from haven.build import build
from haven.cli import main
from haven.errors import HavenError
from haven.i18n.catalog import read_catalog
from haven.i18n.exchange import import_file
from haven.i18n.placeholders import fill, problem, segment_problem
from tests.conftest import MakeHub
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
    for csv in (tmp_path / "msgs").glob("*.csv"):
        assert SECRET not in csv.read_text()
    assert os.environ["HAVEN_TEST_SECRET"] == SECRET
