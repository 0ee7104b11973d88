"""The one typed schema for a hub's content.

Directory records use Open Referral HSDS 3.0 names and shapes (organization, service,
location, address, phone, language, schedule, cost option, accreditations, assured_date).
Fields typed `Text` or `Markdown` are translatable: each becomes one segment of the PO catalogs.
No model has, or may ever have, a field for immigration or citizenship status.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import itertools
import re
import uuid
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from haven.dates import check_pattern
from haven.languages import Language, language, tag_is_valid
from haven.placeholders import OUTREACH, problem


class Translatable:
    """Marks a string field as translatable; `kind` is "text" (one line) or "markdown"."""

    def __init__(self, kind: Literal["text", "markdown"]) -> None:
        self.kind = kind


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
"""Control characters but tab and line feed."""


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(
            "the text contains an invisible control character — retype it, or copy it again "
            "from a plain-text source"
        )
    return value


Text = Annotated[str, AfterValidator(_no_control_characters), Translatable("text")]
"""A translatable line of plain text."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(
            "this is empty, and readers would see a page or link with no name — write it, "
            "or remove the record"
        )
    return value


Name = Annotated[str, AfterValidator(_no_control_characters), AfterValidator(_not_blank)]
"""A name that is not translated (an organization's own name), never blank."""
TextName = Annotated[str, AfterValidator(_no_control_characters), AfterValidator(_not_blank),
                     Translatable("text")]
"""A translatable name or title, never blank: pages, links and titles show it."""
Markdown = Annotated[str, AfterValidator(_no_control_characters), Translatable("markdown")]
"""Translatable Markdown (raw HTML is shown as text, never run)."""

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


MAX_ID = 80
"""Ids name folders of the site: a file name has at most 255 bytes, and a short id is a
short address to read out on the phone."""


def _check_id(value: str) -> str:
    if len(value) > MAX_ID:
        raise ValueError(
            f"the id '{value[:20]}…' is too long ({len(value)} characters) — shorten it to "
            f"{MAX_ID} characters or fewer: it becomes part of the page's address"
        )
    if not ID_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not a valid id — use lowercase letters, digits and single hyphens, "
            "like 'legal-help'"
        )
    return value


Id = Annotated[str, AfterValidator(_check_id)]

URL_SCHEMES = ("http", "https", "tel", "mailto")


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in URL_SCHEMES:
        raise ValueError(
            f"{value!r} is not a usable link — start it with https:// (or http://, tel:, mailto:)"
        )
    if parts.scheme in ("http", "https") and not re.match(
        r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?$", parts.netloc
    ):
        raise ValueError(
            f"{value!r} has no valid host name — write the full address, like "
            "https://www.example.org/page"
        )
    if any(c.isspace() for c in value):
        raise ValueError(f"{value!r} contains a space — remove it or write it as %20")
    return value


Url = Annotated[str, AfterValidator(_check_url)]

EMAIL_PATTERN = re.compile(r"^[^@\s<>\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _check_email(value: str) -> str:
    if not EMAIL_PATTERN.match(value):
        raise ValueError(f"{value!r} is not an e-mail address — write it like name@example.org")
    return value


Email = Annotated[str, AfterValidator(_check_email)]


_NOT_A_LANGUAGE = {
    "und": "means 'undetermined'", "mul": "means 'several languages'",
    "zxx": "means 'no linguistic content'", "mis": "means 'a language without a code'",
    "root": "is the CLDR default, not a language",
}


def language_tag_problem(value: str) -> str | None:
    """Why `value` cannot name a language families read, or None.

    Valid BCP 47 is not enough: private-use tags (`x-evil`, `qaa`–`qtz`, `Qaaa`–`Qabx`,
    `-x-…`), grandfathered `i-` tags and the special codes name no language a browser, a
    font chooser or a translator knows; they would fail later, when printing."""
    subtags = value.lower().replace("_", "-").split("-")
    first = subtags[0]
    if first in ("x", "i") or "x" in subtags[1:]:
        kind = "a grandfathered tag" if first == "i" else "a private-use tag"
        return f"{value!r} is {kind}, which no browser, font or translator knows"
    if first in _NOT_A_LANGUAGE:
        return f"{value!r} {_NOT_A_LANGUAGE[first]}"
    if len(first) == 3 and "qaa" <= first <= "qtz":
        return f"{value!r} is a private-use language code (qaa–qtz)"
    if any(len(part) == 4 and "qaaa" <= part <= "qabx" for part in subtags[1:]):
        return f"{value!r} has a private-use script code (Qaaa–Qabx)"
    if not tag_is_valid(value):
        return f"{value!r} is not a known BCP 47 language tag"
    return None


def _check_language_tag(value: str) -> str:
    why = language_tag_problem(value)
    if why is not None:
        raise ValueError(f"{why} — use a tag like 'es', 'zh-Hant' or 'prs'")
    return value


LanguageTag = Annotated[str, AfterValidator(_check_language_tag)]


@lru_cache(maxsize=4096)
def parse_phone(number: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """`phonenumbers.parse(number, region)`, None when it cannot be parsed: once per number,
    however often validation, its warnings and the pages read it. Shared: never change it."""
    try:
        return phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=4096)
def _valid_phone(number: str, region: str | None) -> bool:
    parsed = parse_phone(number, region)
    return parsed is not None and phonenumbers.is_valid_number(parsed)


def _check_phone(value: str, info: ValidationInfo) -> str:
    region = (info.context or {}).get("country", "US")
    if not _valid_phone(value, region):
        raise ValueError(
            f"{value!r} is not a valid phone number for {region} — write it with its area code, "
            "like 860-695-8400, or with + and the country code"
        )
    return value


PhoneNumber = Annotated[str, AfterValidator(_check_phone)]


class Record(BaseModel):
    """Base of every content record: unknown fields are errors, values are immutable.

    Each model's validator is built when first used (`defer_build`): `haven build` validates
    the content in the process it forks first (haven.content.ahead), and the main process,
    which only takes the valid content back, need not spend 45 ms of its start building them."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True,
        allow_inf_nan=False, defer_build=True,
    )


class Confirmable(Record):
    """A record whose statements can be marked as not yet confirmed."""

    unconfirmed: list[str] = []
    """Fields of this record whose statement is not yet confirmed (`interpretation`, or one
    item of a list: `first_steps.2`; in a document, `body` or one block `body.3`): readers see
    it labelled "Not yet confirmed by the district.", `haven check` lists it, and a --strict
    build stops until it is confirmed (removed from this list) or removed."""

    @field_validator("unconfirmed")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        allowed = {name for name, info in cls.model_fields.items()
                   if translatable_kind(list(info.metadata)) or _translatable_list(info.annotation)}
        if cls.__name__ == "Document":
            allowed.add("body")
        for item in value:
            name, _, index = item.partition(".")
            if name not in allowed or (index and not index.isdigit()):
                raise ValueError(
                    f"'{item}' is not a text field of this record — name one of "
                    f"{', '.join(sorted(allowed))} (an item of a list as name.N, from 0)")
        return value


def _translatable_list(annotation: Any) -> bool:
    import typing

    return any(translatable_kind(list(getattr(arg, "__metadata__", ()))) is not None
               for arg in typing.get_args(annotation))


class Status(StrEnum):
    """How a fact stands today, as shown to readers."""

    CURRENT = "current"
    MOVED = "moved"
    SUPERSEDED = "superseded"
    UNVERIFIED = "unverified"
    NEEDS_REVIEW = "needs-review"
    CLOSED = "closed"
    """An organization, service, location or reporting channel that no longer operates
    (policies and publications are `superseded` instead)."""


class Verification(Record):
    """When, by whom and with what result an item was last checked."""

    status: Status
    """How the item stands today: `current`, `moved`, `superseded`, `unverified`,
    `needs-review` or `closed`."""
    assured_date: dt.date | None = None
    """When the item was last confirmed (HSDS `assured_date`)."""
    assurer: str | None = None
    """Who confirmed it: a person, team or partner."""
    note: Text | None = None
    """Shown to readers beside the item."""
    sources: list[Url] = []
    """Where the confirmation came from."""
    previous_url: Url | None = None
    """For a moved item: the address it used to have."""
    superseded_on: dt.date | None = None
    """For a superseded item: the date it stopped being in force."""
    closed_on: dt.date | None = None
    """For a closed item: the date it closed."""
    review_every_days: int | None = Field(default=None, ge=1, le=3650)
    """Overrides the hub's review interval for this item."""

    @model_validator(mode="after")
    def _consistent(self) -> Verification:
        if self.status is Status.UNVERIFIED and self.assured_date is not None:
            raise ValueError(
                "an unverified item cannot have an assured_date — remove assured_date, or set "
                "status: current once someone has confirmed it"
            )
        if self.status is Status.CURRENT and self.assured_date is None:
            raise ValueError(
                "a current item needs an assured_date — add the date it was last confirmed, or "
                "set status: unverified"
            )
        if self.status is Status.SUPERSEDED and self.superseded_on is None:
            raise ValueError(
                "a superseded item needs superseded_on — add the date it stopped being in force"
            )
        if self.status is Status.CLOSED and self.closed_on is None:
            raise ValueError(
                "a closed item needs closed_on — add the date it closed, like closed_on: "
                "2025-04-30 (and say in note what replaces it)"
            )
        if self.closed_on is not None and self.status is not Status.CLOSED:
            raise ValueError(
                "closed_on is only for a closed item — set status: closed, or remove closed_on"
            )
        if self.status is Status.MOVED and self.previous_url is None:
            raise ValueError(
                "a moved item needs previous_url — add the old address (and put the new one in url)"
            )
        return self


class Phone(Record):
    """HSDS phone."""

    number: PhoneNumber
    """The phone number."""
    extension: str | None = None
    """The extension to dial after the number."""
    type: Literal["voice", "text", "fax", "cell", "video", "pager", "textphone"] = "voice"
    """HSDS phone type; `textphone` is TTY/TDD."""
    description: Text | None = None
    """Who answers or when, shown after the number."""
    languages: list[LanguageTag] = []
    """The languages spoken on this line, as language tags."""


class Address(Record):
    """HSDS address."""

    address_1: str
    """Street and number."""
    address_2: str | None = None
    """Suite, floor, building."""
    city: str
    """City or town."""
    state_province: str
    """State, like `CT`."""
    postal_code: str
    """ZIP code. Put it in quotes: `"06103"`."""
    country: str = "US"
    """Two-letter country code (`US` if left out)."""


def _check_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a UUID — hsds_id keeps the record's id from the "
                         "HSDS dataset it was imported from; leave it as the import wrote it, "
                         "or remove it") from None


HsdsId = Annotated[str, AfterValidator(_check_uuid)]
"""The record's id in the HSDS dataset it came from: the export keeps it, so that a round
trip with a 211 system updates its records instead of duplicating them."""

PlainText = Annotated[str, AfterValidator(_no_control_characters), AfterValidator(_not_blank)]
"""A short value that is not translated (a register's code, a staff member's name)."""


class OrganizationIdentifier(Record):
    """HSDS organization_identifier: the organization's number in another register, such as
    a company number (`identifier_scheme: GB-COH`, `identifier: "1234567"`) or an EIN."""

    identifier_type: PlainText
    identifier: PlainText
    identifier_scheme: PlainText | None = None
    """An org-id.guide code such as US-EIN or GB-COH."""
    hsds_id: HsdsId | None = None


class Contact(Record):
    """HSDS contact: a named person or desk staff can reach (not shown to families)."""

    name: PlainText | None = None
    title: PlainText | None = None
    department: PlainText | None = None
    email: Email | None = None
    phones: list[Phone] = []
    hsds_id: HsdsId | None = None


class Accessibility(Record):
    """HSDS accessibility of a location: shown to families beside the address."""

    description: Text
    details: Text | None = None
    url: Url | None = None
    hsds_id: HsdsId | None = None


class ServiceArea(Record):
    """HSDS service_area, as words: where the service is offered (no map extent)."""

    description: Text
    hsds_id: HsdsId | None = None


class RequiredDocument(Record):
    """HSDS required_document: what to bring."""

    document: Text
    uri: Url | None = None
    hsds_id: HsdsId | None = None


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _check_byday(value: str | None) -> str | None:
    if value is None:
        return None
    days = [d.strip().upper() for d in value.split(",") if d.strip()]
    bad = [d for d in days if not re.fullmatch(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)", d)]
    if bad or not days:
        raise ValueError(f"{value!r} is not a list of days — write iCalendar day codes "
                         "separated by commas, like MO,WE,FR (or 1MO for the first Monday)")
    return ",".join(days)


ByDay = Annotated[str | None, AfterValidator(_check_byday)]


class Schedule(Record):
    """HSDS schedule, reduced to what a family reads: a description, optional structure."""

    description: Text
    """The hours in words, shown to families under "Hours"."""
    byday: ByDay = None
    """Days as in iCalendar (HSDS `byday`): MO,WE,FR; 1MO is the first Monday of the month."""
    freq: Literal["WEEKLY", "MONTHLY"] | None = None
    """How the days repeat (HSDS `freq`); with `byday` and no `freq`, weekly."""
    interval: int | None = Field(default=None, ge=1, le=52)
    """Every how many weeks or months (HSDS `interval`): 2 is every other week."""
    opens_at: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    """Opening time on a 24-hour clock, in quotes: `"09:00"`."""
    closes_at: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    """Closing time on a 24-hour clock, in quotes: `"17:30"`."""


MAX_AMOUNT = 1_000_000_000
"""The largest cost Haven accepts: more is a typing mistake (or `1e400`, which is infinity)."""


class CostOption(Record):
    """HSDS cost_option: `amount: 0` means free."""

    option: Text | None = None
    """What this cost is for, in words. Shown beside the cost."""
    amount: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    """What the option costs in `currency`; 0 is free. A service is shown as free only when
    every one of its options is."""
    currency: str = "USD"
    """ISO 4217 code: USD, EUR, GBP (written in any case)."""

    @field_validator("currency", mode="before")
    @classmethod
    def _iso_currency(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", value):
                raise ValueError(f"{value!r} is not a currency code — write its three-letter "
                                 "ISO 4217 code, like USD")
        return value


class Accreditation(StrEnum):
    """Accreditations a family can filter by."""

    DOJ_RECOGNIZED = "doj-recognized-organization"
    DOJ_ACCREDITED_REPRESENTATIVE = "doj-accredited-representative"
    LAW_SCHOOL_CLINIC = "law-school-clinic"
    LICENSED_ATTORNEYS = "licensed-attorneys"


class Location(Confirmable):
    """HSDS location; `confidential: true` keeps its street address out of every output."""

    id: Id
    """The location's id; services name it in their `locations`. Every location in the directory
    needs its own id."""
    name: str | None = None
    """A short name for the place, like "Main office"."""
    address: Address | None = None
    """The street address."""
    confidential: bool = False
    """Write `confidential: true` to keep the street address off the site: families see "Address
    given by phone" instead."""
    description: Text | None = None
    """How to get there, which entrance, what to bring."""
    phones: list[Phone] = []
    """Phone numbers for this place."""
    schedules: list[Schedule] = []
    """Opening hours."""
    accessibility: list[Accessibility] = []
    """How the place can be reached and used: a ramp, an elevator, an interpreter on site."""
    contacts: list[Contact] = []
    """People or desks to ask for at this place."""
    verification: Verification | None = None
    """When this place was last checked, if not the same as the organization."""
    hsds_id: HsdsId | None = None
    """The place's id in the HSDS system it was imported from; kept so an export matches it."""


class Service(Confirmable):
    """HSDS service."""

    id: Id
    """The service's id. Every service in the directory needs its own id."""
    name: TextName
    """What the service is, in a few words: "Free legal advice"."""
    description: Text | None = None
    """What happens, who helps, what to expect."""
    url: Url | None = None
    """A web page about this service."""
    email: Email | None = None
    """An e-mail address for this service."""
    topics: list[Id] = []
    """Ids from `topics.yaml`. The service is listed on each topic's page."""
    audiences: list[Id] = []
    """Who it is for: ids from `audiences.yaml`."""
    languages: list[LanguageTag] = []
    """Languages the service is offered in (HSDS language)."""
    cost_options: list[CostOption] = []
    """What it costs."""
    fees_description: Text | None = None
    """Cost in words, such as "Ask whether there is a fee." Shown with the cost."""
    eligibility_description: Text | None = None
    """Who can use the service, in words. Write "Anyone can use this service, whatever their
    immigration status", never ask about status."""
    application_process: Text | None = None
    """How to ask for the service: call first, walk in, a referral (HSDS)."""
    minimum_age: int | None = Field(default=None, ge=0, le=130)
    """The youngest age served, in years."""
    maximum_age: int | None = Field(default=None, ge=0, le=130)
    """The oldest age served, in years."""
    required_documents: list[RequiredDocument] = []
    """Documents to bring (never anything about immigration status)."""
    service_areas: list[ServiceArea] = []
    """Where the service is offered: towns, counties, the state."""
    accreditations: list[Accreditation] = []
    """What kind of legal help it is, shown as labels."""
    schedules: list[Schedule] = []
    """Opening hours of the service."""
    phones: list[Phone] = []
    """Phone numbers of the service."""
    contacts: list[Contact] = []
    """People or desks to ask for."""
    locations: list[Id] = []
    """Ids of this organization's locations where the service is offered."""
    verification: Verification | None = None
    """When this service was last checked, if not the same as the organization."""
    hsds_id: HsdsId | None = None
    """The service's id in the HSDS system it was imported from; kept so an export matches it."""

    @model_validator(mode="after")
    def _ages(self) -> Service:
        if (self.minimum_age is not None and self.maximum_age is not None
                and self.minimum_age > self.maximum_age):
            raise ValueError(f"minimum_age {self.minimum_age} is above maximum_age "
                             f"{self.maximum_age} — swap them, or remove one")
        return self


class Organization(Confirmable):
    """HSDS organization, with its locations and services: one file per organization."""

    id: Id
    """The organization's id; it is part of its page's address (`help/org/example-legal-aid/`).
    No two organizations may share one."""
    name: Name
    """The organization's name, as it writes it. Names are not translated."""
    alternate_name: str | None = None
    """Another name it is known by, such as a short name; shown under the name."""
    description: Text | None = None
    """What the organization is and does."""
    url: Url | None = None
    """Its website."""
    email: Email | None = None
    """Its e-mail address."""
    phones: list[Phone] = []
    """Its main phone numbers."""
    contacts: list[Contact] = []
    """People or desks to ask for."""
    locations: list[Location] = []
    """Its places."""
    services: list[Service] = []
    """What it offers."""
    verification: Verification
    """When and by whom the listing was last checked."""
    hsds_id: HsdsId | None = None
    """The organization's id in the HSDS system it was imported from; kept so an export matches it."""
    organization_identifiers: list[OrganizationIdentifier] = []
    """Registry numbers (HSDS organization_identifier), such as a charity or company number."""


HELP_FOLDERS = ("org", "language", "free", "accreditation", "audience", "town")
"""Folders of the help pages that Haven names itself; a topic's page is `help/<topic id>/`."""


class Topic(Record):
    """A subject families look for: legal help, know your rights, report discrimination …"""

    id: Id
    """The topic's id. Other files use it, and it is part of the topic page's address
    (`help/legal-help/`). Haven names some folders under `help/` itself, so a topic cannot be
    called `org`, `language`, `free`, `accreditation`, `audience` or `town`."""
    name: TextName
    """The topic's name, as families see it."""
    description: Text | None = None
    """One sentence under the name."""
    search_words: Text | None = None
    """Everyday words people search with for this topic, separated by commas ("lawyer,
    attorney"); each language's translators give the words its readers use."""

    @field_validator("id")
    @classmethod
    def _own_folder(cls, value: str) -> str:
        if value in HELP_FOLDERS:
            raise ValueError(
                f"'{value}' is the name of a folder Haven makes under help/ — give the topic "
                f"another id, like '{value}-help'"
            )
        return value


class Audience(Record):
    """Who an item is for: families, staff and partners …"""

    id: Id
    """The audience's id, used by resources, services and documents."""
    name: TextName
    """The audience's name, used as a heading."""
    description: Text | None = None
    """A sentence saying who is meant."""


PublishPolicy = Literal["reviewed", "translated", "machine"]
"""Which translations readers see: reviewed only; or translated too; or machine drafts too."""


class LanguageEntry(Record):
    """A served language; names are needed only where CLDR has none (Karen, Hmong …)."""

    tag: LanguageTag
    """The language's tag."""
    name: str | None = None
    """The language's name in itself (endonym)."""
    english_name: str | None = None
    """The language's name in English, shown beside it in the chooser."""
    publish: PublishPolicy | None = None
    """This language's publish policy, when it differs from the hub's."""

    @property
    def language(self) -> Language:
        """The language with its names and direction: these names, else Haven's tables."""
        return language(self.tag, self.name, self.english_name)


class HubFact(Record):
    """A figure the hub states, stored with its date and source."""

    id: Id
    """A name for the fact (id rules)."""
    text: Text
    """The sentence shown on the home page."""
    as_of: dt.date
    """The date the figure was true, shown after it."""
    source: Url | None = None
    """A web address for the source; shown as a "Source" link."""


class Home(Confirmable):
    """The home page of each language: what to do first."""

    intro: Text
    """One or two sentences at the top of the home page."""
    first_steps: list[Text] = Field(min_length=1)
    """The list under "What to do first". At least one step; three or four short ones work best.
    Each step is translated on its own."""



class Outreach(Record):
    """hub.yaml `outreach`: text messages, e-mail and voice calls (`haven outreach`)."""

    sms: Text | None = None
    """The text message; {phone} and {link} mark where the number and the link go."""
    email_subject: Text | None = None
    """The e-mail's subject. Without it, the hub's `name`."""
    email_body: Markdown | None = None
    """The e-mail, in Markdown. Haven sends it as plain text and as simple HTML. Without it, the
    home page's `intro` and `first_steps` and the hub's `interpretation`."""
    voice: Text | None = None
    """The voice-call script: short sentences; numbers are written out to be read aloud."""
    sms_segment_budget: int = Field(default=2, ge=1, le=10)
    """How many SMS segments a text message may take before Haven warns."""

    @field_validator("sms", "email_subject", "email_body", "voice")
    @classmethod
    def _known_placeholders(cls, value: str | None) -> str | None:
        why = problem(value or "", OUTREACH)
        if why is not None:
            raise ValueError(why.replace("this text are {link}, {phone}",
                                         "outreach text are {phone} (the hub's number) and "
                                         "{link} (the hub's page in the reader's language)"))
        return value


class Hub(Confirmable):
    """hub.yaml: the hub's settings."""

    name: TextName
    """The hub's name, at the top of every page."""
    district: str
    """The district's name, as it signs its messages."""
    base_url: Url
    """The web address where the site will be published, like `https://families.example.org/`.
    Haven uses it when a link must work away from the site, such as on printed material."""
    country: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    """Two-letter region used to read phone numbers written without +."""
    source_language: LanguageTag
    """The language tag of the language you write in, such as `en`. It must also be in
    `languages`."""
    languages: list[LanguageEntry] = Field(min_length=1)
    """Languages served, in the order the chooser shows them: a tag, or a tag with names."""
    phone: PhoneNumber
    """The number families call; say in `interpretation` how they get an interpreter on it."""
    phone_label: Text
    """Who answers that number, like "Family Welcome Center"."""
    interpretation: Text
    """How to ask for an interpreter on that number; say "free" only where your source says so."""
    home: Home
    """The home page of each language."""
    facts: list[HubFact] = []
    """Figures the hub states, each with its date and source."""
    review_every_days: int = Field(default=90, ge=1, le=3650)
    """How many days may pass before a fact should be checked again (90 if left out; 30 for
    resources of kind `policy`). One item can have its own interval in its verification
    block."""
    link_check_every_hours: int = Field(default=24, ge=0, le=8760)
    """How long `haven check` reuses a link's answer before asking the site again (0: never)."""
    publish: PublishPolicy = "machine"
    """Which translations readers see: `reviewed` only, `translated` too, or `machine` drafts too."""
    translation_threshold: int = Field(default=0, ge=0, le=100)
    """Percent of a page's text that must be translated (`haven translate status --strict`)."""
    outreach: Outreach | None = None
    """Text messages, e-mail and voice calls; without it they are made from `home`."""
    interpretation_languages: list[LanguageEntry] = []
    """Languages with no pages, offered by phone: the chooser lists them with the number."""
    offline: bool = True
    """Readers' browsers keep the pages (and PDFs) of each language they open, for use offline."""
    date_formats: dict[LanguageTag, str] = {}
    """A long date pattern per language (CLDR letters: `ht: "d MMMM yyyy"`), where Haven's
    default does not read naturally."""

    @field_validator("date_formats")
    @classmethod
    def _date_patterns(cls, value: dict[str, str]) -> dict[str, str]:
        for tag, pattern in value.items():
            problem = check_pattern(pattern)
            if problem:
                raise ValueError(f"{tag}: {problem} — write it with CLDR's letters, like "
                                 "'d MMMM yyyy' (30 October 2026) or 'dd/MM/yyyy'")
        return value

    @field_validator("languages", "interpretation_languages", mode="before")
    @classmethod
    def _tags_as_entries(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"tag": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("interpretation_languages")
    @classmethod
    def _phone_only(cls, value: list[LanguageEntry], info: ValidationInfo) -> list[LanguageEntry]:
        served = {entry.tag for entry in info.data.get("languages", [])}
        seen: set[str] = set()
        for entry in value:
            if entry.tag in served:
                raise ValueError(f"'{entry.tag}' is also in languages — a language is either "
                                 "served with pages or offered by phone: remove one of the two")
            if entry.tag in seen:
                raise ValueError(f"'{entry.tag}' is listed twice — remove one")
            if entry.publish is not None:
                raise ValueError(f"'{entry.tag}' has no pages, so publish has no meaning "
                                 "for it — remove publish")
            seen.add(entry.tag)
        return value


DocumentKind = Literal["letter", "guide", "page"]


class Document(Confirmable):
    """Front matter of a Markdown document; its body is translated block by block."""

    id: Id
    """The document's id; it is also the page's address (`/es/welcome/`). It cannot be `help`,
    `report`, `resources`, `assets` or `index`, which are the hub's own pages."""
    title: TextName
    """The title of the page and its name in the menu."""
    kind: DocumentKind = "guide"
    """What sort of document it is: `letter` (a signed message), `guide` (the usual, if left
    out) or `page`. A letter is the district's own text in the source language and in every
    language whose translation of it is `reviewed`; wherever else its text is shown translated
    (a translation not reviewed, or a machine draft), the page says above it, in the reader's
    language, that this is a translation of the district's letter and not the district's own
    text."""
    summary: Text | None = None
    """One sentence shown under the document's link on the home page."""
    order: int = 100
    """Position in the navigation: lower comes first."""
    audiences: list[Id] = []
    """Who it is for: ids from `audiences.yaml`."""
    topics: list[Id] = []
    """What it is about: ids from `topics.yaml`."""
    resources: list[Id] = []
    """Resources listed after the text."""
    author: Text | None = None
    """The signer as the letter shows them, title included (translatable: "Dr." may be "Dra.")."""
    author_title: Text | None = None
    """The signer's title, such as "Superintendent"."""
    date: dt.date | None = None
    """The date of the letter, shown after the signature."""
    verification: Annotated[Verification | None, AfterValidator(_not_closed)] = None
    """Whether the text is still current. A letter from a past superintendent, or one citing a
    rescinded policy, should say so."""


def _not_closed(value: Verification | None) -> Verification | None:
    if value is not None and value.status is Status.CLOSED:
        raise ValueError(
            "a guide, policy or publication is not closed but no longer in force — write "
            "status: superseded with superseded_on instead of closed"
        )
    return value


class Resource(Confirmable):
    """A guide, poster, fact sheet or web page from another publisher."""

    id: Id
    """The resource's id. Documents list resources by id, and it is part of the page's
    address."""
    title: TextName
    """The title, as families see it."""
    publisher: str
    """Who published it, such as "ACLU"."""
    kind: Literal["poster", "guide", "fact-sheet", "webpage", "toolkit", "policy"]
    """What it is: `poster`, `guide`, `fact-sheet`, `webpage`, `toolkit` or `policy`. Shown as a
    label ("Poster", "Fact sheet", "Web page" …) in the reader's language."""
    url: Url
    """Where to find it. The page links there and says the link leaves the site."""
    description: Text | None = None
    """A sentence or two on what it says and who it helps."""
    audiences: list[Id] = []
    """Who it is for: ids from `audiences.yaml`. The "Guides and posters" page lists it under
    each."""
    topics: list[Id] = []
    """What it is about: ids from `topics.yaml`."""
    languages: list[LanguageTag] = []
    """Languages the publisher offers it in."""
    languages_note: Text | None = None
    """Anything more about its languages, shown under that list."""
    verification: Annotated[Verification, AfterValidator(_not_closed)]
    """When and by whom it was last checked, and how it stands today."""


class Resources(Record):
    """resources.yaml."""

    resources: list[Resource] = []


class Channel(Confirmable):
    """A way to report discrimination."""

    id: Id
    """An id for this way to report; each must be different."""
    name: TextName
    """Who receives the report, as a heading."""
    description: Text | None = None
    """What happens when you report here."""
    url: Url | None = None
    """A web page or online form for reporting."""
    emails: list[Email] = []
    """E-mail addresses, as a list."""
    phones: list[Phone] = []
    """Phone numbers."""
    verification: Verification
    """When and by whom it was last checked, and how it stands today."""


class Reporting(Confirmable):
    """reporting.yaml: how to report discrimination."""

    intro: Markdown
    """The text at the top of the page, in Markdown. Unlike a document, it is translated as one
    piece."""
    channels: list[Channel] = Field(min_length=1)
    """The ways to report, at least one, in the order shown."""


class Topics(Record):
    """topics.yaml."""

    topics: list[Topic] = Field(min_length=1)


class Audiences(Record):
    """audiences.yaml."""

    audiences: list[Audience] = Field(min_length=1)


@cache
def describe_fields() -> None:
    """Give each field of these models its docstring as its description (the editor's help
    text), as pydantic's `use_attribute_docstrings` would: a field's docstring is the string
    right below it, in the class that declares it. Done when first needed, not when the
    models are made: reading this file's source for it cost every `haven build` 50 ms."""
    try:
        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):  # no source: no descriptions, as pydantic
        return
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found = docs[node.name] = {}
            for before, after in itertools.pairwise(node.body):
                if (isinstance(before, ast.AnnAssign) and isinstance(before.target, ast.Name)
                        and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                        and isinstance(after.value.value, str)):
                    found[before.target.id] = inspect.cleandoc(after.value.value)
    for model in list(globals().values()):
        if isinstance(model, type) and issubclass(model, Record):
            for name, info in model.model_fields.items():
                if info.description is None:
                    owner = next((k for k in model.__mro__ if name in vars(k).get("__annotations__", {})),
                                 None)
                    doc = docs.get(owner.__name__, {}).get(name) if owner else None
                    if doc is not None:
                        info.description = doc


def field_names(model: type[BaseModel]) -> list[str]:
    """Names a content author may write for `model`."""
    return list(model.model_fields)


def translatable_kind(metadata: list[Any]) -> str | None:
    """The Translatable kind of a field, from its metadata, or None."""
    for item in metadata:
        if isinstance(item, Translatable):
            return item.kind
    return None
