"""What Haven's export and import share about HSDS 3.0: ids, tables, the Haven taxonomy.

HSDS wants UUIDs; Haven has readable ids. Every exported UUID is a UUIDv5 in a namespace
derived from the hub's `base_url`, so the same record always gets the same UUID, and two
hubs never collide. The Haven id itself travels as an attribute (`haven:id`, a term of the
Haven taxonomy), and also where HSDS has a place for it: the organization's
`organization_identifiers` (scheme `haven`) and the location's `external_identifier`.

Facts Haven has and HSDS lacks a field for (topics, audiences, accreditations, the
verification status and note, a withheld address) are attributes too: each links the record
to a term of the taxonomy "Haven", with the value in `value`. Import reads them back.
"""

from __future__ import annotations

import uuid

HSDS_VERSION = "3.0"
TAXONOMY_NAME = "Haven"

TABLES: dict[str, tuple[str, ...]] = {
    "organizations": ("id", "name", "alternate_name", "description", "email", "website",
                      "tax_status", "tax_id", "year_incorporated", "legal_status", "logo", "uri",
                      "parent_organization_id"),
    "services": ("id", "organization_id", "program_id", "name", "alternate_name", "description",
                 "url", "email", "status", "interpretation_services", "application_process",
                 "fees_description", "wait_time", "fees", "accreditations",
                 "eligibility_description", "minimum_age", "maximum_age", "assured_date",
                 "assurer_email", "licenses", "alert", "last_modified"),
    "locations": ("id", "location_type", "url", "organization_id", "name", "alternate_name",
                  "description", "transportation", "latitude", "longitude",
                  "external_identifier", "external_identifier_type"),
    "service_at_location": ("id", "service_id", "location_id", "description"),
    "addresses": ("id", "location_id", "attention", "address_1", "address_2", "city", "region",
                  "state_province", "postal_code", "country", "address_type"),
    "phones": ("id", "location_id", "service_id", "organization_id", "contact_id",
               "service_at_location_id", "number", "extension", "type", "description"),
    "schedules": ("id", "service_id", "location_id", "service_at_location_id", "valid_from",
                  "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq",
                  "interval", "byday", "byweekno", "bymonthday", "byyearday", "description",
                  "opens_at", "closes_at", "schedule_link", "attending_type", "notes"),
    "languages": ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    "cost_options": ("id", "service_id", "valid_from", "valid_to", "option", "currency",
                     "amount", "amount_description"),
    "attributes": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
    "organization_identifiers": ("id", "organization_id", "identifier_scheme", "identifier_type",
                                 "identifier"),
    "contacts": ("id", "organization_id", "service_id", "service_at_location_id", "location_id",
                 "name", "title", "department", "email"),
    "accessibility": ("id", "location_id", "description", "details", "url"),
    "service_areas": ("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
    "required_documents": ("id", "service_id", "document", "uri"),
    "taxonomies": ("id", "name", "description", "uri", "version"),
    "taxonomy_terms": ("id", "code", "name", "description", "parent_id", "taxonomy", "language",
                       "taxonomy_id", "term_uri"),
}
"""The CSV files Haven writes, with their columns in the order of HSDS 3.0."""

RESOURCE_NAMES = {
    "organizations": "organization", "services": "service", "locations": "location",
    "service_at_location": "service_at_location", "addresses": "address", "phones": "phone",
    "schedules": "schedule", "languages": "language", "cost_options": "cost_option",
    "attributes": "attribute", "organization_identifiers": "organization_identifier",
    "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term", "contacts": "contact",
    "accessibility": "accessibility", "service_areas": "service_area",
    "required_documents": "required_document",
}
"""Table file → HSDS object name (the datapackage resource name)."""

FIELD_TYPES: dict[str, str] = {
    "year_incorporated": "number", "minimum_age": "number", "maximum_age": "number",
    "latitude": "number", "longitude": "number", "extension": "number", "timezone": "number",
    "count": "number", "interval": "number", "amount": "number",
    "assured_date": "date", "valid_from": "date", "valid_to": "date", "dtstart": "date",
    "until": "date", "last_modified": "datetime", "opens_at": "time", "closes_at": "time",
}
"""Table Schema types of the columns that are not strings (the same in every table)."""

FIELD_FORMATS: dict[str, str] = {
    "email": "email", "assurer_email": "email", "website": "uri", "uri": "uri", "url": "uri",
    "schedule_link": "uri", "term_uri": "uri", "last_modified": "date-time",
}


def field_format(column: str) -> str:
    """The HSDS format of a column: ids are UUIDs, e-mails e-mails, links URIs."""
    if column == "id" or column.endswith("_id"):
        return "uuid"
    return FIELD_FORMATS.get(column, "")


TERMS: dict[str, str] = {
    "haven:id": "The record's id in the Haven hub it was exported from.",
    "haven:topic": "A topic of the hub (an id from its topics.yaml) the service is listed under.",
    "haven:audience": "Who the service is for (an id from the hub's audiences.yaml).",
    "haven:accreditation": "What kind of legal help the service is (a Haven accreditation code).",
    "haven:verification-status": "How the record stands: current, moved, superseded, "
    "unverified, needs-review or closed.",
    "haven:closed-on": "The day a closed record closed (YYYY-MM-DD).",
    "haven:assured-date": "The day the record was last confirmed (YYYY-MM-DD).",
    "haven:assurer": "Who last confirmed the record.",
    "haven:verification-note": "A note on the record's verification, shown to families.",
    "haven:verification-source": "A web address that confirms the record.",
    "haven:address-withheld": "The location's street address is confidential and withheld.",
}
"""The Haven taxonomy: one term per fact HSDS has no field for."""


def namespace(base_url: str) -> uuid.UUID:
    """The UUID namespace of one hub."""
    return uuid.uuid5(uuid.NAMESPACE_URL, base_url)


def make_uuid(ns: uuid.UUID, *parts: str | int) -> str:
    """A stable UUIDv5 for the record named by `parts` (kind, Haven id, position …)."""
    return str(uuid.uuid5(ns, ":".join(str(p) for p in parts)))


TAXONOMY_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://haven.invalid/hsds/taxonomy")
"""The Haven taxonomy's ids are the same in every hub's export."""


def taxonomy_id() -> str:
    return str(uuid.uuid5(TAXONOMY_NS, "taxonomy"))


def term_id(code: str) -> str:
    return str(uuid.uuid5(TAXONOMY_NS, code))


def taxonomy() -> dict[str, str]:
    return {"id": taxonomy_id(), "name": TAXONOMY_NAME,
            "description": "Facts of a Haven hub's directory that HSDS 3.0 has no field for.",
            "version": "1"}


def taxonomy_term(code: str) -> dict[str, str]:
    return {"id": term_id(code), "code": code, "name": code.partition(":")[2],
            "description": TERMS[code], "taxonomy": TAXONOMY_NAME, "taxonomy_id": taxonomy_id()}
