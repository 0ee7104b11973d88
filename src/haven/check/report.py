"""The check's report: what needs attention, most urgent first, each with its fix."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from haven.check.freshness import RecordResult
from haven.check.inventory import LinkUse
from haven.check.links import LinkResult
from haven.check.phones import PhoneResult
from haven.privacy.headers import page_meta
from haven.templating import environment

Severity = Literal["error", "warning", "notice"]

CATEGORIES: dict[str, tuple[int, Severity, str]] = {
    # category: (rank, severity, heading)
    "broken": (0, "error", "Broken link"),
    "unreachable": (1, "error", "Unreachable link"),
    "invalid-phone": (2, "error", "Invalid phone number"),
    "moved": (3, "warning", "Moved link"),
    "due": (4, "warning", "Due for review"),
    "needs-review": (5, "warning", "Needs review"),
    "unverified": (6, "warning", "Unverified"),
    "superseded": (7, "notice", "Superseded"),
    "closed": (7, "notice", "Closed"),
    "unconfirmed": (7, "notice", "Unconfirmed statement"),
    "marked-moved": (8, "notice", "Marked as moved"),
    "phone-type": (9, "notice", "Phone type"),
}
"""Every kind of finding, most urgent first."""


@dataclass(frozen=True)
class Finding:
    category: str
    where: str
    subject: str
    message: str
    fix: str
    order: int = 0
    """Within a kind, lower comes first (the most overdue record first)."""

    @property
    def rank(self) -> int:
        return CATEGORIES[self.category][0]

    @property
    def severity(self) -> Severity:
        return CATEGORIES[self.category][1]

    @property
    def heading(self) -> str:
        return CATEGORIES[self.category][2]


@dataclass
class CheckReport:
    content: str
    today: dt.date
    links_checked: bool
    links: list[tuple[LinkResult, list[LinkUse]]] = field(default_factory=list)
    phones: list[PhoneResult] = field(default_factory=list)
    records: list[RecordResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def count(self, category: str) -> int:
        return sum(1 for f in self.findings if f.category == category)

    def summary(self) -> dict[str, Any]:
        states = ("ok", "moved", "broken", "unreachable")
        return {
            "errors": len(self.errors),
            "warnings": sum(1 for f in self.findings if f.severity == "warning"),
            "notices": sum(1 for f in self.findings if f.severity == "notice"),
            "links": ({s: sum(1 for r, _ in self.links if r.state == s) for s in states}
                      if self.links_checked else None),
            "phones": {"checked": len(self.phones),
                       "invalid": sum(1 for p in self.phones if not p.valid)},
            "records": {"checked": len(self.records),
                        "due": sum(1 for r in self.records if r.due)},
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "haven_check": 1,
            "content": self.content,
            "today": self.today.isoformat(),
            "links_checked": self.links_checked,
            "summary": self.summary(),
            "attention": [
                {"category": f.category, "severity": f.severity, "where": f.where,
                 "subject": f.subject, "message": f.message, "fix": f.fix}
                for f in self.findings
            ],
            "links": [
                {**asdict(result), "used_at": [
                    {"where": u.where, "field": u.field, "owner": u.owner} for u in uses]}
                for result, uses in self.links
            ],
            "phones": [asdict(p) for p in self.phones],
            "records": [
                {**asdict(r), "assured_date": _iso(r.assured_date), "due_on": _iso(r.due_on)}
                for r in self.records
            ],
            "warnings": self.warnings,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _place_key(where: str) -> tuple[str, int]:
    file, _, line = where.rpartition(":")
    return (file, int(line)) if line.isdigit() else (where, 0)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most urgent first; within a kind, in file and line order."""
    return sorted(findings, key=lambda f: (f.rank, f.order, _place_key(f.where), f.subject))


def link_findings(result: LinkResult, uses: list[LinkUse]) -> list[Finding]:
    found = []
    for use in uses:
        what = {"url": "the url", "source": "the source", "link in text": "the link",
                "previous_url": "the previous_url"}.get(use.field, f"the {use.field}")
        if result.state == "broken":
            found.append(Finding(
                "broken", use.where, use.url, f"{use.owner}: {result.detail}",
                f"find the page's new address and update {what} in {use.where}, "
                "or remove the link"))
        elif result.state == "unreachable":
            found.append(Finding(
                "unreachable", use.where, use.url, f"{use.owner}: {result.detail}",
                f"open {use.url} in a browser; if the site is gone, replace or remove {what} "
                f"in {use.where}"))
        elif result.state == "moved" and result.final_url:
            fix = f"update {what} in {use.where} to {result.final_url}"
            if not result.permanent:
                fix += " if that is the page you mean (the redirect is temporary)"
            found.append(Finding("moved", use.where, use.url, f"{use.owner}: {result.detail}",
                                 fix))
    return found


def phone_findings(result: PhoneResult) -> list[Finding]:
    if not result.valid:
        return [Finding("invalid-phone", result.where, result.number,
                        f"{result.owner}: {result.problem}",
                        f"correct the number in {result.where}")]
    if result.hint:
        return [Finding("phone-type", result.where, result.number,
                        f"{result.owner}: {', '.join(result.labels)} number",
                        result.hint)]
    return []


def record_findings(record: RecordResult, today: dt.date) -> list[Finding]:
    found = []
    label = record.label
    if record.due and record.due_on and record.assured_date:
        days = (today - record.due_on).days
        found.append(Finding(
            "due", record.where, label,
            f"last checked {record.assured_date.isoformat()}; review every "
            f"{record.review_every_days} days, so it was due on {record.due_on.isoformat()} "
            f"({days} day{'s' if days != 1 else ''} ago)",
            f"check the {record.kind} again, then set assured_date: {today.isoformat()} in "
            f"{record.where}", order=-days))
    status_fixes = {
        "needs-review": ("needs-review", "marked needs-review",
                         f"review it, then set status: current and assured_date in {record.where}"),
        "unverified": ("unverified", "not yet confirmed by anyone",
                       ("confirm it with its source, then set status: current and assured_date "
                       f"in {record.where}")),
        "superseded": ("superseded", "shown to families as no longer in force",
                       ("keep it listed so families learn it changed; check its note is still "
                       f"right in {record.where}")),
        "closed": ("closed", "shown to families as closed, with no number to call",
                   ("keep it listed so families learn it closed; check its note says what "
                    f"replaces it in {record.where}")),
        "moved": ("marked-moved", "shown to families as moved",
                  ("check that its url is the new address; set status: current once confirmed "
                  f"in {record.where}")),
    }
    if record.status in status_fixes:
        category, message, fix = status_fixes[record.status]
        if record.note:
            message += f": {record.note}"
        found.append(Finding(category, record.where, label, message, fix))
    return found


_env = environment("haven.check")
_env.globals["security_meta"] = page_meta


def render_staff_page(report: CheckReport, stylesheet: str | None = None) -> str:
    """The staff report page: noindex, nofollow, no request to any other site."""
    return _env.get_template("staff-report.html").render(
        report=report, summary=report.summary(),
        stylesheet=stylesheet,
    )


def write_json(report: CheckReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
