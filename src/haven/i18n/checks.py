"""`haven translate check`: what a translation must keep, checked on every entry.

translate-toolkit's checks (the ones `pofilter` runs) where it has one: placeholders
(`variables`, with `{…}` as Haven's placeholders), numbers and phone numbers (`numbers`,
digits of any script read as digits), e-mail addresses (`emails`), web addresses (`urls`), and
text left as it was (`unchanged`). Haven's own where it has none: Markdown links and block
structure, glossary terms, length limits (layout limits and the SMS budget), and runs of
source-language words left in a translation.

Every current translation is checked: reviewed, translated and machine drafts alike.
Outdated (fuzzy) and missing entries are not: they are not shown as translations.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from haven.content.validate import Content
from haven.errors import Problem, relative
from haven.i18n.catalog import Entry, State, context_lines
from haven.i18n.glossary import Glossary, load_glossary
from haven.i18n.segments import Segment
from haven.locate import hint
from haven.output import replace_file
from haven.sms import DEFAULT_BUDGET, budget_warnings, fill_message, language_link

if TYPE_CHECKING:  # translate-toolkit is imported when an entry is checked, not remembered
    from translate.filters.checks import StandardChecker

CHECKED = (State.REVIEWED, State.TRANSLATED, State.MACHINE)
SHORT_FIELDS = ("title", "name", "phone_label")
SMS_SEGMENT = "hub:outreach.sms"

KINDS = ("placeholder", "number", "email", "url", "markdown", "glossary", "length",
         "untranslated")
"""Every kind of finding, in the order a summary lists them."""


@lru_cache(maxsize=8192)
def length_limit(segment: Segment) -> int | None:
    """The most characters a translation should take, where the layout needs a limit.

    Interface strings (buttons, navigation, labels): twice the English, at least 20.
    Titles and names (headings, menu entries, the hub's name): twice the source, at least 40.
    Everything else flows as paragraphs: no limit.
    """
    if segment.kind == "ui":
        return max(20, 2 * len(segment.source))
    field_name = re.split(r"[:.]", segment.id)[-1]
    if segment.kind == "text" and field_name in SHORT_FIELDS:
        return max(40, 2 * len(segment.source))
    return None


@dataclass(frozen=True, order=True)
class Finding:
    """One thing wrong with one translation."""

    file: str
    line: int
    ident: str
    kind: str
    what: str
    fix: str
    language: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.ident} — {self.what} — {self.fix}"

    @property
    def reason(self) -> str:
        """What is wrong and how to fix it, without where (for an import's refusals)."""
        return f"{self.what} — {self.fix}"


@cache
def _checker() -> StandardChecker:
    from translate.filters import checks as tt

    return tt.StandardChecker(checkerconfig=tt.CheckerConfig(varmatches=[("{", "}")]))


def _digits_as_ascii(text: str) -> str:
    """٨٦٠ and ८६० read as 860: a translation may write numbers in its own script."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii()
                   and unicodedata.digit(c, None) is not None else c for c in text)


def _failure(check: str, source: str, target: str) -> str | None:
    """translate-toolkit's message when its `check` fails, None when it passes."""
    from translate.filters.checks import FilterFailure

    try:
        getattr(_checker(), check)(source, target)
    except FilterFailure as failure:
        return "; ".join(str(m) for m in failure.messages)
    return None


_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}")
_URL_HINT = re.compile(r"https?://|www\.|\w\.(org|com|gov|edu|net|us)\b", re.IGNORECASE)
_LINK = re.compile(r"\]\(\s*([^)\s]+)[^)]*\)")
_BLOCK = re.compile(r"^\s{0,3}(#{1,6}(?=\s)|[-*+](?=\s)|\d{1,9}[.)](?=\s)|>)", re.MULTILINE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_ASCII_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_NOT_WORDS = re.compile(r"\]\([^)]*\)|https?://\S+|\S+@\S+|\{[^{}]*\}")
RUN = 5
"""Words in a row, as in the source, that count as text left untranslated."""


def check_entry(segment: Segment, text: str, glossary: Glossary,
                limit: int | None = None) -> list[tuple[str, str, str]]:
    """(kind, what is wrong, how to fix it) for every problem of one translation."""
    source = segment.source
    found: list[tuple[str, str, str]] = []
    if "{" in source or "{" in text:
        ours, theirs = Counter(_PLACEHOLDER.findall(source)), Counter(_PLACEHOLDER.findall(text))
        if ours != theirs or _failure("variables", source, text) is not None:
            missing = sorted((ours - theirs).elements())
            extra = sorted((theirs - ours).elements())
            if missing and extra:
                what = f"the placeholder {', '.join(missing)} is written as {', '.join(extra)}"
            elif missing:
                what = f"the placeholder {', '.join(missing)} is missing"
            else:
                what = f"{', '.join(extra) or 'a placeholder'} is not in the source"
            found.append(("placeholder", what,
                          "copy every word in braces exactly as the source has it: "
                          + (", ".join(sorted(set(ours))) or "none")))
    numeric = _digits_as_ascii(text)
    if (_ASCII_DIGIT.search(source) or _ASCII_DIGIT.search(numeric)) and (
            _digit_runs(source) != _digit_runs(numeric)):  # the same digits pass at once
        plain_source = _LINK.sub("]()", source)
        plain_text = _LINK.sub("]()", numeric)
        if _failure("numbers", plain_source, plain_text) is not None:
            found.append(("number", ("a number or phone number differs from the source's "
                          f"({', '.join(_numbers(plain_source)) or 'none'} in the source, "
                          f"{', '.join(_numbers(plain_text)) or 'none'} here)"),
                          "write every number and phone number as the source has it"))
    if ("@" in source or "@" in text) and _failure("emails", source, text) is not None:
        found.append(("email", "an e-mail address differs from the source's",
                      "copy every e-mail address exactly as the source has it"))
    # Markdown link targets are compared whole below: translate-toolkit's pattern would
    # take the punctuation after "(…)" as part of the address.
    if (_source_may_hold_address(source) or _may_hold_address(text)) and _failure(
            "urls", *_without_links(source, text)) is not None:
        found.append(("url", "a web address differs from the source's",
                      "copy every web address exactly as the source has it"))
    if segment.kind == "markdown" or "](" in source or "](" in text:
        found += _markdown(source, text)
    for term in glossary.found_in(source):
        if not any(form.casefold() in text.casefold() for form in term.forms if form):
            found.append(("glossary", (f"'{term.source}' is not translated as the glossary says "
                          f"('{term.target}')"),
                          f"use '{term.target}'" + (f" ({term.description})"
                                                    if term.description else "")
                          + ", or change the glossary"))
    if limit is not None and len(text) > limit:
        found.append(("length", f"{len(text)} characters, over the limit of {limit}",
                      f"shorten it to {limit} characters or fewer"))
    found += _left_untranslated(source, text, glossary)
    return found


_ADDRESS_MARK = re.compile(r"://|www\.|\.(?:org|com|gov|edu|net|us)")
"""What `_URL_HINT` needs in a lower-cased text: a cheap test before the pattern."""


def _may_hold_address(text: str) -> bool:
    return bool(_ADDRESS_MARK.search(text.lower())) and bool(_URL_HINT.search(text))


_source_may_hold_address = lru_cache(maxsize=8192)(_may_hold_address)
"""The same for a source text, which every language's entry repeats."""


def _digit_runs(text: str) -> list[str]:
    return sorted(_DIGITS.findall(_LINK.sub("]()", text)))


def _without_links(source: str, text: str) -> tuple[str, str]:
    """Both texts without the source's Markdown link targets (the link check has them)."""
    targets = _LINK.findall(source)
    source, text = _LINK.sub("]()", source), _LINK.sub("]()", text)
    for target in targets:
        text = text.replace(target, "")
    return source, text


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d\s().-]*\d|\d", text)


def _markdown(source: str, text: str) -> list[tuple[str, str, str]]:
    found = []
    ours, theirs = _LINK.findall(source), _LINK.findall(text)
    if Counter(ours) != Counter(theirs):
        lost = sorted(set(ours) - set(theirs))
        what = (f"the link to {', '.join(lost)} is lost or changed" if lost else
                f"the links differ from the source's ({len(ours)} in the source, "
                f"{len(theirs)} here)")
        found.append(("markdown", what, ("keep every [text](link): translate the text in "
                      "brackets, copy the link in parentheses as it is")))
    blocks, theirs_blocks = _structure(source), _structure(text)
    if blocks != theirs_blocks:
        found.append(("markdown", (f"the Markdown structure differs from the source's "
                      f"({' '.join(blocks) or 'plain text'} in the source, "
                      f"{' '.join(theirs_blocks) or 'plain text'} here)"),
                      "keep the marks at the start of lines (#, -, 1., >) as the source has them"))
    return found


def _structure(text: str) -> list[str]:
    return [re.sub(r"\d+", "1", mark) for mark in _BLOCK.findall(text)]


_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
"""Web and e-mail addresses: kept as they are, so never words left untranslated."""


def _left_untranslated(source: str, text: str, glossary: Glossary) -> list[tuple[str, str, str]]:
    kept = glossary.kept
    if text.strip() == source.strip():
        if _failure("unchanged", source, text) is None or _kept_as_is(source, kept):
            return []
        return [("untranslated", "the translation is the source text itself",
                 ("translate it; if it must stay as it is (a name), add it to the glossary with "
                 "the same source and target, or leave the translation empty"))]
    vocabulary, runs = _source_runs(source, kept)
    if not runs:
        return []
    lowered = _WORD.findall(text.lower())
    if len(vocabulary.intersection(lowered)) < 3:
        return []  # the common case, decided without looking for runs (a run of RUN words
        # in the source's order with fewer than 3 different words is "the the the …")
    stripped = _strip_kept(text, kept)
    if "@" in stripped or "www." in stripped or "://" in stripped:
        stripped = _ADDRESS.sub(" ", stripped)
    if stripped is text and text.isascii():
        words = lowered  # nothing was taken out, and ASCII letters lower-case alike either way
    else:
        words = [w.lower() for w in _WORD.findall(stripped)]
    left = next((run for run in _each_run(words) if run in runs), None)
    if left is None:
        return []
    return [("untranslated", f"words are left in the source language (\"{' '.join(left)}\" …)",
             "translate them; names to keep as they are belong in the glossary")]


@lru_cache(maxsize=8192)
def _source_runs(source: str, kept: tuple[str, ...]
                 ) -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """The source's words and its runs of RUN words (the same for every language)."""
    words = [w.lower() for w in _WORD.findall(_strip_kept(source, kept))]
    return frozenset(words), frozenset(_runs(words))


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return set(_each_run(words))


def _each_run(words: list[str]) -> Iterator[tuple[str, ...]]:
    return (tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1))


def _kept_as_is(source: str, kept: tuple[str, ...]) -> bool:
    return not _WORD.search(_strip_kept(source, kept))


def _strip_kept(text: str, kept: tuple[str, ...]) -> str:
    """The text without what stays in the source language: links, placeholders, names."""
    if "](" in text or "://" in text or "@" in text or "{" in text:  # what _NOT_WORDS needs
        text = _NOT_WORDS.sub(" ", text)
    for term in kept:
        if term in text:
            text = text.replace(term, " ")
    return text


# -- a language, a hub -------------------------------------------------------------------


def _sms_limit(content: Content, lang: str, text: str) -> str | None:
    """Why the hub's text message is over its SMS budget in this translation, if it is."""
    hub = content.hub
    url = language_link(hub.base_url, lang)
    filled = " ".join(fill_message(text, hub.phone, url, None, " ").split())
    warnings = budget_warnings(filled, hub.outreach.sms_segment_budget if hub.outreach
                               else DEFAULT_BUDGET)
    return warnings[0] if warnings else None


def check_language(content: Content, lang: str, catalog: Mapping[str, Entry],
                   segments: Iterable[Segment], path: Path | None = None,
                   glossary: Glossary | None = None, used: set[str] | None = None
                   ) -> list[Finding]:
    """Every finding of one language's current translations, located by file and line
    (`used` collects the digests of the entry checks it needed: `remember`)."""
    glossary = glossary if glossary is not None else load_glossary(content.root, lang)
    raw: list[tuple[str, str, str, str]] = []
    terms = hashlib.blake2b(repr(glossary.terms).encode(), digest_size=12).hexdigest()
    for segment in segments:
        entry = catalog.get(segment.id)
        if entry is None or entry.state not in CHECKED or entry.source != segment.source:
            continue
        for kind, what, fix in _checked(segment, entry.text, glossary, terms, used):
            raw.append((segment.id, kind, what, fix))
        if segment.id == SMS_SEGMENT:
            over = _sms_limit(content, lang, entry.text)
            if over:
                raw.append((segment.id, "length", over.split(": shorten")[0],
                            "shorten" + over.split(": shorten", 1)[-1] if ": shorten" in over
                            else "shorten it"))
    if not raw:
        return []
    name = relative(path, content.root) if path else f"translations/{lang}.po"
    lines = _context_lines(path) if path else {}
    return [Finding(name, lines.get(ident, 0), ident, kind, what, fix, lang)
            for ident, kind, what, fix in raw]


def _checked(segment: Segment, text: str, glossary: Glossary, terms: str,
             used: set[str] | None = None) -> Sequence[Sequence[str]]:
    """`check_entry`, remembered for the same source, translation and glossary `terms`
    by their digest (the preview checks every catalog again after each edit; a build keeps
    what each language needed beside the site for the next one: `remembered`, `remember`)."""
    fast = (segment.id, segment.kind, segment.source, text, terms)
    seen = _SEEN.get(fast)
    if seen is None:
        joined = "\0".join(fast)
        digest = hashlib.blake2b(joined.encode("utf-8", "surrogatepass"),
                                 digest_size=12).hexdigest()
        kept = _CHECKS.get(digest)
        if kept is None:
            kept = _CHECKS[digest] = check_entry(segment, text, glossary, length_limit(segment))
            if len(_CHECKS) > 200_000:
                _CHECKS.clear()
                _SEEN.clear()
        seen = _SEEN[fast] = (digest, kept)
    key, found = seen
    if used is not None:
        used.add(key)
    return found


_CHECKS: dict[str, Sequence[Sequence[str]]] = {}
"""Each entry check's findings, (kind, what, fix), by the digest of the entry and glossary."""
_SEEN: dict[tuple[str, ...], tuple[str, Sequence[Sequence[str]]]] = {}
"""The same with its digest, by the entry itself: no digest to compute in a process that
checked it already."""
_KEPT: dict[str, set[str]] = {}
"""The digests each language's file beside the site holds, by the file's path (read once per
process)."""


def remembered(folder: Path, lang: str) -> None:
    """Take in the entry checks an earlier build kept for `lang` in `folder` (once per process;
    a file that cannot be read is ignored). Each language has its own file, read by the
    worker that checks it: one file for a 20-language hub was 4 MB, and 55 ms of the main
    process's start."""
    path = folder / f"{lang}.json"
    if str(path) in _KEPT:
        return
    _KEPT[str(path)] = set()
    try:
        data = orjson.loads(path.read_bytes())
        if not isinstance(data, dict) or not all(
                isinstance(found, list) and all(
                    isinstance(f, list) and len(f) == 3 and all(isinstance(x, str) for x in f)
                    for f in found) for found in data.values()):
            return
    except (OSError, ValueError):
        return
    for key, found in data.items():
        _CHECKS.setdefault(key, found)
    _KEPT[str(path)] = set(data)


def remember(folder: Path, lang: str, used: set[str]) -> None:
    """Keep in `folder` the entry checks `lang`'s catalog needed (`used`), unless its file
    holds them all already."""
    path = folder / f"{lang}.json"
    if used <= _KEPT.get(str(path), set()):
        return
    kept = {key: _CHECKS[key] for key in sorted(used) if key in _CHECKS}
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace_file(path, orjson.dumps(kept))
    except OSError:
        return
    _KEPT[str(path)] = set(kept)


def _context_lines(path: Path) -> dict[str, int]:
    """The line of every entry's msgctxt in a PO file (read again only when it changed, and
    not at all when the catalog reader found them: a build's worker reads each catalog once)."""
    known = context_lines(path)
    if known is not None:
        return known
    try:
        stat = os.stat(path)
    except OSError:
        return {}
    key = (str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    found = _LINES.get(key)
    if found is None:
        found = _read_context_lines(path)
        if len(_LINES) > 256:
            _LINES.clear()
        _LINES[key] = found
    return found


_LINES: dict[tuple[str, int, int, int], dict[str, int]] = {}


def _read_context_lines(path: Path) -> dict[str, int]:
    result: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return result
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith('msgctxt "') and line.endswith('"'):
            result.setdefault(line[9:-1].replace('\\"', '"'), number)
    return result


def check_hub(content: Content, languages: Iterable[str] | None = None,
              catalogs: Mapping[str, Mapping[str, Entry]] | None = None
              ) -> tuple[list[Finding], list[Problem]]:
    """Findings of every translated language (or of `languages`), and glossary problems."""
    from haven.i18n.status import load_catalog
    from haven.i18n.translate import content_segments

    segments = content_segments(content)
    tags = [e.tag for e in content.hub.languages if e.tag != content.hub.source_language]
    findings: list[Finding] = []
    problems: list[Problem] = []
    for tag in languages if languages is not None else tags:
        catalog = catalogs[tag] if catalogs is not None and tag in catalogs else None
        found, trouble = check_one(content, tag, segments, catalog, load_catalog)
        findings += found
        problems += trouble
    return findings, problems


def check_one(content: Content, tag: str, segments: Iterable[Segment],
              catalog: Mapping[str, Entry] | None,
              read: Callable[[Content, str], Mapping[str, Entry]] | None = None,
              used: set[str] | None = None) -> tuple[list[Finding], list[Problem]]:
    """One language's findings and glossary problems (`check_hub`'s part for one language,
    which a build runs in that language's worker). A language without a catalog file has
    no findings; `catalog` is its entries when the caller has read them already."""
    from haven.i18n.status import catalog_path

    glossary = load_glossary(content.root, tag)
    path = catalog_path(content, tag)
    if not path.exists():
        return [], list(glossary.problems)
    if catalog is None:
        assert read is not None
        catalog = read(content, tag)
    return (check_language(content, tag, catalog, segments, path, glossary, used),
            list(glossary.problems))


def summary(findings: Iterable[Finding], root: Path | None = None) -> list[Problem]:
    """One warning per language: how many findings of each kind, and where to see them."""
    return [problem for _, problem in sorted(summary_parts(findings, root), key=_by_place)]


def summary_parts(findings: Iterable[Finding], root: Path | None = None
                  ) -> list[tuple[tuple[str, str], Problem]]:
    """`summary`'s warnings, each with its (file, language): the build sums each language's
    findings apart, and keeps a language's while its findings are the very same list."""
    by_language: dict[tuple[str, str], Counter[str]] = {}
    for (file, lang, kind), count in Counter(
            (finding.file, finding.language, finding.kind) for finding in findings).items():
        by_language.setdefault((file, lang), Counter())[kind] += count
    problems = []
    for (file, lang), counts in sorted(by_language.items()):
        total = sum(counts.values())
        kinds = ", ".join(f"{kind} {counts[kind]}" for kind in KINDS if counts[kind])
        problems.append(((file, lang), Problem(
            file, 0, f"{total} translation(s) fail a check ({kinds})",
            f"see each with {hint('translate', 'check', *([root] if root else []), '--language', lang)}"
            ", or build with --strict")))
    return problems


def _by_place(part: tuple[tuple[str, str], Problem]) -> tuple[str, str]:
    return part[0]


def as_problems(findings: Iterable[Finding]) -> list[Problem]:
    """Each finding as a build warning: file:line: entry — what is wrong — how to fix it."""
    return [Problem(f.file, f.line, f"{f.ident} — {f.what}", f.fix) for f in findings]
