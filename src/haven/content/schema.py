"""The one typed schema for a hub's content.

Directory records use Open Referral HSDS 3.0 names and shapes (organization, service,
location, address, phone, language, schedule, cost option, accreditations, assured_date).
Fields typed `Text` or `Markdown` are translatable: each becomes one segment of the PO catalogs.
No model has, or may ever have, a field for immigration or citizenship status.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import langcodes
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

from haven.i18n.dates import check_pattern
from haven.i18n.languages import Language, language
from haven.i18n.placeholders import OUTREACH, problem


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
    if not langcodes.tag_is_valid(value):
        return f"{value!r} is not a known BCP 47 language tag"
    return None


def _check_language_tag(value: str) -> str:
    why = language_tag_problem(value)
    if why is not None:
        raise ValueError(f"{why} — use a tag like 'es', 'zh-Hant' or 'prs'")
    return value


LanguageTag = Annotated[str, AfterValidator(_check_language_tag)]


def _check_phone(value: str, info: ValidationInfo) -> str:
    region = (info.context or {}).get("country", "US")
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"{value!r} is not a valid phone number for {region} — write it with its area code, "
            "like 860-695-8400, or with + and the country code"
        )
    return value


PhoneNumber = Annotated[str, AfterValidator(_check_phone)]


class Record(BaseModel):
    """Base of every content record: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True,
        allow_inf_nan=False,
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
    extension: str | None = None
    type: Literal["voice", "text", "fax", "cell", "video", "pager", "textphone"] = "voice"
    """HSDS phone type; `textphone` is TTY/TDD."""
    description: Text | None = None
    languages: list[LanguageTag] = []


class Address(Record):
    """HSDS address."""

    address_1: str
    address_2: str | None = None
    city: str
    state_province: str
    postal_code: str
    country: str = "US"


class Schedule(Record):
    """HSDS schedule, reduced to what a family reads: a description, optional structure."""

    description: Text
    byday: str | None = None
    opens_at: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")
    closes_at: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}$")


class CostOption(Record):
    """HSDS cost_option: `amount: 0` means free."""

    option: Text | None = None
    amount: float | None = Field(default=None, ge=0)
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
    name: str | None = None
    address: Address | None = None
    confidential: bool = False
    description: Text | None = None
    phones: list[Phone] = []
    schedules: list[Schedule] = []
    verification: Verification | None = None


class Service(Confirmable):
    """HSDS service."""

    id: Id
    name: TextName
    description: Text | None = None
    url: Url | None = None
    email: Email | None = None
    topics: list[Id] = []
    audiences: list[Id] = []
    languages: list[LanguageTag] = []
    """Languages the service is offered in (HSDS language)."""
    cost_options: list[CostOption] = []
    fees_description: Text | None = None
    eligibility_description: Text | None = None
    accreditations: list[Accreditation] = []
    schedules: list[Schedule] = []
    phones: list[Phone] = []
    locations: list[Id] = []
    """Ids of this organization's locations where the service is offered."""
    verification: Verification | None = None


class Organization(Confirmable):
    """HSDS organization, with its locations and services: one file per organization."""

    id: Id
    name: Name
    alternate_name: str | None = None
    description: Text | None = None
    url: Url | None = None
    email: Email | None = None
    phones: list[Phone] = []
    locations: list[Location] = []
    services: list[Service] = []
    verification: Verification


HELP_FOLDERS = ("org", "language", "free", "accreditation", "audience", "town")
"""Folders of the help pages that Haven names itself; a topic's page is `help/<topic id>/`."""


class Topic(Record):
    """A subject families look for: legal help, know your rights, report discrimination …"""

    id: Id
    name: TextName
    description: Text | None = None
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
    name: TextName
    description: Text | None = None


PublishPolicy = Literal["reviewed", "translated", "machine"]
"""Which translations readers see: reviewed only; or translated too; or machine drafts too."""


class LanguageEntry(Record):
    """A served language; names are needed only where CLDR has none (Karen, Hmong …)."""

    tag: LanguageTag
    name: str | None = None
    """The language's name in itself (endonym)."""
    english_name: str | None = None
    publish: PublishPolicy | None = None
    """This language's publish policy, when it differs from the hub's."""

    @property
    def language(self) -> Language:
        """The language with its names and direction: these names, else Haven's tables."""
        return language(self.tag, self.name, self.english_name)


class HubFact(Record):
    """A figure the hub states, stored with its date and source."""

    id: Id
    text: Text
    as_of: dt.date
    source: Url | None = None


class Home(Confirmable):
    """The home page of each language: what to do first."""

    intro: Text
    first_steps: list[Text] = Field(min_length=1)



class Outreach(Record):
    """hub.yaml `outreach`: text messages, e-mail and voice calls (`haven outreach`)."""

    sms: Text | None = None
    """The text message; {phone} and {link} mark where the number and the link go."""
    email_subject: Text | None = None
    email_body: Markdown | None = None
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
    district: str
    base_url: Url
    country: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    """Two-letter region used to read phone numbers written without +."""
    source_language: LanguageTag
    languages: list[LanguageEntry] = Field(min_length=1)
    """Languages served, in the order the chooser shows them: a tag, or a tag with names."""
    phone: PhoneNumber
    """The number families call; say in `interpretation` how they get an interpreter on it."""
    phone_label: Text
    interpretation: Text
    """How to ask for an interpreter on that number; say "free" only where your source says so."""
    home: Home
    facts: list[HubFact] = []
    review_every_days: int = Field(default=90, ge=1, le=3650)
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
    title: TextName
    kind: DocumentKind = "guide"
    summary: Text | None = None
    order: int = 100
    """Position in the navigation: lower comes first."""
    audiences: list[Id] = []
    topics: list[Id] = []
    resources: list[Id] = []
    """Resources listed after the text."""
    author: Text | None = None
    """The signer as the letter shows them, title included (translatable: "Dr." may be "Dra.")."""
    author_title: Text | None = None
    date: dt.date | None = None
    verification: Annotated[Verification | None, AfterValidator(_not_closed)] = None


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
    title: TextName
    publisher: str
    kind: Literal["poster", "guide", "fact-sheet", "webpage", "toolkit", "policy"]
    url: Url
    description: Text | None = None
    audiences: list[Id] = []
    topics: list[Id] = []
    languages: list[LanguageTag] = []
    """Languages the publisher offers it in."""
    languages_note: Text | None = None
    verification: Annotated[Verification, AfterValidator(_not_closed)]


class Resources(Record):
    """resources.yaml."""

    resources: list[Resource] = []


class Channel(Confirmable):
    """A way to report discrimination."""

    id: Id
    name: TextName
    description: Text | None = None
    url: Url | None = None
    emails: list[Email] = []
    phones: list[Phone] = []
    verification: Verification


class Reporting(Confirmable):
    """reporting.yaml: how to report discrimination."""

    intro: Markdown
    channels: list[Channel] = Field(min_length=1)


class Topics(Record):
    """topics.yaml."""

    topics: list[Topic] = Field(min_length=1)


class Audiences(Record):
    """audiences.yaml."""

    audiences: list[Audience] = Field(min_length=1)


def field_names(model: type[BaseModel]) -> list[str]:
    """Names a content author may write for `model`."""
    return list(model.model_fields)


def translatable_kind(metadata: list[Any]) -> str | None:
    """The Translatable kind of a field, from its metadata, or None."""
    for item in metadata:
        if isinstance(item, Translatable):
            return item.kind
    return None
