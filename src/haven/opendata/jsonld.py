"""schema.org JSON-LD for an organization's page, safe inside a <script> data block.

The page includes it as `<script type="application/ld+json">{{ jsonld }}</script>`. A data
block is never executed, so the hub's `script-src 'none'` policy does not block it, and
search engines still read it. `<`, `>` and `&` are written as \\u003c, \\u003e and \\u0026,
so no text in the directory (a name with `</script>` in it) can end the element early.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

from haven.content.facets import is_closed, is_free, location_closed, service_closed
from haven.content.schema import Organization, Service
from haven.languages import language
from haven.phones import tel

LEGAL_TOPICS = {"legal-help"}


def organization_jsonld(org: Organization, base_url: str, *, country: str = "US",
                        area_served: str | None = None, page_path: str | None = None) -> str:
    """The schema.org description of `org`, serialised for a JSON-LD <script> element.

    `base_url` is the hub's address; the page's own address is `base_url` + `page_path`
    (default `help/org/<id>/`). A confidential location's address is never included.
    """
    legal = any(s.accreditations or LEGAL_TOPICS & set(s.topics) for s in org.services)
    page = base_url.rstrip("/") + "/" + (page_path or f"help/org/{org.id}/")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LegalService" if legal else "Organization",
        "@id": page,
        "name": org.name,
    }
    if org.alternate_name:
        data["alternateName"] = org.alternate_name
    if org.description:
        data["description"] = org.description
    data["url"] = org.url or page
    if org.email:
        data["email"] = org.email
    phones = [] if is_closed(org.verification) else [
        *org.phones, *(p for loc in org.locations if not location_closed(org, loc) for p in loc.phones)]
    if phones:
        data["telephone"] = tel(phones[0].number, country)[0].removeprefix("tel:")
    addresses = [loc.address for loc in org.locations
                 if loc.address and not loc.confidential and not location_closed(org, loc)]
    if addresses:
        a = addresses[0]
        street = ", ".join(p for p in (a.address_1, a.address_2) if p)
        data["address"] = {"@type": "PostalAddress", "streetAddress": street,
                           "addressLocality": a.city, "addressRegion": a.state_province,
                           "postalCode": a.postal_code, "addressCountry": a.country}
    if area_served:
        data["areaServed"] = area_served
    languages = sorted({tag for s in org.services for tag in s.languages})
    if languages:
        data["knowsLanguage"] = [{"@type": "Language", "name": _english_name(tag),
                                  "alternateName": tag} for tag in languages]
    offered = [s for s in org.services if not service_closed(org, s)]
    if offered:
        data["hasOfferCatalog"] = {
            "@type": "OfferCatalog", "name": "Services",
            "itemListElement": [{
                "@type": "Offer",
                "itemOffered": {"@type": "Service", "name": s.name},
                **_price(s),
            } for s in offered],
        }
    if org.verification.assured_date:
        data["dateModified"] = org.verification.assured_date.isoformat()
    return script_safe_json(data)


def _price(service: Service) -> dict[str, Any]:
    """What an offer costs: price 0 only when every option is free; otherwise each option
    with an amount as a price specification; nothing when the service says nothing."""
    if is_free(service):
        return {"price": "0", "priceCurrency": service.cost_options[0].currency}
    specs = [{"@type": "UnitPriceSpecification", "price": f"{c.amount:g}",
              "priceCurrency": c.currency, **({"name": c.option} if c.option else {})}
             for c in service.cost_options if c.amount is not None]
    return {"priceSpecification": specs} if specs else {}


def _english_name(tag: str) -> str:
    """A language's English name, as the hub names it everywhere (Dari for prs, not Persian)."""
    return language(tag).english_name


def script_safe_json(data: Any) -> str:
    """JSON that cannot end or open markup inside a <script> element."""
    return script_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def script_safe_string(text: str) -> str:
    """`text` as it is written inside a string of script_safe_json(), without the quotes."""
    return script_safe(encode_basestring(text)[1:-1])


def script_safe(json_text: str) -> str:
    return (json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
