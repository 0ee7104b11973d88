"""`haven translate status`: the hub's own text apart from Haven's interface, each page named
once and unambiguously, in 80 columns."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from haven.cli import main
from haven.i18n.status import page_label, status_matrix
from haven.model import build_model
from tests.conftest import MakeHub
from tests.test_translate_workflow import content_of, fill, hub_with, update


def test_the_hubs_own_text_is_counted_apart_from_the_interface(make_hub: MakeHub,
                                                               cli: CliRunner) -> None:
    root = hub_with(make_hub)
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {"ui:home": ("Hafan", "reviewed"), "ui:call": ("Ffoniwch", ""),
              "hub:name": ("Ein ardal", "")})
    matrix = status_matrix(content_of(root))
    cy = matrix.languages[1]
    assert (cy.interface.reviewed, cy.interface.translated) == (1, 1)
    assert (cy.content.translated, cy.content.reviewed) == (1, 0)
    assert cy.content.total + cy.interface.total == cy.hub.total
    # Spanish: Haven's interface ships translated, the hub's own text is not.
    es = matrix.languages[0]
    assert es.interface.percent(es.published) > 50 and es.content.percent(es.published) == 0
    result = cli.invoke(main, ["translate", "status", str(root)], terminal_width=80)
    assert result.exit_code == 0, result.output
    es_row = next(line for line in result.output.splitlines() if line.startswith("es "))
    assert re.search(r"\b0%\s+\d{2,3}%", es_row), es_row  # content 0 %, interface over half
    assert "content" in result.output and "interface" in result.output
    data = cli.invoke(main, ["translate", "status", str(root), "--json"])
    es_json = next(lang for lang in __import__("json").loads(data.stdout)["languages"]
                   if lang["tag"] == "es")
    assert es_json["content"]["translated"] == 0 and es_json["interface"]["total"] > 0


def test_status_names_each_page_once_and_fits_80_columns(example_dir: Path,
                                                         cli: CliRunner) -> None:
    content = content_of(example_dir)
    pages = build_model(content).text_pages
    labels = [page_label(page) for page in pages]
    assert len(set(labels)) == len(labels), "two pages have the same name"
    assert "know-your-rights" in labels and "help/know-your-rights" in labels
    result = cli.invoke(main, ["translate", "status", str(example_dir)], terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    for page, label in zip(pages, labels, strict=True):
        shown = [line for line in lines if line.startswith(_short(label) + " ")]
        assert len(shown) == 1, (page.key, label, shown)


def _short(label: str) -> str:
    from haven.cli.commands.translate import fit

    return fit(label, 40)
