"""What `haven check` looks at: every external link, phone number and verified record,
each with the file and line it was written on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from haven.content.load import RawContent
from haven.content.schema import Phone, Resource, Verification
from haven.content.source import Located, Path_
from haven.content.validate import Content
from haven.markdown import parser

POLICY_REVIEW_DAYS = 30
"""Legal-policy items (resources of kind `policy`) are reviewed this often unless they say."""

_markdown = parser()


@dataclass(frozen=True)
class LinkUse:
    """One place an external address is written."""

    url: str
    where: str
    """"file:line" in the content folder."""
    field: str
    """What the address is: "url", "source", or "link in text"."""
    owner: str
    """The record it belongs to, like "resource aclu-faq"."""


@dataclass(frozen=True)
class PhoneUse:
    """One phone number as written in the content."""

    number: str
    type: str
    description: str | None
    where: str
    owner: str


@dataclass(frozen=True)
class RecordUse:
    """A record that carries a verification block."""

    kind: str
    id: str
    verification: Verification
    where: str
    """Where its verification block is written."""
    default_interval: int
    """The review interval when the block sets none: the hub's, or the policy default."""

    @property
    def label(self) -> str:
        return f"{self.kind} {self.id}"


@dataclass
class Inventory:
    links: list[LinkUse]
    phones: list[PhoneUse]
    records: list[RecordUse]


def inventory(raw: RawContent, content: Content) -> Inventory:
    """Collect every link, phone and verified record of validated content, with its place."""
    found = Inventory([], [], [])
    hub_file = raw.files.get("hub.yaml")
    if hub_file is not None:
        found.phones.append(PhoneUse(content.hub.phone, "voice", content.hub.phone_label,
                                     f"hub.yaml:{hub_file.line_of(('phone',))}", "hub"))
        _walk_model(found, "hub.yaml", hub_file, content.hub, (), "hub", content.hub.review_every_days)
    default = content.hub.review_every_days
    resources = raw.files.get("resources.yaml")
    if resources is not None:
        for index, resource in enumerate(content.resources):
            _walk_model(found, "resources.yaml", resources, resource, ("resources", index),
                        f"resource {resource.id}", default)
    reporting = raw.files.get("reporting.yaml")
    if reporting is not None and content.reporting is not None:
        _walk_model(found, "reporting.yaml", reporting, content.reporting, (), "reporting", default)
        intro_line = reporting.line_of(("intro",))
        if _block_scalar_starts(content.root / "reporting.yaml", intro_line):
            intro_line += 1
        for url, line in markdown_links(content.reporting.intro):
            found.links.append(LinkUse(url, f"reporting.yaml:{intro_line + line}",
                                       "link in text", "reporting intro"))
    by_id = {
        located.data.get("id"): (name, located)
        for name, located in raw.files.items()
        if name.startswith("directory/") and isinstance(located.data, dict)
    }
    for org in content.organizations:
        if org.id in by_id:
            name, located = by_id[org.id]
            _walk_model(found, name, located, org, (), f"organization {org.id}", default)
    for doc in content.documents:
        source = raw.documents.get(doc.file)
        if source is not None:
            _walk_model(found, doc.file, source.meta, doc.meta, (), f"document {doc.meta.id}", default)
        for url, line in markdown_links(doc.body):
            found.links.append(LinkUse(url, f"{doc.file}:{doc.body_line + line}",
                                       "link in text", f"document {doc.meta.id}"))
    return found


def markdown_links(text: str) -> Iterator[tuple[str, int]]:
    """Every http(s) link of a Markdown text, with its 0-based line within the text."""
    for token in _markdown.parse(text):
        if token.type != "inline" or not token.children or not token.map:
            continue
        line = token.map[0]
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if href.startswith(("http://", "https://")):
                    yield href, line


_KIND_NAMES = {"channels": "channel", "locations": "location", "services": "service",
               "facts": "fact"}


def _walk_model(found: Inventory, file: str, located: Located, model: BaseModel, path: Path_,
                owner: str, default_interval: int) -> None:
    def where(sub: Path_) -> str:
        return f"{file}:{located.line_of(sub)}"

    for name in type(model).model_fields:
        value = getattr(model, name)
        here = (*path, name)
        if name in ("url", "source") and isinstance(value, str) and _external(value):
            found.links.append(LinkUse(value, where(here), name, owner))
        elif isinstance(value, Verification):
            for index, source in enumerate(value.sources):
                if _external(source):
                    found.links.append(LinkUse(source, where((*here, "sources", index)),
                                               "source", owner))
            kind, _, ident = owner.partition(" ")
            interval = default_interval
            if isinstance(model, Resource) and model.kind == "policy":
                interval = min(POLICY_REVIEW_DAYS, default_interval)
            found.records.append(RecordUse(kind, ident or kind, value, where(here), interval))
        elif isinstance(value, Phone):
            found.phones.append(PhoneUse(value.number, value.type, value.description,
                                         where((*here, "number")), owner))
        elif isinstance(value, BaseModel):
            _walk_model(found, file, located, value, here, owner, default_interval)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                item_path = (*here, index)
                if isinstance(item, Phone):
                    found.phones.append(PhoneUse(item.number, item.type, item.description,
                                                 where((*item_path, "number")), owner))
                elif isinstance(item, BaseModel):
                    item_id = getattr(item, "id", None)
                    item_owner = (f"{_KIND_NAMES.get(name, name)} {item_id}"
                                  if isinstance(item_id, str) else owner)
                    _walk_model(found, file, located, item, item_path, item_owner, default_interval)


def _external(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _block_scalar_starts(path: Path, line: int) -> bool:
    """Whether the value on `line` of `path` is a `|` or `>` block, whose text starts below."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    if not 0 < line <= len(lines):
        return False
    text = re.sub(r"\s+#.*$", "", lines[line - 1]).rstrip()
    return bool(re.search(r"[|>][+-]?\d?$", text))
