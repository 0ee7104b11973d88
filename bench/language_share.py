"""How much of each page a reader sees in their own language.

    python bench/language_share.py                        # builds the Hartford example (no PDFs)
    python bench/language_share.py --content DIR          # builds another content folder
    python bench/language_share.py --site DIR             # measures a site already built
    python bench/language_share.py --page letter=superintendent-letter/ --page faq=faq/

For every served language (each folder of the site with an `index.html` whose `<html lang>`
is its tag) and each of the pages families need most (home, know your rights, the letter,
report and help), it counts the words inside `<main>` and how many of them are in the page's
own language: text inside an element whose nearest `lang` differs from the page's
`<html lang>` is foreign (Haven marks every fallback that way). Scripts, styles and
templates are not text.

How words are counted: whitespace separates words, and a word counts only if it has a
letter (phone numbers, dates in digits and punctuation are in no language). Han, Kana,
Thai, Lao, Khmer and Myanmar (Burmese, S'gaw Karen) scripts put no spaces between words, so
each of their letters counts as half a word (a Chinese word is about two characters);
Korean puts spaces between words and is counted by them. One token can hold both kinds.

It prints a table (language × page, with each language's weakest page), then, over the
languages other than the source (the language of the chooser page), the median of each
one's weakest page, the median of every page, and the languages whose weakest page is
under 90 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

PAGES = {"home": "", "rights": "know-your-rights/", "letter": "", "report": "report/", "help": "help/"}
"""The pages measured, by short name: their path inside a language's folder. The letter's
is found in the content (the first document of kind `letter`), else given with --page."""

DENSE = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # Han, extension A
    (0x4E00, 0x9FFF),  # Han
    (0xA9E0, 0xA9FF),  # Myanmar extended-B
    (0xAA60, 0xAA7F),  # Myanmar extended-A
    (0xF900, 0xFAFF),  # Han compatibility
    (0x20000, 0x3134F),  # Han, extensions B to G
)
"""Scripts written without spaces between words: each letter counts as half a word."""

SKIPPED = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def _dense(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in DENSE)


def count_words(text: str) -> float:
    """Words in `text`: whitespace-separated tokens with a letter, except that letters of
    scripts without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) count half a word each."""
    total = 0.0
    for token in text.split():
        dense = sum(1 for c in token if _dense(c))
        rest = any(c.isalpha() and not _dense(c) for c in token)
        total += dense / 2 + (1 if rest else 0)
    return total


@dataclass
class Share:
    own: float = 0.0
    foreign: float = 0.0

    @property
    def total(self) -> float:
        return self.own + self.foreign

    @property
    def percent(self) -> float:
        return 100.0 * self.own / self.total if self.total else 100.0


class _Reader(HTMLParser):
    """Counts the words inside <main>, own and foreign, by the nearest `lang`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.share = Share()
        self.stack: list[tuple[str, str | None]] = []
        """(tag, its lang attribute) of every open element."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        if tag == "html" and lang:
            self.page_lang = lang
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        tags = [t for t, _ in self.stack]
        if "main" not in tags or SKIPPED.intersection(tags):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang is not None), self.page_lang)
        words = count_words(data)
        if lang.lower() == self.page_lang.lower():
            self.share.own += words
        else:
            self.share.foreign += words


def page_share(html: str) -> Share:
    """The words inside `<main>` of a page, in its own language and in others."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.share


def served_languages(site: Path) -> list[str]:
    """The language folders of a built site, in the chooser's order."""
    chooser = (site / "index.html").read_text(encoding="utf-8")
    tags = [p.name for p in site.iterdir()
            if (p / "index.html").is_file() and not p.name.startswith(("_", "."))]

    def position(tag: str) -> int:
        found = chooser.find(f'href="{tag}/"')
        return found if found >= 0 else len(chooser)

    return sorted(tags, key=lambda tag: (position(tag), tag))


def letter_path(content: Path) -> str | None:
    """The path of the content's letter: its first document of kind `letter`."""
    from haven.content.load import load
    from haven.content.validate import validate

    docs = validate(load(content)).documents
    letter = next((d for d in docs if d.meta.kind == "letter"), None)
    return f"{letter.meta.id}/" if letter else None


def measure(site: Path, pages: dict[str, str]) -> dict[str, dict[str, Share]]:
    """{language: {page name: share}} for every served language and each page it has."""
    table: dict[str, dict[str, Share]] = {}
    for tag in served_languages(site):
        row = table.setdefault(tag, {})
        for name, path in pages.items():
            file = site / tag / path / "index.html"
            if file.is_file():
                row[name] = page_share(file.read_text(encoding="utf-8"))
    return table


def source_language(site: Path) -> str:
    """The source language: the language chooser (index.html) is written in it."""
    reader = _Reader()
    reader.feed((site / "index.html").read_text(encoding="utf-8"))
    return reader.page_lang


def report(table: dict[str, dict[str, Share]], pages: list[str], source: str = "") -> str:
    """The table, then the medians over the languages other than the source."""
    width = max([len(t) for t in table] + [8])
    lines = [f"{'language':<{width}} " + " ".join(f"{p:>7}" for p in pages) + f" {'minimum':>8}"]
    minimums: dict[str, float] = {}
    for tag, row in table.items():
        cells = [f"{row[p].percent:6.0f}%" if p in row else f"{'–':>7}" for p in pages]
        minimums[tag] = min((s.percent for s in row.values()), default=100.0)
        lines.append(f"{tag:<{width}} " + " ".join(cells) + f" {minimums[tag]:7.0f}%")
    minimums.pop(source, None)
    if minimums:
        median = statistics.median(minimums.values())
        under = [t for t, m in minimums.items() if m < 90]
        every = [s.percent for tag, row in table.items() if tag != source for s in row.values()]
        lines.append("")
        lines.append(f"Translated languages (all but the source, {source or '?'}): {len(minimums)}")
        lines.append(f"Median of each language's weakest page: {median:.0f} %")
        lines.append(f"Median of every page measured: {statistics.median(every):.0f} %")
        lines.append(f"Languages whose weakest page is under 90 %: {len(under)}"
                     + (f" ({', '.join(under)})" if under else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--content", type=Path, help="content folder to build (default: Hartford)")
    parser.add_argument("--site", type=Path, help="a site already built: measure it as it is")
    parser.add_argument("--page", action="append", default=[], metavar="NAME=PATH",
                        help="measure this page too, or instead (a path inside a language's folder)")
    args = parser.parse_args(argv)

    pages = dict(PAGES)
    content = args.content
    if args.site is None:
        from haven.build import build
        from haven.example import example_content

        content = content or example_content()
        site = Path(tempfile.mkdtemp(prefix="haven-share-")) / "site"
        print(f"Building {content} into {site} (no PDFs)…", file=sys.stderr)
        build(content, site, pdf=False)
    else:
        site = args.site
    letter = letter_path(content) if content is not None else None
    pages["letter"] = letter or "superintendent-letter/"
    for item in args.page:
        name, _, path = item.partition("=")
        pages[name] = path
    table = measure(site, pages)
    print(report(table, list(pages), source_language(site)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
