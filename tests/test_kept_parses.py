"""YAML files parsed by an earlier run are taken back from Haven's cache folder by their
bytes' digest (haven.content.kept): the same data, lines and duplicates as a fresh parse,
parsed again when the bytes change, and a damaged cache only costs a parse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import haven.content.load as load_module
from haven.content.kept import _kept_file
from haven.content.load import clear_memo, load
from tests.conftest import MakeHub

ORG = """\
id: kept-org
name: Kept Org
name: Kept Org Again
verification:
  verified: 2026-01-15
  method: phoned the front desk
opened: 2026-02-03 09:30:00+00:00
services:
  - id: s1
    name: One
    note: "2026-03-04"
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    clear_memo()
    yield tmp_path / "cache"
    clear_memo()


def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the files the YAML parser reads from now on."""
    seen: list[str] = []
    parse = load_module.parse_yaml

    def counted(text: str):  # type: ignore[no-untyped-def]
        seen.append(text.partition("\n")[0])
        return parse(text)

    monkeypatch.setattr(load_module, "parse_yaml", counted)
    return seen


def test_a_kept_parse_is_the_fresh_parse(make_hub: MakeHub, cache: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    hub = make_hub({"directory/kept.yaml": ORG,
                    "directory/binary.yaml": "id: binary\nlogo: !!binary aGVsbG8=\n"})
    fresh = load(hub)
    assert _kept_file(hub).is_file() and _kept_file(hub).is_relative_to(cache)
    clear_memo()  # a new process
    seen = parses(monkeypatch)
    again = load(hub)
    assert seen == ["id: binary"]  # a !!binary value (bytes) is not kept: parsed again
    assert again.files.keys() == fresh.files.keys() and again.problems == fresh.problems
    for name, located in fresh.files.items():
        assert again.files[name] == located, name
    org = again.files["directory/kept.yaml"]
    assert org.data["verification"]["verified"] == dt.date(2026, 1, 15)
    assert org.data["opened"] == dt.datetime(2026, 2, 3, 9, 30, tzinfo=dt.UTC)
    assert org.data["services"][0]["note"] == "2026-03-04"  # text stays text
    assert org.duplicates == [(("name",), 3)]
    hub_yaml = again.files["hub.yaml"]
    assert hub_yaml is not fresh.files["hub.yaml"] and hub_yaml == fresh.files["hub.yaml"]


def test_changed_bytes_are_parsed_again_and_a_damaged_cache_is_ignored(
        make_hub: MakeHub, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = make_hub()
    load(hub)
    clear_memo()
    settings = hub / "hub.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "name:", "name: Renamed\nold_name:", 1), encoding="utf-8")
    seen = parses(monkeypatch)
    changed = load(hub)
    assert len(seen) == 1 and changed.files["hub.yaml"].data["name"] == "Renamed"
    _kept_file(hub).write_bytes(b'{"hub.yaml": ["0", [1, 2')  # damaged
    clear_memo()
    seen.clear()
    assert load(hub).files == changed.files
    assert len(seen) == len(changed.files)  # every file parsed again, nothing else


def test_a_process_that_loaded_before_leaves_the_kept_parses_alone(
        make_hub: MakeHub, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`haven serve` loads again after each save: only the saved file is parsed, and what
    earlier runs kept is neither read nor written again (it would cost more than the parse)."""
    hub = make_hub()
    load(hub)
    before = _kept_file(hub).read_bytes()

    def untouchable(*args: object) -> None:
        raise AssertionError("the kept parses were read or written")

    monkeypatch.setattr(load_module, "kept_parses", untouchable)
    monkeypatch.setattr(load_module, "keep_parses", untouchable)
    settings = hub / "hub.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    seen = parses(monkeypatch)
    load(hub)
    assert len(seen) == 1 and _kept_file(hub).read_bytes() == before
