"""YAML and Markdown files read with the line of every value, so errors can point at it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from haven.placeholders import control_problem

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans and integers: `no` (Norwegian), 06103 (a ZIP code) and 17:30 stay text."""


_FastBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_FastBase):  # type: ignore[valid-type,misc]
    """The same rules on libyaml's parser, when present; errors are re-read by _Loader."""


_REPLACED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int"}
for _cls in (_Loader, _FastLoader):
    _cls.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    # Only plain decimal integers: a ZIP code like 06103 or a time like 17:30 stays text.
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789")
    )


class SourceSyntaxError(Exception):
    """The file is not valid YAML; carries the line and a plain explanation."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint


@dataclass
class Located:
    """Parsed data plus the 1-based line of each value, keyed by its path in the data."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int]] = field(default_factory=list)
    line_offset: int = 0

    def line_of(self, path: Path_) -> int:
        """The line of the deepest part of `path` that the file has."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line + self.line_offset
        return 1 + self.line_offset


MAX_DEPTH = 50


def parse_yaml(text: str) -> Located:
    """Parse YAML text, recording the line of every mapping key and sequence item."""
    try:
        return _compose(_FastLoader, text)
    except yaml.YAMLError:
        pass
    except RecursionError:
        raise _too_deep(text) from None
    try:
        return _compose(_Loader, text)  # the pure-Python parser explains errors in more detail
    except RecursionError:  # brackets nested hundreds deep: the parser recurses on each
        raise _too_deep(text) from None
    except yaml.MarkedYAMLError as exc:
        line, message, hint = _explain(exc)
        raise SourceSyntaxError(line, message, hint) from None
    except yaml.YAMLError as exc:
        raise SourceSyntaxError(1, f"the YAML cannot be read ({exc})", "check the file") from None


def _too_deep(text: str) -> SourceSyntaxError:
    """The problem of data nested too deeply for the parser, at the line where the brackets
    first go deeper than Haven reads."""
    depth, line = 0, 1
    for char in text:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                break
        elif char in "]}":
            depth -= 1
    return SourceSyntaxError(line, f"the data is nested more than {MAX_DEPTH} levels deep",
                             "flatten it: no Haven field needs more than a few levels")


def _compose(loader_class: type[yaml.SafeLoader], text: str) -> Located:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        located = Located(data={})
        if node is not None:
            located.data = _convert(node, (), located, loader, 0, set())
        return located
    finally:
        loader.dispose()


def _explain(exc: yaml.MarkedYAMLError) -> tuple[int, str, str]:
    """The line, a plain-words message and a hint for a YAML syntax error."""
    problem = exc.problem or "this is not valid YAML"
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark or mark
    line = mark.line + 1 if mark else 1
    start = opened.line + 1 if opened else line
    if "quoted scalar" in context and "end of stream" in problem:
        return (start,
                "the YAML cannot be read: the quoted text that starts on this line is never closed",
                "add the closing quote (\" or ') at the end of the text")
    if "flow sequence" in context and "expected ','" in problem:
        return (start,
                "the YAML cannot be read: the list in [ ] that starts on this line is never closed",
                "add the closing ']' at the end of the list")
    if "flow mapping" in context and "expected ','" in problem:
        return (start,
                "the YAML cannot be read: the group in { } that starts on this line is never closed",
                "add the closing '}'")
    if "'\\t'" in problem:
        return (line, "the YAML cannot be read: this line has a tab character",
                "indent with spaces only: YAML does not allow tabs")
    if problem.startswith("expected <block end>"):
        return (line,
                "the YAML cannot be read: this line is indented differently from the lines above it",
                "line it up, with spaces, with the fields it belongs with")
    if problem.startswith("mapping values are not allowed"):
        return (line,
                "the YAML cannot be read: there is a ': ' that does not start a field",
                "put text containing ': ' in quotes, or check the indentation of this line")
    return (line, f"the YAML cannot be read ({problem})",
            "check the indentation and put text containing ': ' or '#' in quotes")


_STR = "tag:yaml.org,2002:str"


def _convert(node: yaml.Node, path: Path_, out: Located, loader: yaml.SafeLoader, depth: int,
             seen: set[int]) -> Any:
    if id(node) in seen:  # an alias: the same node again (700 bytes of them can be gigabytes)
        raise SourceSyntaxError(
            node.start_mark.line + 1,
            "the value marked with &name on this line is repeated elsewhere with a YAML alias "
            "(*name), which Haven does not read",
            "write the value out in full where it is needed, and remove the & and * marks",
        )
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise SourceSyntaxError(
            node.start_mark.line + 1,
            f"the data is nested more than {MAX_DEPTH} levels deep",
            "flatten it: no Haven field needs more than a few levels",
        )
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceSyntaxError(
                    key_node.start_mark.line + 1,
                    "a field name must be plain text",
                    "write the field name as a single word followed by ':'",
                )
            key = str(key_node.value)
            _refuse_control(key, key_node)
            child = (*path, key)
            if key in result:
                out.duplicates.append((child, key_node.start_mark.line + 1))
            out.lines[child] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, child, out, loader, depth + 1, seen)
            out.lines[child] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*path, index), out, loader, depth + 1, seen)
            for index, item in enumerate(node.value)
        ]
    try:
        # Text, most values, is the node's own (what construct_object's str constructor returns).
        value = node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as exc:
        if node.tag == "tag:yaml.org,2002:timestamp":  # looks like a date, but is none
            raise SourceSyntaxError(
                node.start_mark.line + 1,
                f"the date {node.value} cannot exist ({exc})",
                "write a real date as YYYY-MM-DD, like 2026-12-01 (year, month 01-12, day)",
            ) from None
        raise SourceSyntaxError(
            node.start_mark.line + 1,
            f"the value {_shown(node.value)} cannot be read ({exc})",
            "put it in quotes to use it as text",
        ) from None
    if isinstance(value, str):
        _refuse_control(value, node)
    elif isinstance(value, float) and not math.isfinite(value):
        raise SourceSyntaxError(
            node.start_mark.line + 1,
            f"the value {_shown(node.value)} is not a finite number",
            "write an ordinary number (like 25 or 12.50), or put it in quotes to use it as text",
        )
    return value


def _refuse_control(text: str, node: yaml.Node) -> None:
    """Control characters written as YAML escapes ("\\x00"): the file's bytes hold none, the
    value would. They are refused like those in the file (haven.content.load)."""
    why = control_problem(text)
    if why is not None:
        what, _, hint = why.partition(" — ")
        raise SourceSyntaxError(node.start_mark.line + 1, what, hint)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass
class MarkdownFile:
    """A Markdown document: its front matter (located) and its body, with the body's first line."""

    meta: Located
    body: str
    body_line: int


def parse_markdown(text: str) -> MarkdownFile:
    """Split `---` front matter from the Markdown body."""
    match = FRONT_MATTER.match(text)
    if not match and re.match(r"\A---[ \t]*\n", text):
        raise SourceSyntaxError(
            1,
            "the front matter that starts here is never closed",
            "add a line '---' after the fields (id, title …), before the text",
        )
    if not match:
        raise SourceSyntaxError(
            1,
            "the document has no front matter",
            "start the file with a line '---', the fields (id, title …), and another '---'",
        )
    try:
        meta = parse_yaml(match.group(1) or "")
    except SourceSyntaxError as exc:
        exc.line += 1  # the front matter starts on the file's second line
        raise
    meta.line_offset = 1
    body = text[match.end():]
    body_line = text[: match.end()].count("\n") + 1
    return MarkdownFile(meta=meta, body=body, body_line=body_line)
