"""Translatable segments: every translatable string of the content, with a stable id.

The id (the catalog's msgctxt) names the record and field, never the position on a page:
`service:iris-legal:description`, `hub:home.first_steps.0`, `document:letter:body.3`,
`ui:call`. One walk over the typed content serves both extraction and translation.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from haven.content.schema import translatable_kind
from haven.markdown import parser

SegmentKind = Literal["text", "markdown", "ui"]


@dataclass(frozen=True)
class Segment:
    """One unit of translation."""

    id: str
    source: str
    kind: SegmentKind
    origin_file: str = ""
    origin_line: int = 0
    note: str = ""
    """Shown to translators: where the text appears."""


Replace = Callable[[str, str, str], str]
"""(segment id, kind, source text) → the text to use."""


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str | None
    """"text" or "markdown" for translatable strings."""
    nested: bool
    """Whether the field holds records (or lists of records)."""


@cache
def _fields(model: type[BaseModel]) -> tuple[_Field, ...]:
    result = []
    for name, info in model.model_fields.items():
        kind = translatable_kind(list(info.metadata)) or _kind_in(info.annotation)
        nested = _has_model(info.annotation)
        if kind or nested:
            result.append(_Field(name, kind, nested))
    return tuple(result)


def _args(annotation: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return ()


def _kind_in(annotation: Any) -> str | None:
    if typing.get_origin(annotation) is typing.Annotated:
        return translatable_kind(list(annotation.__metadata__))
    for arg in _args(annotation):
        kind = _kind_in(arg)
        if kind:
            return kind
    return None


def _has_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_has_model(arg) for arg in _args(annotation))


@cache
def _has_id(model: type[BaseModel]) -> bool:
    return "id" in model.model_fields


def record_prefix(record: BaseModel, prefix: str) -> str:
    """Records with their own id start their own segment ids: `service:<id>`."""
    ident = record.__dict__.get("id") if _has_id(type(record)) else None
    if isinstance(ident, str):
        return f"{type(record).__name__.lower()}:{ident}"
    return prefix


def unconfirmed_paths(record: Any, prefix: str) -> Iterator[str]:
    """The segment ids of the statements `record` (and the records in it) mark unconfirmed."""
    if not isinstance(record, BaseModel):
        return
    base = record_prefix(record, prefix)
    sep = ":" if base != prefix or ":" not in prefix else "."
    marked = set(getattr(record, "unconfirmed", ()))
    for spec in _fields(type(record)):
        value = getattr(record, spec.name)
        if value is None:
            continue
        path = f"{base}{sep}{spec.name}"
        if spec.kind and isinstance(value, str):
            if spec.name in marked:
                yield path
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if spec.kind and isinstance(item, str):
                    if spec.name in marked or f"{spec.name}.{i}" in marked:
                        yield f"{path}.{i}"
                else:
                    yield from unconfirmed_paths(item, f"{path}.{i}")
        elif spec.nested:
            yield from unconfirmed_paths(value, path)


def map_record(record: Any, prefix: str, replace: Replace) -> Any:
    """A copy of `record` with every translatable string passed through `replace`."""
    if not isinstance(record, BaseModel):
        return record
    base = record_prefix(record, prefix)
    sep = ":" if base != prefix or ":" not in prefix else "."
    updates: dict[str, Any] = {}
    for spec in _fields(type(record)):
        value = getattr(record, spec.name)
        if value is None:
            continue
        path = f"{base}{sep}{spec.name}"
        if spec.kind and isinstance(value, str):
            updates[spec.name] = replace(path, spec.kind, value)
        elif isinstance(value, list):
            updates[spec.name] = [
                replace(f"{path}.{i}", spec.kind, item)
                if spec.kind and isinstance(item, str)
                else map_record(item, f"{path}.{i}", replace)
                for i, item in enumerate(value)
            ]
        elif spec.nested:
            updates[spec.name] = map_record(value, path, replace)
    return _updated(record, updates) if updates else record


def _updated(record: BaseModel, updates: dict[str, Any]) -> BaseModel:
    """`record.model_copy(update=updates)`, without its general machinery: each language's
    view copies about a thousand records of a large directory. It sets what pydantic's own
    shallow copy sets; tests/test_translate_workflow.py checks that both copies are equal."""
    if record.__pydantic_extra__ is not None or getattr(record, "__pydantic_private__", None):
        return record.model_copy(update=updates)
    cls = type(record)
    copy = cls.__new__(cls)
    object.__setattr__(copy, "__dict__", {**record.__dict__, **updates})
    object.__setattr__(copy, "__pydantic_extra__", None)
    object.__setattr__(copy, "__pydantic_fields_set__", record.__pydantic_fields_set__ | updates.keys())
    object.__setattr__(copy, "__pydantic_private__", None)
    return copy


def extract(record: Any, prefix: str) -> Iterator[tuple[str, str, str]]:
    """(segment id, kind, text) for every translatable string of `record`."""
    found: list[tuple[str, str, str]] = []

    def collect(ident: str, kind: str, text: str) -> str:
        found.append((ident, kind, text))
        return text

    map_record(record, prefix, collect)
    yield from found


_md = parser()
_BLOCK_OPENERS = {"paragraph_open", "heading_open", "bullet_list_open", "ordered_list_open",
                  "blockquote_open", "fence", "code_block", "table_open", "html_block"}


def body_segment_id(document_id: str, index: int) -> str:
    """The segment id of a document's `index`-th Markdown block."""
    return f"document:{document_id}:body.{index}"


@lru_cache(maxsize=1024)
def markdown_blocks(body: str) -> tuple[tuple[int, str], ...]:
    """Top-level blocks of a Markdown body as (first line, source text): one segment each.

    Cached: every language of a build splits the same bodies.
    """
    lines = body.split("\n")
    blocks = []
    for token in _md.parse(body):
        if token.level == 0 and token.type in _BLOCK_OPENERS and token.map:
            start, end = token.map
            text = "\n".join(lines[start:end]).strip()
            if text:
                blocks.append((start, text))
    return tuple(blocks)
