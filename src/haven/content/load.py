"""Step 1, load: read every file of a content folder, keeping lines for error messages.

Loading never stops at the first problem: syntax problems are collected and handed on to
validation, which reports them together with everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from haven.content.kept import Kept, digest_of, keep_parses, kept_parses
from haven.content.source import (
    Located,
    MarkdownFile,
    SourceSyntaxError,
    parse_markdown,
    parse_yaml,
)
from haven.errors import Problem, relative
from haven.memo import FolderMemo
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
    """Read `root`; every unreadable file becomes a Problem, not an exception.

    Every file is read each time; a file whose bytes this process has parsed before is not
    parsed again (see _parse_file): `haven serve` rebuilds after each save.
    """
    raw = RawContent(root=root)
    previous, current = _recalled(root), dict[str, _Parsed]()
    # A process that loaded the folder before parses only the files that changed since: it
    # neither reads nor writes what earlier runs kept (haven.content.kept).
    kept = None if previous else _Kept(root)
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
        _parse_file(name, _read_bytes(path, raw), raw, previous, current, kept)
    for folder, suffixes in ((DIRECTORY_DIR, (".yaml", ".yml")), (DOCUMENTS_DIR, (".md",))):
        for path in _files_in(root, folder, suffixes, raw):  # each checked as _read_bytes does
            _parse_file(relative(path, root), _read_file(path, raw), raw, previous, current, kept)
    for path in _files_in(root, TRANSLATIONS_DIR, (".po",), raw):
        raw.catalogs[path.stem] = path
    _remember(root, current)
    if kept is not None:
        kept.keep(current)
    return raw


class _Kept:
    """The folder's YAML files as earlier runs parsed them (haven.content.kept): read when a
    file is first parsed in this process, written when one was parsed anew."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.parses: Kept | None = None
        self.changed = False

    def located(self, name: str, digest: str) -> Located | None:
        if self.parses is None:
            self.parses = kept_parses(self.root)
        found = self.parses.get(name)
        return found[1] if found is not None and found[0] == digest else None

    def keep(self, current: dict[str, _Parsed]) -> None:
        if self.changed:
            keep_parses(self.root, {name: (parsed.digest, parsed.result)
                                    for name, parsed in current.items()
                                    if parsed.digest and isinstance(parsed.result, Located)})


# -- what this process parsed before ------------------------------------------------------------

@dataclass(frozen=True)
class _Parsed:
    """One file's bytes and what they gave: a parse result, or the problem (line, message,
    hint) that the file's name completes."""

    data: bytes
    result: Located | MarkdownFile | None
    problem: tuple[int, str, str] | None
    digest: str = ""
    """Of the bytes of a YAML file parsed well (haven.content.kept)."""


MEMO_ROOTS = 4
"""Content folders whose files' parse results are kept (`haven serve` and the editor load one)."""

_memo: FolderMemo[dict[str, _Parsed]] = FolderMemo(MEMO_ROOTS)


def clear_memo() -> None:
    """Forget every parse result kept, so that the next load parses every file again."""
    _memo.clear()


def _recalled(root: Path) -> dict[str, _Parsed]:
    return _memo.get(str(root), {})


def _remember(root: Path, current: dict[str, _Parsed]) -> None:
    """Keep only this load's files for `root` (what the next rebuild is likely to find again),
    and only the last MEMO_ROOTS folders: memory does not grow with edits or folders."""
    _memo.put(str(root), current)


def _parse_file(name: str, data: bytes | None, raw: RawContent, previous: dict[str, _Parsed],
                current: dict[str, _Parsed], kept: _Kept | None) -> None:
    """Add what the file `name` holds to `raw`, parsing `data` again only if it differs from
    the bytes this process parsed last time under the same name.

    Parsing, not reading, is what costs; a result is reused only for the very same bytes,
    never on a file's time stamp (an editor may save within the same second).
    """
    if data is None:
        return
    parsed = previous.get(name)
    if parsed is None or parsed.data != data:
        parsed = _parse_bytes(data, markdown=name.endswith(".md"), name=name, kept=kept)
    current[name] = parsed
    if parsed.problem is not None:
        raw.problems.append(Problem(name, *parsed.problem))
    elif isinstance(parsed.result, MarkdownFile):
        raw.documents[name] = parsed.result
    elif isinstance(parsed.result, Located):
        raw.files[name] = parsed.result


def _parse_bytes(data: bytes, *, markdown: bool, name: str = "",
                 kept: _Kept | None = None) -> _Parsed:
    text = _text(data)
    if isinstance(text, tuple):
        return _Parsed(data, None, text)
    digest = ""
    if not markdown and kept is not None:  # parsed by an earlier run, from the same bytes?
        digest = digest_of(data)
        located = kept.located(name, digest)
        if located is not None:
            return _Parsed(data, located, None, digest)
        kept.changed = True
    try:
        result = parse_markdown(text) if markdown else parse_yaml(text)
    except SourceSyntaxError as exc:
        return _Parsed(data, None, (exc.line, exc.message, exc.hint))
    return _Parsed(data, result, None, digest)


def _files_in(root: Path, folder: str, suffixes: tuple[str, ...], raw: RawContent) -> list[Path]:
    """Files of `folder`, sorted; anything that leads outside the content folder is refused."""
    base = root / folder
    if not base.is_dir():
        return []
    found = []
    real_root = root.resolve()
    real_folders: dict[Path, Path] = {}
    for path in sorted(base.rglob("*")):
        if path.suffix not in suffixes or path.name.startswith("."):
            continue
        link = path.is_symlink()
        try:
            inside = _real_path(path, link, real_folders).is_relative_to(real_root)
        except (OSError, RuntimeError):  # a loop of symbolic links
            raw.problems.append(_broken_link(relative(path, root)))
            continue
        if not inside:
            raw.problems.append(
                Problem(relative(path, root), 0, "this file points outside the content folder",
                        "copy the file into the folder instead of linking to it")
            )
            continue
        if link and not path.exists():
            raw.problems.append(_broken_link(relative(path, root)))
        elif path.is_file():
            found.append(path)
        else:  # a pipe, or a folder named like a file (other folders have no such suffix)
            raw.problems.append(_not_a_file(relative(path, root)))
    return found


def _real_path(path: Path, link: bool, real_folders: dict[Path, Path]) -> Path:
    """`path.resolve()`, resolving each folder once: a file that is no symbolic link is
    where its folder really is (a rebuild checks every file of a large directory)."""
    if link:
        return path.resolve()
    folder = real_folders.get(path.parent)
    if folder is None:
        folder = real_folders[path.parent] = path.parent.resolve()
    return folder / path.name


def _broken_link(name: str) -> Problem:
    return Problem(name, 0, "this is a symbolic link that leads nowhere (or in a loop)",
                   "replace the link with the file itself")


def _not_a_file(name: str) -> Problem:
    return Problem(name, 0, "this is not a file (a folder, a pipe or a device has its name)",
                   "replace it with the file itself, or remove it")


def _read_bytes(path: Path, raw: RawContent) -> bytes | None:
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
    return _read_file(path, raw)


def _read_file(path: Path, raw: RawContent) -> bytes | None:
    """The bytes of a file already known to be a regular file inside the folder."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raw.problems.append(Problem(relative(path, raw.root), 0, f"this file cannot be read ({exc.strerror})",
                                    "check that it exists and that you may read it"))
        return None


def _text(data: bytes) -> str | tuple[int, str, str]:
    """The file's text, or the (line, message, hint) of why it is not text Haven reads."""
    if len(data) > MAX_FILE_BYTES:
        return (0, f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB",
                "split it into smaller files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return (line, "the file is not UTF-8 text",
                "save it as UTF-8 in your editor (\"Save with encoding\" → UTF-8)")
    found = _CONTROL.search(text)
    if found is not None:
        return (text.count("\n", 0, found.start()) + 1,
                "the line contains an invisible control character",
                "retype the line, or copy it again from a plain-text source")
    bad = bad_character(text)
    if bad is not None:
        what, _, hint = bad[1].partition(" — ")
        return (text.count("\n", 0, bad[0]) + 1, what.replace("the text", "the line", 1), hint)
    return text.replace("\r\n", "\n")


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters a text file should not hold (tab, line feed and carriage return may)."""
