"""Phone numbers: each parses, is valid for its country, and is typed as what it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from haven.check.inventory import PhoneUse

_NUMBER_TYPES = {
    PhoneNumberType.TOLL_FREE: "toll-free",
    PhoneNumberType.PREMIUM_RATE: "premium-rate",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline or mobile",
    PhoneNumberType.SHARED_COST: "shared-cost",
    PhoneNumberType.VOIP: "internet (VoIP)",
    PhoneNumberType.PERSONAL_NUMBER: "personal number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "universal access number",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
_TTY_WORDS = re.compile(r"\b(TTY|TDD|textphone|teletype|deaf)\b", re.IGNORECASE)


@dataclass
class PhoneResult:
    """One number as Haven reads it."""

    number: str
    where: str
    owner: str
    type: str
    """The type written in the content (`voice`, `text`, `textphone` …)."""
    valid: bool
    e164: str | None
    region: str | None
    line: str | None
    """What the numbering plan says the number is: toll-free, landline, mobile …"""
    labels: list[str]
    """How the report types it: toll-free, TTY/TDD, text, fax …"""
    problem: str | None = None
    hint: str | None = None
    """A typing that looks wrong (a warning, not an error)."""


def check_phone(use: PhoneUse, country: str) -> PhoneResult:
    """Parse `use.number` as the hub's `country` reads it; say what kind of line it is."""
    try:
        parsed: phonenumbers.PhoneNumber | None = phonenumbers.parse(use.number, country)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return PhoneResult(
            use.number, use.where, use.owner, use.type, False, None, None, None, [],
            problem=(f"{use.number!r} is not a valid phone number for {country} — write it with "
                     "its area code, or with + and the country code"),
        )
    line = _NUMBER_TYPES.get(phonenumbers.number_type(parsed))
    labels: list[str] = []
    if line == "toll-free":
        labels.append("toll-free")
    labels.append({"textphone": "TTY/TDD", "text": "text", "fax": "fax", "video": "video",
                   "pager": "pager", "cell": "mobile"}.get(use.type, "voice"))
    result = PhoneResult(
        use.number, use.where, use.owner, use.type, True,
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.region_code_for_number(parsed), line, labels,
    )
    if use.type != "textphone" and use.description and _TTY_WORDS.search(use.description):
        result.hint = (f"the description says TTY/TDD but the number is typed {use.type} — "
                       f"write type: textphone at {use.where}")
    elif use.type == "text" and line == "landline":
        result.hint = (f"a landline usually cannot take text messages — check the number, or "
                       f"change type: text at {use.where}")
    return result
