"""The build's own checks on a changed file, before anything is written.

The hub is loaded as `haven build` loads it; the changed file's text replaces the file on
disk in memory only; then the build's validation and model step run. Their problems are
the editor's messages, word for word.
"""

from __future__ import annotations

from pathlib import Path

from haven.content.load import load
from haven.content.source import SourceSyntaxError, parse_markdown, parse_yaml
from haven.content.validate import validate
from haven.errors import ContentError, HavenError, Problem
from haven.model import build_model


def check(root: Path, changes: dict[str, str | None]) -> list[Problem]:
    """Every problem of the hub with `changes` (file → new text, None: removed) applied."""
    raw = load(root)
    raw.problems = [p for p in raw.problems if p.file not in changes]
    for file, text in changes.items():
        raw.files.pop(file, None)
        raw.documents.pop(file, None)
        if text is None:
            continue
        try:
            if file.endswith(".md"):
                raw.documents[file] = parse_markdown(text)
            else:
                raw.files[file] = parse_yaml(text)
        except SourceSyntaxError as exc:
            raw.problems.append(Problem(file, exc.line, exc.message, exc.hint))
    try:
        build_model(validate(raw))
    except ContentError as exc:
        return exc.problems
    except HavenError as exc:
        return [Problem(next(iter(changes), ""), 0, exc.format_message())]
    return []
