"""The `haven check` command: a terminal table with a progress bar, a JSON report and the
staff report page."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import click
from click.core import ParameterSource
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from haven.check import CheckReport, CheckSettings, default_cache_path, run_check
from haven.check.links import LinkResult
from haven.check.report import render_staff_page
from haven.cli.options import console as make_console
from haven.cli.options import content_argument
from haven.errors import HavenError
from haven.locate import hint, inside_package, locate, output_words
from haven.output import MARKER
from haven.render.assets import asset_path

STAFF_PAGE = "_staff/check.html"
"""Where the staff report goes in a built site: linked from no page, listed in no sitemap."""

_STYLES = {"error": "bold red", "warning": "yellow", "notice": "cyan"}


class CheckFailed(HavenError):
    """--strict was given and the check found errors."""


@click.command("check")
@content_argument
@click.option("--offline", is_flag=True,
              help="Skip the link checks: check phone numbers and review dates only.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="Judge review dates as of this day (default: today).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE", help="Also write the report as JSON ('-': standard output).")
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), default=None,
              show_default="site/ beside hub.yaml",
              help=f"The built site to put the staff report page in, as {STAFF_PAGE}.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE", help="Also write the staff report page here.")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 if there is any error (a broken or unreachable link, "
                   "an invalid phone number).")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar="FILE",
              help="Where to keep link answers between runs "
                   "(default: CONTENT_DIR/.haven-cache/links.json).")
@click.option("--refresh", is_flag=True, help="Ask every link again, ignoring saved answers.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=300), default=10.0,
              show_default=True, help="Seconds to wait for each site.")
@click.option("--retries", type=click.IntRange(min=0, max=10), default=2, show_default=True,
              help="Extra attempts after a timeout, a lost connection, 5xx or 429.")
@click.option("--per-host", type=click.IntRange(min=1, max=16), default=2, show_default=True,
              help="Requests at once to one site.")
@click.option("--proxy", default=None, metavar="URL",
              help="Send link checks through this HTTP proxy (default: HTTP(S)_PROXY, if set).")
@click.option("--privacy", is_flag=True,
              help="Also open every page of the built --site in Chromium and fail if anything "
                   "about a reader could leak (see 'haven privacy').")
@click.pass_context
def check_command(ctx: click.Context, content_dir: Path | None, offline: bool,
                  today: dt.datetime | None, json_path: Path | None, site: Path | None,
                  html_path: Path | None, strict: bool, cache_path: Path | None, refresh: bool,
                  timeout: float, retries: int, per_host: int, proxy: str | None,
                  privacy: bool) -> None:
    """Check the hub in CONTENT_DIR (default: the nearest folder upwards with a hub.yaml):
    every web address answers, every phone number is valid and typed, no fact is past its review date.

    Lists what needs attention, most urgent first, each with its fix. Links are asked
    with no cookie and a User-Agent naming Haven; answers are reused for the hub's
    link_check_every_hours (24 by default).
    """
    if privacy:  # before the link check: say at once if the privacy extra is missing
        from haven.privacy.browser import browser_for_privacy

        browser_for_privacy()
    console = make_console()
    hub = locate(content_dir, "check")
    source = hub.root
    if cache_path is None:  # never inside the installed package (the bundled example)
        cache_path = default_cache_path(Path.cwd() if inside_package(source) else source)
    site = site or hub.output()
    build_hint = hint("build", source, *output_words(site, hub.output()))
    settings = CheckSettings(timeout=timeout, retries=retries, backoff=min(0.5, timeout),
                             per_host=per_host, proxy=proxy)
    with Progress(TextColumn("Checking links"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("links", total=None, visible=False)

        def progress(done: int, total: int, result: LinkResult | None) -> None:
            bar.update(task, completed=done, total=total, visible=total > 0)

        report = run_check(
            source, today=today.date() if today else None, offline=offline, settings=settings,
            cache_path=cache_path, refresh=refresh, progress=progress,
        )

    print_report(report, console)
    if json_path is not None:
        text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
        if str(json_path) == "-":
            click.echo(text, nl=False)
        else:
            _write(json_path, text)
            console.print(f"JSON report: {json_path}", markup=False)
    page_written = _write_staff_page(report, site, ctx.get_parameter_source("site"), console,
                                     build_hint)
    if html_path is not None:
        _write(html_path, render_staff_page(report))
        console.print(f"Staff report page: {html_path}", markup=False)
    elif not page_written:
        console.print(f"No built site in {site}: run {build_hint} first to get the staff "
                      f"report page at {site / STAFF_PAGE}, or give --html FILE.", markup=False)
    private = True
    if privacy:
        from haven.cli.commands.privacy import print_report as print_privacy
        from haven.privacy.crawl import crawl_privacy

        if not (site / MARKER).is_file():
            raise HavenError(f"{site} is not a site Haven built — run {build_hint} first, "
                             "or give --site FOLDER")
        crawl = crawl_privacy(site)
        print_privacy(crawl, console)
        private = crawl.ok
    if strict and report.errors:
        count = len(report.errors)
        raise CheckFailed(f"{count} error{'s' if count != 1 else ''}, and --strict was given.")
    if not private:
        raise CheckFailed("the privacy crawl found pages that could leak something about a "
                          "reader — fix each one listed above")


def _write_staff_page(report: CheckReport, site: Path, given: ParameterSource | None,
                      console: Console, build_hint: str) -> bool:
    if not (site / MARKER).is_file():
        if given is ParameterSource.COMMANDLINE:
            raise HavenError(
                f"{site} is not a site Haven built, so the staff report page was not put in it "
                f"— run {build_hint} first, or write the page elsewhere with --html FILE")
        return False
    css = asset_path("haven.css")
    stylesheet = f"../{css}" if (site / css).is_file() else None
    target = site / STAFF_PAGE
    _write(target, render_staff_page(report, stylesheet))
    console.print(f"Staff report page (not linked from the site, not indexed): {target}",
                  markup=False)
    return True


def _write(path: Path, text: str) -> None:
    """Write atomically, so a reader never sees half a report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        raise HavenError(f"cannot write {path} ({exc.strerror}) — choose another place") from None


def print_report(report: CheckReport, console: Console) -> None:
    """A table on a terminal; one `file:line: …` line per finding otherwise (logs, pipes)."""
    if not report.findings:
        console.print("Nothing needs attention.")
    elif console.is_terminal:
        table = Table(title="What needs attention, most urgent first", title_justify="left")
        table.add_column("kind", no_wrap=True)
        table.add_column("where", overflow="fold")
        table.add_column("what, and the fix", ratio=1)
        for finding in report.findings:
            style = _STYLES[finding.severity]
            table.add_row(f"[{style}]{escape(finding.heading)}[/]", escape(finding.where),
                          escape(f"{finding.subject}: {finding.message}\nFix: {finding.fix}"))
        console.print(table)
    else:
        for finding in report.findings:
            console.print(escape(f"{finding.where}: {finding.heading.lower()} "
                                 f"({finding.severity}): {finding.subject}: {finding.message}"
                                 f" — {finding.fix}"))
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    summary = report.summary()
    links = summary["links"]
    if links is None:
        link_text = "links not checked (--offline)"
    else:
        cached = sum(1 for result, _ in report.links if result.cached)
        link_text = (f"{sum(links.values())} links: {links['ok']} ok, {links['moved']} moved, "
                     f"{links['broken']} broken, {links['unreachable']} unreachable"
                     f" ({cached} from the cache)")
    console.print(
        f"{link_text}; {summary['phones']['checked']} phone numbers, "
        f"{summary['phones']['invalid']} invalid; {summary['records']['checked']} records, "
        f"{summary['records']['due']} due for review (as of {report.today.isoformat()}). "
        f"{summary['errors']} error(s), {summary['warnings']} warning(s), "
        f"{summary['notices']} notice(s).")
