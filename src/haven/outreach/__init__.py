"""Outreach: text messages, e-mails and voice-call scripts in every served language."""

from __future__ import annotations

from haven.outreach.messages import (
    CHANNELS,
    Message,
    build_messages,
    outreach_rows,
    write_messages,
    write_outreach,
)
from haven.sms import SmsInfo, analyze, split_segments

__all__ = [
    "CHANNELS",
    "Message",
    "SmsInfo",
    "analyze",
    "build_messages",
    "outreach_rows",
    "split_segments",
    "write_messages",
    "write_outreach",
]
