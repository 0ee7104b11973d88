"""Forms made from the one content schema (haven.content.schema).

Every field of a record becomes a form field of a kind chosen from its type; its help text
is the field's description in the schema (its docstring). Nested records become fieldsets;
lists of small records (phones, schedules, cost options …) are edited in place, one fieldset
each plus an empty one to add; lists of larger records (services, locations, channels,
resources, topics, audiences) are records of their own, each with its own page.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from haven.content.schema import (
    Audience,
    Audiences,
    Channel,
    Document,
    Hub,
    Location,
    Organization,
    Reporting,
    Resource,
    Resources,
    Service,
    Topic,
    Topics,
    describe_fields,
    translatable_kind,
)
from haven.editor.i18n import _

SUBRECORDS: tuple[type[BaseModel], ...] = (Service, Location, Channel, Resource, Topic, Audience)
"""Records edited on a page of their own, listed with a link from the record that holds them."""

FILE_MODELS: dict[str, type[BaseModel]] = {
    "hub.yaml": Hub,
    "topics.yaml": Topics,
    "audiences.yaml": Audiences,
    "resources.yaml": Resources,
    "reporting.yaml": Reporting,
}


def file_model(file: str) -> type[BaseModel] | None:
    """The model of a whole file of the content folder."""
    if file in FILE_MODELS:
        return FILE_MODELS[file]
    if file.startswith("directory/") and file.endswith((".yaml", ".yml")):
        return Organization
    if file.startswith("documents/") and file.endswith(".md"):
        return Document
    return None


def ordered_fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """The model's fields in the schema's order, `unconfirmed` (inherited, so first) last."""
    describe_fields()  # each field's help text: its docstring
    items = list(model.model_fields.items())
    return [i for i in items if i[0] != "unconfirmed"] + [i for i in items if i[0] == "unconfirmed"]


def unwrap(annotation: Any) -> Any:
    """The type inside Annotated[…] and Optional[…]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return unwrap(args[0])
    return annotation


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def record_model(file: str, path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model of the record at `path` (keys and list indices) in `file`."""
    model = file_model(file)
    steps = list(path)
    while steps and model is not None:
        name = steps.pop(0)
        info = model.model_fields.get(str(name))
        if info is None:
            return None
        inner = unwrap(info.annotation)
        if typing.get_origin(inner) is list:
            item = unwrap(typing.get_args(inner)[0])
            if not steps or not _is_model(item):
                return None
            steps.pop(0)  # the index
            model = item
        elif _is_model(inner):
            model = inner
        else:
            return None
    return model


@dataclass
class FormField:
    """One field of a form, as the template shows it."""

    name: str
    """The field's path in the record, dotted: `verification.assured_date`, `phones.0.number`."""
    key: str
    """The YAML key."""
    label: str
    help: str
    kind: str
    """text, textarea, markdown, number, checkbox, date, select, lines, mapping,
    group, items, records."""
    required: bool = False
    value: Any = ""
    options: list[str] = field(default_factory=list)
    children: list[FormField] = field(default_factory=list)
    items: list[list[FormField]] = field(default_factory=list)
    """For `items`: the fields of each item, then of an empty one to add."""
    item_label: str = ""
    records: list[tuple[str, str]] = field(default_factory=list)
    """For `records`: (label, path) of each."""
    model: type[BaseModel] | None = None

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def label_of(key: str) -> str:
    """The English label of a field, made from its key (translated where it is shown)."""
    return key.replace("_", " ").capitalize()


def item_label_of(key: str) -> str:
    """The English label of one item of a list field: `phones` → `Phone`."""
    return label_of(key.rstrip("s")) if key.endswith("s") else label_of(key)


def edited_models() -> list[type[BaseModel]]:
    """Every model the editor makes a form of, in a stable order: the files' models, then
    the records, groups and items inside them (as `build_form` reaches them)."""
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [*FILE_MODELS.values(), Organization, Document]
    while todo:
        model = todo.pop(0)
        if model in found:
            continue
        found.append(model)
        for _key, info in ordered_fields(model):
            kind, _choices, inner = kind_of(info.annotation, list(info.metadata))
            if kind in ("group", "items", "records") and _is_model(inner):
                todo.append(inner)
    return found


def shown_fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """The fields of `model` its form shows (a document's body is edited apart)."""
    return [(k, i) for k, i in ordered_fields(model) if not (model is Document and k == "body")]


def kind_of(annotation: Any, metadata: list[Any]) -> tuple[str, list[str], Any]:
    """(kind, options, inner type) of a field."""
    inner = unwrap(annotation)
    origin = typing.get_origin(inner)
    if origin is list:
        item = unwrap(typing.get_args(inner)[0])
        if _is_model(item):
            return ("records" if item in SUBRECORDS else "items"), [], item
        return "lines", _options(item), item
    if origin is dict:
        return "mapping", [], inner
    if _is_model(inner):
        return "group", [], inner
    if inner is bool:
        return "checkbox", [], inner
    if inner in (int, float):
        return "number", [], inner
    if inner is dt.date:
        return "date", [], inner
    options = _options(inner)
    if options:
        return "select", options, inner
    translatable = translatable_kind(metadata) or translatable_kind(
        [m for a in typing.get_args(annotation) for m in getattr(a, "__metadata__", ())])
    if translatable == "markdown":
        return "markdown", [], inner
    if translatable == "text":
        return "textarea", [], inner
    return "text", [], inner


def _options(value: Any) -> list[str]:
    if typing.get_origin(value) is typing.Literal:
        return [str(v) for v in typing.get_args(value)]
    if isinstance(value, type) and issubclass(value, enum.Enum):
        return [str(member.value) for member in value]
    return []


def shown(value: Any) -> Any:
    """A YAML value as a form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def build_form(model: type[BaseModel], data: Any, prefix: str = "",
               record_path: str = "") -> list[FormField]:
    """The fields of `model`, filled from `data` (the record's YAML mapping, or None)."""
    data = data if isinstance(data, dict) else {}
    fields = []
    for key, info in shown_fields(model):
        kind, options, inner = kind_of(info.annotation, list(info.metadata))
        name = f"{prefix}{key}"
        value = data.get(key)
        form_field = FormField(name=name, key=key, label=_(label_of(key)),
                               help=_(info.description) if info.description else "", kind=kind,
                               required=info.is_required(), options=options)
        if kind == "group":
            form_field.model = inner
            form_field.children = build_form(inner, value, f"{name}.", record_path)
        elif kind == "items":
            form_field.model = inner
            form_field.item_label = _(item_label_of(key))
            entries = value if isinstance(value, list) else []
            for index, item in enumerate(entries):
                if not isinstance(item, dict):  # `- en` for a language: its tag
                    item = {"tag": item}
                form_field.items.append(build_form(inner, item, f"{name}.{index}.", record_path))
            form_field.items.append(build_form(inner, None, f"{name}.new.", record_path))
        elif kind == "records":
            form_field.model = inner
            entries = value if isinstance(value, list) else []
            for index, item in enumerate(entries):
                label = str(item.get("name") or item.get("title") or item.get("id") or index) \
                    if isinstance(item, dict) else str(index)
                path = f"{record_path}.{key}.{index}" if record_path else f"{key}.{index}"
                form_field.records.append((label, path))
        elif kind == "lines":
            form_field.value = "\n".join(str(v) for v in value) if isinstance(value, list) else ""
        elif kind == "mapping":
            form_field.value = "\n".join(f"{k}: {v}" for k, v in value.items()) \
                if isinstance(value, dict) else ""
        elif kind == "checkbox" and value is None:
            form_field.value = info.default is True
        else:
            form_field.value = shown(value)
            if kind == "date" and value is not None and not isinstance(value, dt.date):
                form_field.kind = "text"  # a date picker would show (and save) it as empty
            if kind == "select" and form_field.value and form_field.value not in options:
                form_field.options = [*options, form_field.value]  # kept, for the build to explain
        fields.append(form_field)
    return fields


def walk(fields: list[FormField]) -> typing.Iterator[FormField]:
    """Every field, nested ones included."""
    for form_field in fields:
        yield form_field
        yield from walk(form_field.children)
        for item in form_field.items:
            yield from walk(item)
