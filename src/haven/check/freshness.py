"""Freshness: when each verified record is due to be checked again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from haven.check.inventory import RecordUse
from haven.content.schema import Status


@dataclass
class RecordResult:
    """How one record stands on `today`."""

    kind: str
    id: str
    where: str
    status: str
    assured_date: dt.date | None
    review_every_days: int
    due_on: dt.date | None
    """assured_date + review interval; None when the record was never confirmed."""
    due: bool
    note: str | None

    @property
    def label(self) -> str:
        return f"{self.kind} {self.id}"


def freshness(record: RecordUse, today: dt.date) -> RecordResult:
    """Past `assured_date + interval` (strictly), the record is due for review."""
    check = record.verification
    interval = check.review_every_days or record.default_interval
    due_on = check.assured_date + dt.timedelta(days=interval) if check.assured_date else None
    due = (due_on is not None and due_on < today
           and check.status not in (Status.SUPERSEDED, Status.CLOSED))
    return RecordResult(record.kind, record.id, record.where, check.status.value,
                        check.assured_date, interval, due_on, due, check.note)
