"""docs/authoring.md must not drift from the schema, the CLI or Haven's real messages.

What is checked:
- every field of every content model (the roots and every model nested in them) is named
  in backticks in the guide, and in its own model's section, whose field table says
  correctly whether it is needed and whether it is translated;
- every YAML snippet parses, and snippets marked `<!-- check: Model -->` are valid content;
- every allowed value (status, accreditation, phone type, kinds) and translation flag is named;
- every `haven …` command the guide names exists, and the main ones are named;
- the example error output and the refusal message are what Haven really prints;
- every link to a heading inside the guide leads somewhere.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from haven.cli import main
from haven.content.schema import (
    Accreditation,
    Audiences,
    Document,
    Hub,
    Organization,
    Reporting,
    Resources,
    Status,
    Topics,
    translatable_kind,
)
from haven.content.source import parse_markdown, parse_yaml
from haven.i18n.catalog import MACHINE, REVIEWED, State

GUIDE_PATH = Path(__file__).resolve().parents[1] / "docs" / "authoring.md"
ROOTS: tuple[type[BaseModel], ...] = (
    Hub,
    Topics,
    Audiences,
    Resources,
    Reporting,
    Organization,
    Document,
)

# Which heading holds each model's description: a piece of the heading's text.
# A model added to the schema must be added here, with its own section in the guide.
MODEL_SECTIONS: dict[str, str] = {
    "Hub": "hub.yaml",
    "LanguageEntry": "(`languages`)",
    "Home": "(`home`)",
    "HubFact": "(`facts`)",
    "Outreach": "(`outreach`)",
    "Topics": "topics.yaml",
    "Topic": "topics.yaml",
    "Audiences": "audiences.yaml",
    "Audience": "audiences.yaml",
    "Resources": "resources.yaml",
    "Resource": "resources.yaml",
    "Reporting": "reporting.yaml",
    "Channel": "(`channels`)",
    "Document": "documents/",
    "Organization": "directory/",
    "Location": "(`locations`)",
    "Address": "(`address`)",
    "Service": "(`services`)",
    "CostOption": "(`cost_options`)",
    "Verification": "(`verification`)",
    "Phone": "(`phones`)",
    "Schedule": "(`schedules`)",
    "OrganizationIdentifier": "(`organization_identifiers`)",
    "Contact": "(`contacts`)",
    "Accessibility": "(`accessibility`)",
    "RequiredDocument": "(`required_documents`)",
    "ServiceArea": "(`service_areas`)",
}

# Files that hold only one list: their section describes the list's items in a table,
# and only has to name the list itself.
WRAPPERS = {"Topics", "Audiences", "Resources"}


# -- the schema --------------------------------------------------------------------------


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """Models inside a field annotation: through list[…], Optional/Union and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def _reachable_models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    queue = list(ROOTS)
    while queue:
        model = queue.pop(0)
        if model in found:
            continue
        found.append(model)
        for info in model.model_fields.values():
            queue.extend(_models_in(info.annotation))
    return found


MODELS = _reachable_models()


def _translatable(annotation: Any) -> bool:
    annotated = typing.get_origin(annotation) is typing.Annotated
    if annotated and translatable_kind(list(annotation.__metadata__)):
        return True
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType, typing.Annotated):
        return any(_translatable(arg) for arg in typing.get_args(annotation))
    return False


def is_translated(info: FieldInfo) -> bool:
    return bool(translatable_kind(list(info.metadata))) or _translatable(info.annotation)


def _allowed_values(annotation: Any) -> Iterator[str]:
    """Values of every Literal and Enum inside an annotation."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        yield from (str(member.value) for member in annotation)
        return
    if typing.get_origin(annotation) is typing.Literal:
        yield from (str(value) for value in typing.get_args(annotation))
        return
    for arg in typing.get_args(annotation):
        yield from _allowed_values(arg)


# -- the guide ----------------------------------------------------------------------------


@dataclass
class Fence:
    lang: str
    body: str
    line: int
    marker: str
    """The `<!-- check: … -->` comment on the line before, if any."""


@dataclass
class Section:
    level: int
    title: str
    line: int
    text: str
    """From the heading to the next heading of any level (code blocks included)."""


@dataclass
class Guide:
    text: str
    prose: str
    """The text without fenced code blocks."""
    fences: list[Fence]
    sections: list[Section]


def _read_guide() -> Guide:
    assert GUIDE_PATH.is_file(), f"{GUIDE_PATH} is missing"
    text = GUIDE_PATH.read_text(encoding="utf-8")
    lines = text.split("\n")
    fences: list[Fence] = []
    sections: list[Section] = []
    prose: list[str] = []
    current: tuple[int, str, int, list[str]] | None = None
    fence: tuple[str, int, list[str], str] | None = None

    def close() -> None:
        if current:
            sections.append(Section(current[0], current[1], current[2], "\n".join(current[3])))

    for number, line in enumerate(lines, start=1):
        if fence is None and (opening := re.match(r"^```\s*([\w-]*)\s*$", line)):
            previous = lines[number - 2].strip() if number >= 2 else ""
            marker = previous if previous.startswith("<!--") else ""
            fence = (opening.group(1).lower(), number, [], marker)
        elif fence is not None and line.strip() == "```":
            fences.append(Fence(fence[0], "\n".join(fence[2]), fence[1], fence[3]))
            fence = None
        elif fence is not None:
            fence[2].append(line)
        elif heading := re.match(r"^(#{1,6})\s+(.*?)\s*$", line):
            close()
            current = (len(heading.group(1)), heading.group(2), number, [])
            prose.append(line)
            continue
        else:
            prose.append(line)
        if current:
            current[3].append(line)
    close()
    assert fence is None, f"docs/authoring.md:{fence[1]}: a ``` code block is never closed"
    return Guide(text, "\n".join(prose), fences, sections)


GUIDE = _read_guide()


def section_of(model_name: str) -> Section:
    key = MODEL_SECTIONS[model_name]
    matches = [s for s in GUIDE.sections if key in s.title]
    assert len(matches) == 1, (
        f"model {model_name}: expected exactly one heading containing {key!r} in "
        f"docs/authoring.md, found {[s.title for s in matches]}"
    )
    return matches[0]


def field_rows(section: Section) -> dict[str, dict[str, str]]:
    """Rows of the field tables (first header cell 'Field') in a section, by field name."""
    rows: dict[str, dict[str, str]] = {}
    table: list[list[str]] = []

    def flush() -> None:
        if len(table) >= 2 and table[0][0].lower() == "field":
            header = [cell.lower() for cell in table[0]]
            for cells in table[2:]:
                name = re.fullmatch(r"`([A-Za-z0-9_]+)`", cells[0])
                if name:
                    rows[name.group(1)] = dict(zip(header, cells))
        table.clear()

    in_code = False
    for line in section.text.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
        if not in_code and line.startswith("|"):
            table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        else:
            flush()
    flush()
    return rows


# -- fields -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_named_in_the_guide(model: type[BaseModel]) -> None:
    missing = [name for name in model.model_fields if f"`{name}`" not in GUIDE.text]
    assert not missing, (
        f"docs/authoring.md does not describe these fields of model {model.__name__}: "
        + ", ".join(f"`{name}`" for name in missing)
        + f" — add them (in backticks) to the section {MODEL_SECTIONS.get(model.__name__, '?')!r}"
    )


def test_every_model_has_a_section() -> None:
    names = {model.__name__ for model in MODELS}
    unmapped = sorted(names - MODEL_SECTIONS.keys())
    assert not unmapped, (
        f"models {unmapped} are in the schema but have no section: write one in "
        "docs/authoring.md and add it to MODEL_SECTIONS in tests/test_docs.py"
    )
    stale = sorted(MODEL_SECTIONS.keys() - names)
    assert not stale, f"MODEL_SECTIONS names models the schema no longer has: {stale}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_section_describes_its_own_fields(model: type[BaseModel]) -> None:
    name = model.__name__
    if name not in MODEL_SECTIONS:
        pytest.fail(
            f"model {name} has no entry in MODEL_SECTIONS (see test_every_model_has_a_section)"
        )
    section = section_of(name)
    where = f"docs/authoring.md:{section.line} ({section.title})"
    not_named = [field for field in model.model_fields if f"`{field}`" not in section.text]
    assert not not_named, f"{where} does not name these fields of model {name}: {not_named}"
    if name in WRAPPERS:
        return
    rows = field_rows(section)
    no_row = [field for field in model.model_fields if field not in rows]
    assert not no_row, f"{where}: the field table of model {name} has no row for {no_row}"
    unknown = sorted(set(rows) - set(model.model_fields) - _shared_section_fields(name))
    assert not unknown, (
        f"{where}: the table lists fields that model {name} does not have: {unknown}"
    )
    wrong = []
    for field, info in model.model_fields.items():
        row = rows[field]
        needed = row.get("needed", "").lower().startswith("yes")
        translated = row.get("translated", "").lower().startswith("yes")
        if "needed" in row and needed != info.is_required():
            wrong.append(f"`{field}` is {'needed' if info.is_required() else 'optional'}")
        if "translated" in row and translated != is_translated(info):
            wrong.append(
                f"`{field}` is {'translated' if is_translated(info) else 'not translated'}"
            )
    assert not wrong, f"{where}: the table of model {name} is wrong: " + "; ".join(wrong)


def _shared_section_fields(name: str) -> set[str]:
    """Fields of other models described in the same section (a file and its list's items)."""
    key = MODEL_SECTIONS[name]
    return {
        field
        for model in MODELS
        if model.__name__ != name and MODEL_SECTIONS.get(model.__name__) == key
        for field in model.model_fields
    }


def test_every_allowed_value_is_named() -> None:
    values: dict[str, set[str]] = {}
    for model in MODELS:
        for field, info in model.model_fields.items():
            for value in _allowed_values(info.annotation):
                values.setdefault(value, set()).add(f"{model.__name__}.{field}")
    for enum in (Status, Accreditation):
        for member in enum:
            values.setdefault(member.value, set()).add(enum.__name__)
    missing = {
        value: sorted(where) for value, where in values.items() if f"`{value}`" not in GUIDE.text
    }
    assert not missing, (
        f"docs/authoring.md does not name these allowed values (in backticks): {missing}"
    )


def test_translation_flags_and_states_are_named() -> None:
    missing = [flag for flag in (REVIEWED, MACHINE, "fuzzy") if f"`{flag}`" not in GUIDE.text]
    assert not missing, f"docs/authoring.md does not name the translation flags {missing}"
    missing_states = [state.value for state in State if f"| {state.value} |" not in GUIDE.text]
    assert not missing_states, f"the table of translation states lacks {missing_states}"


# -- snippets -----------------------------------------------------------------------------

YAML_FENCES = [fence for fence in GUIDE.fences if fence.lang in ("yaml", "yml")]
CHECKED_FENCES = [fence for fence in GUIDE.fences if "check:" in fence.marker]
MODELS_BY_NAME = {model.__name__: model for model in MODELS}


@pytest.mark.parametrize("fence", YAML_FENCES, ids=lambda f: f"line{f.line}")
def test_yaml_snippet_parses(fence: Fence) -> None:
    try:
        yaml.safe_load(fence.body)
    except yaml.YAMLError as exc:
        pytest.fail(f"docs/authoring.md:{fence.line}: this YAML example does not parse: {exc}")
    parse_yaml(fence.body)  # and Haven's own reader accepts it


@pytest.mark.parametrize("fence", CHECKED_FENCES, ids=lambda f: f"line{f.line}")
def test_checked_snippet_is_valid_content(fence: Fence) -> None:
    marker = re.fullmatch(r"<!--\s*check:\s*(\w+)(?:\s+in\s+(\w+))?\s*-->", fence.marker)
    assert marker, (
        f"docs/authoring.md:{fence.line - 1}: write the marker as <!-- check: Model [in field] -->"
    )
    name, key = marker.groups()
    assert name in MODELS_BY_NAME, f"docs/authoring.md:{fence.line - 1}: there is no model {name}"
    model = MODELS_BY_NAME[name]
    if fence.lang == "markdown":
        data = parse_markdown(fence.body + "\n").meta.data
    else:
        data = parse_yaml(fence.body).data
    if key:
        data = data[key]
    items = data if key and isinstance(data, list) else [data]
    for item in items:
        try:
            model.model_validate(item, context={"country": "US"})
        except ValidationError as exc:
            pytest.fail(
                f"docs/authoring.md:{fence.line}: this example is not a valid {name}:\n{exc}"
            )


def test_every_file_has_a_checked_example() -> None:
    checked = {re.findall(r"check:\s*(\w+)", fence.marker)[0] for fence in CHECKED_FENCES}
    missing = [root.__name__ for root in ROOTS if root.__name__ not in checked]
    assert not missing, (
        f"docs/authoring.md has no checked example (<!-- check: … -->) for {missing}"
    )
    statuses = {
        value
        for fence in CHECKED_FENCES
        for value in re.findall(r"^\s*status:\s*([\w-]+)", fence.body, re.MULTILINE)
    }
    assert statuses >= {s.value for s in Status}, (
        f"no checked example shows status {sorted({s.value for s in Status} - statuses)}"
    )


# -- commands -----------------------------------------------------------------------------


def _named_commands() -> list[tuple[str, str | None]]:
    spans = re.findall(r"`([^`\n]+)`", GUIDE.prose)
    spans += [
        fence.body for fence in GUIDE.fences if fence.lang in ("text", "console", "sh", "bash", "")
    ]
    found = []
    for span in spans:
        for match in re.finditer(
            r"(?<![\w/.-])haven\s+([a-z][a-z0-9-]*)(?:[ \t]+([a-z][a-z0-9-]*))?", span
        ):
            found.append((match.group(1), match.group(2)))
    return found


def test_named_commands_exist() -> None:
    assert isinstance(main, click.Group)
    wrong = []
    for name, sub in _named_commands():
        command = main.get_command(click.Context(main), name)
        if command is None:
            wrong.append(f"haven {name}")
        elif isinstance(command, click.Group) and (sub is None or sub not in command.commands):
            wrong.append(f"haven {name} {sub or ''}".strip())
    assert not wrong, f"docs/authoring.md names commands that do not exist: {sorted(set(wrong))}"


def test_main_commands_are_explained() -> None:
    named = set(_named_commands())
    for expected in [("init", None), ("build", None), ("serve", None), ("translate", "update")]:
        assert any(
            n == expected[0] and (expected[1] is None or s == expected[1]) for n, s in named
        ), f"docs/authoring.md never shows `haven {' '.join(p for p in expected if p)}`"


# -- real messages ------------------------------------------------------------------------

ERROR_HUB = {
    "hub.yaml": """\
name: Test hub
district: Test District
base_url: https://families.example.org/
source_language: en
languages: [en, es]
phone: 860-555-0100
phone_label: Family Welcome Center
interpretation: Interpretation is free.
home:
  intro: Welcome.
  first_steps:
    - Call us.
""",
    "topics.yaml": "topics:\n  - id: legal-help\n    name: Free legal help\n",
    "audiences.yaml": "audiences:\n  - id: families\n    name: Families\n",
    # The three mistakes of the guide's example, on the lines it shows.
    "directory/example-legal-aid.yaml": """\
id: example-legal-aid
name: Example Legal Aid
phone:
  - number: 860-555-0199
verification:
  status: unverified
""",
    "documents/welcome.md": """\
---
# A document.
id: welcome
title: A message to our families
kind: letter
summary: Why our schools are safe places for every child.
order: 10
audiences: [families]
topics: [legal-hlep]
---
Dear families,
""",
    "resources.yaml": """\
# resources.yaml
#
#
resources:
  - id: aclu-know-your-rights
    title: "Know your rights: immigrants' rights"
    publisher: ACLU
    kind: webpage
    url: https://www.aclu.org/know-your-rights/immigrants-rights
    audiences: [families]
    topics: [legal-help]
    verification:
      status: current
""",
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _build_output(root: Path, tmp_path: Path) -> str:
    result = CliRunner().invoke(main, ["build", str(root), "--output", str(tmp_path / "site")])
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "site").exists(), "a build with problems published something"
    return result.output


def test_error_example_is_what_haven_prints(tmp_path: Path) -> None:
    blocks = [f for f in GUIDE.fences if f.body.startswith("Error: the content has")]
    assert len(blocks) == 1, "docs/authoring.md should show one example of a build's problems"
    shown = [line for line in blocks[0].body.split("\n") if line.strip()]
    output = _build_output(_write(tmp_path / "hub", ERROR_HUB), tmp_path)
    flat = "".join(output.split())  # however the terminal wrapped it
    differ = [line for line in shown if "".join(line.split()) not in flat]
    assert not differ, (
        f"docs/authoring.md:{blocks[0].line}: these lines of the example are not what Haven "
        f"prints: {differ}\nHaven prints:\n{output}"
    )


def test_refusal_example_is_what_haven_prints(tmp_path: Path) -> None:
    shown = [
        line
        for fence in GUIDE.fences
        for line in fence.body.split("\n")
        if "would record immigration or citizenship status" in line
    ]
    assert shown, "docs/authoring.md should show the message Haven gives for a status field"
    files = dict(ERROR_HUB)
    files["hub.yaml"] += "immigration_status: anything\n"
    output = _build_output(_write(tmp_path / "hub", files), tmp_path)
    for line in shown:
        message = re.sub(r"^\S+:\d+: ", "", line)
        assert "".join(message.split()) in "".join(output.split()), (
            f"Haven no longer prints the guide's refusal message:\n{output}"
        )


# Interface sentences the guide quotes as what families see, with the sample values it uses.
QUOTED_UI = {
    "last_checked": {"date": "1 March 2025"},
    "status_superseded": {"date": "20 January 2025"},
    "status_moved": {},
    "status_unverified": {},
    "status_needs_review": {},
    "address_withheld": {},
    "phone_textphone": {},
    "phone_text": {},
    "phone_fax": {},
    "call": {},
    "machine_translation": {},
}


@pytest.mark.parametrize("key", sorted(QUOTED_UI))
def test_quoted_interface_text_is_current(key: str) -> None:
    from haven.ui import UI_STRINGS

    assert key in UI_STRINGS, (
        f"the interface string {key!r} no longer exists: update QUOTED_UI and the guide"
    )
    expected = UI_STRINGS[key].format(**QUOTED_UI[key])
    flat = " ".join(GUIDE.text.split())
    assert expected in flat, (
        f"docs/authoring.md should quote what families see for {key!r}: {expected!r}"
    )


# -- links --------------------------------------------------------------------------------


def _slug(title: str) -> str:
    """The anchor GitHub and most Markdown viewers give a heading."""
    text = re.sub(r"`", "", title).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_links_within_the_guide_lead_somewhere() -> None:
    anchors = {_slug(section.title) for section in GUIDE.sections}
    broken = sorted({a for a in re.findall(r"\]\(#([^)]+)\)", GUIDE.prose) if a not in anchors})
    assert not broken, f"docs/authoring.md links to headings that do not exist: {broken}"


# -- the rules of issue 12, as the guide states them ------------------------------------------


def _section(heading: str) -> str:
    text = GUIDE_PATH.read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else len(text)]


def test_the_broken_page_link_message_is_the_real_one(tmp_path: Path) -> None:
    """The guide's example of a link written as a path is what Haven prints for it."""
    from haven.content.load import load
    from haven.content.validate import validate
    from haven.errors import ContentError
    from haven.scaffold import create

    section = _section("### Links to the hub's own pages")
    shown = re.search(r"```text\n(.*?)\n```", section, re.DOTALL)
    assert shown, "the section shows the error"
    hub = tmp_path / "hub"
    create(hub)
    welcome = hub / "documents" / "welcome.md"
    text = welcome.read_text(encoding="utf-8").replace(
        "Call us if you have questions.", "See [legal help](/help/legal-help/).")
    welcome.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        validate(load(hub))
    assert [str(p) for p in caught.value.problems] == [shown[1]]


def test_the_cost_example_is_shown_as_the_guide_says(tmp_path: Path) -> None:
    """The mixed-cost example: every option with its amount, and not free."""
    from haven.content.facets import is_free
    from haven.content.schema import Service
    from haven.costs import cost_text

    section = _section("#### Cost (`cost_options`)")
    snippets = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    service = Service.model_validate({"id": "x", "name": "X", **yaml.safe_load(snippets[-1])})
    assert not is_free(service)
    said = re.search(r'"(Adults: [^"]+)"', section)
    assert said and cost_text(service, "en_US", "free") == said[1]


def test_the_statuses_the_guide_promises_are_the_interface_strings() -> None:
    from haven.ui import UI_STRINGS

    section = _section("## The verification block")
    assert UI_STRINGS["status_closed"].format(date="30 April 2025") in section
    assert UI_STRINGS["call_to_check"].format(phone="(860) 695-8400") in section
    assert f"({UI_STRINGS['unconfirmed']})" in _section("## Unconfirmed statements")


# -- the glossary -------------------------------------------------------------------------


def test_glossary_format_is_documented_and_its_example_is_valid() -> None:
    from haven.i18n.glossary import COLUMNS, GLOSSARY_DIR, parse_glossary

    assert f"`{GLOSSARY_DIR}/<tag>.csv`" in GUIDE.prose, "the guide must say where glossaries go"
    for column in COLUMNS:
        assert f"`{column}`" in GUIDE.prose, f"the guide never names the column `{column}`"
    examples = [fence for fence in GUIDE.fences if fence.lang == "csv"]
    assert examples, "the guide must show a glossary (a ```csv block)"
    for fence in examples:
        glossary = parse_glossary(fence.body + "\n", f"docs/authoring.md:{fence.line}")
        assert glossary.terms and not glossary.problems, glossary.problems
    assert ("translate", "check") in _named_commands(), "the guide must show `haven translate check`"
