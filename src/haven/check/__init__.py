"""`haven check`: are the hub's links, phone numbers and review dates still right?

    content → inventory (links, phones, records, each with file:line)
            → links (async, cached) · phones (phonenumbers) · freshness (review dates)
            → report (most urgent first, each with its fix): terminal, JSON, staff page
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from haven.check.freshness import RecordResult, freshness
from haven.check.inventory import Inventory, LinkUse, inventory
from haven.check.links import CheckSettings, LinkCache, LinkResult, check_links
from haven.check.phones import PhoneResult, check_phone
from haven.check.report import (
    CheckReport,
    Finding,
    link_findings,
    phone_findings,
    record_findings,
    render_staff_page,
    sort_findings,
    write_json,
)
from haven.content.load import load
from haven.content.validate import unconfirmed_statements, validate

__all__ = [
    "CheckReport",
    "CheckSettings",
    "Finding",
    "LinkCache",
    "LinkResult",
    "PhoneResult",
    "RecordResult",
    "default_cache_path",
    "render_staff_page",
    "run_check",
    "write_json",
]

CACHE_FILE = Path(".haven-cache") / "links.json"


def default_cache_path(content_dir: Path) -> Path:
    """Where link answers are kept between runs: beside the content, in `.haven-cache/`."""
    return content_dir / CACHE_FILE


def run_check(
    content_dir: Path,
    *,
    today: dt.date | None = None,
    offline: bool = False,
    settings: CheckSettings | None = None,
    cache_path: Path | None = None,
    use_cache: bool = True,
    refresh: bool = False,
    now: dt.datetime | None = None,
    progress: Callable[[int, int, LinkResult | None], None] | None = None,
) -> CheckReport:
    """Check the content in `content_dir`; raises ContentError if it does not validate.

    Link answers are kept in `cache_path` (default: `.haven-cache/links.json` in the content
    folder) and reused for the hub's `link_check_every_hours`; `refresh` asks again anyway.
    `progress(done, total, result)` is called once before the links are asked
    (result None) and after each answer.
    """
    raw = load(content_dir)
    content = validate(raw)
    found: Inventory = inventory(raw, content)
    today = today or dt.date.today()
    report = CheckReport(str(content_dir), today, links_checked=not offline)

    if not offline:
        uses: dict[str, list[LinkUse]] = {}
        for use in found.links:
            uses.setdefault(use.url, []).append(use)
        cache = LinkCache.open(
            (cache_path or default_cache_path(content_dir)) if use_cache else None,
            dt.timedelta(hours=content.hub.link_check_every_hours), now)
        if refresh:
            cache.entries.clear()  # ask everything again; the new answers are saved
        total = len(uses)
        done = 0
        if progress:
            progress(0, total, None)

        def advance(result: LinkResult) -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total, result)

        results = check_links(uses, settings, cache, advance)
        if cache.warning:
            report.warnings.append(cache.warning)
        for url, places in uses.items():
            report.links.append((results[url], places))
            report.findings += link_findings(results[url], places)

    for phone in found.phones:
        result = check_phone(phone, content.hub.country)
        report.phones.append(result)
        report.findings += phone_findings(result)
    for record in found.records:
        state = freshness(record, today)
        report.records.append(state)
        report.findings += record_findings(state, today)
    for problem in unconfirmed_statements(raw):
        report.findings.append(Finding("unconfirmed", f"{problem.file}:{problem.line}",
                                       "statement", problem.message, problem.hint))
    report.findings = sort_findings(report.findings)
    return report
