"""gettext PO catalogs: one per language, keyed by segment id (msgctxt).

States, from the PO file:
- reviewed: a person checked it (flag `reviewed`);
- translated: translated, not yet reviewed;
- machine: a machine draft (flag `machine`; the provider in an extracted comment);
- outdated: `#, fuzzy`, or its msgid no longer matches the source (not published as current);
- missing: no msgstr.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import babel
import orjson
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from haven.cache import cache_folder, keep_in_cache, made_by
from haven.errors import TranslationError
from haven.i18n.segments import Segment
from haven.placeholders import segment_problem, text_problem

FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
REVIEWED, MACHINE = "reviewed", "machine"


class State(StrEnum):
    REVIEWED = "reviewed"
    TRANSLATED = "translated"
    MACHINE = "machine"
    OUTDATED = "outdated"
    MISSING = "missing"


@dataclass(frozen=True)
class Entry:
    """One translation as the catalog holds it."""

    source: str
    text: str
    state: State
    line: int = field(default=0, compare=False)
    """The line of the entry in its file (its msgstr), for messages."""


def read_catalog(path: Path) -> dict[str, Entry]:
    """Entries by segment id; a catalog that cannot be read is a TranslationError.

    Builds read every catalog on every run, so the plain PO that Haven and translation tools
    write is read by a small line reader (about three times faster than Babel's); anything
    it does not expect (plural forms, a malformed line) goes to Babel, which also explains
    errors. tests/test_catalog.py checks that both readers agree.
    """
    if not path.is_file():  # a folder or a pipe with a catalog's name: never wait on it
        raise TranslationError(f"{path.parent.name}/{path.name}: this is not a file — replace it "
                               "with the translation file itself, or remove it")
    try:
        stat = os.stat(path)
        key: tuple[int, int, int] | None = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except OSError:
        key = None
    cached = _READ.get(str(path))
    if key is not None and cached is not None and cached[0] == key:
        return dict(cached[1])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TranslationError(f"{path.parent.name}/{path.name}: this file cannot be read "
                               f"({exc.strerror}) — check that it exists and that you may "
                               "read it") from None
    digest = hashlib.sha256(data).hexdigest() if len(data) >= KEPT_SIZE else None
    kept = _kept(path, digest) if digest else None
    if kept is not None:  # read before by a Haven process: its entries as it found them
        entries, lines = kept
    else:
        found: dict[str, int] = {}
        try:
            fast = _read_plain_po(data.decode("utf-8"), found)
        except UnicodeDecodeError:
            fast = None
        entries = fast if fast is not None else _read_with_babel(path)
        lines = found if fast is not None else None
        refuse_unsafe(path, entries)
        if digest:
            _keep(digest, entries, lines)
    if key is not None:
        _READ[str(path)] = (key, entries, lines)
    return dict(entries)


KEPT_SIZE = 64 * 1024
"""A catalog this large or larger is kept parsed in Haven's cache folder, by its content's
digest: each language's worker reads its catalog on every build, and a 20-language hub's
700 KB catalogs took 14 ms each to parse (a kept copy: about 6 ms). Smaller ones are parsed."""
KEPT_FILES = 64
"""Kept catalogs beyond this many, the least recently written are removed."""


def _kept_folder() -> Path:
    """Named by what reads catalogs: Haven's version, Babel's, and this module's own code (a
    reader fixed without a new version never takes back what the old one kept)."""
    return cache_folder() / f"catalogs-{_reader_digest()}"


@cache
def _reader_digest() -> str:
    return made_by(babel.__version__, Path(__file__))


def _kept(path: Path, digest: str) -> tuple[dict[str, Entry], dict[str, int] | None] | None:
    """The entries and msgctxt lines of the catalog with this digest, as kept by `_keep`;
    None when there is none, or it cannot be read whole, or it holds what Haven would not
    publish (Haven keeps none such: the cache folder is not Haven's alone)."""
    try:
        data = orjson.loads((_kept_folder() / f"{digest[:32]}.json").read_bytes())
        if data["digest"] != digest:
            return None
        entries = {ctx: Entry(source, text, State(state), line)
                   for ctx, source, text, state, line in data["entries"]}
        lines = data["lines"]
        if not (lines is None or isinstance(lines, dict)) or not all(
                isinstance(ctx, str) and isinstance(entry.source, str)
                and isinstance(entry.text, str) and isinstance(entry.line, int)
                for ctx, entry in entries.items()):
            return None
        refuse_unsafe(path, entries)
        return entries, lines
    except (OSError, ValueError, KeyError, TypeError, TranslationError):  # missing, damaged …
        return None


def _keep(digest: str, entries: dict[str, Entry], lines: dict[str, int] | None) -> None:
    folder = _kept_folder()
    data = {"digest": digest, "lines": lines,
            "entries": [(ctx, e.source, e.text, e.state.value, e.line) for ctx, e in entries.items()]}
    keep_in_cache(folder / f"{digest[:32]}.json", orjson.dumps(data))
    try:
        kept = sorted(folder.glob("*.json"), key=lambda item: item.stat().st_mtime_ns)
        for old in kept[:-KEPT_FILES]:
            old.unlink(missing_ok=True)
    except OSError:  # another process removed one meanwhile: the next keep tidies up
        pass


def context_lines(path: Path) -> dict[str, int] | None:
    """The line of each entry's msgctxt, when `read_catalog` read the file as it is now with
    the line reader (the translation checks locate their findings by it); else None."""
    cached = _READ.get(str(path))
    if cached is None or cached[2] is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return cached[2] if cached[0] == (stat.st_mtime_ns, stat.st_size, stat.st_ino) else None


_READ: dict[str, tuple[tuple[int, int, int], dict[str, Entry], dict[str, int] | None]] = {}
"""Catalogs read in this process, with the modification time, size and inode they had: a
build checks every catalog and then renders every language (in workers forked after the
check, which inherit this), and the preview builds again on every change."""


def refuse_unsafe(path: Path, entries: dict[str, Entry]) -> None:
    """A TranslationError naming every entry whose text Haven must not publish: a control
    character, or braces other than the plain placeholders of its string."""
    problems = []
    for seg_id, entry in entries.items():
        text = entry.text
        if not text:
            continue
        why = text_problem(text)
        if why is None and ("{" in text or "}" in text):
            why = segment_problem(seg_id, text)
        if why is not None:
            problems.append(f"{path.parent.name}/{path.name}:{entry.line}: {seg_id}: {why}")
    if problems:
        more = f"\n(and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise TranslationError("this translation file has entries Haven will not publish:\n"
                               + "\n".join(problems[:20]) + more)


def _read_with_babel(path: Path) -> dict[str, Entry]:
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
        drop_previous_comments(catalog)
    except Exception as exc:  # noqa: BLE001 - Babel raises several kinds for a broken file
        raise TranslationError(
            f"{path.name}: this translation file cannot be read ({exc}) — check it with "
            f"'msgfmt --check {path.name}', or restore it from git"
        ) from None
    entries: dict[str, Entry] = {}
    for message in catalog:
        if not message.id or not message.context or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        entries[message.context] = Entry(message.id, text, _state(message, text),
                                         message.lineno or 0)
    return entries


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")


def _unquote(token: str) -> str | None:
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        return None
    inner = token[1:-1]
    if "\\" not in inner:
        return inner
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), inner)


def _read_plain_po(text: str, lines: dict[str, int] | None = None) -> dict[str, Entry] | None:
    """The entries of a PO file with no plural forms, or None to let Babel read it; `lines`
    is given the line of each entry's msgctxt."""
    entries: dict[str, Entry] = {}
    found_lines: dict[str, int] = {} if lines is None else lines
    context_at = 0
    flags: set[str] = set()
    context: list[str] | None = None
    source: list[str] | None = None
    translated: list[str] | None = None
    current: list[str] | None = None  # the field that a line starting with '"' continues
    at = 0  # the line of the msgstr

    def finish() -> None:
        ctx, src = "".join(context or ()), "".join(source or ())
        if ctx and src:
            text = "".join(translated or ())
            entries[ctx] = Entry(src, text, _flag_state(flags, text), at)
            found_lines.setdefault(ctx, context_at)

    for number, line in enumerate(text.splitlines(), 1):
        first = line[:1]
        if first == '"':
            part = _unquote(line)
            if part is None or current is None:
                return None
            current.append(part)
        elif first == "#":
            if translated is not None or line.startswith("#~"):  # a new entry, or an obsolete one
                if translated is not None:
                    finish()
                flags, context, source, translated, current = set(), None, None, None, None
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
        elif first == "m":
            keyword, _, rest = line.partition(" ")
            part = _unquote(rest)
            if part is None or keyword not in ("msgctxt", "msgid", "msgstr"):
                return None  # plural forms or something unexpected: Babel knows better
            if keyword != "msgstr" and translated is not None:
                finish()
                flags, context, source, translated = set(), None, None, None
            if keyword == "msgctxt" and context is None:
                current = context = [part]
                context_at = number
            elif keyword == "msgid" and source is None:
                current = source = [part]
            elif keyword == "msgstr" and translated is None:
                current = translated = [part]
                at = number
            else:
                return None
        elif line.strip():
            return None
    finish()
    return entries


def _flag_state(flags: set[str], text: str) -> State:
    if not text:
        return State.MISSING
    if "fuzzy" in flags:
        return State.OUTDATED
    if MACHINE in flags:
        return State.MACHINE
    if REVIEWED in flags:
        return State.REVIEWED
    return State.TRANSLATED


def _state(message: Message, text: str) -> State:
    return _flag_state(set(message.flags), text)


def _merge(path: Path, language: str, segments: Iterable[Segment]) -> dict[str, int]:
    """Bring `path` in step with the segments, keeping every translation.

    A changed source marks its translation fuzzy and keeps the old source as `#| msgid`;
    a moved segment (same text, new id) keeps its translation; a removed one becomes obsolete.
    """
    old = _read_existing(path)
    by_id = {m.context: m for m in old if m.id and m.context}
    by_source: dict[str, Message] = {}
    for message in old:
        if message.id and message.string and not message.fuzzy:
            by_source.setdefault(str(message.id), message)
    new = Catalog(locale=None, creation_date=FIXED_DATE, fuzzy=False)
    counts = {"new": 0, "changed": 0, "kept": 0, "obsolete": 0}
    used: set[str] = set()
    segments = list(segments)
    current = {s.id: s.source for s in segments}
    for segment in segments:
        previous = by_id.get(segment.id)
        if (previous is not None and previous.id != segment.source
                and segment.source in by_source
                and current.get(str(by_source[segment.source].context)) != segment.source):
            # The text moved here from another id (a paragraph inserted above it): reuse its
            # translation as is. A text edited to equal one that is still there keeps its own
            # translation instead, marked fuzzy below: the other's is not its own.
            previous = None
        message = Message(
            segment.source,
            context=segment.id,
            locations=[(segment.origin_file, segment.origin_line)] if segment.origin_file else [],
            auto_comments=[segment.note] if segment.note else [],
            flags=["python-brace-format"] if segment.kind == "ui" and "{" in segment.source else [],
        )
        if segment.id in by_id:
            used.add(segment.id)
        if previous is not None:
            message.string = previous.string
            message.user_comments = list(previous.user_comments)
            message.flags |= {f for f in previous.flags if f in (REVIEWED, MACHINE, "fuzzy")}
            message.auto_comments += [c for c in previous.auto_comments if c.startswith("machine:")]
            if previous.id != segment.source:
                if previous.string:
                    message.flags.add("fuzzy")
                    message.flags.discard(REVIEWED)
                    message.previous_id = [str(previous.id)]
                counts["changed"] += 1
            else:
                message.previous_id = list(previous.previous_id) if message.fuzzy else []
                counts["kept"] += 1
        elif segment.source in by_source:
            moved = by_source[segment.source]
            message.string = moved.string
            message.flags |= {f for f in moved.flags if f in (REVIEWED, MACHINE)}
            counts["kept"] += 1
        else:
            counts["new"] += 1
        new[message.id] = message
    for context, message in by_id.items():
        if context not in used and message.string:
            new.obsolete[(str(message.id), str(context))] = message
            counts["obsolete"] += 1
    _write(path, language, new, old)
    return counts


def _read_existing(path: Path) -> Catalog:
    if not path.exists():
        return Catalog(locale=None, creation_date=FIXED_DATE)
    return read_babel(path)


def read_babel(path: Path) -> Catalog:
    """`path` read with Babel, each fuzzy entry with its previous source (`#| msgid`) back."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    drop_previous_comments(catalog)
    restore_previous_ids(catalog, read_previous_ids(path))
    return catalog


def drop_previous_comments(catalog: Catalog) -> None:
    """Babel's reader takes `#| msgid` lines for translator comments (`| msgid …`).

    Written back, they would come out as prose comments, wrapped and cut, and pile up with
    every update. The previous source is read separately (`read_previous_ids`).
    """
    for message in catalog:
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]


def header(language: str, old: Catalog | None = None) -> str:
    """The PO header: what translators' tools and msgfmt expect, with no changing dates."""
    fields = {
        "Project-Id-Version": "Haven hub",
        "PO-Revision-Date": "2000-01-01 00:00+0000",
        "Last-Translator": "none yet",
        "Language-Team": f"{language} translators",
    }
    if old is not None:
        for key, value in old.mime_headers:
            if key in ("Last-Translator", "Language-Team", "PO-Revision-Date") and value:
                fields[key] = value
    fields |= {
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    lines = "".join(f'"{key}: {value}\\n"\n' for key, value in fields.items())
    return 'msgid ""\nmsgstr ""\n' + lines + "\n"


LONG_TEXT = 2_000
"""Strings longer than this (in characters) are written unwrapped: Babel's line wrapping
splits with a regular expression whose time grows with the square of the length of a run
without spaces (80,000 Chinese characters took two minutes, 20 MB never finished)."""


def po_text(catalog: Catalog) -> bytes:
    """The entries of `catalog` as PO, each fuzzy one with its previous source as `#| msgid`.

    Babel writes a long previous source as one comment and wraps that comment like prose,
    cutting strings in the middle: a file msgfmt refuses. So the `#|` lines are written here.
    A string longer than LONG_TEXT is written here too, unwrapped (one line per line of the
    text), in time linear in its length.
    """
    from babel.messages.pofile import normalize

    previous = {str(m.context): str(m.previous_id[0]) for m in catalog
                if m.id and m.context and m.previous_id}
    kept = {m.context: m.previous_id for m in catalog if m.previous_id}
    messages = [*catalog, *catalog.obsolete.values()]
    long: dict[str, str] = {}
    originals = [(m, m.id, m.string) for m in messages]
    for number, message in enumerate(messages):
        message.previous_id = []
        if isinstance(message.id, str) and len(message.id) > LONG_TEXT:
            long[token := f"haven-long-id-{number}"] = message.id
            message.id = token
        if isinstance(message.string, str) and len(message.string) > LONG_TEXT:
            long[token := f"haven-long-string-{number}"] = message.string
            message.string = token
    buffer = io.BytesIO()
    try:
        write_po(buffer, catalog, width=100, omit_header=True)
    finally:
        for message, message_id, string in originals:
            message.id, message.string = message_id, string
            if message.context in kept:
                message.previous_id = kept[message.context]
    if not previous and not long:
        return buffer.getvalue()
    contexts = {f"msgctxt {normalize(context, width=0)}": context for context in previous}
    lines: list[str] = []
    for line in buffer.getvalue().decode("utf-8").split("\n"):
        context = contexts.get(line)
        if context is not None:
            text = previous[context]
            lines += ["#| " + part for part in f"msgid {_po_string(text)}".split("\n")]
        prefix = "#~ " if line.startswith("#~ ") else ""
        keyword, _, rest = line[len(prefix):].partition(" ")
        if rest.startswith('"haven-long-') and rest[1:-1] in long:
            lines += [prefix + part for part in
                      f"{keyword} {normalize(long[rest[1:-1]], width=0)}".split("\n")]
            continue
        lines.append(line)
    return "\n".join(lines).encode("utf-8")


def _po_string(text: str) -> str:
    """`text` as a PO string: wrapped at 100 columns like Babel, unwrapped when long."""
    from babel.messages.pofile import normalize

    return str(normalize(text, width=0 if len(text) > LONG_TEXT else 100))


def _write(path: Path, language: str, catalog: Catalog, old: Catalog) -> None:
    data = header(language, old if path.exists() else None).encode() + po_text(catalog)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def read_previous_ids(path: Path) -> dict[str, str]:
    """The previous source (`#| msgid`) of every fuzzy entry, by msgctxt.

    Babel's reader drops `#|` lines; a catalog read with it and written again would lose the
    diff translators need. Read them here and put them back with `restore_previous_ids`.
    """
    from babel.messages.pofile import unescape

    result: dict[str, str] = {}
    if not path.exists():
        return result
    previous: list[str] | None = None
    context: list[str] | None = None
    mode = ""
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if previous is not None and context is not None:
                result["".join(context)] = "".join(previous)
            previous, context, mode = None, None, ""
        elif line.startswith("#| msgid "):
            previous, mode = [unescape(line[9:].strip())], "previous"
        elif line.startswith('#| "') and mode == "previous" and previous is not None:
            previous.append(unescape(line[3:].strip()))
        elif line.startswith("msgctxt "):
            context, mode = [unescape(line[8:].strip())], "context"
        elif line.startswith('"') and mode == "context" and context is not None:
            context.append(unescape(line))
        elif not line.startswith("#|"):
            mode = ""
    return result


def restore_previous_ids(catalog: Catalog, previous: dict[str, str]) -> None:
    """Give fuzzy entries of a catalog read with Babel their `#| msgid` back."""
    for message in catalog:
        if message.fuzzy and message.context in previous and not message.previous_id:
            message.previous_id = [previous[str(message.context)]]


def update_catalog(path: Path, language: str, segments: Iterable[Segment]) -> dict[str, int]:
    """Bring `path` in step with the segments, keeping every translation and its history.

    `_merge` does the work; this puts back what Babel's reader dropped from the old file:

    - entries already obsolete (`#~`) stay obsolete, or come back when their text returns;
    - fuzzy entries keep their previous source (`#| msgid`) however often this runs.
    """
    segments = list(segments)
    previous = read_previous_ids(path)
    old_obsolete = list(_read_existing(path).obsolete.values()) if path.exists() else []
    counts = _merge(path, language, segments)
    if not previous and not old_obsolete:
        return counts
    catalog = _read_existing(path)
    restore_previous_ids(catalog, previous | read_previous_ids(path))
    current = {s.id for s in segments}
    for message in old_obsolete:
        if not message.id or not message.context or not message.string:
            continue
        if message.context in current:
            revived = catalog.get(message.id, context=message.context)
            if revived is not None and not revived.string:
                revived.string = message.string
                revived.flags |= {f for f in message.flags if f in (REVIEWED, MACHINE)}
                revived.auto_comments += [c for c in message.auto_comments
                                          if c.startswith("machine:")]
            continue
        key = (str(message.id), str(message.context))
        if key not in catalog.obsolete:
            catalog.obsolete[key] = message
            counts["obsolete"] += 1
    _write(path, language, catalog, catalog)
    return counts
