"""The editor's start page: the verification queue of `haven check` (its freshness logic),
stale first, most urgent first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from haven.check.freshness import RecordResult, freshness
from haven.check.inventory import inventory
from haven.content.load import load
from haven.content.validate import validate

ATTENTION = ("needs-review", "unverified", "moved")


@dataclass
class QueueItem:
    result: RecordResult
    file: str
    path: str
    """The record's path in its file (dotted; "" for the whole file)."""

    @property
    def urgency(self) -> tuple[int, str]:
        state = self.result
        if state.due:
            return 0, (state.due_on or dt.date.min).isoformat()
        if state.status in ATTENTION:
            return 1 + ATTENTION.index(state.status), ""
        return 9, (state.due_on or dt.date.max).isoformat()


def verification_queue(root: Path, today: dt.date) -> list[QueueItem]:
    """Every record with a verification block: due ones first (longest overdue first), then
    those marked needs-review, unverified or moved, then the rest by the day they fall due."""
    raw = load(root)
    content = validate(raw)
    items = []
    for record in inventory(raw, content).records:
        file, _, line = record.where.rpartition(":")
        located = raw.files.get(file)
        offset = 0
        if located is None and file in raw.documents:
            located = raw.documents[file].meta
            offset = located.line_offset
        path = ""
        if located is not None:
            for key, number in located.lines.items():
                if number + offset == int(line) and key and key[-1] == "verification":
                    path = ".".join(str(step) for step in key[:-1])
                    break
        items.append(QueueItem(freshness(record, today), file, path))
    return sorted(items, key=lambda item: item.urgency)
