"""Loading and validating again in the same process (`haven serve`, the editor's preview):
files whose bytes did not change are not parsed or validated again, and the result is the
same as a cold run's, value for value and in the same order (issue 14)."""

from __future__ import annotations

import contextlib
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import haven.content.load as load_module
import haven.content.validate as validate_module
from haven.content.load import load
from haven.content.validate import Content, validate
from haven.errors import ContentError, Problem
from haven.example import example_content

ORG = "directory/connecticut-legal-services.yaml"
OTHER_ORG = "directory/hps-welcome-center.yaml"
DOCUMENT = "documents/letter.md"
REPO = Path(__file__).resolve().parent.parent


class _Unsorted(ContentError):
    """ContentError that also keeps its problems in the order validation found them (the
    message sorts them)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.found = list(problems)
        super().__init__(problems)


def _problems(items: list[Problem]) -> list[tuple[str, int, str, str]]:
    return [(p.file, p.line, p.message, p.hint) for p in items]


def outcome(root: Path) -> dict[str, Any]:
    """Everything load and validate give for `root`, as plain comparable values."""
    raw = load(root)
    loaded = {
        "problems": _problems(raw.problems),
        "files": [(name, located.data, located.lines, located.duplicates, located.line_offset)
                  for name, located in raw.files.items()],
        "documents": [(name, doc.meta.data, doc.meta.lines, doc.body, doc.body_line)
                      for name, doc in raw.documents.items()],
        "catalogs": dict(raw.catalogs),
    }
    try:
        content = validate(raw)
    except _Unsorted as exc:
        return {"loaded": loaded, "problems": _problems(exc.found)}
    return {"loaded": loaded, "content": _content(content)}


def _content(content: Content) -> dict[str, Any]:
    return {
        "hub": content.hub.model_dump(),
        "topics": [t.model_dump() for t in content.topics],
        "audiences": [a.model_dump() for a in content.audiences],
        "resources": [r.model_dump() for r in content.resources],
        "reporting": content.reporting.model_dump() if content.reporting else None,
        "organizations": [o.model_dump() for o in content.organizations],
        "documents": [(d.meta.model_dump(), d.body, d.file, d.body_line) for d in content.documents],
        "catalogs": list(content.catalogs.items()),
        "origins": list(content.origins.items()),
        "warnings": _problems(content.warnings),
    }


def clear() -> None:
    load_module.clear_memo()
    validate_module.clear_memo()


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the Hartford example, with no memo of any earlier load."""
    monkeypatch.setattr(validate_module, "ContentError", _Unsorted)
    root = tmp_path / "hub"
    shutil.copytree(example_content(), root)
    clear()
    yield root
    clear()


def replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


Outcome = dict[str, Any]


def warm_and_cold(root: Path, change: Callable[[], None]) -> tuple[Outcome, Outcome, Outcome]:
    """The outcome before `change`; after it, in a process that loaded `root` before; and
    after it with every memo cleared (as in a cold process)."""
    before = outcome(root)
    change()
    warm = outcome(root)
    clear()
    return before, warm, outcome(root)


CHANGES: dict[str, Callable[[Path], None]] = {
    "organization edited": lambda root: replace(
        root, ORG, "Its contact details", "Its phone and address details"),
    "organization's service renamed": lambda root: replace(
        root, ORG, "name: Legal services", "name: Free legal services"),
    "hub.yaml edited": lambda root: replace(
        root, "hub.yaml", "name: Hartford Public Schools", "name: Hartford Schools"),
    "hub.yaml's country changed (every record validated again)": lambda root: (
        replace(root, "hub.yaml", "country: US", "country: GB"),
        replace(root, "hub.yaml", "phone: 860-695-8400", "phone: +1 860-695-8400")),
    "document edited": lambda root: replace(root, DOCUMENT, "order: 10", "order: 1"),
    "organization deleted": lambda root: (root / ORG).unlink(),
    "document deleted": lambda root: (root / DOCUMENT).unlink(),
    "organization added": lambda root: (root / "directory" / "new.yaml").write_text(
        (root / ORG).read_text(encoding="utf-8")
        .replace("id: connecticut-legal-services", "id: new-org")
        .replace("id: connecticut-legal-services-legal-services", "id: new-org-service"),
        encoding="utf-8"),
    "same bytes at another path": lambda root: shutil.copy(root / ORG, root / "directory" / "copy.yaml"),
    "same document at another path": lambda root: shutil.copy(
        root / DOCUMENT, root / "documents" / "copy.md"),
    "YAML broken": lambda root: replace(root, ORG, "name: Connecticut Legal Services",
                                        "name: [Connecticut Legal Services"),
    "field misspelt": lambda root: replace(root, ORG, "description:", "descripton:"),
    "status field added": lambda root: replace(root, ORG, "name: Connecticut Legal Services",
                                               "name: Connecticut Legal Services\nvisa_status: x"),
    "not UTF-8": lambda root: (root / ORG).write_bytes(b"id: \xff\n"),
    "fictional phone": lambda root: replace(root, ORG, "audiences: [families]",
                                            "audiences: [families]\n    phones:\n"
                                            "      - number: 860-555-0123"),
    "statement marked unconfirmed": lambda root: replace(
        root, ORG, "name: Connecticut Legal Services",
        "name: Connecticut Legal Services\nunconfirmed: [name]"),
}


def test_an_unchanged_link_to_a_page_that_goes_away_is_reported(hub: Path) -> None:
    """The document's text is the same, but the page its link leads to is gone."""
    (hub / DOCUMENT).write_text((hub / DOCUMENT).read_text(encoding="utf-8")
                                + "\nSee [legal help](page:help/org/connecticut-legal-services).\n",
                                encoding="utf-8")
    before, warm, cold = warm_and_cold(hub, lambda: (hub / ORG).unlink())
    assert "content" in before
    assert warm == cold
    assert any("goes to a page this hub does not have" in problem[2]
               for problem in warm["problems"])


@pytest.mark.parametrize("what", list(CHANGES))
def test_warm_outcome_is_the_cold_one(hub: Path, what: str) -> None:
    before, warm, cold = warm_and_cold(hub, lambda: CHANGES[what](hub))
    assert warm == cold
    assert warm != before


def test_unchanged_files_are_not_parsed_or_validated_again(hub: Path) -> None:
    """The memo is used: what did not change is the very same object; what changed is new."""
    raw = load(hub)
    first = validate(raw)
    CHANGES["organization edited"](hub)
    again = load(hub)
    second = validate(again)
    assert again.files[OTHER_ORG] is raw.files[OTHER_ORG]
    assert again.files["hub.yaml"] is raw.files["hub.yaml"]
    assert again.documents[DOCUMENT] is raw.documents[DOCUMENT]
    assert again.files[ORG] is not raw.files[ORG]
    by_id = {org.id: org for org in first.organizations}
    for org in second.organizations:
        if org.id == "connecticut-legal-services":
            assert org is not by_id[org.id]
            assert org.description.startswith("Listed on the district page")
            assert "Its phone and address details" in org.description
        else:
            assert org is by_id[org.id]
    assert second.hub is first.hub


def test_a_broken_file_is_reported_on_every_build_until_fixed(hub: Path) -> None:
    valid = outcome(hub)
    text = (hub / ORG).read_text(encoding="utf-8")
    for broken in ("name: [never closed\n", text.replace("description:", "descripton:"),
                   text.replace("status: unverified", "status: maybe")):
        (hub / ORG).write_text(broken, encoding="utf-8")
        first = outcome(hub)
        assert "problems" in first
        assert any(problem[0] == ORG for problem in first["problems"])
        for _ in range(2):  # the same bytes again: the same problems, not a stale "valid"
            assert outcome(hub) == first
        (hub / ORG).write_text(text, encoding="utf-8")
        assert outcome(hub) == valid


def test_a_fix_that_restores_earlier_bytes_gives_the_earlier_content(hub: Path) -> None:
    before = outcome(hub)
    original = (hub / "hub.yaml").read_bytes()
    (hub / "hub.yaml").write_bytes(original.replace(b"country: US", b"country: [US"))
    assert "problems" in outcome(hub)
    (hub / "hub.yaml").write_bytes(original)
    assert outcome(hub) == before
    clear()
    assert outcome(hub) == before


def test_same_bytes_at_two_paths_are_two_records(hub: Path) -> None:
    """Two files with identical bytes give two parse results and two problems, each with its
    own file name, however many times they are loaded."""
    shutil.copy(hub / ORG, hub / "directory" / "copy.yaml")
    for _ in range(3):
        raw = load(hub)
        assert raw.files[ORG] is not raw.files["directory/copy.yaml"]
        with pytest.raises(ContentError) as caught:
            validate(raw)
        duplicated = [p for p in caught.value.problems if "already used in" in p.message]
        assert {p.file for p in duplicated} == {"directory/copy.yaml"}


def test_a_file_replaced_by_a_link_outside_is_refused_though_its_bytes_are_known(
        hub: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(hub / ORG, outside)
    inside = hub / "directory" / "sub" / "linked.yaml"
    inside.parent.mkdir()
    inside.symlink_to(hub / OTHER_ORG)
    for name in (ORG, "hub.yaml"):
        shutil.copy(hub / name, outside)
        before, warm, cold = warm_and_cold(hub, lambda name=name: (
            (hub / name).unlink(), (hub / name).symlink_to(outside)))
        assert warm == cold != before
        assert (name, 0, "this file points outside the content folder",
                "copy the file into the folder instead of linking to it") in warm["loaded"]["problems"]
        (hub / name).unlink()
        shutil.copy(outside, hub / name)
    assert "directory/sub/linked.yaml" in {f[0] for f in outcome(hub)["loaded"]["files"]}


def test_a_cold_process_gives_the_same_outcome(hub: Path, tmp_path: Path) -> None:
    """Warm in this process, after an edit, equals a new Python process's first load."""
    outcome(hub)
    CHANGES["organization edited"](hub)
    CHANGES["document edited"](hub)
    warm = outcome(hub)
    script = (
        "import pickle, sys\n"
        "from pathlib import Path\n"
        "import haven.content.validate as v\n"
        "from tests.test_warm_load import outcome, _Unsorted\n"
        "v.ContentError = _Unsorted\n"
        "sys.stdout.buffer.write(pickle.dumps(outcome(Path(sys.argv[1]))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(hub)], cwd=REPO,
                          capture_output=True, check=True)
    assert pickle.loads(done.stdout) == warm


def test_the_memo_stays_bounded(tmp_path: Path) -> None:
    """Many folders and many edits: only the last few folders are kept, each with only the
    files of its last load."""
    source = example_content()
    folders = []
    for n in range(load_module.MEMO_ROOTS + 3):
        root = tmp_path / f"hub{n}"
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("translations"))
        folders.append(root)
    clear()
    for round_ in range(3):
        for root in folders:
            for edit in range(3):
                org = root / ORG
                org.write_text(org.read_text(encoding="utf-8").replace(
                    "Its contact details", f"Its details ({round_}, {edit}),", 1), encoding="utf-8")
                (root / "directory" / f"added-{round_}-{edit}.yaml").write_text(
                    f"id: added-{round_}-{edit}\nname: Added\n", encoding="utf-8")
                (root / "directory" / f"added-{round_}-{edit - 1}.yaml").unlink(missing_ok=True)
                with contextlib.suppress(ContentError):
                    validate(load(root))
    assert len(load_module._memo) == load_module.MEMO_ROOTS
    assert len(validate_module._memo) == validate_module.MEMO_ROOTS
    assert set(load_module._memo) == {str(root) for root in folders[-load_module.MEMO_ROOTS:]}
    for root in folders[-load_module.MEMO_ROOTS:]:
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                       if p.suffix in (".yaml", ".md"))
        assert sorted(load_module._memo[str(root)]) == files
        assert sorted(validate_module._memo[str(root)]) == files
    clear()


def test_results_for_other_countries_are_not_kept(hub: Path) -> None:
    """hub.yaml's country switched back and forth: each record keeps one validation, and the
    outcome is each time a cold run's."""
    us = (hub / "hub.yaml").read_text(encoding="utf-8")
    gb = us.replace("country: US", "country: GB").replace("phone: 860-695-8400",
                                                          "phone: +1 860-695-8400")
    cold = {}
    for text in (us, gb):
        (hub / "hub.yaml").write_text(text, encoding="utf-8")
        clear()
        cold[text] = outcome(hub)
    assert cold[us] != cold[gb]
    for text in (gb, us, gb, us, gb):
        (hub / "hub.yaml").write_text(text, encoding="utf-8")
        assert outcome(hub) == cold[text]
        for results in validate_module._memo[str(hub)].values():
            assert len(results.models) <= 1
            assert len(results.fictional) <= 1
