"""How Haven writes a phone number (already checked by validation): a tel: link and the
number as readers see it. Pages, the search index, fragments and JSON-LD all use it."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from haven.content.schema import Phone, parse_phone


def tel(number: str, region: str, extension: str = "") -> tuple[str, str]:
    """(`tel:` link in E.164 with any extension, the number as readers dial it with it):
    in national form when it is a number of the hub's country (`region`), in international
    form (+44 20 7946 0018) when it is a foreign one, which a national form would hide."""
    return _tel(number, region, extension)  # one cache entry however it is called


def tel_of(phone: Phone | str, region: str) -> tuple[str, str]:
    """tel() of a phone record (with its extension) or of a bare number."""
    if isinstance(phone, Phone):
        return tel(phone.number, region, phone.extension or "")
    return tel(phone, region)


def shown(number: str, region: str) -> str:
    """The number as readers see it (no extension): national at home, international abroad."""
    return _tel(number, region, "")[1]


@lru_cache(maxsize=4096)
def _tel(number: str, region: str, extension: str) -> tuple[str, str]:
    parsed = parse_phone(number, region)
    if parsed is None:  # validation refuses such a number: raise as phonenumbers does
        parsed = phonenumbers.parse(number, region)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    home = parsed.country_code == phonenumbers.country_code_for_region(region)
    national = phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.NATIONAL if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if extension:
        return f"tel:{e164};ext={extension}", f"{national} x{extension}"
    return f"tel:{e164}", national
