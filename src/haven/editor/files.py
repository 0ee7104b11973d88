"""The hub's files, read and written the way a person would: ruamel.yaml's round trip keeps
comments, key order, quotes and the formatting of every part a form did not change."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from haven.content.source import FRONT_MATTER
from haven.editor.forms import kind_of, ordered_fields
from haven.errors import HavenError

Form = Mapping[str, str]


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


class Source:
    """One YAML file, or the front matter and body of one Markdown document."""

    def __init__(self, root: Path, file: str, text: str | None = None) -> None:
        self.root = root
        self.file = file
        self.path = root / file
        self.text = self.path.read_text(encoding="utf-8-sig") if text is None else text
        self.text = self.text.replace("\r\n", "\n")
        self.markdown = file.endswith(".md")
        self.head, self.tail, self.body = "", "", ""
        front = self.text
        if self.markdown:
            match = FRONT_MATTER.match(self.text)
            if match is None:
                raise HavenError(f"{file}: the document has no front matter — open it in a text "
                                 "editor and start it with '---', its fields and '---'")
            front = match.group(1) or ""
            self.head = self.text[:match.start(1)] if match.group(1) else "---\n"
            self.tail = self.text[match.end(1):match.end()] if match.group(1) else "---\n"
            self.body = self.text[match.end():]
        try:
            self.data = _yaml().load(front) if front.strip() else CommentedMap()
        except Exception as exc:  # noqa: BLE001 - ruamel raises many kinds
            raise HavenError(f"{file}: the editor cannot read this file ({exc}) — fix it in a "
                             "text editor; 'haven build' says where") from None
        if self.data is None:
            self.data = CommentedMap()

    @classmethod
    def new(cls, root: Path, file: str) -> Source:
        text = "---\n---\n" if file.endswith(".md") else ""
        return cls(root, file, text)

    def dump(self) -> str:
        out = io.StringIO()
        if self.data:
            _yaml().dump(self.data, out)
        front = out.getvalue()
        if self.markdown:
            return self.head + front + self.tail + self.body
        return front

    def node(self, path: tuple[str | int, ...]) -> Any:
        node = self.data
        for step in path:
            node = node[step]
        return node


def write_atomic(path: Path, text: str) -> None:
    """Write beside `path`, then rename over it: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.edit.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise HavenError(f"{path}: cannot write this file ({exc.strerror}) — check that you may "
                         "write to the folder") from None


def parse_path(text: str) -> tuple[str | int, ...]:
    """`services.0` → ("services", 0)."""
    return tuple(int(p) if p.isdigit() else p for p in text.split(".") if p)


# -- a form applied to a YAML mapping -------------------------------------------------------


def _scalar(kind: str, inner: Any, text: str) -> Any:
    """The typed value of a form's text; what cannot be read stays text, for the build to
    explain."""
    if kind == "markdown" or (kind == "textarea" and "\n" in text.strip()):
        text = text.replace("\r\n", "\n").strip()
        if not text:
            return None
        return LiteralScalarString(text + "\n") if "\n" in text else text
    text = text.strip()
    if not text:
        return None
    if kind == "number":
        try:
            return int(text)
        except ValueError:
            try:
                return float(text) if inner is float else text
            except ValueError:
                return text
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    return bool(old == new) or str(old).strip() == str(new).strip()


def apply_form(model: type[BaseModel], node: CommentedMap, form: Form, prefix: str = "") -> None:
    """Change `node` to what the form says, field by field; what is unchanged is untouched."""
    for key, info in ordered_fields(model):
        kind, _, inner = kind_of(info.annotation, list(info.metadata))
        name = f"{prefix}{key}"
        if kind == "records":
            continue
        if kind == "group":
            sub = node.get(key)
            fresh = not isinstance(sub, dict)
            target = CommentedMap() if fresh else sub
            apply_form(inner, target, form, f"{name}.")
            if fresh and target:
                node[key] = target
            continue
        if kind == "items":
            _apply_items(inner, node, key, form, name)
            continue
        if kind == "checkbox":
            if f"{name}._present" not in form:
                continue
            new: Any = form.get(name) == "on"
            default = info.default if isinstance(info.default, bool) else False
            if key not in node and new == default:
                continue
        elif name not in form:
            continue
        elif kind == "lines":
            new = [line.strip() for line in form[name].splitlines() if line.strip()] or None
        elif kind == "mapping":
            pairs = [line.partition(":") for line in form[name].splitlines() if line.strip()]
            new = CommentedMap((k.strip(), v.strip().strip("\"'")) for k, _, v in pairs) or None
        else:
            new = _scalar(kind, inner, form[name])
        old = node.get(key)
        if isinstance(new, list):
            if isinstance(old, list) and [str(v) for v in old] == new:
                continue
            seq = CommentedSeq(new)
            if isinstance(old, CommentedSeq) and old.fa.flow_style():
                seq.fa.set_flow_style()
            node[key] = seq
        elif isinstance(new, dict):
            if isinstance(old, dict) and {str(k): str(v) for k, v in old.items()} == dict(new):
                continue
            node[key] = new
        elif _same(old, new):
            continue
        elif new is None:
            del node[key]
        else:
            node[key] = new


def _apply_items(model: type[BaseModel], node: CommentedMap, key: str, form: Form,
                 name: str) -> None:
    old = node.get(key)
    seq = old if isinstance(old, list) else CommentedSeq()
    removed = []
    for index in range(len(seq)):
        item_name = f"{name}.{index}"
        if f"{item_name}._remove" in form:
            removed.append(index)
            continue
        item = seq[index]
        scalar = not isinstance(item, dict)
        target = CommentedMap({"tag": item}) if scalar else item
        apply_form(model, target, form, f"{item_name}.")
        if scalar:
            if list(target) == ["tag"]:
                if not _same(target["tag"], item):
                    seq[index] = target["tag"]
            else:
                seq[index] = target
    for index in reversed(removed):
        del seq[index]
    added = CommentedMap()
    apply_form(model, added, form, f"{name}.new.")
    if added:
        append_item(seq, added["tag"] if list(added) == ["tag"] and _tag_list(model) else added)
    if seq and not isinstance(old, list):
        node[key] = seq
    elif not seq and isinstance(old, list) and removed:
        del node[key]


def _tail(node: Any, create: bool = False) -> tuple[list[Any], int] | None:
    """The comment slot after the last line of `node` (ruamel keeps there the comments that
    follow it, up to the next key of the file)."""
    if isinstance(node, (CommentedSeq, CommentedMap)) and len(node):
        last: Any = len(node) - 1 if isinstance(node, CommentedSeq) else list(node)[-1]
        child = node[last]
        inner = _tail(child, create)
        if inner is not None and (create or inner[0][inner[1]] is not None):
            return inner
        position = 0 if isinstance(node, CommentedSeq) else 2
        slot = node.ca.items.get(last)
        if slot is None and create:
            slot = node.ca.items[last] = [None, None, None, None]
        return (slot, position) if slot is not None else None
    return None


def append_item(seq: list[Any], item: Any) -> None:
    """Append `item` after the last one, moving the comments that follow the last item (about
    what comes next in the file) after the new one, so the new item is not put below them."""
    old = _tail(seq)
    seq.append(item)
    if old is None or old[0][old[1]] is None:
        return
    token = old[0][old[1]]
    head, _, rest = str(token.value).partition("\n")
    if "#" not in rest:
        return
    token.value = head + "\n"
    new = _tail(seq, create=True)
    if new is not None:
        new[0][new[1]] = CommentToken("\n" + rest, token.start_mark, None)


def _tag_list(model: type[BaseModel]) -> bool:
    return "tag" in model.model_fields


def new_record(model: type[BaseModel], form: Form) -> CommentedMap:
    """A new record from a form, its keys in the schema's order."""
    node = CommentedMap()
    apply_form(model, node, form)
    return node
