"""Step 2, validate: check loaded data against the schema and across files, all at once.

Every problem found, in any file, is collected; if there is one or more, a single
ContentError lists them all as `file:line: what is wrong — how to fix it`.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from haven.content.load import RawContent
from haven.content.schema import (
    Audience,
    Audiences,
    Document,
    Hub,
    Organization,
    Reporting,
    Resource,
    Resources,
    Topic,
    Topics,
    parse_phone,
)
from haven.content.source import Located, Path_
from haven.errors import ContentError, Problem
from haven.languages import has_name
from haven.memo import FolderMemo

M = TypeVar("M", bound=BaseModel)

RESERVED_PAGE_IDS = {"help", "report", "resources", "assets", "index"}


@dataclass
class DocumentSource:
    """A validated document: front matter, Markdown body and where the body starts."""

    meta: Document
    body: str
    file: str
    body_line: int


@dataclass
class Content:
    """A hub's whole content, typed and checked: the input of the model step."""

    root: Path
    hub: Hub
    topics: list[Topic]
    audiences: list[Audience]
    resources: list[Resource]
    reporting: Reporting | None
    organizations: list[Organization]
    documents: list[DocumentSource]
    catalogs: dict[str, Path]
    origins: dict[tuple[str, str], str] = field(default_factory=dict)
    """`(kind, id)` → "file:line", for translators' references in the catalogs."""
    warnings: list[Problem] = field(default_factory=list)


def validate(raw: RawContent) -> Content:
    """Turn raw files into typed content, or raise ContentError with every problem.

    What one file gives on its own (its model, its problems, its warnings) is remembered for
    the next validation in this process, as long as the file's parse result is the very same
    object (haven.content.load gives the same one for the same bytes): `haven serve`
    validates again after each save, most files unchanged.
    """
    memo = _Memo(raw.root)
    checker = _Checker(raw, memo)
    try:
        content = checker.run()
    finally:
        memo.keep()
    if checker.problems or content is None:
        raise ContentError(checker.problems)
    return content


# -- what this process found in each file before --------------------------------------------------
#
# Content records are frozen pydantic models and nothing changes them (or a parse result)
# after validation: the model step and translations make copies (haven.i18n.segments). So a
# file's model, found once, can be handed out again.

@dataclass
class _FileResults:
    """What validation found in one file's parse result, for as long as it is that object."""

    located: Located
    status: tuple[Problem, ...] | None = None
    models: dict[tuple[type[BaseModel], tuple[tuple[str, Any], ...]],
                 tuple[BaseModel | None, tuple[Problem, ...]]] = field(default_factory=dict)
    fictional: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    unconfirmed: tuple[Problem, ...] | None = None
    links: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    """The links of each Markdown text of the file (a document's body, reporting's intro …)."""


MEMO_ROOTS = 4
_memo: FolderMemo[dict[str, _FileResults]] = FolderMemo(MEMO_ROOTS)


def clear_memo() -> None:
    """Forget what earlier validations found, so that the next one checks every file again."""
    _memo.clear()


class _Memo:
    """One validation's view of the memo: the last validation's results for the same folder,
    and the results of this one, which replace them when it ends (so memory stays bounded)."""

    def __init__(self, root: Path | None) -> None:
        self.key = str(root) if root is not None else None
        self.previous = _memo.get(self.key, {}) if self.key is not None else {}
        self.current: dict[str, _FileResults] = {}

    def of(self, name: str, located: Located) -> _FileResults:
        results = self.current.get(name)
        if results is None or results.located is not located:
            results = self.previous.get(name)
            if results is None or results.located is not located:
                results = _FileResults(located)
            self.current[name] = results
        return results

    def keep(self) -> None:
        if self.key is not None:
            _memo.put(self.key, self.current)


class _Checker:
    def __init__(self, raw: RawContent, memo: _Memo | None = None) -> None:
        self.raw = raw
        self.memo = memo or _Memo(None)
        self.problems: list[Problem] = list(raw.problems)
        self.origins: dict[tuple[str, str], str] = {}

    def run(self) -> Content | None:
        raw = self.raw
        for name, located in raw.files.items():
            self._refuse_status_fields(name, located)
        for name, document in raw.documents.items():
            self._refuse_status_fields(name, document.meta)

        hub_data = raw.files["hub.yaml"].data if "hub.yaml" in raw.files else {}
        country = hub_data.get("country", "US") if isinstance(hub_data, dict) else "US"
        hub = self._model("hub.yaml", Hub, context={"country": str(country)})
        context = {"country": hub.country if hub else "US"}
        topics = self._model("topics.yaml", Topics, context)
        audiences = self._model("audiences.yaml", Audiences, context)
        resources = self._model("resources.yaml", Resources, context)
        reporting = self._model("reporting.yaml", Reporting, context)
        organizations: list[tuple[str, Organization]] = []
        for name in sorted(raw.files):
            if name.startswith("directory/"):
                org = self._model(name, Organization, context)
                if org:
                    organizations.append((name, org))
        documents: list[DocumentSource] = []
        for name in sorted(raw.documents):
            source = raw.documents[name]
            meta = self._validate(name, source.meta, Document, context)
            if meta:
                documents.append(DocumentSource(meta, source.body, name, source.body_line))

        if hub is not None:
            self._check_languages(hub)
        topic_ids = self._known_ids("topics.yaml", "topics", [t.id for t in topics.topics] if topics else None, "topic")
        audience_ids = self._known_ids(
            "audiences.yaml", "audiences", [a.id for a in audiences.audiences] if audiences else None, "audience"
        )
        resource_ids = self._known_ids(
            "resources.yaml", "resources", [r.id for r in resources.resources] if resources else None, "resource"
        )
        if resources:
            for index, res in enumerate(resources.resources):
                path: Path_ = ("resources", index)
                self._refs("resources.yaml", (*path, "topics"), res.topics, topic_ids, "topic", "topics.yaml")
                self._refs("resources.yaml", (*path, "audiences"), res.audiences, audience_ids, "audience", "audiences.yaml")
                self._origin("resource", res.id, "resources.yaml", path)
        if reporting:
            self._unique("reporting.yaml", ("channels",), [c.id for c in reporting.channels], "channel")
            self._origin("reporting", "intro", "reporting.yaml", ("intro",))
            for index, channel in enumerate(reporting.channels):
                self._origin("channel", channel.id, "reporting.yaml", ("channels", index))
        self._check_organizations(organizations, topic_ids, audience_ids)
        self._check_documents(documents, topic_ids, audience_ids, resource_ids)
        listed = [
            ("topic", [t.id for t in topics.topics] if topics else []),
            ("audience", [a.id for a in audiences.audiences] if audiences else []),
        ]
        for kind, ids in listed:
            for index, ident in enumerate(ids):
                self._origin(kind, ident, f"{kind}s.yaml", (f"{kind}s", index))
        self._origin("hub", "hub", "hub.yaml", ())
        if hub is None:
            return None  # every other problem has still been found and is reported with it
        warnings = self._catalog_warnings(hub) + self._name_warnings(
            hub, organizations, resources.resources if resources else [])
        content = Content(
            root=raw.root,
            hub=hub,
            topics=topics.topics if topics else [],
            audiences=audiences.audiences if audiences else [],
            resources=resources.resources if resources else [],
            reporting=reporting,
            organizations=[org for _, org in organizations],
            documents=sorted(documents, key=lambda d: (d.meta.order, d.meta.id)),
            catalogs=raw.catalogs,
            origins=self.origins,
            warnings=warnings,
        )
        self.problems += internal_link_problems(content, self.raw, self.memo)
        content.warnings += example_warnings(content, self.raw, self.memo)
        content.warnings += unconfirmed_statements(self.raw, self.memo)
        return content

    # -- schema -----------------------------------------------------------------------------

    def _model(self, name: str, model: type[M], context: dict[str, Any]) -> M | None:
        located = self.raw.files.get(name)
        if located is None:
            return None
        return self._validate(name, located, model, context)

    def _validate(self, name: str, located: Located, model: type[M], context: dict[str, Any]) -> M | None:
        results = self.memo.of(name, located)
        key = (model, tuple(sorted(context.items())))
        known = results.models.get(key)
        if known is None:
            start = len(self.problems)
            found = self._validate_file(name, located, model, context)
            for other in [k for k in results.models if k[0] is model]:  # another country
                del results.models[other]
            known = results.models[key] = (found, tuple(self.problems[start:]))
        else:
            self.problems += known[1]
        value = known[0]
        assert value is None or isinstance(value, model)
        return value

    def _validate_file(self, name: str, located: Located, model: type[M], context: dict[str, Any]
                       ) -> M | None:
        for path, line in located.duplicates:
            self.problems.append(
                Problem(name, line + located.line_offset, f"'{path[-1]}' appears twice here",
                        "keep one of them: the second would silently replace the first")
            )
        if not isinstance(located.data, dict):
            self.problems.append(
                Problem(name, located.line_of(()), "the file should hold fields (name: value), "
                        "not a single value or a list", "see docs/authoring.md for its fields")
            )
            return None
        try:
            return model.model_validate(located.data, context=context)
        except ValidationError as exc:
            self._report(name, located, model, exc)
            return None

    def _report(self, name: str, located: Located, model: type[BaseModel], exc: ValidationError) -> None:
        seen: set[tuple[Path_, str]] = set()
        errors = [(error, _data_path(located.data, error["loc"])) for error in exc.errors()]
        # A misspelt field also makes the real one "missing": report only the misspelling.
        suggested = {
            (path[:-1], close[0])
            for error, path in errors
            if error["type"] == "extra_forbidden" and path
            for close in [difflib.get_close_matches(str(path[-1]), _fields_at(model, path[:-1]), n=1, cutoff=0.6)]
            if close
        }
        for error, path in errors:
            if error["type"] == "missing" and path and (path[:-1], path[-1]) in suggested:
                continue
            if error["type"] == "extra_forbidden" and path and is_status_field(str(path[-1])):
                continue  # already refused, with the reason, by _refuse_status_fields
            message, hint = _describe(error, path, model)
            key = (path, message)
            if key in seen:
                continue
            seen.add(key)
            self.problems.append(Problem(name, located.line_of(path), message, hint))

    # -- refusals ---------------------------------------------------------------------------

    def _refuse_status_fields(self, name: str, located: Located) -> None:
        results = self.memo.of(name, located)
        if results.status is None:
            start = len(self.problems)
            self._find_status_fields(name, located)
            results.status = tuple(self.problems[start:])
        else:
            self.problems += results.status

    def _find_status_fields(self, name: str, located: Located) -> None:
        for path, key in _keys(located.data, ()):
            if is_status_field(key):
                self.problems.append(
                    Problem(
                        name,
                        located.line_of(path),
                        f"'{key}' would record immigration or citizenship status, and Haven "
                        "refuses any such field",
                        "remove it: schools must not ask for or publish a family's status "
                        "(Plyler v. Doe), and a hub that stores it can put children at risk",
                    )
                )

    # -- cross-file checks -------------------------------------------------------------------

    def _check_languages(self, hub: Hub) -> None:
        tags = [entry.tag for entry in hub.languages]
        self._unique("hub.yaml", ("languages",), tags, "language", field="tag")
        if hub.source_language not in tags:
            self.problems.append(
                Problem("hub.yaml", self._line("hub.yaml", ("source_language",)),
                        f"the source language '{hub.source_language}' is not among the languages served",
                        "add it to languages (usually first)")
            )

    def _check_organizations(
        self, organizations: list[tuple[str, Organization]], topic_ids: set[str] | None,
        audience_ids: set[str] | None,
    ) -> None:
        seen_orgs: dict[str, str] = {}
        seen_services: dict[str, str] = {}
        seen_locations: dict[str, str] = {}
        seen_hsds: dict[str, str] = {}  # an HSDS id twice would be one record in a 211 system
        for name, org in organizations:
            self._first("organization", org.id, name, ("id",), seen_orgs)
            if org.hsds_id:
                self._first("HSDS", org.hsds_id, name, ("hsds_id",), seen_hsds)
            self._origin("organization", org.id, name, ())
            location_ids = set()
            for index, location in enumerate(org.locations):
                self._first("location", location.id, name, ("locations", index, "id"), seen_locations)
                if location.hsds_id:
                    self._first("HSDS", location.hsds_id, name, ("locations", index, "hsds_id"),
                                seen_hsds)
                location_ids.add(location.id)
                self._origin("location", location.id, name, ("locations", index))
            for index, service in enumerate(org.services):
                path: Path_ = ("services", index)
                self._first("service", service.id, name, (*path, "id"), seen_services)
                if service.hsds_id:
                    self._first("HSDS", service.hsds_id, name, (*path, "hsds_id"), seen_hsds)
                self._origin("service", service.id, name, path)
                self._refs(name, (*path, "topics"), service.topics, topic_ids, "topic", "topics.yaml")
                self._refs(name, (*path, "audiences"), service.audiences, audience_ids, "audience", "audiences.yaml")
                self._refs(name, (*path, "locations"), service.locations, location_ids, "location",
                           "this organization's locations")

    def _check_documents(
        self, documents: list[DocumentSource], topic_ids: set[str] | None, audience_ids: set[str] | None,
        resource_ids: set[str] | None,
    ) -> None:
        seen: dict[str, str] = {}
        for doc in documents:
            meta = doc.meta
            self._first("document", meta.id, doc.file, ("id",), seen)
            if meta.id in RESERVED_PAGE_IDS:
                self.problems.append(
                    Problem(doc.file, self._line(doc.file, ("id",)),
                            f"the id '{meta.id}' is taken by one of the hub's own pages",
                            f"choose another id (not {', '.join(sorted(RESERVED_PAGE_IDS))})")
                )
            self._origin("document", meta.id, doc.file, ())
            self._refs(doc.file, ("topics",), meta.topics, topic_ids, "topic", "topics.yaml")
            self._refs(doc.file, ("audiences",), meta.audiences, audience_ids, "audience", "audiences.yaml")
            self._refs(doc.file, ("resources",), meta.resources, resource_ids, "resource", "resources.yaml")

    def _catalog_warnings(self, hub: Hub) -> list[Problem]:
        served = {entry.tag for entry in hub.languages}
        return [
            Problem(f"translations/{tag}.po", 0, f"'{tag}' is not a language this hub serves",
                    "add it to languages in hub.yaml, or remove the file")
            for tag in sorted(self.raw.catalogs) if tag not in served
        ]

    def _name_warnings(self, hub: Hub, organizations: list[tuple[str, Organization]],
                       resources: list[Resource]) -> list[Problem]:
        """A language tag served, offered by phone or listed that nobody names (`kar`): its
        pages would show the bare tag. A warning (an error under --strict)."""
        named = {e.tag for e in (*hub.languages, *hub.interpretation_languages)
                 if e.name or e.english_name}
        found: dict[str, tuple[str, int]] = {}

        def listed(tag: str, name: str, path: Path_) -> None:
            if tag not in named and tag not in found and not has_name(tag):
                found[tag] = (name, self._line(name, path))

        for key in ("languages", "interpretation_languages"):
            for index, entry in enumerate(getattr(hub, key)):
                listed(entry.tag, "hub.yaml", (key, index))
        for name, org in organizations:
            for index, service in enumerate(org.services):
                for n, tag in enumerate(service.languages):
                    listed(tag, name, ("services", index, "languages", n))
        for index, res in enumerate(resources):
            for n, tag in enumerate(res.languages):
                listed(tag, "resources.yaml", ("resources", index, "languages", n))
        return [
            Problem(name, line, f"Haven knows no name for the language '{tag}', so pages would "
                    "show the bare tag",
                    f"name it in hub.yaml: under languages or interpretation_languages, write "
                    f"'- tag: {tag}' with 'name:' (in itself) and 'english_name:', or check the tag")
            for tag, (name, line) in found.items()
        ]

    # -- helpers ------------------------------------------------------------------------------

    def _line(self, name: str, path: Path_) -> int:
        located = self.raw.files.get(name) or (
            self.raw.documents[name].meta if name in self.raw.documents else None
        )
        return located.line_of(path) if located else 0

    def _origin(self, kind: str, ident: str, name: str, path: Path_) -> None:
        self.origins.setdefault((kind, ident), f"{name}:{self._line(name, path)}")

    def _unique(self, name: str, path: Path_, ids: list[str], kind: str, field: str = "id") -> set[str]:
        seen: set[str] = set()
        for index, ident in enumerate(ids):
            if ident in seen:
                self.problems.append(
                    Problem(name, self._line(name, (*path, index, field)),
                            f"the {kind} '{ident}' is listed twice", "remove one, or give it another id")
                )
            seen.add(ident)
        return seen

    def _known_ids(self, name: str, key: str, ids: list[str] | None, kind: str) -> set[str] | None:
        """The ids `name` defines; None when the file exists but could not be read.

        When the file holds an error its ids are taken from the raw data, so that one
        mistake there does not also turn every reference to it elsewhere into an error.
        """
        if ids is not None:
            return self._unique(name, (key,), ids, kind)
        located = self.raw.files.get(name)
        if located is None:
            return None if (self.raw.root / name).exists() else set()
        items = located.data.get(key) if isinstance(located.data, dict) else None
        if not isinstance(items, list):
            return None
        return {str(item["id"]) for item in items if isinstance(item, dict) and "id" in item}

    def _first(self, kind: str, ident: str, name: str, path: Path_, seen: dict[str, str]) -> None:
        line = self._line(name, path)
        if ident in seen:
            self.problems.append(
                Problem(name, line, f"the {kind} id '{ident}' is already used in {seen[ident]}",
                        "give each one its own id")
            )
        else:
            seen[ident] = f"{name}:{line}"

    def _refs(
        self, name: str, path: Path_, refs: Iterable[str], known: set[str] | None, kind: str, where: str
    ) -> None:
        if known is None:
            return  # the file that defines them could not be read: that problem is reported
        for index, ref in enumerate(refs):
            if ref in known:
                continue
            close = difflib.get_close_matches(ref, sorted(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"add it to {where} or remove it here"
            self.problems.append(
                Problem(name, self._line(name, (*path, index)), f"there is no {kind} '{ref}'", hint)
            )


_STATUS_WORDS = {
    "immigration", "immigrant", "migration", "migratory", "legal", "visa", "residency",
    "residence", "documentation", "asylum", "refugee", "daca", "tps", "parole",
}
_STATUS_TOKENS = {"citizen", "citizenship", "undocumented", "documented", "alien", "nationality",
                  "noncitizen", "illegal", "deportable", "deportation"}
_STATUS_JOINED = ("immigrationstatus", "citizenship", "legalstatus", "visastatus", "undocumented",
                  "aliennumber", "migratorystatus", "immigrantstatus", "residencystatus")


_STATUS_ELSEWHERE = (
    # Spanish, Portuguese, French, Haitian Creole, Polish (accents removed), joined
    "migratori", "migratoire", "ciudadan", "cidadan", "citoyen", "indocumentad",
    "sanspapier", "extranjero", "estrangeiro", "etranger", "imigrasyon", "imigracyj",
    "imigracao", "inmigracion", "obywatel", "sitwayen", "nacionalidad", "nacionalidade",
    "nationalite", "quoctich", "tinhtrangditru", "ditrucu", "immigrazion", "cittadinanz",
    # other scripts, as written
    "гражданств", "иммиграц", "мигрант", "миграцион", "громадянств", "الجنسية", "الهجرة",
    "جنسيت", "تابعیت", "مهاجرت", "اقامت", "شہریت", "移民", "国籍", "國籍", "公民身份",
    "居留身份", "국적", "시민권", "이민", "체류", "नागरिकता", "आप्रवास", "आव्रजन",
    "ናይ ዜግነት", "ዜግነት", "ኢሚግሬሽን", "နိုင်ငံသား",
)
"""Status in the languages of the families a hub serves (a key in any of them is refused)."""

_LOOK_ALIKES = str.maketrans({
    # Cyrillic and Greek letters that look like Latin ones
    "а": "a", "в": "b", "е": "e", "ѕ": "s", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ԁ": "d", "ɡ": "g", "ո": "n",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ı": "i",
    # digits written for letters
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s",
})


def _plain_letters(key: str) -> str:
    """`key` without what hides a word: width forms, accents, invisible characters, case."""
    text = unicodedata.normalize("NFKC", key)
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if unicodedata.category(c) not in ("Mn", "Cf"))
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=4096)  # the same few dozen keys recur in every record
def is_status_field(key: str) -> bool:
    """Whether a field name is about immigration or citizenship status, by any obvious name:
    in English, in the languages of the families a hub serves, or in look-alike letters."""
    plain = _plain_letters(key)
    if _is_status_name(plain):
        return True
    folded = plain.casefold()
    joined = _joined(folded)
    if any(word in joined for word in _elsewhere()):
        return True
    latin = re.sub(r"[\u2010-\u2015\u2212]", "-", folded).translate(_LOOK_ALIKES)
    return latin != folded and _is_status_name(latin)


def _joined(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


@lru_cache(maxsize=1)
def _elsewhere() -> tuple[str, ...]:
    """The words of _STATUS_ELSEWHERE as keys are compared: plain letters, joined."""
    return tuple(_joined(_plain_letters(word).casefold()) for word in _STATUS_ELSEWHERE)


def _is_status_name(key: str) -> bool:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    normal = re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")
    tokens = set(normal.split("_"))
    joined = normal.replace("_", "")
    if tokens & _STATUS_TOKENS or any(word in joined for word in _STATUS_JOINED):
        return True
    if normal in ("a_number", "anumber", "uscis_number", "green_card", "visa_type", "i_94"):
        return True
    return bool(tokens & {"status", "statut", "estatus", "stato", "type", "number"}
                and tokens & _STATUS_WORDS)


def _keys(data: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key), str(key)
            yield from _keys(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _keys(value, (*path, index))


def _data_path(data: Any, loc: tuple[int | str, ...]) -> Path_:
    """The part of a pydantic error location that names real keys and indexes of the data."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:  # noqa: SIM114 - narrows types for mypy
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and part not in current and not _is_validator_tag(part):
            path.append(part)
            current = None
    return tuple(path)


def _is_validator_tag(part: str) -> bool:
    return "[" in part or part in {"str", "int", "float", "bool", "date"} or part[:1].isupper()


_KIND_WORDS = {
    "string_type": ("text", "put the value in quotes"),
    "int_type": ("a whole number", "write digits only, like 90"),
    "int_parsing": ("a whole number", "write digits only, like 90"),
    "int_from_float": ("a whole number", "write digits only, like 90"),
    "float_type": ("a number", "write digits only, like 0 or 25.50"),
    "float_parsing": ("a number", "write digits only, like 0 or 25.50"),
    "bool_type": ("true or false", "write true or false"),
    "bool_parsing": ("true or false", "write true or false"),
    "date_type": ("a date", "write it as YYYY-MM-DD, like 2025-01-20"),
    "date_parsing": ("a date", "write it as YYYY-MM-DD, like 2025-01-20"),
    "date_from_datetime_parsing": ("a date", "write it as YYYY-MM-DD, like 2025-01-20"),
    "date_from_datetime_inexact": ("a date", "write it as YYYY-MM-DD, with no time"),
    "list_type": ("a list", "write each item on its own line, starting with '- '"),
    "model_type": ("a group of fields", "write the fields indented under it, each as 'name: value'"),
    "model_attributes_type": ("a group of fields", "write the fields indented under it, each as 'name: value'"),
    "dict_type": ("a group of fields", "write the fields indented under it, each as 'name: value'"),
}


def _describe(error: Any, path: Path_, root: type[BaseModel]) -> tuple[str, str]:
    kind = error["type"]
    name = next((str(p) for p in reversed(path) if isinstance(p, str)), "the file")
    if not name.isprintable():  # a field name with a line break or control character
        name = repr(name)[1:-1]
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_at(root, path[:-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"remove it; the fields here are: {', '.join(allowed)}"
        return f"unknown field '{name}'", hint
    if kind == "missing":
        return f"'{name}' is missing", f"add '{name}:' here (docs/authoring.md describes it)"
    if kind in _KIND_WORDS:
        what, hint = _KIND_WORDS[kind]
        return f"'{name}' should be {what}, not {_show(value)}", hint
    if kind in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected", "")
        options = re.findall(r"'([^']*)'", expected)
        close = difflib.get_close_matches(str(value), options, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {', '.join(options)}"
        return f"{_show(value)} is not a valid {name}", hint
    if kind == "value_error":
        text = str(error.get("ctx", {}).get("error", error["msg"]))
        what, _, hint = text.partition(" — ")
        return what, hint or "correct the value"
    if kind == "finite_number":
        return (f"{_show(value)} is not a finite number for '{name}'",
                "write an ordinary number, like 25 or 12.50")
    if kind == "too_short":
        return f"'{name}' needs at least one item", "add an item on a line starting with '- '"
    if kind == "string_pattern_mismatch":
        return f"{_show(value)} is not in the form '{name}' needs", _pattern_hint(name)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{_show(value)} is out of range for '{name}'", error["msg"].lower()
    return f"'{name}': {error['msg']}", "see docs/authoring.md"


def _pattern_hint(name: str) -> str:
    if name in ("opens_at", "closes_at"):
        return "write the time as HH:MM on a 24-hour clock, like 09:00 or 17:30"
    if name == "country":
        return "write the two-letter country code in capitals, like US"
    return "see docs/authoring.md for the form"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _fields_at(root: type[BaseModel], path: Path_) -> list[str]:
    """The field names a content author may write at `path` below the model `root`."""
    model: type[BaseModel] | None = root
    for part in path:
        if model is None:
            break
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        model = _model_in(info.annotation) if info else None
    return list(model.model_fields) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found:
                return found
    return None


# -- links to the hub's own pages -------------------------------------------------------------

def hub_pages(content: Content) -> dict[str, set[str]]:
    """Every page path of a language (no slashes; "" is its home) → the anchors Haven makes
    on it, for `page:` links."""
    from haven.content.facets import directory_facets  # planned from validated content

    pages: dict[str, set[str]] = {"": set(), "help": {"filters", "orgs"}}
    pages.update({d.meta.id: set() for d in content.documents})
    for facet in directory_facets(content).values():
        pages[facet.path.strip("/")] = set()
    for org in content.organizations:
        pages[f"help/org/{org.id}"] = {f"s-{s.id}" for s in org.services}
    if content.reporting:
        pages["report"] = {f"ch-{c.id}" for c in content.reporting.channels}
    if content.resources:
        pages["resources"] = set()
        pages.update({f"resources/{r.id}": set() for r in content.resources})
    return pages


def markdown_fields(content: Content, raw: RawContent) -> list[tuple[str, int, str]]:
    """Every Markdown text of the content: (file, line of its first line, text)."""
    found = [(d.file, d.body_line, d.body) for d in content.documents]
    if content.reporting and "reporting.yaml" in raw.files:
        located = raw.files["reporting.yaml"]
        found.append(("reporting.yaml", located.line_of(("intro",)) + 1, content.reporting.intro))
    outreach = content.hub.outreach
    if outreach and outreach.email_body and "hub.yaml" in raw.files:
        located = raw.files["hub.yaml"]
        found.append(("hub.yaml", located.line_of(("outreach", "email_body")) + 1,
                      outreach.email_body))
    return found


def internal_link_problems(content: Content, raw: RawContent, memo: _Memo | None = None
                           ) -> list[Problem]:
    """A `page:` link to a page or anchor that does not exist, and a link that starts with /
    or is relative (it would lead somewhere else from each page and language)."""
    from haven.markdown import links, page_target

    memo = memo or _Memo(None)
    pages = hub_pages(content)
    problems: list[Problem] = []
    for file, first, text in markdown_fields(content, raw):
        located = raw.documents[file].meta if file in raw.documents else raw.files.get(file)
        if located is None:
            found = links(text)
        else:  # the Markdown of a file's text, parsed once
            parsed = memo.of(file, located).links
            if text not in parsed:
                parsed[text] = links(text)
            found = parsed[text]
        for href, offset in found:
            line = first + offset
            target = page_target(href)
            if target is not None:
                path, anchor = target
                if path not in pages:
                    close = difflib.get_close_matches(path, list(pages), n=1, cutoff=0.5)
                    problems.append(Problem(
                        file, line, f"the link {href} goes to a page this hub does not have",
                        f"write page:{close[0]}" if close else
                        "write page: and the page's folder, like page:help/ or page:"
                        + (content.documents[0].meta.id if content.documents else "report")))
                elif anchor and anchor not in pages[path]:
                    known = ", ".join(f"#{a}" for a in sorted(pages[path])) or "none"
                    problems.append(Problem(
                        file, line, f"the link {href} goes to #{anchor}, which the page "
                        f"{path or 'home'} does not have",
                        f"remove #{anchor}, or use one of the anchors Haven makes there: {known}"))
                continue
            if href.startswith(("http:", "https:", "mailto:", "tel:")) or not href:
                continue
            if href.startswith("#"):
                continue
            path = href.split("#", 1)[0].strip("/")
            fix = f"page:{path}" if path in pages else "page: and the page's folder, like page:help"
            problems.append(Problem(
                file, line, f"the link {href} is relative to the page it is on, so it would "
                "not lead to the hub's page in the reader's language"
                + (" (a link starting with / goes to the root of the web server)"
                   if href.startswith("/") else ""),
                f"write {fix}" + (f"#{href.split('#', 1)[1]}" if "#" in href and path in pages
                                  else "")))
    return problems


# -- what must not be published by accident ---------------------------------------------------

EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")


def is_fictional(number: str, region: str) -> bool:
    """A number of the 555-0100 to 555-0199 range, reserved for fiction in North America."""
    parsed = parse_phone(number, region)
    if parsed is None:
        return False
    national = str(parsed.national_number)
    return parsed.country_code == 1 and len(national) == 10 and national[3:8].startswith("55501")


def _phone_values(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("number", "phone") and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from _phone_values(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _phone_values(item, (*path, index))


def example_warnings(content: Content, raw: RawContent, memo: _Memo | None = None) -> list[Problem]:
    """Fictional phone numbers and the untouched examples of `haven init`: warnings at build
    time, errors under --strict, so that a district cannot publish the starter by accident."""
    from importlib import resources

    memo = memo or _Memo(None)
    found: list[Problem] = []
    region = content.hub.country
    for name in sorted(raw.files):
        located = raw.files[name]
        results = memo.of(name, located)
        fictional = results.fictional.get(region)
        if fictional is None:
            results.fictional.clear()  # only the hub's present country is kept
            fictional = results.fictional[region] = tuple(
                Problem(name, located.line_of(path),
                        f"{value} is a fictional number (555-01xx), not one families can call",
                        "write the real number")
                for path, value in _phone_values(located.data) if is_fictional(value, region))
        found += fictional
    hub_file = raw.files.get("hub.yaml")
    host = urlsplit(content.hub.base_url).hostname or ""
    if hub_file and any(host == h or host.endswith("." + h) for h in EXAMPLE_HOSTS):
        found.append(Problem("hub.yaml", hub_file.line_of(("base_url",)),
                             f"base_url {content.hub.base_url} is the example address of "
                             "haven init", "write the address where the hub will be published"))
    for org in content.organizations:
        if org.id == "example-legal-aid" or org.name == "Example Legal Aid":
            name = f"directory/{org.id}.yaml"
            org_file = raw.files.get(name)
            found.append(Problem(name, org_file.line_of(("name",)) if org_file else 0,
                                 f"'{org.name}' is the example organization of haven init",
                                 "replace it with a real organization, or delete the file"))
    starter = resources.files("haven") / "scaffold" / "hub" / "documents"
    examples = {item.name: item.read_text(encoding="utf-8") for item in starter.iterdir()
                if item.name.endswith(".md")}
    for doc in content.documents:
        example = examples.get(doc.file.rsplit("/", 1)[-1])
        if example is not None and doc.body.strip() and doc.body.strip() in example:
            found.append(Problem(doc.file, doc.body_line,
                                 f"the text of '{doc.meta.id}' is the example of haven init",
                                 "write your district's own text, or delete the file"))
    return found


def _marked(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every item of every `unconfirmed:` list in a file's data, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "unconfirmed" and isinstance(value, list):
                yield from (((*path, key, i), str(item)) for i, item in enumerate(value))
            else:
                yield from _marked(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _marked(item, (*path, index))


def unconfirmed_statements(raw: RawContent, memo: _Memo | None = None) -> list[Problem]:
    """Every statement marked `unconfirmed`, with the file and line of its mark: shown to
    readers labelled, listed by `haven check`, and a warning (so --strict stops on it)."""
    memo = memo or _Memo(None)
    found: list[Problem] = []
    sources = [*raw.files.items(), *((n, d.meta) for n, d in raw.documents.items())]
    for name, located in sorted(sources, key=lambda item: item[0]):
        results = memo.of(name, located)
        if results.unconfirmed is None:
            results.unconfirmed = tuple(
                Problem(name, located.line_of(path),
                        f"'{item}' is marked unconfirmed: readers see it labelled "
                        "\"Not yet confirmed by the district.\"",
                        "confirm it and remove it from unconfirmed, or remove the statement")
                for path, item in _marked(located.data))
        found += results.unconfirmed
    return found
