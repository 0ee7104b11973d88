"""`haven import hsds`: a hub's directory from an existing HSDS 3.0 dataset.

Reads a single `organization_full`, `service_full` or `service_at_location_full` JSON object,
a JSON list or paginated response of them, `tabular.json`, or a folder of HSDS CSV files
(a Tabular Data Package). Writes one `directory/<id>.yaml` per organization, in Haven's
HSDS names.

Decisions (docs/authoring.md, "Open data", says the same to people):

- Nothing is dropped silently. Every field Haven has no place for is counted, field by
  field, and reported; so is every value left out of a record.
- A field about immigration or citizenship status (an HSDS extension field, or an attribute
  whose term names one) is refused: never written, and reported.
- An invalid phone number, web address, e-mail address or language in the dataset is left
  out of that record, reported, and noted in a comment at the top of the file written;
  the rest of the import goes on.
- Verification: an imported organization is `unverified` (HSDS has no date for an
  organization). A service with an `assured_date` becomes `current` with that date and
  `assurer_email` as assurer; a service whose `status` is not `active` becomes
  `needs-review` with a note. Haven's own attributes (a Haven export) are read back as they
  were.
- Never lose work: an existing file is kept unless `force`; each file is written atomically.
- Ids survive the round trip: an organization's, service's or location's HSDS id (a UUID)
  is kept as `hsds_id` (unless it is the very UUID this hub derives anyway), and so are the
  organization's identifiers (`GB-COH 1234567`); the export writes them back, so a 211
  system updates its records instead of adding copies.
- Hostile data is refused whole with file:line (haven.opendata.safejson): numbers that are
  not numbers, deep nesting, HSDS lists or objects of the wrong type; and nothing is written
  through a `directory/` that links outside the hub.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import langcodes
import yaml
from pydantic import TypeAdapter, ValidationError

from haven.content.schema import (
    ID_PATTERN,
    MAX_AMOUNT,
    ByDay,
    Email,
    LanguageTag,
    Organization,
    PhoneNumber,
    Url,
)
from haven.content.validate import is_status_field
from haven.errors import ContentError, HavenError
from haven.interrupt import shielded
from haven.locate import hint
from haven.opendata import hsds
from haven.opendata.safejson import load_json
from haven.spreadsheet import read_cell

JSON = dict[str, Any]

MAX_BYTES = 50_000_000

_HSDS_FIELDS = {column for columns in hsds.TABLES.values() for column in columns} | {
    # nested arrays and objects of the JSON forms, and the tables Haven does not write
    "funding", "contacts", "phones", "locations", "programs", "organization_identifiers",
    "attributes", "metadata", "services", "schedules", "service_areas", "service_at_locations",
    "languages", "organization", "cost_options", "program", "required_documents", "addresses",
    "accessibility", "location", "service", "taxonomy_term", "taxonomy_detail", "title",
    "department", "source", "details", "document", "extent", "extent_type", "resource_id",
    "resource_type", "last_action_date", "last_action_type", "field_name", "previous_value",
    "replacement_value", "updated_by", "contact_id", "program_id",
}
"""Names HSDS 3.0 defines: any other key is an extension field."""

_STRUCTURAL = {"id", "organization_id", "service_id", "location_id", "phone_id",
               "service_at_location_id", "link_id", "taxonomy_term_id", "taxonomy_id",
               "contact_id"}
"""Keys that only link records together: nothing to carry, nothing to report."""

_PHONE_TYPES = {"voice", "text", "fax", "cell", "video", "pager", "textphone"}

_URL: TypeAdapter[str] = TypeAdapter(Url)
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
_TAG: TypeAdapter[str] = TypeAdapter(LanguageTag)
_PHONE: TypeAdapter[str] = TypeAdapter(PhoneNumber)
_BYDAY: TypeAdapter[str | None] = TypeAdapter(ByDay)


@dataclass
class ImportReport:
    """What an import wrote, kept, refused and could not carry."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Files that already existed and were left as they were (no --force)."""
    not_carried: Counter[str] = field(default_factory=Counter)
    """`entity.field` → how many records had a value Haven has no place for."""
    refused: Counter[str] = field(default_factory=Counter)
    """Immigration- or citizenship-status fields, never written."""
    left_out: list[str] = field(default_factory=list)
    """Values left out of a record because they are not valid, one line each."""
    notes: list[str] = field(default_factory=list)
    """Other things to know: pagination, records skipped, problems of the hub after import."""

    def lines(self) -> list[str]:
        """The report as plain lines for a person."""
        out = [f"wrote {name}" for name in self.written]
        out += [f"kept {name}: it already exists (use --force to replace it)" for name in self.kept]
        for key, count in sorted(self.refused.items()):
            out.append(f"refused {key} ({count}×): Haven never stores immigration or "
                       "citizenship status")
        if self.not_carried:
            out.append("not carried (Haven has no place for these fields):")
            out += [f"  {key}: {count}" for key, count in sorted(self.not_carried.items())]
        out += [f"left out: {line}" for line in self.left_out]
        out += self.notes
        return out


def import_hsds(source: Path, into: Path, force: bool = False) -> ImportReport:
    """Import the HSDS dataset at `source` into the hub folder `into`."""
    try:
        return _import(source, into, force)
    except (RecursionError, TypeError, AttributeError, KeyError, ValueError,
            OverflowError) as exc:  # a shape of data no check above foresaw: still a message
        raise HavenError(f"{source}: Haven could not read this dataset ({type(exc).__name__}: "
                         f"{str(exc)[:200]}) — check that it is HSDS 3.0, and report the file "
                         "to Haven's maintainers; nothing was imported") from None


def _import(source: Path, into: Path, force: bool) -> ImportReport:
    if not (into / "hub.yaml").is_file():
        raise HavenError(f"{into} has no hub.yaml — start a hub with {hint('init', into)}, "
                         "then import into it with --into")
    _check_directory(into)
    report = ImportReport()
    organizations = read_dataset(source, report)
    if not organizations:
        raise HavenError(f"{source}: no organization, service or service_at_location found — "
                         "give an HSDS organization_full, service_full or list of them, "
                         "tabular.json, or a folder of HSDS CSV files")
    hub = _read_yaml(into / "hub.yaml")
    country = str(hub.get("country") or "US")
    topics = _ids(_read_yaml(into / "topics.yaml").get("topics"))
    audiences = _ids(_read_yaml(into / "audiences.yaml").get("audiences"))
    existing = _existing_ids(into / "directory")
    mapper = _Mapper(report, country, topics, audiences, source.name,
                     str(hub.get("base_url") or ""))
    planned: dict[str, tuple[JSON, list[str]]] = {}
    for data in organizations:
        result = mapper.organization(data, existing, force, into / "directory")
        if result is not None:
            org_id, record, comments = result
            planned[f"directory/{org_id}.yaml"] = (record, comments)
    (into / "directory").mkdir(exist_ok=True)
    _check_directory(into)  # again: it may have been replaced while the dataset was read
    for name, (record, comments) in planned.items():
        text = _yaml_text(record, comments, source.name)
        if _write(into / name, text, force):
            report.written.append(name)
        else:
            report.kept.append(name)
    _check_hub(into, report)
    return report


def _check_directory(into: Path) -> None:
    """Refuse a `directory/` that is not a real folder inside the hub (a symlink elsewhere):
    an import writes only inside the hub."""
    directory = into / "directory"
    if not (directory.is_symlink() or directory.exists()):
        return
    try:
        hub = into.resolve()
        target = directory.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise HavenError(f"{directory} is a link that leads nowhere (a loop) — make "
                         "directory/ a plain folder inside the hub; nothing was written") from None
    if not target.is_relative_to(hub):
        raise HavenError(f"{directory} is a link to {target}, outside the hub — make "
                         "directory/ a plain folder inside the hub (move the files into it), "
                         "then import again; nothing was written")
    if not target.is_dir():
        raise HavenError(f"{directory} is not a folder — rename that file, then import "
                         "again; nothing was written")


# Reading ---------------------------------------------------------------------------------


def read_dataset(source: Path, report: ImportReport) -> list[JSON]:
    """Every organization of the dataset, nested as an HSDS organization_full."""
    if source.is_dir():
        tables = _read_csv_folder(source, report)
        return _assemble(tables, report)
    if not source.is_file():
        raise HavenError(f"{source} does not exist — give an HSDS JSON file or a folder of "
                         "HSDS CSV files")
    if source.suffix.lower() == ".csv":
        raise HavenError(f"{source} is one CSV file — give the folder that holds all the "
                         "HSDS CSV files (organizations.csv, services.csv …)")
    data = _read_json(source)
    if isinstance(data, dict) and data and all(str(k).endswith(".csv") for k in data):
        tables = {str(k)[:-4]: [r for r in v if isinstance(r, dict)]
                  for k, v in data.items() if isinstance(v, list)}
        return _assemble(tables, report)
    items: list[Any]
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items = data["contents"]
        pages = data.get("total_pages")
        if isinstance(pages, int) and pages > 1:
            report.notes.append(
                f"{source.name} is page {data.get('page_number', '?')} of {pages} of a "
                "paginated response: import the other pages too")
    elif isinstance(data, list):
        items = data
    else:
        items = [data]
    return _group(items, report)


def _read_json(path: Path) -> Any:
    if path.stat().st_size > MAX_BYTES:
        raise HavenError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB — split it")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HavenError(f"{path}: not UTF-8 text ({exc.reason}) — save it as UTF-8") from None
    return load_json(path, text)


def _group(items: list[Any], report: ImportReport) -> list[JSON]:
    """Organizations from a list of organizations, services or services at locations."""
    orgs: dict[str, JSON] = {}
    order: list[str] = []

    def org_for(data: JSON) -> JSON:
        key = str(data.get("id") or data.get("name") or len(order))
        if key not in orgs:
            orgs[key] = {**data, "services": list(data.get("services") or [])}
            order.append(key)
        return orgs[key]

    for n, item in enumerate(items):
        if not isinstance(item, dict):
            report.notes.append(f"item {n + 1} is not an object: skipped")
            continue
        if isinstance(item.get("service"), dict):  # service_at_location_full
            service = dict(item["service"])
            sal = {k: v for k, v in item.items() if k != "service"}
            service["service_at_locations"] = [*(service.get("service_at_locations") or []), sal]
            item = service
        if "organization" in item or "status" in item or "organization_id" in item and \
                "services" not in item:  # a service
            owner = item.get("organization")
            if not isinstance(owner, dict) or not owner.get("name"):
                report.notes.append(f"service '{item.get('name', n + 1)}' names no organization "
                                    "with a name: skipped")
                continue
            org = org_for(owner)
            org["services"].append({k: v for k, v in item.items() if k != "organization"})
        elif "location_type" in item or "addresses" in item and "services" not in item:
            report.notes.append(f"item {n + 1} is a location without its organization: skipped "
                                "(import the organization_full or service_at_location instead)")
        elif {"version", "code", "taxonomy", "term_uri", "taxonomy_detail"} & item.keys():
            report.notes.append(f"item {n + 1} is a taxonomy or taxonomy term: skipped")
        elif item.get("name"):
            org_for(item)
        else:
            report.notes.append(f"item {n + 1} is not an organization or service: skipped")
    return [orgs[key] for key in order]


_TABLE_FILES = ("organizations", "services", "locations", "service_at_location", "addresses",
                "phones", "schedules", "languages", "cost_options", "attributes",
                "organization_identifiers", "taxonomy_terms", "taxonomies", "contacts",
                "funding", "programs", "accessibility", "service_areas", "required_documents",
                "metadata", "meta_table_descriptions")


def _read_csv_folder(folder: Path, report: ImportReport) -> dict[str, list[JSON]]:
    tables: dict[str, list[JSON]] = {}
    for path in sorted(folder.glob("*.csv")):
        if path.stat().st_size > MAX_BYTES:
            raise HavenError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB — split it")
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = [{k: (read_cell(v) if v else None) for k, v in row.items() if k}
                        for row in csv.DictReader(handle)]
        except UnicodeDecodeError as exc:
            raise HavenError(f"{path}: not UTF-8 text ({exc.reason}) — save it as UTF-8") from None
        except csv.Error as exc:
            raise HavenError(f"{path}: not a readable CSV file ({exc}) — export it again") from None
        tables[path.stem] = rows
        if path.stem not in _TABLE_FILES:
            report.notes.append(f"{path.name} is not an HSDS 3.0 table: not read")
    if "organizations" not in tables:
        raise HavenError(f"{folder} has no organizations.csv — give the folder of an HSDS "
                         "CSV package")
    return tables


def _assemble(tables: dict[str, list[JSON]], report: ImportReport) -> list[JSON]:
    """Nest the rows of HSDS tables into organization_full objects."""

    used: set[int] = set()

    def take(rows: list[JSON]) -> list[JSON]:
        used.update(id(row) for row in rows)
        return rows

    def by(table: str, key: str) -> dict[str, list[JSON]]:
        index: dict[str, list[JSON]] = {}
        for row in tables.get(table, []):
            if row.get(key):
                index.setdefault(str(row[key]), []).append(row)
        return index

    terms = {str(t.get("id")): t for t in tables.get("taxonomy_terms", [])}
    attrs = by("attributes", "link_id")
    for rows in attrs.values():
        for row in rows:
            if str(row.get("taxonomy_term_id")) in terms:
                row["taxonomy_term"] = terms[str(row["taxonomy_term_id"])]
    languages = {key: by("languages", key) for key in ("service_id", "location_id", "phone_id")}
    phones = {key: by("phones", key)
              for key in ("organization_id", "service_id", "location_id", "contact_id")}
    contacts = {key: by("contacts", key)
                for key in ("organization_id", "service_id", "location_id")}
    accessibility = by("accessibility", "location_id")
    documents = by("required_documents", "service_id")
    areas = by("service_areas", "service_id")
    schedules = {key: by("schedules", key) for key in ("service_id", "location_id")}
    addresses = by("addresses", "location_id")
    costs = by("cost_options", "service_id")
    sals = by("service_at_location", "service_id")
    identifiers = by("organization_identifiers", "organization_id")
    services = by("services", "organization_id")
    locations_by_org = by("locations", "organization_id")
    locations = {str(row["id"]): row for row in tables.get("locations", []) if row.get("id")}
    org_ids = {str(row.get("id")) for row in tables.get("organizations", [])}

    def phone(row: JSON) -> JSON:
        return {**take([row])[0],
                "languages": take(languages["phone_id"].get(str(row["id"]), [])),
                "attributes": take(attrs.get(str(row["id"]), []))}

    def contact(row: JSON) -> JSON:
        return {**take([row])[0],
                "phones": [phone(p) for p in phones["contact_id"].get(str(row["id"]), [])]}

    def location(row: JSON) -> JSON:
        lid = str(row.get("id"))
        return {**take([row])[0], "addresses": take(addresses.get(lid, [])),
                "accessibility": take(accessibility.get(lid, [])),
                "contacts": [contact(c) for c in contacts["location_id"].get(lid, [])],
                "phones": [phone(p) for p in phones["location_id"].get(lid, [])],
                "schedules": take(schedules["location_id"].get(lid, [])),
                "languages": take(languages["location_id"].get(lid, [])),
                "attributes": take(attrs.get(lid, []))}

    result = []
    for org in tables.get("organizations", []):
        oid = str(org.get("id"))
        nested_locations = [location(r) for r in locations_by_org.get(oid, [])]
        known = {str(r.get("id")) for r in nested_locations}
        nested_services = []
        for row in services.get(oid, []):
            sid = str(row.get("id"))
            service_sals = []
            for sal in sals.get(sid, []):
                lid = str(sal.get("location_id"))
                if lid in locations and lid not in known:
                    owner = locations[lid].get("organization_id")
                    why = "another organization" if owner in org_ids else "no organization in the dataset"
                    report.notes.append(
                        f"location '{locations[lid].get('name') or lid}' belongs to {why}; it is "
                        f"imported with '{org.get('name')}', whose service is offered there")
                    nested_locations.append(location(locations[lid]))
                    known.add(lid)
                service_sals.append(sal)
            nested_services.append({
                **take([row])[0], "service_at_locations": take(service_sals),
                "phones": [phone(p) for p in phones["service_id"].get(sid, [])],
                "schedules": take(schedules["service_id"].get(sid, [])),
                "languages": take(languages["service_id"].get(sid, [])),
                "cost_options": take(costs.get(sid, [])),
                "required_documents": take(documents.get(sid, [])),
                "service_areas": take(areas.get(sid, [])),
                "contacts": [contact(c) for c in contacts["service_id"].get(sid, [])],
                "attributes": take(attrs.get(sid, [])),
            })
        result.append({
            **take([org])[0], "locations": nested_locations, "services": nested_services,
            "phones": [phone(p) for p in phones["organization_id"].get(oid, [])],
            "organization_identifiers": take(identifiers.get(oid, [])),
            "contacts": [contact(c) for c in contacts["organization_id"].get(oid, [])],
            "attributes": take(attrs.get(oid, [])),
        })
    for table in ("services", "locations", "service_at_location", "addresses", "phones",
                  "schedules", "languages", "cost_options", "attributes",
                  "organization_identifiers", "contacts", "accessibility", "required_documents",
                  "service_areas"):
        orphans = sum(1 for row in tables.get(table, []) if id(row) not in used)
        if orphans:
            report.not_carried[f"{table}.csv (rows linked to no imported record)"] += orphans
    for table in ("funding", "programs", "metadata", "meta_table_descriptions"):
        if tables.get(table):
            report.not_carried[f"{table}.csv (whole rows)"] += len(tables[table])
    return result


# Mapping ---------------------------------------------------------------------------------


class _Mapper:
    """HSDS objects → Haven records, reporting everything that does not fit."""

    def __init__(self, report: ImportReport, country: str, topics: set[str],
                 audiences: set[str], source: str, base_url: str = "") -> None:
        self.report = report
        self.namespace = hsds.namespace(base_url) if base_url else None
        """The hub's own UUID namespace: an id it would derive itself need not be kept."""
        self.hsds_ids: set[str] = set()
        self.country = country
        self.topics = topics
        self.audiences = audiences
        self.source = source
        self.comments: list[str] = []
        self.used: set[str] = set()
        self._planned: set[str] = set()
        """Ids of the organizations, locations and services of this import so far."""
        self.record = ""

    def organization(self, data: JSON, existing: dict[str, set[str]], force: bool,
                     directory: Path) -> tuple[str, JSON, list[str]] | None:
        self.comments = []
        self.record = str(data.get("name") or data.get("id") or "?")
        if not isinstance(data.get("name"), str) or not data["name"].strip():
            self.report.notes.append(f"organization '{self.record}' has no name: skipped")
            return None
        haven = self.haven_attributes(data)
        preferred = haven.get("haven:id", [""])[0]
        for ident in data.get("organization_identifiers") or []:
            if isinstance(ident, dict) and ident.get("identifier_scheme") == "haven":
                preferred = preferred or str(ident.get("identifier") or "")
        org_id = preferred if ID_PATTERN.match(preferred or "") else _slug(data["name"])
        file = f"{org_id}.yaml"
        if (directory / file).exists() and not force:
            self.report.kept.append(f"directory/{file}")
            return None
        self.used = {i for name, ids in existing.items() if name != file for i in ids}
        self.used |= set(self._planned)
        org_id = self.unique(org_id)
        self._planned.add(org_id)
        record: JSON = {"id": org_id, "name": _text(data["name"]),
                        "hsds_id": self.hsds_id(data, "organization", org_id)}
        self.copy(data, record, "organization", ["alternate_name", "description"])
        record["organization_identifiers"] = self.identifiers(data)
        record["contacts"] = self.contacts(data.get("contacts"), "organization")
        self.link(data, record, "website", "url", _URL, "organization")
        self.link(data, record, "email", "email", _EMAIL, "organization")
        record["phones"] = self.phones(data.get("phones"), "organization")
        locations: dict[str, str] = {}
        record["locations"] = []
        for loc in _objects(data.get("locations")):
            mapped = self.location(loc, org_id)
            locations[str(loc.get("id"))] = mapped["id"]
            record["locations"].append(mapped)
        record["services"] = []
        for service in _objects(data.get("services")):
            mapped = self.service(service, record, locations)
            record["services"].append(mapped)
        record["verification"] = self.verification(haven) or {"status": "unverified"}
        handled = {"name", "alternate_name", "description", "website", "email", "phones",
                   "locations", "services", "attributes", "organization_identifiers", "contacts"}
        self.leftovers(data, "organization", handled)
        record = _prune(record)
        try:
            Organization.model_validate(record, context={"country": self.country})
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"])
                self.report.notes.append(f"organization '{self.record}' was not imported: "
                                         f"{where}: {error['msg']}")
            return None
        for ident in (org_id, *(i["id"] for i in record.get("locations", [])),
                      *(s["id"] for s in record.get("services", []))):
            self._planned.add(ident)
        return org_id, record, self.comments

    def location(self, data: JSON, org_id: str) -> JSON:
        haven = self.haven_attributes(data)
        preferred = haven.get("haven:id", [""])[0] or (
            str(data.get("external_identifier") or "")
            if data.get("external_identifier_type") == "haven-id" else "")
        name = _text(data.get("name"))
        ident = self.unique(preferred if ID_PATTERN.match(preferred)
                            else _slug(f"{org_id} {name or 'location'}"))
        record: JSON = {"id": ident, "name": name,
                        "hsds_id": self.hsds_id(data, "location", ident)}
        self.copy(data, record, "location", ["description"])
        withheld = haven.get("haven:address-withheld", [""])[0] == "true"
        if withheld:
            record["confidential"] = True
        addresses = _objects(data.get("addresses"))
        if addresses:
            physical = [a for a in addresses if a.get("address_type") in (None, "physical")]
            address = (physical or addresses)[0]
            mapped = self.address(address)
            if mapped:
                record["address"] = mapped
            if len(addresses) > 1:
                self.report.not_carried["location.addresses (after the first)"] += \
                    len(addresses) - 1
        record["phones"] = self.phones(data.get("phones"), f"location '{name or ident}'")
        record["schedules"] = self.schedules(data.get("schedules"), "location")
        record["accessibility"] = self.accessibility(data.get("accessibility"))
        record["contacts"] = self.contacts(data.get("contacts"), f"location '{name or ident}'")
        record["verification"] = self.verification(haven)
        self.leftovers(data, "location", {"name", "description", "addresses", "phones",
                                          "schedules", "attributes", "location_type",
                                          "accessibility", "contacts",
                                          "external_identifier", "external_identifier_type"})
        if data.get("location_type") not in (None, "physical"):
            self.report.not_carried[f"location.location_type ({data['location_type']})"] += 1
        return record

    def address(self, data: JSON) -> JSON | None:
        record = {k: _text(data.get(k)) for k in ("address_1", "address_2", "city",
                                                   "state_province", "postal_code", "country")}
        missing = [k for k in ("address_1", "city", "state_province", "postal_code")
                   if not record[k]]
        self.leftovers(data, "address", set(record) | {"address_type"})
        if missing:
            self.leave_out(f"an address without {', '.join(missing)}")
            return None
        return record

    def service(self, data: JSON, org: JSON, locations: dict[str, str]) -> JSON:
        haven = self.haven_attributes(data)
        preferred = haven.get("haven:id", [""])[0]
        name = _text(data.get("name")) or "Service"
        ident = self.unique(preferred if ID_PATTERN.match(preferred)
                            else _slug(f"{org['id']} {name}"))
        record: JSON = {"id": ident, "name": name,
                        "hsds_id": self.hsds_id(data, "service", ident)}
        self.copy(data, record, "service", ["description", "fees_description",
                                            "eligibility_description", "application_process"])
        for key in ("minimum_age", "maximum_age"):
            age = self.age(data.get(key), f"service '{name}': {key}")
            if age is not None:
                record[key] = age
        if record.get("minimum_age", 0) > record.get("maximum_age", 200):
            self.leave_out(f"service '{name}': minimum_age {record.pop('minimum_age')}, "
                           f"which is above maximum_age {record.pop('maximum_age')}")
        record["required_documents"] = self.documents(data.get("required_documents"))
        record["service_areas"] = self.areas(data.get("service_areas"))
        record["contacts"] = self.contacts(data.get("contacts"), f"service '{name}'")
        self.link(data, record, "url", "url", _URL, f"service '{name}'")
        self.link(data, record, "email", "email", _EMAIL, f"service '{name}'")
        record["topics"] = self.known(haven.get("haven:topic", []), self.topics, "topic")
        record["audiences"] = self.known(haven.get("haven:audience", []), self.audiences,
                                         "audience")
        record["accreditations"] = haven.get("haven:accreditation", [])
        if data.get("accreditations") and not record["accreditations"]:
            self.report.not_carried["service.accreditations"] += 1
        record["languages"] = self.languages(data.get("languages"), f"service '{name}'")
        record["cost_options"] = [self.cost(c) for c in _objects(data.get("cost_options"))]
        record["schedules"] = self.schedules(data.get("schedules"), "service")
        record["phones"] = self.phones(data.get("phones"), f"service '{name}'")
        record["locations"] = []
        for sal in _objects(data.get("service_at_locations")):
            nested = sal.get("location") if isinstance(sal.get("location"), dict) else None
            lid = str(sal.get("location_id") or (nested or {}).get("id") or "")
            if lid not in locations and nested is not None:
                mapped = self.location(nested, org["id"])
                org["locations"].append(mapped)
                locations[lid] = mapped["id"]
            if lid in locations and locations[lid] not in record["locations"]:
                record["locations"].append(locations[lid])
            self.leftovers(sal, "service_at_location", {"location", "location_id", "service_id"})
        record["verification"] = self.verification(haven) or self.assured(data, name)
        if data.get("status") not in (None, "active") and not haven:
            verification = record["verification"] or {}
            record["verification"] = {
                "status": "needs-review",
                **({"assured_date": verification["assured_date"]}
                   if verification.get("assured_date") else {}),
                "note": f"The imported dataset marks this service as '{data['status']}'.",
            }
        self.leftovers(data, "service", {
            "name", "description", "fees_description", "eligibility_description", "url",
            "email", "accreditations", "languages", "cost_options", "schedules", "phones",
            "service_at_locations", "attributes", "assured_date", "assurer_email", "status",
            "application_process", "minimum_age", "maximum_age", "required_documents",
            "service_areas", "contacts"})
        return record

    def assured(self, data: JSON, name: str) -> JSON | None:
        value = data.get("assured_date")
        if not value:
            return None
        try:
            date = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            self.leave_out(f"service '{name}': assured_date {value!r} is not a date")
            return None
        if date > dt.date.today():
            self.leave_out(f"service '{name}': assured_date {date} is in the future")
            return None
        assurer = _text(data.get("assurer_email")) or f"the imported dataset ({self.source})"
        return {"status": "current", "assured_date": date.isoformat(), "assurer": assurer}

    def cost(self, data: JSON) -> JSON:
        record: JSON = {"option": _text(data.get("option"))}
        amount = data.get("amount")
        if amount is not None:
            try:
                value = float(amount)
                if not 0 <= value <= MAX_AMOUNT:
                    raise ValueError
                record["amount"] = int(value) if value.is_integer() else value
            except (TypeError, ValueError, OverflowError):
                self.leave_out(f"a cost amount {str(amount)[:40]!r} that is not a number "
                               f"from 0 to {MAX_AMOUNT:,}")
        if data.get("currency"):
            record["currency"] = str(data["currency"]).upper()
        self.leftovers(data, "cost_option", {"option", "amount", "currency"})
        return record

    def schedules(self, items: Any, entity: str) -> list[JSON]:
        out = []
        for data in _objects(items):
            record: JSON = {"byday": self.byday(data.get("byday"))}
            freq = str(data.get("freq") or "").upper()
            if freq in ("WEEKLY", "MONTHLY"):
                record["freq"] = freq
                interval = data.get("interval")
                if isinstance(interval, int | float) and 1 <= interval <= 52 \
                        and float(interval).is_integer():
                    record["interval"] = int(interval)
                elif interval not in (None, "", 1):
                    self.report.not_carried[f"{entity}.schedule.interval"] += 1
            elif freq:
                self.report.not_carried[f"{entity}.schedule.freq ({freq.lower()})"] += 1
            for key in ("opens_at", "closes_at"):
                value = str(data.get(key) or "")
                match = re.match(r"^(\d{1,2}):(\d{2})", value)
                if match:
                    record[key] = f"{int(match[1]):02d}:{match[2]}"
                elif value:
                    self.leave_out(f"a schedule's {key} {value!r}, which is not a time")
            description = _text(data.get("description"))
            if not description:
                days = record["byday"] or ""
                times = "–".join(t for t in (record.get("opens_at"), record.get("closes_at")) if t)
                description = " ".join(p for p in (days, times) if p) or "See the organization"
            record["description"] = description
            self.leftovers(data, f"{entity}.schedule",
                           {"byday", "opens_at", "closes_at", "description", "freq",
                            "interval"})
            out.append(record)
        return out

    def phones(self, items: Any, owner: str) -> list[JSON]:
        out = []
        for data in _objects(items):
            raw = str(data.get("number") or "")
            number = raw.strip().strip("\"'").strip()
            try:
                _PHONE.validate_python(number, context={"country": self.country})
            except ValidationError:
                self.leave_out(f"{owner}: phone {raw!r}, which is not a valid number for "
                               f"{self.country}")
                continue
            record: JSON = {"number": number}
            if data.get("extension") not in (None, ""):
                ext = data["extension"]
                record["extension"] = str(int(ext)) if isinstance(ext, float) else str(ext)
            kind = str(data.get("type") or "voice").lower()
            if kind not in _PHONE_TYPES:
                self.report.not_carried[f"phone.type ({kind})"] += 1
                kind = "voice"
            record["type"] = kind
            record["description"] = _text(data.get("description"))
            record["languages"] = self.languages(data.get("languages"), f"{owner} phone")
            self.leftovers(data, "phone", {"number", "extension", "type", "description",
                                           "languages"})
            out.append(record)
        return out

    def languages(self, items: Any, owner: str) -> list[str]:
        tags: list[str] = []
        for data in _objects(items):
            tag = _language_tag(data.get("code"), data.get("name"))
            if tag is None:
                self.leave_out(f"{owner}: language {data.get('code') or data.get('name')!r}, "
                               "which is not a known language")
            elif tag not in tags:
                tags.append(tag)
            self.leftovers(data, "language", {"code", "name"})
        return tags

    def copy(self, data: JSON, record: JSON, entity: str, keys: list[str]) -> None:
        for key in keys:
            record[key] = _text(data.get(key))

    def link(self, data: JSON, record: JSON, source: str, target: str,
             adapter: TypeAdapter[str], owner: str) -> None:
        value = _text(data.get(source))
        if not value:
            return
        try:
            record[target] = adapter.validate_python(value)
        except ValidationError:
            self.leave_out(f"{owner}: {source} {value!r}, which is not valid")

    def known(self, values: list[str], known: set[str], kind: str) -> list[str]:
        kept = [v for v in values if v in known]
        for value in values:
            if value not in known:
                self.leave_out(f"{kind} '{value}', which is not in the hub's {kind}s.yaml")
        return kept

    def verification(self, haven: dict[str, list[str]]) -> JSON | None:
        status = haven.get("haven:verification-status", [""])[0]
        if not status:
            return None
        record: JSON = {"status": status}
        for code, key in (("haven:assured-date", "assured_date"), ("haven:assurer", "assurer"),
                          ("haven:verification-note", "note"), ("haven:closed-on", "closed_on")):
            if code in haven:
                record[key] = haven[code][0]
        if "haven:verification-source" in haven:
            record["sources"] = haven["haven:verification-source"]
        return record

    def haven_attributes(self, data: JSON) -> dict[str, list[str]]:
        """The Haven taxonomy's attributes of a record; other attributes are reported."""
        found: dict[str, list[str]] = {}
        for attr in _objects(data.get("attributes")):
            nested = attr.get("taxonomy_term")
            term: JSON = nested if isinstance(nested, dict) else {}
            code = str(term.get("code") or "")
            label = code or str(term.get("name") or attr.get("link_type") or "")
            if is_status_field(label.replace(":", "_")):
                self.report.refused[f"attribute '{label}'"] += 1
            elif code in hsds.TERMS and term.get("taxonomy") == hsds.TAXONOMY_NAME:
                found.setdefault(code, []).append(str(attr.get("value") or ""))
            else:
                self.report.not_carried[f"attribute ({label or 'no term'})"] += 1
        return found

    def leftovers(self, data: JSON, entity: str, handled: set[str]) -> None:
        """Count every field with a value that this record did not carry."""
        for key, value in data.items():
            if key in handled or key in _STRUCTURAL or value in (None, "", [], {}):
                continue
            if key not in _HSDS_FIELDS and is_status_field(key):
                self.report.refused[f"{entity}.{key}"] += 1
            elif key == "attributes":
                self.haven_attributes(data)
            else:
                self.report.not_carried[f"{entity}.{key}"] += 1

    def hsds_id(self, data: JSON, kind: str, haven_id: str) -> str | None:
        """The record's HSDS id to keep: a UUID, once per import, unless it is the one this
        hub would derive from the Haven id anyway."""
        value = str(data.get("id") or "")
        try:
            ident = str(uuid.UUID(value))
        except ValueError:
            if value:
                self.report.not_carried[f"{kind}.id (not a UUID)"] += 1
            return None
        if self.namespace is not None and ident == hsds.make_uuid(self.namespace, kind,
                                                                   haven_id):
            return None
        if ident in self.hsds_ids:
            self.leave_out(f"{kind} '{haven_id}': id {ident}, which another record of the "
                           "dataset also has (the export gives it an id of its own)")
            return None
        self.hsds_ids.add(ident)
        return ident

    def sub_id(self, data: JSON) -> str | None:
        """The HSDS id of a small record (identifier, contact …), kept when it is a UUID."""
        try:
            return str(uuid.UUID(str(data.get("id") or "")))
        except ValueError:
            return None

    def identifiers(self, data: JSON) -> list[JSON]:
        out = []
        for ident in _objects(data.get("organization_identifiers")):
            if ident.get("identifier_scheme") == "haven":
                continue
            record = {"identifier_scheme": _text(ident.get("identifier_scheme")),
                      "identifier_type": _text(ident.get("identifier_type")) or "identifier",
                      "identifier": _text(ident.get("identifier")),
                      "hsds_id": self.sub_id(ident)}
            self.leftovers(ident, "organization_identifier",
                           {"identifier_scheme", "identifier_type", "identifier"})
            if not record["identifier"]:
                self.leave_out("an organization_identifier without its identifier")
                continue
            out.append(record)
        return out

    def contacts(self, items: Any, owner: str) -> list[JSON]:
        out = []
        for data in _objects(items):
            record: JSON = {k: _text(data.get(k)) for k in ("name", "title", "department")}
            self.link(data, record, "email", "email", _EMAIL, f"{owner} contact")
            record["phones"] = self.phones(data.get("phones"), f"{owner} contact")
            record["hsds_id"] = self.sub_id(data)
            self.leftovers(data, "contact", {"name", "title", "department", "email", "phones"})
            if any(record.get(k) for k in ("name", "title", "department", "email", "phones")):
                out.append(record)
        return out

    def accessibility(self, items: Any) -> list[JSON]:
        out = []
        for data in _objects(items):
            record: JSON = {"description": _text(data.get("description")),
                            "details": _text(data.get("details")), "hsds_id": self.sub_id(data)}
            self.link(data, record, "url", "url", _URL, "accessibility")
            if not record["description"]:
                record["description"] = record.pop("details")
            self.leftovers(data, "accessibility", {"description", "details", "url"})
            if record["description"]:
                out.append(record)
        return out

    def documents(self, items: Any) -> list[JSON]:
        out = []
        for data in _objects(items):
            record: JSON = {"document": _text(data.get("document")),
                            "hsds_id": self.sub_id(data)}
            self.link(data, record, "uri", "uri", _URL, "required document")
            self.leftovers(data, "required_document", {"document", "uri"})
            if record["document"]:
                out.append(record)
        return out

    def areas(self, items: Any) -> list[JSON]:
        out = []
        for data in _objects(items):
            description = _text(data.get("description"))
            self.leftovers(data, "service_area", {"description"} if description
                           else {"description", "name"})
            description = description or _text(data.get("name"))
            if description:
                out.append({"description": description, "hsds_id": self.sub_id(data)})
        return out

    def age(self, value: Any, what: str) -> int | None:
        if value in (None, ""):
            return None
        try:
            age = float(value)
            if not 0 <= age <= 130 or not age.is_integer():
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            self.leave_out(f"{what} {str(value)[:40]!r}, which is not an age from 0 to 130")
            return None
        return int(age)

    def byday(self, value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        try:
            return _BYDAY.validate_python(text)
        except ValidationError:
            self.leave_out(f"a schedule's byday {text[:40]!r}, which is not a list of days")
            return None

    def leave_out(self, what: str) -> None:
        line = f"organization '{self.record}': {what}"
        self.report.left_out.append(line)
        self.comments.append(f"Left out on import: {what}.")

    def unique(self, ident: str) -> str:
        candidate, n = ident, 2
        while candidate in self.used:
            candidate = f"{ident[:60]}-{n}"
            n += 1
        self.used.add(candidate)
        return candidate


def _objects(value: Any) -> list[JSON]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    """A string without control characters, or None for an empty value."""
    if value is None or isinstance(value, dict | list):
        return None
    text = "".join(c if ord(c) >= 32 and c != "\x7f" or c in "\n\t" else " " for c in str(value))
    return text.strip() or None


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "organization"


def _language_tag(code: Any, name: Any) -> str | None:
    for candidate in (code, name):
        if not candidate:
            continue
        try:
            tag = (langcodes.standardize_tag(str(candidate)) if candidate is code
                   else langcodes.find(str(candidate)).to_tag())
            return _TAG.validate_python(tag)
        except (ValueError, LookupError, ValidationError):
            continue
    return None


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _read_yaml(path: Path) -> JSON:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) if path.is_file() else {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _ids(items: Any) -> set[str]:
    return {str(i["id"]) for i in _objects(items) if i.get("id")}


def _existing_ids(directory: Path) -> dict[str, set[str]]:
    """Ids already used in the hub's directory, by file name."""
    found: dict[str, set[str]] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.y*ml")):
        data = _read_yaml(path)
        ids = {str(data.get("id") or path.stem)}
        ids |= _ids(data.get("locations")) | _ids(data.get("services"))
        found[path.name] = ids
    return found


def _yaml_text(record: JSON, comments: list[str], source: str) -> str:
    header = [f"# Imported by 'haven import hsds' from {source} on {dt.date.today()}.",
              "# Check every fact, then set verification to current with the date you checked."]
    header += [f"# {line}" for line in comments]
    body = yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


def _write(path: Path, text: str, force: bool) -> bool:
    """Write atomically; without `force`, never replace an existing file (returns False)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if force:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the file exists, even if it appeared a moment ago
        except FileExistsError:
            return False
        return True
    finally:
        with shielded():  # a stop signal now would leave it in the hub's folder
            if os.path.exists(tmp):
                os.unlink(tmp)


def _check_hub(into: Path, report: ImportReport) -> None:
    from haven.content.load import load
    from haven.content.validate import validate

    try:
        validate(load(into))
    except ContentError as exc:
        report.notes.append(f"the hub now has {len(exc.problems)} problem(s); fix them before "
                            f"{hint('build', into)}:")
        report.notes += [f"  {p}" for p in exc.problems]
