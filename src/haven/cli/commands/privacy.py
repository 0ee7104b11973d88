"""`haven privacy [SITE_DIR]`: the privacy crawl as a command."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from haven.cli.options import console as make_console
from haven.errors import HavenError
from haven.locate import SITE, Hub, find_hub, hint, output_words
from haven.privacy.crawl import PrivacyReport, crawl_privacy


def _build_hint(site_dir: Path) -> str:
    """`haven build` for the hub this site is beside (or the one found upwards)."""
    found = site_dir.parent if (site_dir.parent / "hub.yaml").is_file() else find_hub()
    if found is None:
        return hint("build", "FOLDER", *output_words(site_dir, Path(SITE)))
    return hint("build", found, *output_words(site_dir, Hub(found).output()))


@click.command("privacy")
@click.argument("site_dir", required=False,
                type=click.Path(file_okay=False, path_type=Path))
def privacy_command(site_dir: Path | None) -> None:
    """Open every page of the built site in SITE_DIR (default: site/ beside the nearest
    hub.yaml upwards, else ./site) in Chromium and check that nothing about a reader can
    leak: no request to another site, no cookie or stored data (beyond the offline copy of
    the languages opened, kept by the hub's own worker), no form. Exits with status 1 if
    anything is found.

    The site is served on 127.0.0.1 for the check only; nothing leaves this computer.
    """
    console = make_console()
    if site_dir is None:
        found = find_hub()
        site_dir = Hub(found).output() if found is not None else Path(SITE)
    if not (site_dir / "index.html").is_file():
        raise HavenError(f"{site_dir} holds no built site (no index.html) — build it first "
                         f"({_build_hint(site_dir)}), or name the folder the site was "
                         "built into")
    report = crawl_privacy(site_dir)
    print_report(report, console)
    if not report.ok:
        raise SystemExit(1)


def print_report(report: PrivacyReport, console: Console) -> None:
    if report.findings:
        table = Table(title=f"{len(report.findings)} privacy finding(s)", title_justify="left")
        table.add_column("page")
        table.add_column("kind")
        table.add_column("what was found")
        for finding in report.findings:
            table.add_row(escape(finding.page), escape(finding.kind), escape(finding.detail))
        console.print(table)
        console.print("[red]Not private:[/] fix each page above (remove the outside request, "
                      "script, form or stored data from the content or templates), rebuild, "
                      f"and run {escape(hint('privacy', report.site))} again.")
    console.print(f"Checked {len(report.pages)} pages and {report.requests} requests in "
                  f"{report.site}: {len(report.findings)} finding(s).", markup=False)
    if report.cached:
        console.print(f"Offline copies: {report.cached} file(s) the browser saved for the "
                      "languages opened, each checked.")
