"""`haven outreach`: the hub's text messages, e-mails and voice scripts as CSV files."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from haven.cli.options import console, content_argument, load_valid, output_option
from haven.locate import locate, refuse_package_writes
from haven.outreach.messages import Message, build_messages, write_messages


@click.command("outreach")
@content_argument
@output_option("outreach", "Folder to write sms.csv, email.csv and voice.csv into.")
def outreach_command(content_dir: Path | None, output: Path | None) -> None:
    """Write the hub's text message, e-mail and voice-call script in every
    served language, as CSV files to import into a mass-notification system.

    Each text message shows its encoding (GSM-7 or UCS-2) and its exact number
    of SMS segments; a message over the hub's segment budget gets a warning.
    """
    hub = locate(content_dir, "outreach")
    output = output or hub.output("outreach")
    refuse_package_writes(output, "the messages")
    content = load_valid(hub.root)
    messages = build_messages(content)
    write_messages(messages, output)
    _summary(messages, output)


def _summary(messages: list[Message], output: Path) -> None:
    out = console()
    table = Table(title=f"Outreach messages written to {escape(str(output))}", title_justify="left")
    for column in ("language", "text in", "state", "SMS", "segments", "e-mail", "voice"):
        table.add_column(column, justify="right" if column == "segments" else "left")
    by_language: dict[str, dict[str, Message]] = {}
    for message in messages:
        by_language.setdefault(message.language.tag, {})[message.channel] = message
    over = []
    for tag, channels in by_language.items():
        sms, email, voice = channels["sms"], channels["email"], channels["voice"]
        row = sms.row()
        budget_warning = [w for w in sms.warnings if "SMS segments" in w]
        segments = row["segments"] + (" [yellow]![/]" if budget_warning else "")
        table.add_row(f"{tag} ({sms.language.english_name})", sms.text_language,
                      sms.state.value, row["encoding"], segments,
                      email.text_language, voice.text_language)
        over += [f"{tag}: {w}" for w in budget_warning]
    out.print(table)
    for warning in over:
        out.print(f"[yellow]warning:[/] {escape(warning)}")
    machine = sum(1 for m in messages if m.state.value == "machine")
    fallback = sum(1 for m in messages if m.text_language != m.language.tag)
    out.print(f"{len(messages)} messages in {len(by_language)} languages; "
              f"{len(over)} text message(s) over the segment budget; "
              f"{machine} machine translation(s) to review; {fallback} message(s) not yet "
              "translated, sent in the source language. The 'warning' column of each "
              "file says what to check before sending.")
