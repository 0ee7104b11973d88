"""Reading an HSDS dataset from another system as JSON, refusing what would crash or lie.

Python's `json` module accepts `NaN` and `Infinity` (not JSON), turns `1e400` into infinity,
raises a bare ValueError on an integer of more than 4,300 digits and a RecursionError on a
few thousand nested brackets. Each of these is refused here with the file and line, and how
to fix it; so is a value of the wrong kind where HSDS has a list or an object
(`"services": 5`), which the importer would otherwise trip over.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from haven.errors import HavenError

MAX_DEPTH = 64
"""Nesting levels accepted: an HSDS organization_full needs about ten."""

MAX_DIGITS = 30
"""Digits of a number, before any decimal point: no HSDS value needs more."""

LISTS = frozenset({
    "services", "locations", "phones", "schedules", "languages", "addresses", "cost_options",
    "attributes", "organization_identifiers", "service_at_locations", "contacts",
    "service_areas", "required_documents", "accessibility", "funding", "programs", "contents",
    "metadata",
})
"""HSDS keys whose value is a list of objects."""

OBJECTS = frozenset({"organization", "service", "location", "program", "taxonomy_term"})
"""HSDS keys whose value is one object."""


class _Refused(ValueError):
    """Raised inside the parser's hooks; turned into a HavenError with the line."""

    def __init__(self, token: str, why: str) -> None:
        super().__init__(why)
        self.token = token
        self.why = why


def _constant(name: str) -> Any:
    raise _Refused(name, f"{name} is not a JSON number — write the number, or leave the field "
                         "out (or null) when it is unknown")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(text, f"a number of {len(text.lstrip('-'))} digits — no HSDS field "
                             "holds a number that long; fix the value or leave it out")
    return int(text)


def _float(text: str) -> float:
    mantissa = re.split(r"[.eE]", text.lstrip("-"), maxsplit=1)[0]
    value = float(text)
    if len(mantissa) > MAX_DIGITS or not math.isfinite(value):
        raise _Refused(text, f"the number {text[:40]}{'…' if len(text) > 40 else ''} is too "
                             "large to be a real value — fix it or leave the field out")
    return value


_STRING = r'"(?:[^"\\]|\\.)*"'


def _line_of(text: str, token: str, regex: str | None = None) -> int:
    """The line of the first `token` (or match of `regex`) outside a JSON string, or 0."""
    pattern = re.compile(f"(?P<hit>{regex or re.escape(token)})|{_STRING}", re.DOTALL)
    for match in pattern.finditer(text):
        if match.group("hit") is not None:
            return text.count("\n", 0, match.start()) + 1
    return 0


def _too_deep_line(text: str) -> int:
    """The line where nesting first goes deeper than MAX_DEPTH (0 if it never does)."""
    depth = 0
    for match in re.finditer(_STRING + r"|[\[\]{}]", text, re.DOTALL):
        char = match.group(0)
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif char in "]}":
            depth -= 1
    return 0


def _where(path: Path, line: int) -> str:
    return f"{path}:{line}" if line else str(path)


def load_json(path: Path, text: str) -> Any:
    """Parse `text` (the content of `path`) as strict JSON, or raise a HavenError."""
    try:
        data = json.loads(text, parse_constant=_constant, parse_int=_integer,
                          parse_float=_float)
    except _Refused as exc:
        raise HavenError(f"{_where(path, _line_of(text, exc.token))}: {exc.why}") from None
    except RecursionError:
        data = None
    except json.JSONDecodeError as exc:
        raise HavenError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno}) "
                         "— fix the file or export it again") from None
    if data is None or _depth(data) > MAX_DEPTH:
        raise HavenError(f"{_where(path, _too_deep_line(text))}: nested more than {MAX_DEPTH} "
                         "levels deep — an HSDS dataset needs about ten; export it again from "
                         "its system") from None
    problems = list(_shape_problems(data, "$"))
    if problems:
        lines = [f"{_where(path, _line_of(text, '', regex))}: {where}: {what}"
                 for regex, where, what in problems[:20]]
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise HavenError(f"{path} is not an HSDS dataset Haven can read "
                         f"({len(problems)} problem(s)); nothing was imported.\n"
                         + "\n".join(lines) + more)
    return data


def _depth(data: Any) -> int:
    """How deeply `data` nests (iterative: never a RecursionError)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return deepest


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "a text"
    return "an object" if isinstance(value, dict) else "a list"


def _shape_problems(data: Any, where: str) -> list[tuple[str, str, str]]:
    """(a regex that finds it, JSON path, what is wrong) for each HSDS list or object of the
    wrong kind."""
    found: list[tuple[str, str, str]] = []
    stack: list[tuple[Any, str]] = [(data, where)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, list):
            stack.extend((item, f"{at}[{n}]") for n, item in reversed(list(enumerate(value))))
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            path = f"{at}.{key}"
            if item is None:
                continue
            bad = f'"{re.escape(key)}"\\s*:\\s*'
            if key in LISTS and not isinstance(item, list):
                what = f"'{key}' is {_kind(item)}, not a list — HSDS writes it as [ … ]"
                found.append((bad + r"(?![\[n])", path, what + " (or leave it out)"))
            elif key in LISTS and any(not isinstance(i, dict) for i in item):
                what = f"'{key}' holds something that is not an object — each item is {{ … }}"
                found.append((bad + r"\[\s*(?![{\]])", path, what))
            elif key in OBJECTS and not isinstance(item, dict):
                what = f"'{key}' is {_kind(item)}, not an object — HSDS writes it as {{ … }}"
                found.append((bad + r"(?![{n])", path, what + " (or leave it out)"))
            else:
                stack.append((item, path))
    return found
