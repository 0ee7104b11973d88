"""Shared fixtures: a starter hub with overrides, a CLI runner, the bundled example."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

import haven.scaffold
from haven.example import example_content

Overrides = Mapping[str, "str | bytes | None"]
MakeHub = Callable[..., Path]


@pytest.fixture
def make_hub(tmp_path: Path) -> MakeHub:
    """Factory: a copy of the starter hub (`haven init`) with some files replaced.

    `make_hub({"hub.yaml": text, "documents/welcome.md": None})` writes `text` (str is
    written as UTF-8, bytes as they are) and deletes the files mapped to None. Each call
    makes a new folder under tmp_path and returns it.
    """
    counter = 0

    def make(files: Overrides | None = None, name: str | None = None) -> Path:
        nonlocal counter
        counter += 1
        root = tmp_path / (name or f"hub{counter}")
        haven.scaffold.create(root)
        for relative, content in (files or {}).items():
            path = root / relative
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def cli() -> CliRunner:
    """A click runner; in click 8.2+ `result.output` holds stdout and stderr interleaved."""
    return CliRunner()


@pytest.fixture
def example_dir() -> Path:
    """The bundled Hartford example content."""
    return example_content()


STARTER = Path(str(resources.files("haven") / "scaffold" / "hub"))
"""The starter hub that `haven init` copies: a small, valid content folder."""


def starter_text(relative: str) -> str:
    """The text of one file of the starter hub."""
    return (STARTER / relative).read_text(encoding="utf-8")


@pytest.fixture
def edit() -> Callable[..., dict[str, str]]:
    """`edit("hub.yaml", ("old", "new"), ...)`: the starter file with each `old` replaced once.

    Returns an override for make_hub. Each `old` must occur exactly once, so a test cannot
    silently stop testing what it says when the starter hub changes.
    """

    def make(relative: str, *replacements: tuple[str, str]) -> dict[str, str]:
        text = starter_text(relative)
        for old, new in replacements:
            assert text.count(old) == 1, f"{old!r} is not in {relative} exactly once"
            text = text.replace(old, new)
        return {relative: text}

    return make
