"""`haven translate update | status | export | import | check | draft`: the translation
workflow's commands."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from haven.cli.options import console, content_argument, load_valid
from haven.content.validate import Content
from haven.errors import HavenError
from haven.i18n.catalog import State
from haven.i18n.status import StatusMatrix
from haven.locate import hint, locate, refuse_package_writes


class BelowThreshold(HavenError):
    """--strict was given and a page of a served language is under the hub's threshold."""


def _content(content_dir: Path | None, command: str, writes: str | None = None) -> Content:
    """The hub's content; a command that `writes` into the hub refuses the installed package."""
    root = locate(content_dir, f"translate {command}").root
    if writes:
        refuse_package_writes(root, writes)
    return load_valid(root)


@click.group("translate")
def translate_group() -> None:
    """Work with the translation catalogs (one gettext PO file per language)."""


@translate_group.command("update")
@content_argument
@click.option("--language", "-l", "languages", multiple=True, metavar="TAG",
              help="Only this language (repeat for several). Default: every served language.")
def update_command(content_dir: Path | None, languages: tuple[str, ...]) -> None:
    """Bring every language's catalog in step with the content.

    New text is added; changed text is marked fuzzy with the previous source kept
    for the translator; removed text is kept as obsolete. No translation is lost.
    """
    from haven.i18n.catalog import update_catalog
    from haven.i18n.translate import content_segments

    content = _content(content_dir, "update", "the translation catalogs")
    segments = content_segments(content)
    out = console()
    for entry in content.hub.languages:
        if entry.tag == content.hub.source_language or (languages and entry.tag not in languages):
            continue
        path = content.root / "translations" / f"{entry.tag}.po"
        counts = update_catalog(path, entry.tag, segments)
        out.print(f"{path}: {counts['new']} new, {counts['changed']} changed, "
                  f"{counts['kept']} unchanged, {counts['obsolete']} obsolete", markup=False)


WIDTH = 80
"""`translate status` fits a terminal of 80 columns."""


def fit(text: str, width: int) -> str:
    """`text` in at most `width` characters, shortened in the middle (the end of an address
    tells pages apart as much as its start)."""
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


def status_lines(matrix: StatusMatrix, pages: bool = True) -> list[str]:
    """The status as plain lines of at most 80 characters."""
    from haven.i18n.status import page_label

    lines = [
        fit(f"Translations of {matrix.hub_name}", WIDTH),
        f"Source language: {matrix.source_language}. Shown translated: the hub's own text",
        "(content) and Haven's words (interface); then how many of the hub's own texts",
        "are reviewed, translated (not reviewed), machine drafts, outdated and missing.",
        "",
        (f"{'language':<18} {'publish':<9} {'content':>7} {'interface':>9} {'revwd':>5}"
         f" {'trans':>5} {'machn':>5} {'outdt':>5} {'missg':>5}"),
    ]
    for lang in matrix.languages:
        c = lang.content
        name = f"{lang.tag} {lang.english_name}"
        name = name if len(name) <= 18 else name[:17] + "…"
        lines.append(f"{name:<18} {lang.policy:<9} {c.percent(lang.published):>6}% "
                     f"{lang.interface.percent(lang.published):>8}% {c.reviewed:>5} "
                     f"{c.translated:>5} {c.machine:>5} {c.outdated:>5} {c.missing:>5}")
    if pages and matrix.languages:
        threshold = matrix.threshold
        under_heading = f"under {threshold}%" if threshold else ""
        lines += [
            "",
            "The hub's own text shown translated, per page, over every language",
            "(the whole languages × pages table: --html FILE, or --json):",
            f"{'page':<40} {'lowest':>16} {'median':>7} {under_heading:>10}",
        ]
        for page in matrix.pages:
            shares = sorted((lang.page_content[page.key].percent(lang.published), lang.tag)
                            for lang in matrix.languages)
            lowest, where = shares[0]
            median = shares[len(shares) // 2][0]
            under = sum(1 for lang in matrix.languages
                        if threshold and lang.pages[page.key].below(lang.published, threshold))
            lowest_text = fit(f"{lowest}% {where}", 16)
            lines.append(f"{fit(page_label(page), 40):<40} {lowest_text:>16} {median:>6}% "
                         f"{under if threshold else '':>10}")
        if threshold:
            lines += [(f"{under_heading}: how many languages show the whole page (interface "
                      "included)"), "under the hub's translation_threshold."]
    return [line.rstrip() for line in lines]


@translate_group.command("status")
@content_argument
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when a page of a served language is under the hub's "
                   "translation_threshold.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON on stdout.")
@click.option("--pages/--no-pages", default=True, show_default=True,
              help="Also show the languages × pages table.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the staff report's languages × pages page to this file.")
def status_command(content_dir: Path | None, strict: bool, as_json: bool, pages: bool,
                   html_file: Path | None) -> None:
    """How far each language is translated, for the hub and for every page.

    Counts, per language: reviewed, translated (not yet reviewed), machine drafts,
    outdated (the source changed) and missing. "Shown" is the share readers see in
    their language under the language's publish policy.
    """
    from haven.i18n.exchange import atomic_write
    from haven.i18n.status import render_status_html
    from haven.staff import status_matrix

    content = _content(content_dir, "status")
    matrix = status_matrix(content)
    out = console()
    if html_file is not None:
        atomic_write(html_file, render_status_html(matrix).encode())
    if as_json:
        click.echo(json.dumps(matrix.as_json(), ensure_ascii=False, indent=1))
    else:
        for line in status_lines(matrix, pages):
            out.print(line, markup=False, highlight=False)
        if html_file is not None:
            out.print(f"Wrote the languages × pages page to {html_file}.", markup=False)
    below = matrix.below_threshold()
    if strict and below:
        lines = "\n".join(f"{tag} {key}: {percent}% shown translated"
                          for tag, key, percent in below)
        raise BelowThreshold(
            f"{len(below)} page(s) are under the hub's translation_threshold of "
            f"{matrix.threshold}%:\n{lines}\n— translate them "
            f"({hint('translate', 'export', 'LANG', content.root)}), "
            "or lower translation_threshold in hub.yaml"
        )
    if below and not as_json:
        out.print(f"[yellow]{len(below)} page(s) under the threshold of "
                  f"{matrix.threshold}%.[/]")


@translate_group.command("export")
@click.argument("language")
@content_argument
@click.option("--format", "fmt", type=click.Choice(["po", "xliff"]), default="po",
              show_default=True, help="PO for gettext tools, XLIFF 2.0 for CAT tools.")
@click.option("--all", "everything", is_flag=True,
              help="Every segment, not only the missing and outdated ones.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: LANGUAGE-todo.po or .xlf in this folder).")
def export_command(language: str, content_dir: Path | None, fmt: str, everything: bool,
                   output: Path | None) -> None:
    """Write what a translator of LANGUAGE needs: by default only what is missing or
    outdated, with where each text shows and a length limit where one applies."""
    from haven.i18n.exchange import write_export
    from haven.staff import export_items

    content = _content(content_dir, "export")
    items = export_items(content, language, everything)
    target = output or Path(f"{language}-{'all' if everything else 'todo'}."
                            f"{'po' if fmt == 'po' else 'xlf'}")
    count = write_export(items, content, language, "po" if fmt == "po" else "xliff", target)
    outdated = sum(1 for i in items if i.state is State.OUTDATED)
    back = hint("translate", "import", target, content.root)
    console().print(f"Wrote {count} segment(s) for {language} to {target} "
                    f"({outdated} outdated, {count - outdated} other). Send it to the "
                    f"translator; bring it back with {back}.", markup=False)


class ImportRefused(HavenError):
    """`haven translate import` refused some entries of the file."""


@translate_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@content_argument
@click.option("--force", is_flag=True,
              help="Let the file replace reviewed translations with unreviewed ones, and "
                   "people's translations with machine drafts.")
@click.option("--language", "-l", metavar="TAG",
              help="The language the file must be in (checked against its header).")
def import_command(file: Path, content_dir: Path | None, force: bool,
                   language: str | None) -> None:
    """Merge a translated PO or XLIFF file (2.0 or 1.2) into the hub's catalog.

    Refuses a file for another language, a broken file (with its line), and entries that
    fail 'haven translate check'; keeps entries made from text that has changed since as
    fuzzy; never lets an old export undo newer work in the hub (a conflict), nor replaces a
    reviewed translation with an unreviewed one unless --force. Exits with status 1 when
    it refused entries.
    """
    from haven.i18n.exchange import import_file

    content = _content(content_dir, "import", "the translation catalog")
    report = import_file(content, file, force=force, language=language)
    out = console()
    table = Table(title=escape(f"{file.name} → {report.catalog}"), title_justify="left")
    table.add_column("result")
    table.add_column("entries", justify="right")
    table.add_column("which")

    def show(ids: list[str]) -> str:
        return escape(", ".join(ids[:5]) + (f" … and {len(ids) - 5} more" if len(ids) > 5 else ""))

    table.add_row("new", str(len(report.new)), show(report.new))
    table.add_row("updated", str(len(report.updated)), show(report.updated))
    table.add_row("unchanged", str(len(report.unchanged)), show(report.unchanged))
    table.add_row("not finished (left as they were)", str(len(report.unfinished)),
                  show(report.unfinished))
    table.add_row("kept as fuzzy (made from an older source)", str(len(report.fuzzy)),
                  show(report.fuzzy))
    table.add_row("conflicts (the hub's kept)", str(len(report.conflicts)), "")
    table.add_row("refused", str(len(report.refused)), "")
    out.print(table)
    for ident, why in report.conflicts:
        out.print(f"[yellow]conflict:[/] {escape(ident)}: {escape(why)}", highlight=False)
    for ident, why in report.refused:
        out.print(f"[yellow]refused:[/] {escape(ident)}: {escape(why)}", highlight=False)
    if report.refused:
        raise ImportRefused(
            f"{len(report.refused)} entr{'y was' if len(report.refused) == 1 else 'ies were'} "
            "refused (listed above); the rest was imported — fix each as it says, and import "
            "the file again")


class ChecksFailed(HavenError):
    """`haven translate check` found translations that fail a check."""


@translate_group.command("check")
@content_argument
@click.option("--language", "-l", "languages", metavar="TAG", multiple=True,
              help="Check only this language (repeat for more); default: every language.")
def check_command(content_dir: Path | None, languages: tuple[str, ...]) -> None:
    """Check every current translation (reviewed, translated and machine drafts): placeholders
    kept exactly, numbers, phone numbers, e-mail and web addresses unchanged, Markdown links
    and structure kept, glossary terms used, length limits kept, no text left untranslated.

    Prints each problem as file:line: entry — what is wrong — how to fix it, and exits with
    status 1 when there is any.
    """
    from haven.i18n.checks import check_hub
    from haven.i18n.exchange import check_language as known_language

    content = _content(content_dir, "check")
    for tag in languages:
        known_language(content, tag)
    findings, problems = check_hub(content, list(languages) or None)
    out = console()
    for problem in problems:
        out.print(f"[yellow]glossary:[/] {escape(str(problem))}")
    for finding in sorted(findings):
        out.print(str(finding), markup=False, highlight=False)
    entries = len({(f.file, f.ident) for f in findings})
    if findings or problems:
        raise ChecksFailed(
            f"{len(findings)} problem(s) in {entries} translation(s)"
            + (f", {len(problems)} in glossaries" if problems else "")
            + f" — fix each as it says, then run {hint('translate', 'check', content.root)}"
            " again")
    out.print("Every translation passes the checks.")


@translate_group.command("draft")
@click.argument("language")
@content_argument
@click.option("--provider", type=click.Choice(["libretranslate"]), default="libretranslate",
              show_default=True, help="The machine translation service.")
@click.option("--url", required=True, help="The service's address, like http://127.0.0.1:5000.")
@click.option("--api-key", envvar="HAVEN_MT_API_KEY",
              help="The service's API key, if it needs one (or set HAVEN_MT_API_KEY).")
def draft_command(language: str, content_dir: Path | None, provider: str, url: str,
                  api_key: str | None) -> None:
    """Fill LANGUAGE's missing text with machine drafts, marked `machine`.

    Only text with no translation at all is drafted; translated, reviewed and outdated
    entries are never touched. Pages label every shown draft as an automatic
    translation; have a person review it and replace `machine` with `reviewed`.
    """
    from haven.i18n.draft import PROVIDERS, draft

    content = _content(content_dir, "draft", "machine drafts")
    service = PROVIDERS[provider](url, api_key=api_key)
    try:
        report = draft(content, language, service)
    finally:
        close = getattr(service, "close", None)
        if callable(close):
            close()
    out = console()
    out.print(f"{language}: {len(report.drafted)} machine draft(s) from {report.provider}; "
              f"{report.kept} segment(s) already translated were not touched.", markup=False)
    for ident in report.lost_placeholder:
        out.print(f"[yellow]left untranslated:[/] {escape(ident)}: the machine translation lost a "
                  "placeholder or link")


