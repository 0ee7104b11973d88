"""Step 1, load: read every file of a content folder, keeping lines for error messages.

Loading never stops at the first problem: syntax problems are collected and handed on to
validation, which reports them together with everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from haven.content.source import (
    Located,
    MarkdownFile,
    SourceSyntaxError,
    parse_markdown,
    parse_yaml,
)
from haven.errors import Problem, relative

SINGLE_FILES = ("hub.yaml", "topics.yaml", "audiences.yaml", "resources.yaml", "reporting.yaml")
DOCUMENTS_DIR = "documents"
DIRECTORY_DIR = "directory"
TRANSLATIONS_DIR = "translations"
MAX_FILE_BYTES = 2_000_000


@dataclass
class RawContent:
    """What the folder holds, parsed but not yet checked against the schema."""

    root: Path
    files: dict[str, Located] = field(default_factory=dict)
    """YAML files by their path relative to the folder."""
    documents: dict[str, MarkdownFile] = field(default_factory=dict)
    catalogs: dict[str, Path] = field(default_factory=dict)
    """PO catalogs by language tag (the file name without .po)."""
    problems: list[Problem] = field(default_factory=list)


def load(root: Path) -> RawContent:
    """Read `root`; every unreadable file becomes a Problem, not an exception."""
    raw = RawContent(root=root)
    if not root.is_dir():
        raw.problems.append(
            Problem(str(root), 0, "this content folder does not exist",
                    "check the path, or run 'haven init FOLDER' to start a new hub")
        )
        return raw
    for name in SINGLE_FILES:
        path = root / name
        if not path.exists():
            if name == "hub.yaml":
                raw.problems.append(
                    Problem(name, 0, "the hub settings file is missing",
                            "create hub.yaml (run 'haven init' for an example)")
                )
            continue
        text = _read_text(path, raw)
        if text is not None:
            _parse_yaml_file(name, text, raw)
    for path in _files_in(root, DIRECTORY_DIR, (".yaml", ".yml"), raw):
        text = _read_text(path, raw)
        if text is not None:
            _parse_yaml_file(relative(path, root), text, raw)
    for path in _files_in(root, DOCUMENTS_DIR, (".md",), raw):
        text = _read_text(path, raw)
        if text is None:
            continue
        name = relative(path, root)
        try:
            raw.documents[name] = parse_markdown(text)
        except SourceSyntaxError as exc:
            raw.problems.append(Problem(name, exc.line, exc.message, exc.hint))
    for path in _files_in(root, TRANSLATIONS_DIR, (".po",), raw):
        raw.catalogs[path.stem] = path
    return raw


def _files_in(root: Path, folder: str, suffixes: tuple[str, ...], raw: RawContent) -> list[Path]:
    """Files of `folder`, sorted; anything that leads outside the content folder is refused."""
    base = root / folder
    if not base.is_dir():
        return []
    found = []
    real_root = root.resolve()
    for path in sorted(base.rglob("*")):
        if path.suffix not in suffixes or path.name.startswith("."):
            continue
        if not path.resolve().is_relative_to(real_root):
            raw.problems.append(
                Problem(relative(path, root), 0, "this file points outside the content folder",
                        "copy the file into the folder instead of linking to it")
            )
            continue
        if path.is_file():
            found.append(path)
    return found


def _read_text(path: Path, raw: RawContent) -> str | None:
    name = relative(path, raw.root)
    if not path.resolve().is_relative_to(raw.root.resolve()):
        raw.problems.append(
            Problem(name, 0, "this file points outside the content folder",
                    "copy the file into the folder instead of linking to it")
        )
        return None
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raw.problems.append(
            Problem(name, 0, f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB",
                    "split it into smaller files")
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raw.problems.append(
            Problem(name, line, "the file is not UTF-8 text",
                    "save it as UTF-8 in your editor (\"Save with encoding\" → UTF-8)")
        )
        return None
    found = _CONTROL.search(text)
    if found is not None:
        raw.problems.append(
            Problem(name, text.count("\n", 0, found.start()) + 1,
                    "the line contains an invisible control character",
                    "retype the line, or copy it again from a plain-text source")
        )
        return None
    return text.replace("\r\n", "\n")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters a text file should not hold (tab, line feed and carriage return may)."""


def _parse_yaml_file(name: str, text: str, raw: RawContent) -> None:
    try:
        located = parse_yaml(text)
    except SourceSyntaxError as exc:
        raw.problems.append(Problem(name, exc.line, exc.message, exc.hint))
        return
    raw.files[name] = located
