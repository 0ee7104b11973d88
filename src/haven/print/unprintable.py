"""Where in the content a character no installed font has was written: file and line."""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from haven.errors import ContentError, Problem, relative
from haven.print.fonts import UnprintableError, font_dirs

SOURCES = (".yaml", ".yml", ".md", ".po")
MAX_REPORTED = 20


def spellings(char: str) -> list[str]:
    """How `char` can be written in a file: itself, or a YAML escape (any case of hex)."""
    code = ord(char)
    forms = [char, f"\\u{code:04x}", f"\\U{code:08x}"]
    if code < 0x100:
        forms.append(f"\\x{code:02x}")
    return forms


def locate(root: Path, catalogs: Iterable[Path], chars: Sequence[str]) -> list[Problem]:
    """A problem at each line of the content folder's files (and `catalogs`) holding one of
    `chars`, at most MAX_REPORTED. Links, pipes and folders Haven built are not read."""
    wanted = {char: spellings(char) for char in chars}
    found: list[Problem] = []
    for path in _files(root, catalogs):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            folded = line.lower()
            for char, forms in wanted.items():
                if any(form in line or form.lower() in folded for form in forms):
                    found.append(_problem(relative(path, root), number, char))
                    break
            if len(found) >= MAX_REPORTED:
                return found
    return found


def content_error(exc: UnprintableError, root: Path, catalogs: Iterable[Path]) -> ContentError:
    """The build's report of characters no installed font has, at their file and line."""
    problems = locate(root, catalogs, exc.chars)
    if not problems:  # not written in any file Haven reads as such: say which, at least
        problems = [Problem(f"printed pieces in {exc.name} ({exc.tag})", 0, exc.format_message())]
    return ContentError(problems)


def _problem(file: str, line: int, char: str) -> Problem:
    name = unicodedata.name(char, "").lower()
    emoji = 0x1F000 <= ord(char) <= 0x1FAFF or 0x2600 <= ord(char) <= 0x27BF
    hint = ("remove or replace it, install a font that has it (for emoji: Debian's package "
            "fonts-noto-color-emoji)" if emoji else
            "remove or replace it, install a font that has it")
    folders = ", ".join(font_dirs()) or "the font folders"
    return Problem(
        file, line,
        f"no installed font has the character '{char}' (U+{ord(char):04X}"
        + (f", {name}" if name else "") + "), so the printed pieces cannot show it",
        f"{hint} (in {folders}, or a folder named in HAVEN_FONT_PATH), or build with --no-pdf",
    )


def _files(root: Path, catalogs: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not os.path.exists(os.path.join(folder, d, ".haven-site")))
        for filename in sorted(filenames):
            if filename.endswith(SOURCES):
                files.append(Path(folder) / filename)
    files += [path for path in catalogs if path not in files]
    return [path for path in files if _regular(path)]


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False
