"""The directory's filters, planned from validated content alone: which services each
topic, language, town … selects, and which records are closed, free or in a public town.

Validation needs the filter pages (a `page:` link may point at one); the model, every page
and every output use the same answers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from haven.content.schema import (
    Accreditation,
    Location,
    Organization,
    Phone,
    Service,
    Status,
    Verification,
)
from haven.content.validate import Content
from haven.memo import RecordMemo, once_per_object

FACET_KINDS = ("topic", "language", "free", "accreditation", "audience", "town")
"""The directory's filters, in the order the help page shows them."""

RESULTS_PER_PAGE = 40
"""Organizations on one page of a filter: a page stays well within the 14 KB budget."""


@dataclass(frozen=True)
class Facet:
    """One value of one filter of the directory, and what it selects.

    Computed once per site, from the content alone: every language shows the same
    organizations under the same filter.
    """

    kind: str
    """One of FACET_KINDS."""
    value: str
    """A topic id, a language tag, "" (free), an accreditation, an audience id, or a town's name."""
    path: str
    """Its first page, inside a language's folder: 'help/language/es/'."""
    results: tuple[tuple[str, tuple[str, ...]], ...]
    """(organization id, ids of the organization's services it selects), in directory order."""
    number: int
    """Its position among all facets: the token that the help page's script filters on."""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def parts(self) -> int:
        return max(1, -(-len(self.results) // RESULTS_PER_PAGE))

    def part(self, number: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The results shown on page `number` (1, 2 …)."""
        start = (number - 1) * RESULTS_PER_PAGE
        return self.results[start:start + RESULTS_PER_PAGE]


def is_free(service: Service) -> bool:
    """Whether the service is free of charge: it has cost options and every one is free."""
    return bool(service.cost_options) and all(
        option.amount == 0 for option in service.cost_options)


# -- the directory's filters ------------------------------------------------------------------

@once_per_object  # validation and the model both ask
def directory_facets(content: Content) -> dict[str, Facet]:
    """Every filter value that selects at least one service, by key, in the help page's order.

    A service belongs to a town through its locations (the organization's, when it names
    none), and only through those whose address is public: a confidential location never
    places anyone in a town.
    """
    hub = content.hub
    orgs = content.organizations
    served = [entry.tag for entry in hub.languages]
    spoken = {tag for org in orgs for s in org.services for tag in s.languages}
    tags = [t for t in served if t in spoken] + sorted(spoken - set(served))
    slugs = _slugs(sorted(_towns(orgs), key=lambda name: (name.casefold(), name)))

    wanted: list[tuple[str, str, str, tuple[str, str]]] = []
    wanted += [("topic", t.id, f"help/{t.id}/", ("topic", t.id)) for t in content.topics]
    wanted += [("language", tag, f"help/language/{tag}/", ("language", tag)) for tag in tags]
    wanted.append(("free", "", "help/free/", ("free", "")))
    wanted += [("accreditation", a.value, f"help/accreditation/{a.value}/",
                ("accreditation", a.value)) for a in Accreditation]
    wanted += [("audience", a.id, f"help/audience/{a.id}/", ("audience", a.id))
               for a in content.audiences]
    wanted += [("town", name, f"help/town/{slug}/", ("town", name.casefold()))
               for name, slug in slugs.items()]

    # Which services each filter selects comes from each organization's open services and
    # their filter values: when those and the filters wanted are as the last time (an edit
    # to a description), the filters are the same (a process that builds again).
    made_of = (wanted, [(org.id, _OPEN_SERVICE_KEYS.value(org, "", _open_service_keys))
                        for org in orgs])
    _OPEN_SERVICE_KEYS.done()
    global _LAST_FACETS
    last = _LAST_FACETS
    if last is not None and last[0] == made_of:
        return last[1]
    selected = _selected(made_of[1])
    facets: dict[str, Facet] = {}
    for kind, value, path, key in wanted:
        results = tuple([(orgs[n].id, tuple(ids)) for n, ids in selected.get(key, ())])
        if results:
            facet = Facet(kind, value, path, results, len(facets))
            facets[facet.key] = facet
    _LAST_FACETS = (made_of, facets)
    return facets


_LAST_FACETS: tuple[Any, dict[str, Facet]] | None = None


def _selected(services: list[tuple[str, list[tuple[str, set[tuple[str, str]]]]]]
              ) -> dict[tuple[str, str], list[tuple[int, list[str]]]]:
    """Each filter value (kind, value; a town by its casefolded name) → the open services it
    selects, as (position of the organization, its services' ids), in directory order, from
    each organization's open services and the values that select them.

    One pass over the services, instead of one per filter value.
    """
    selected: dict[tuple[str, str], list[tuple[int, list[str]]]] = {}
    for n, (_, open_services) in enumerate(services):
        for ident, keys in open_services:
            for key in keys:
                hits = selected.setdefault(key, [])
                if hits and hits[-1][0] == n:
                    hits[-1][1].append(ident)
                else:
                    hits.append((n, [ident]))
    return selected


def _open_service_keys(org: Organization, _: str) -> list[tuple[str, set[tuple[str, str]]]]:
    """Each open service of `org` and the filter values that select it."""
    return [(service.id, _service_keys(org, service)) for service in org.services
            if not service_closed(org, service)]


_OPEN_SERVICE_KEYS: RecordMemo[list[tuple[str, set[tuple[str, str]]]]] = RecordMemo()
"""Each organization's, while it is the very record (a process that builds again)."""


def _service_keys(org: Organization, service: Service) -> set[tuple[str, str]]:
    """The filter values that select `service` (closed or not)."""
    keys: set[tuple[str, str]] = set()
    keys.update(("topic", topic) for topic in service.topics)
    keys.update(("language", tag) for tag in service.languages)
    if is_free(service):
        keys.add(("free", ""))
    keys.update(("accreditation", a.value) for a in Accreditation if a in service.accreditations)
    keys.update(("audience", audience) for audience in service.audiences)
    keys.update(("town", town.casefold()) for town in public_towns(org, service))
    return keys


def is_closed(verification: Verification | None) -> bool:
    """Whether a record's verification says it is closed."""
    return verification is not None and verification.status is Status.CLOSED


def service_closed(org: Organization, service: Service) -> bool:
    """A service is closed when it is, or its organization is."""
    return is_closed(org.verification) or is_closed(service.verification)


def location_closed(org: Organization, location: Location) -> bool:
    """A location is closed when it is, or its organization is."""
    return is_closed(org.verification) or is_closed(location.verification)


def open_phones(org: Organization, *, voice_only: bool = False) -> list[Phone]:
    """The phones of `org` that families can call: none of a closed organization, location
    or service."""
    if is_closed(org.verification):
        return []
    def keep(p: Phone) -> bool:
        return not voice_only or p.type == "voice"
    phones = [p for p in org.phones if keep(p)]
    phones += [p for s in org.services if not is_closed(s.verification) for p in s.phones
               if keep(p)]
    phones += [p for loc in org.locations if not is_closed(loc.verification)
               for p in loc.phones if keep(p)]
    return phones


def public_towns(org: Organization, service: Service | None = None) -> list[str]:
    """The towns of the public addresses where `org` (or one of its services) is found.

    A confidential location is left out: its town could help someone find the address.
    """
    wanted = set(service.locations) if service is not None and service.locations else None
    found: dict[str, None] = {}
    for loc in org.locations:
        if (loc.confidential or loc.address is None or is_closed(loc.verification)
                or (wanted is not None and loc.id not in wanted)):
            continue
        name = " ".join(loc.address.city.split())
        if name:
            found.setdefault(name, None)
    return list(found)


def _towns(orgs: Iterable[Organization]) -> list[str]:
    """Every town with a public address, spelled as first written (Hartford = HARTFORD)."""
    towns: dict[str, str] = {}
    for org in orgs:
        for service in org.services:
            for name in public_towns(org, service):
                towns.setdefault(name.casefold(), name)
    return list(towns.values())


MAX_SLUG = 60


def _slugs(names: Iterable[str]) -> dict[str, str]:
    """A folder name for each town: ASCII when it can be, unique, the same from build to build."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
        if len(slug) > MAX_SLUG:  # a folder name has at most 255 bytes
            slug = slug[:MAX_SLUG].rstrip("-")
            slug = slug + "-" + hashlib.sha1(name.encode()).hexdigest()[:8]
        if not slug or slug in used:
            slug = (slug + "-" if slug else "town-") + hashlib.sha1(name.encode()).hexdigest()[:8]
        used.add(slug)
        slugs[name] = slug
    return slugs
