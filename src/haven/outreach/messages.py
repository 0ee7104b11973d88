"""Outreach messages in every served language: a text message, an e-mail, a voice-call script.

The text comes from hub.yaml's `outreach` block (or, without one, from `home`), through each
language's PO catalog like every other string. A message is never a mix of languages: when
any of its parts has no published translation, the whole message is in the source language,
and its `text_language` says so. Every served language gets its messages.

Staff import the CSV files (`write_outreach`) into their mass-notification system; a report
page can show the same rows (`outreach_rows`).
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import phonenumbers
from markdown_it.token import Token

from haven.content.validate import Content
from haven.errors import OutputError
from haven.i18n.catalog import Entry, State, read_catalog
from haven.i18n.translate import Localized, LStr, localize
from haven.languages import Language, language
from haven.markdown import parser, render_markdown
from haven.sms import DEFAULT_BUDGET, analyze, budget_warnings, fill_message, language_link
from haven.spreadsheet import safe_cell

Channel = Literal["sms", "email", "voice"]
CHANNELS: tuple[Channel, ...] = ("sms", "email", "voice")

COLUMNS: dict[Channel, tuple[str, ...]] = {
    "sms": ("language", "language_name", "endonym", "text_language", "state", "text",
            "encoding", "characters", "units", "segments", "warning"),
    "email": ("language", "language_name", "endonym", "text_language", "state", "subject",
              "text", "html", "warning"),
    "voice": ("language", "language_name", "endonym", "text_language", "state", "text",
              "warning"),
}
"""The columns of each channel's CSV file, in order."""

# Worst first: a message is only as trustworthy as its least trustworthy part.
_TRUST = (State.MISSING, State.OUTDATED, State.MACHINE, State.TRANSLATED, State.REVIEWED)

UNKNOWN_PLACEHOLDER = ("The text still has a {…} placeholder Haven does not know (a translation "
                       "may have changed it): use {phone} or {link}.")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？।॥။።؟۔])\s*")


@dataclass(frozen=True)
class Message:
    """One channel's message in one served language."""

    channel: Channel
    language: Language
    """The served language the message is for."""
    text_language: str
    """The language the text is really in: the served language, or the source language."""
    state: State
    """The translation's state (reviewed, translated, machine, outdated, missing)."""
    text: str
    """The SMS, the e-mail's plain text, or the voice script (one sentence a line)."""
    subject: str = ""
    html: str = ""
    warnings: tuple[str, ...] = field(default=())

    def row(self) -> dict[str, str]:
        """The message as one CSV row of its channel."""
        values = {
            "language": self.language.tag,
            "language_name": self.language.english_name,
            "endonym": self.language.endonym,
            "text_language": self.text_language,
            "state": self.state.value,
            "text": self.text,
            "subject": self.subject,
            "html": self.html,
            "warning": " ".join(self.warnings),
        }
        if self.channel == "sms":
            info = analyze(self.text)
            values.update(encoding=info.encoding, characters=str(info.characters),
                          units=str(info.units), segments=str(info.segments))
        return {column: values[column] for column in COLUMNS[self.channel]}


# -- building ------------------------------------------------------------------------------


def build_messages(content: Content) -> list[Message]:
    """Every channel's message in every served language, in the hub's language order."""
    source = localize(content, content.hub.source_language, {})
    messages: list[Message] = []
    for entry in content.hub.languages:
        path = content.catalogs.get(entry.tag)
        catalog: dict[str, Entry] = read_catalog(path) if path else {}
        messages += language_messages(content, localize(content, entry.tag, catalog),
                                      lambda: source)
    return messages


def language_messages(content: Content, view: Localized,
                      source_view: Callable[[], Localized]) -> list[Message]:
    """Every channel's message in the language of `view` (the build makes them beside its pages).

    `source_view()` gives the source language's view, asked for only when a message falls
    back to it (a fully translated language never needs it).
    """
    entry = next(e for e in content.hub.languages if e.tag == view.lang)
    lang = language(entry.tag, entry.name, entry.english_name)
    return [_message(content, channel, lang, view, source_view) for channel in CHANNELS]


def outreach_rows(content: Content,
                  messages: list[Message] | None = None) -> dict[Channel, list[dict[str, str]]]:
    """The CSV rows of every channel, by channel: what a staff-report page can show."""
    rows: dict[Channel, list[dict[str, str]]] = {channel: [] for channel in CHANNELS}
    for message in build_messages(content) if messages is None else messages:
        rows[message.channel].append(message.row())
    return rows


def link(content: Content, tag: str) -> str:
    """The hub's short address in a language, like https://host/es/."""
    return language_link(content.hub.base_url, tag)


def spoken_number(number: str, country: str) -> str:
    """A phone number as a voice reads it: digit by digit, in its usual groups.

    "860-695-8400" becomes "8 6 0, 6 9 5, 8 4 0 0".
    """
    try:
        parsed = phonenumbers.parse(number, country)
        formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        formatted = number
    groups = re.findall(r"\d+", formatted)
    return ", ".join(" ".join(group) for group in groups)


def _parts(view: Localized, channel: Channel) -> dict[str, LStr]:
    """The translatable pieces of one channel's message, from one language's view."""
    hub = view.hub
    outreach = hub.outreach
    home = hub.home
    parts: dict[str, LStr] = {}
    if channel == "sms":
        parts["text"] = (outreach and outreach.sms) or home.intro
    elif channel == "email":
        parts["subject"] = (outreach and outreach.email_subject) or hub.name
        parts["body"] = (outreach and outreach.email_body) or home.intro
        if not (outreach and outreach.email_body):
            parts.update({f"step{n}": step for n, step in enumerate(home.first_steps)})
            parts["interpretation"] = hub.interpretation
    else:
        parts["text"] = (outreach and outreach.voice) or home.intro
        parts["interpretation"] = hub.interpretation
    if any("{phone}" not in text for key, text in parts.items() if key in ("text", "body")):
        parts["call"] = view.ui["call"]
    return parts


def _message(content: Content, channel: Channel, lang: Language, view: Localized,
             source_view: Callable[[], Localized]) -> Message:
    parts = _parts(view, channel)
    states = [part.state for part in parts.values()]
    state = min(states, key=_TRUST.index) if states else State.REVIEWED
    warnings: list[str] = []
    own = lang.tag == content.hub.source_language
    if own or all(part.lang == lang.tag for part in parts.values()):
        text_language = lang.tag
        if state is State.MACHINE:
            warnings.append("Machine translation, not yet checked by a person: have it "
                            "reviewed before sending.")
    else:
        parts = _parts(source_view(), channel)
        text_language = content.hub.source_language
        source = language(text_language)
        warnings.append(f"Not translated into {lang.english_name} yet ({state.value}): this "
                        f"message is in {source.english_name}. Add the translation to "
                        f"translations/{lang.tag}.po ('haven translate update').")
    text_lang = language(text_language)
    url = link(content, lang.tag)
    hub = content.hub
    if channel == "sms":
        text = fill_message(parts["text"], hub.phone, url, parts.get("call"), " ")
        message = Message(channel, lang, text_language, state, _one_line(text))
        warnings += budget_warnings(message.text, _budget(content))
    elif channel == "email":
        return _email(content, lang, text_lang, state, parts, url, warnings)
    else:
        spoken = spoken_number(hub.phone, hub.country)
        address = url.split("://", 1)[-1].rstrip("/")  # if the script names the link at all
        text = fill_message(_speak_numbers(parts["text"], hub.country), spoken, address,
                     parts.get("call"), " ", add_link=False)
        lines = _sentences(text) + _sentences(_speak_numbers(parts["interpretation"], hub.country))
        with_number = next((line for line in lines if spoken in line), None)
        if with_number is not None:
            lines.append(with_number)  # the number again at the end, as callers expect
        message = Message(channel, lang, text_language, state, "\n".join(lines))
    if re.search(r"\{[^{}]*\}", message.text):
        warnings.append(UNKNOWN_PLACEHOLDER)
    return Message(message.channel, lang, text_language, state, message.text,
                   warnings=tuple(warnings))


def _budget(content: Content) -> int:
    outreach = content.hub.outreach
    return outreach.sms_segment_budget if outreach else DEFAULT_BUDGET


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _sentences(text: str) -> list[str]:
    """Short lines for a voice script: one sentence a line."""
    return [s.strip() for s in _SENTENCE_END.split(_one_line(text)) if s.strip()]


def _speak_numbers(text: str, country: str) -> str:
    """Phone numbers written in the text, rewritten to be read aloud digit by digit."""
    result, last = [], 0
    for match in phonenumbers.PhoneNumberMatcher(text, country):
        result += [text[last:match.start], spoken_number(match.raw_string, country)]
        last = match.end
    return "".join(result) + text[last:]


# -- e-mail --------------------------------------------------------------------------------


def _email(content: Content, lang: Language, text_lang: Language, state: State,
           parts: dict[str, LStr], url: str, warnings: list[str]) -> Message:
    hub = content.hub
    tel = _tel(hub.phone, hub.country)
    phone_md = f"[{hub.phone}]({tel})"
    own_body = bool(hub.outreach and hub.outreach.email_body)
    body = parts["body"] if own_body else _md_escape(parts["body"])
    steps = [parts[key] for key in sorted(k for k in parts if k.startswith("step"))]
    if steps:
        body += "\n\n" + "\n".join(f"- {_md_escape(step)}" for step in steps)
    if "interpretation" in parts:
        body += "\n\n" + _md_escape(parts["interpretation"])
    markdown = fill_message(body, phone_md, f"<{url}>", parts.get("call"), "\n\n")
    subject = _one_line(parts["subject"])
    plain = markdown_to_text(markdown)
    rendered = render_markdown(markdown, url if url.endswith("/") else url + "/")
    if text_lang.is_rtl:  # numbers and addresses stay left to right inside right-to-left text
        rendered = rendered.replace("<a href=", '<a dir="ltr" href=')
    page = (f'<!DOCTYPE html>\n<html lang="{html.escape(text_lang.tag)}" '
            f'dir="{text_lang.direction}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(subject)}</title>\n</head>\n<body>\n{rendered}</body>\n</html>\n")
    found = [w for w in (subject, plain) if re.search(r"\{[^{}]*\}", w)]
    if found:
        warnings = [*warnings, UNKNOWN_PLACEHOLDER]
    return Message("email", lang, text_lang.tag, state, plain, subject, page, tuple(warnings))


def _tel(number: str, country: str) -> str:
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException:
        return "tel:" + re.sub(r"[^\d+]", "", number)
    return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _md_escape(text: str) -> str:
    """Plain text made safe to place in Markdown: its punctuation shows as written."""
    return re.sub(r"([\\`*_\[\]<>#!|])", r"\\\1", text)


_plain_md = parser()


def markdown_to_text(markdown: str) -> str:
    """Markdown as a plain-text e-mail: paragraphs, "- " lists, links as "text (address)"."""
    blocks: list[str] = []
    prefix: list[str] = []
    for token in _plain_md.parse(markdown):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            prefix.append("- " if token.type == "bullet_list_open" else "1. ")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            prefix.pop()
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            lead = prefix[-1] if prefix else ""
            blocks.append(lead + text)
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    text, previous_item = "", False
    for block in blocks:
        item = block.startswith(("- ", "1. "))
        text += ("\n" if item and previous_item else "\n\n") if text else ""
        text += block
        previous_item = item
    return text


def _inline_text(children: Iterable[Token]) -> str:
    out: list[str] = []
    href = ""
    start = 0
    for child in children:
        if child.type == "link_open":
            href, start = str(child.attrGet("href") or ""), len(out)
        elif child.type == "link_close":
            label = "".join(out[start:])
            if href and not href.startswith("tel:") and label != href:
                out.append(f" ({href})")
            href = ""
        elif child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n" if child.type == "hardbreak" else " ")
    return "".join(out)


# -- files ---------------------------------------------------------------------------------


def csv_text(channel: Channel, rows: list[dict[str, str]]) -> str:
    """One channel's CSV: a header row, then one row a language (UTF-8, no BOM)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS[channel]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def write_outreach(content: Content, output: Path) -> dict[Channel, Path]:
    """Write sms.csv, email.csv and voice.csv into `output`, each file atomically."""
    return write_messages(build_messages(content), output)


def write_messages(messages: list[Message], output: Path) -> dict[Channel, Path]:
    """Write the messages as one CSV file per channel into `output`, each file atomically."""
    rows: dict[Channel, list[dict[str, str]]] = {channel: [] for channel in CHANNELS}
    for message in messages:
        rows[message.channel].append(message.row())
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {output} ({exc.strerror}) — choose "
                          "another folder with --output") from None
    for channel in CHANNELS:  # check every target first, so that none is written in vain
        if (output / f"{channel}.csv").is_dir():
            raise OutputError(f"{output / f'{channel}.csv'} is a folder — choose another folder "
                              "with --output")
    written: dict[Channel, Path] = {}
    for channel in CHANNELS:
        target = output / f"{channel}.csv"
        _write_atomically(target, csv_text(channel, rows[channel]).encode("utf-8"))
        written[channel] = target
    return written


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then rename it over `target`."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target} ({exc.strerror}) — check the folder's "
                          "permissions, or choose another with --output") from None


STAFF_OUTREACH = "_staff/outreach.html"
"""Where every build puts the messages to copy: linked from no public page, noindex."""


def render_outreach_html(content: Content, messages: list[Message] | None = None,
                         stylesheet: str = "staff.css") -> str:
    """The staff report's page of messages to copy, one table per channel."""

    from haven.privacy.headers import page_meta
    from haven.templating import environment

    env = environment("haven.outreach")
    env.globals["security_meta"] = page_meta
    channels = [("sms", "Text messages"), ("email", "E-mails"), ("voice", "Voice-call scripts")]
    return env.get_template("outreach.html").render(
        hub_name=content.hub.name, rows=outreach_rows(content, messages), channels=channels,
        stylesheet=stylesheet,
    )
