"""Haven's exceptions: every user mistake is a ClickException, so it never shows a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as the loader could."""

    file: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}" + (f" — {self.hint}" if self.hint else "")


class HavenError(click.ClickException):
    """Base of every error Haven reports to a person."""


class ContentError(HavenError):
    """The content folder has one or more problems; all of them are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [str(p) for p in self.problems]
        super().__init__(
            f"the content has {count} {noun}; nothing was published.\n" + "\n".join(lines)
        )


class OutputError(HavenError):
    """The output folder cannot be written safely."""


class TranslationError(HavenError):
    """A translation file cannot be used."""


def relative(path: Path, root: Path) -> str:
    """Show `path` relative to the content folder, as people see it in their editor."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class StrictError(HavenError):
    """--strict was given and the build has warnings: nothing was published."""

    def __init__(self, warnings: list[Problem]) -> None:
        self.warnings = warnings
        lines = "\n".join(str(w) for w in warnings)
        super().__init__(
            f"{len(warnings)} warning(s), and --strict was given; nothing was published.\n{lines}"
        )
