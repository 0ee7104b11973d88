"""`haven export hsds`: the directory as HSDS 3.0 JSON and as a CSV Tabular Data Package.

Output (one folder, written at once):

- `organizations.json`: every organization as an HSDS `organization_full` (a JSON array);
- `organizations/<haven-id>.json`: the same, one file per organization;
- `csv/datapackage.json` and `csv/<table>.csv`: the HSDS tabular form.

Text is in the hub's source language. A confidential location's address is never exported
(the location is, with the attribute `haven:address-withheld`), and the report says so.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from haven.content.facets import service_closed
from haven.content.schema import (
    EMAIL_PATTERN,
    Contact,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    Status,
    Verification,
)
from haven.content.validate import Content
from haven.errors import HavenError
from haven.languages import language
from haven.opendata import hsds
from haven.opendata.hsds import make_uuid
from haven.spreadsheet import safe_cell
from haven.ui import UI_STRINGS

JSON = dict[str, Any]


@dataclass
class ExportReport:
    """What the export wrote, and what it deliberately left out."""

    organizations: int = 0
    services: int = 0
    locations: int = 0
    withheld: list[str] = field(default_factory=list)
    """One line per confidential location whose address was left out."""


def export_hsds(content: Content) -> tuple[dict[str, bytes], ExportReport]:
    """Every file of the HSDS export, by its path in the output folder."""
    report = ExportReport()
    exporter = _Exporter(content, report)
    orgs = [exporter.organization(org) for org in content.organizations]
    files: dict[str, bytes] = {"organizations.json": _json(orgs)}
    for org, data in zip(content.organizations, orgs, strict=True):
        files[f"organizations/{org.id}.json"] = _json(data)
    tables = flatten(orgs)
    for table, rows in tables.items():
        files[f"csv/{table}.csv"] = _csv(table, rows)
    files["csv/datapackage.json"] = _json(datapackage(content, tables))
    files["README.txt"] = _readme(content).encode()
    return files, report


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


class _Exporter:
    def __init__(self, content: Content, report: ExportReport) -> None:
        self.hub = content.hub
        self.ns = hsds.namespace(content.hub.base_url)
        self.report = report
        self.location_ids: dict[str, str] = {}
        """Haven id → HSDS id of the current organization's locations."""

    def id(self, *parts: str | int) -> str:
        return make_uuid(self.ns, *parts)

    def organization(self, org: Organization) -> JSON:
        self.report.organizations += 1
        oid = org.hsds_id or self.id("organization", org.id)
        self.location_ids = {loc.id: loc.hsds_id or self.id("location", loc.id)
                             for loc in org.locations}
        attributes = [self.attribute(oid, "organization", "haven:id", org.id)]
        attributes += self.verification_attributes(oid, "organization", org.verification)
        data: JSON = {
            "id": oid,
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description or "",
            "email": org.email,
            "website": org.url,
            "phones": [self.phone(p, ("organization", org.id, "phone", n), organization_id=oid)
                       for n, p in enumerate(org.phones)],
            "locations": [self.location(org, loc, oid) for loc in org.locations],
            "organization_identifiers": [{
                "id": self.id("organization", org.id, "identifier"),
                "organization_id": oid,
                "identifier_scheme": "haven",
                "identifier_type": "Haven id",
                "identifier": org.id,
            }] + [_clean({
                "id": ident.hsds_id or self.id("organization", org.id, "identifier", n),
                "organization_id": oid,
                "identifier_scheme": ident.identifier_scheme,
                "identifier_type": ident.identifier_type,
                "identifier": ident.identifier,
            }) for n, ident in enumerate(org.organization_identifiers)],
            "contacts": [self.contact(c, ("organization", org.id, "contact", n),
                                      organization_id=oid)
                         for n, c in enumerate(org.contacts)],
            "attributes": attributes,
            "services": [self.service(org, s, oid) for s in org.services],
        }
        return _clean(data)

    def location(self, org: Organization, loc: Location, oid: str) -> JSON:
        self.report.locations += 1
        lid = self.location_ids[loc.id]
        attributes = [self.attribute(lid, "location", "haven:id", loc.id)]
        addresses = []
        if loc.confidential:
            attributes.append(self.attribute(lid, "location", "haven:address-withheld", "true"))
            self.report.withheld.append(
                f"directory/{org.id}: location '{loc.id}' is confidential: its address was "
                "left out of the export"
            )
        elif loc.address:
            a = loc.address
            addresses.append({
                "id": self.id("location", loc.id, "address"), "location_id": lid,
                "address_1": a.address_1, "address_2": a.address_2, "city": a.city,
                "state_province": a.state_province, "postal_code": a.postal_code,
                "country": a.country, "address_type": "physical",
            })
        attributes += self.verification_attributes(lid, "location", loc.verification)
        return _clean({
            "id": lid,
            "location_type": "physical",
            "organization_id": oid,
            "name": loc.name,
            "description": loc.description,
            "external_identifier": loc.id,
            "external_identifier_type": "haven-id",
            "addresses": addresses,
            "phones": [self.phone(p, ("location", loc.id, "phone", n), location_id=lid)
                       for n, p in enumerate(loc.phones)],
            "schedules": [self.schedule(s, ("location", loc.id, "schedule", n), location_id=lid)
                          for n, s in enumerate(loc.schedules)],
            "accessibility": [_clean({
                "id": a.hsds_id or self.id("location", loc.id, "accessibility", n),
                "location_id": lid, "description": a.description, "details": a.details,
                "url": a.url,
            }) for n, a in enumerate(loc.accessibility)],
            "contacts": [self.contact(c, ("location", loc.id, "contact", n), location_id=lid)
                         for n, c in enumerate(loc.contacts)],
            "attributes": attributes,
        })

    def service(self, org: Organization, service: Service, oid: str) -> JSON:
        self.report.services += 1
        sid = service.hsds_id or self.id("service", service.id)
        effective = service.verification or org.verification
        assurer = effective.assurer or ""
        attributes = [self.attribute(sid, "service", "haven:id", service.id)]
        attributes += [self.attribute(sid, "service", "haven:topic", t) for t in service.topics]
        attributes += [self.attribute(sid, "service", "haven:audience", a)
                       for a in service.audiences]
        attributes += [self.attribute(sid, "service", "haven:accreditation", a.value)
                       for a in service.accreditations]
        attributes += self.verification_attributes(sid, "service", service.verification)
        accreditations = "; ".join(UI_STRINGS[f"acc_{a.value}"] for a in service.accreditations)
        return _clean({
            "id": sid,
            "organization_id": oid,
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": "inactive" if service_closed(org, service)
            or effective.status is Status.SUPERSEDED else "active",
            "fees_description": service.fees_description,
            "accreditations": accreditations or None,
            "eligibility_description": service.eligibility_description,
            "application_process": service.application_process,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": effective.assured_date.isoformat() if effective.assured_date else None,
            "assurer_email": assurer if EMAIL_PATTERN.match(assurer) else None,
            "phones": [self.phone(p, ("service", service.id, "phone", n), service_id=sid)
                       for n, p in enumerate(service.phones)],
            "schedules": [self.schedule(s, ("service", service.id, "schedule", n), service_id=sid)
                          for n, s in enumerate(service.schedules)],
            "service_at_locations": [{
                "id": self.id("service", service.id, "at", loc),
                "service_id": sid,
                "location_id": self.location_ids[loc],
            } for loc in service.locations],
            "required_documents": [_clean({
                "id": d.hsds_id or self.id("service", service.id, "document", n),
                "service_id": sid, "document": d.document, "uri": d.uri,
            }) for n, d in enumerate(service.required_documents)],
            "service_areas": [_clean({
                "id": a.hsds_id or self.id("service", service.id, "area", n),
                "service_id": sid, "description": a.description,
            }) for n, a in enumerate(service.service_areas)],
            "contacts": [self.contact(c, ("service", service.id, "contact", n), service_id=sid)
                         for n, c in enumerate(service.contacts)],
            "languages": [self.language(tag, ("service", service.id, "language"), service_id=sid)
                          for tag in service.languages],
            "cost_options": [_clean({
                "id": self.id("service", service.id, "cost", n),
                "service_id": sid,
                "option": c.option,
                "currency": c.currency,
                "amount": _number(c.amount),
            }) for n, c in enumerate(service.cost_options)],
            "attributes": attributes,
        })

    def phone(self, phone: Phone, owner: tuple[str | int, ...], **links: str) -> JSON:
        number = phonenumbers.parse(phone.number, self.hub.country)
        pid = self.id(*owner)
        ext = phone.extension or ""
        description = phone.description
        if ext and not ext.isdigit():  # HSDS extensions are numbers: keep the rest in words
            description = f"{description or ''} (ext. {ext})".strip()
        return _clean({
            "id": pid,
            **links,
            "number": phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
            "extension": int(ext) if ext.isdigit() else None,
            "type": phone.type,
            "description": description,
            "languages": [self.language(tag, (*owner, "language"), phone_id=pid)
                          for tag in phone.languages],
        })

    def schedule(self, schedule: Schedule, owner: tuple[str | int, ...], **links: str) -> JSON:
        return _clean({
            "id": self.id(*owner),
            **links,
            "freq": schedule.freq or ("WEEKLY" if schedule.byday else None),
            "interval": schedule.interval,
            "byday": schedule.byday,
            "description": schedule.description,
            "opens_at": schedule.opens_at,
            "closes_at": schedule.closes_at,
        })

    def contact(self, contact: Contact, owner: tuple[str | int, ...], **links: str) -> JSON:
        cid = contact.hsds_id or self.id(*owner)
        return _clean({
            "id": cid, **links, "name": contact.name, "title": contact.title,
            "department": contact.department, "email": contact.email,
            "phones": [self.phone(p, (*owner, "phone", n), contact_id=cid)
                       for n, p in enumerate(contact.phones)],
        })

    def language(self, tag: str, owner: tuple[str | int, ...], **links: str) -> JSON:
        return {"id": self.id(*owner, "language", tag), **links,
                "name": language(tag).english_name, "code": tag}

    def attribute(self, link_id: str, entity: str, code: str, value: str) -> JSON:
        return {
            "id": self.id("attribute", link_id, code, value),
            "link_id": link_id,
            "taxonomy_term_id": hsds.term_id(code),
            "link_entity": entity,
            "value": value,
            "taxonomy_term": hsds.taxonomy_term(code),
        }

    def verification_attributes(self, link_id: str, entity: str,
                                verification: Verification | None) -> list[JSON]:
        if verification is None:
            return []
        pairs = [("haven:verification-status", verification.status.value)]
        if verification.assured_date:
            pairs.append(("haven:assured-date", verification.assured_date.isoformat()))
        if verification.closed_on:
            pairs.append(("haven:closed-on", verification.closed_on.isoformat()))
        if verification.assurer:
            pairs.append(("haven:assurer", verification.assurer))
        if verification.note:
            pairs.append(("haven:verification-note", verification.note))
        pairs += [("haven:verification-source", url) for url in verification.sources]
        return [self.attribute(link_id, entity, code, value) for code, value in pairs]


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _clean(data: JSON) -> JSON:
    """Leave out empty values: HSDS readers treat a missing field and a null alike."""
    return {k: v for k, v in data.items() if v is not None and v != []}


def flatten(orgs: list[JSON]) -> dict[str, list[JSON]]:
    """The tabular form of nested organizations: one list of rows per HSDS table."""
    tables: dict[str, list[JSON]] = {name: [] for name in hsds.TABLES}
    terms: dict[str, JSON] = {}

    def add(table: str, row: JSON) -> None:
        tables[table].append({k: v for k, v in row.items() if not isinstance(v, list | dict)})

    def attributes(items: list[JSON]) -> None:
        for item in items:
            term = item["taxonomy_term"]
            terms[term["id"]] = term
            add("attributes", item)

    def languages(items: list[JSON], **links: str) -> None:
        for item in items:
            add("languages", {**item, **links})

    def phones(items: list[JSON], **links: str) -> None:
        for item in items:
            add("phones", {**item, **links})
            languages(item.get("languages", []), phone_id=item["id"])

    def schedules(items: list[JSON], **links: str) -> None:
        for item in items:
            add("schedules", {**item, **links})

    def contacts(items: list[JSON]) -> None:
        for item in items:
            add("contacts", item)
            phones(item.get("phones", []), contact_id=item["id"])

    for org in orgs:
        oid = org["id"]
        add("organizations", org)
        phones(org.get("phones", []), organization_id=oid)
        for ident in org.get("organization_identifiers", []):
            add("organization_identifiers", ident)
        contacts(org.get("contacts", []))
        attributes(org.get("attributes", []))
        for loc in org.get("locations", []):
            add("locations", loc)
            for address in loc.get("addresses", []):
                add("addresses", address)
            phones(loc.get("phones", []), location_id=loc["id"])
            schedules(loc.get("schedules", []), location_id=loc["id"])
            attributes(loc.get("attributes", []))
            for row in loc.get("accessibility", []):
                add("accessibility", row)
            contacts(loc.get("contacts", []))
        for service in org.get("services", []):
            add("services", service)
            phones(service.get("phones", []), service_id=service["id"])
            schedules(service.get("schedules", []), service_id=service["id"])
            languages(service.get("languages", []), service_id=service["id"])
            for sal in service.get("service_at_locations", []):
                add("service_at_location", sal)
            for cost in service.get("cost_options", []):
                add("cost_options", cost)
            for table in ("required_documents", "service_areas"):
                for row in service.get(table, []):
                    add(table, row)
            contacts(service.get("contacts", []))
            attributes(service.get("attributes", []))
    if terms:
        tables["taxonomies"].append(hsds.taxonomy())
        tables["taxonomy_terms"] = [terms[k] for k in sorted(terms, key=lambda k: terms[k]["code"])]
    return tables


def _csv(table: str, rows: list[JSON]) -> bytes:
    columns = hsds.TABLES[table]
    unknown = {k for row in rows for k in row} - set(columns)
    if unknown:  # a programming error, never a user's: every exported field has a column
        raise HavenError(f"internal error: no HSDS column for {sorted(unknown)} in {table}.csv")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _cell(row[c]) for c in columns])
    return out.getvalue().encode()


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return safe_cell(str(value))


_REFERENCES = {
    "organization_id": "organization", "service_id": "service", "location_id": "location",
    "phone_id": "phone", "service_at_location_id": "service_at_location",
    "taxonomy_term_id": "taxonomy_term", "taxonomy_id": "taxonomy", "contact_id": "contact",
}


def datapackage(content: Content, tables: dict[str, list[JSON]]) -> JSON:
    """The Tabular Data Package descriptor of the CSV files."""
    resources = []
    for table, columns in hsds.TABLES.items():
        fields = []
        for column in columns:
            spec: JSON = {"name": column, "type": hsds.FIELD_TYPES.get(column, "string")}
            fmt = hsds.field_format(column)
            if fmt:
                spec["format"] = fmt
            fields.append(spec)
        foreign = [{"fields": c, "reference": {"resource": _REFERENCES[c], "fields": "id"}}
                   for c in columns if c in _REFERENCES]
        schema: JSON = {"fields": fields, "primaryKey": "id"}
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({
            "name": hsds.RESOURCE_NAMES[table], "path": f"{table}.csv",
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "schema": schema,
        })
    return {
        "name": "haven-directory-" + str(uuid.uuid5(uuid.NAMESPACE_URL, content.hub.base_url))[:8],
        "title": f"{content.hub.name}: directory",
        "profile": "tabular-data-package",
        "version": hsds.HSDS_VERSION,
        "homepage": content.hub.base_url,
        "resources": resources,
    }


def _readme(content: Content) -> str:
    hub = content.hub
    return (
        f"{hub.name}: directory of free legal and community help\n"
        f"{hub.base_url}\n\n"
        "Open Referral Human Services Data Specification (HSDS) 3.0, exported by Haven.\n"
        "- organizations.json: every organization as an HSDS organization_full\n"
        "- organizations/<id>.json: the same, one file per organization\n"
        "- csv/: the same data as an HSDS CSV Tabular Data Package (datapackage.json)\n\n"
        f"Text is in the hub's source language ({hub.source_language}). Ids are UUIDv5 derived\n"
        "from the hub's web address and Haven's ids; each record keeps its Haven id as the\n"
        "attribute haven:id. Facts HSDS has no field for (topics, audiences, accreditations,\n"
        "verification status and notes) are attributes of the taxonomy 'Haven'.\n"
        "Addresses of confidential locations are never included.\n"
    )
