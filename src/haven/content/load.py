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
from haven.placeholders import bad_character

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
        if path.is_symlink() and not path.exists():
            raw.problems.append(_broken_link(name))
            continue
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
        try:
            inside = path.resolve().is_relative_to(real_root)
        except (OSError, RuntimeError):  # a loop of symbolic links
            raw.problems.append(_broken_link(relative(path, root)))
            continue
        if not inside:
            raw.problems.append(
                Problem(relative(path, root), 0, "this file points outside the content folder",
                        "copy the file into the folder instead of linking to it")
            )
            continue
        if path.is_symlink() and not path.exists():
            raw.problems.append(_broken_link(relative(path, root)))
        elif path.is_file():
            found.append(path)
        else:  # a pipe, or a folder named like a file (other folders have no such suffix)
            raw.problems.append(_not_a_file(relative(path, root)))
    return found


def _broken_link(name: str) -> Problem:
    return Problem(name, 0, "this is a symbolic link that leads nowhere (or in a loop)",
                   "replace the link with the file itself")


def _not_a_file(name: str) -> Problem:
    return Problem(name, 0, "this is not a file (a folder, a pipe or a device has its name)",
                   "replace it with the file itself, or remove it")


def _read_text(path: Path, raw: RawContent) -> str | None:
    name = relative(path, raw.root)
    try:
        inside = path.resolve().is_relative_to(raw.root.resolve())
    except (OSError, RuntimeError):  # a loop of symbolic links
        raw.problems.append(_broken_link(name))
        return None
    if not inside:
        raw.problems.append(
            Problem(name, 0, "this file points outside the content folder",
                    "copy the file into the folder instead of linking to it")
        )
        return None
    if not path.is_file():  # a folder, or a FIFO that reading would wait on for ever
        raw.problems.append(_not_a_file(name))
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raw.problems.append(Problem(name, 0, f"this file cannot be read ({exc.strerror})",
                                    "check that it exists and that you may read it"))
        return None
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
    bad = bad_character(text)
    if bad is not None:
        what, _, hint = bad[1].partition(" — ")
        raw.problems.append(Problem(name, text.count("\n", 0, bad[0]) + 1,
                                    what.replace("the text", "the line", 1), hint))
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
