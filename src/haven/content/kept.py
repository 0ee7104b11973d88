"""YAML files parsed once, kept in Haven's cache folder by their bytes' digest.

PyYAML builds a node for every value, and Haven walks them to note each value's line: 70 ms
for the 108 files of a 100-organization hub, on every `haven build`, for files that seldom
change. What a file gave is kept as JSON (its data, the line of each value, its duplicated
keys), one file per content folder, under a folder named by the parser's own code and
PyYAML's version; a file whose bytes differ is parsed again. Anything unreadable there is
ignored: it is only ever parsed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import yaml

from haven.cache import cache_folder, keep_in_cache, made_by
from haven.content.source import Located, Path_

Kept = dict[str, tuple[str, Located]]
"""A folder's kept files: name → (digest of its bytes, what it gave)."""


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kept_parses(root: Path) -> Kept:
    """What earlier runs parsed of the YAML files in `root` (empty when none or unreadable)."""
    try:
        stored = orjson.loads(_kept_file(root).read_bytes())
        return {name: (digest, _decoded(encoded)) for name, (digest, encoded) in stored.items()
                if isinstance(name, str) and isinstance(digest, str)}
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return {}


def keep_parses(root: Path, parsed: Kept) -> None:
    """Keep `parsed` as the folder's files (those that cannot be written as JSON are left out)."""
    stored = {}
    for name, (digest, located) in parsed.items():
        try:
            stored[name] = (digest, _encoded(located))
        except TypeError:  # a value JSON cannot hold (YAML's !!binary): parsed each time
            continue
    keep_in_cache(_kept_file(root), orjson.dumps(stored))


def _kept_file(root: Path) -> Path:
    folder = hashlib.blake2b(str(root.resolve()).encode("utf-8", "surrogatepass"),
                             digest_size=12).hexdigest()
    return cache_folder() / f"parsed-{_parser_digest()}" / f"{folder}.json"


@cache
def _parser_digest() -> str:
    """What parses: PyYAML, and the parser's own code."""
    from haven.content import load, source

    return made_by(yaml.__version__, *(Path(module.__file__ or "") for module in (source, load)))


_DATE, _DATETIME = "date", "datetime"


def _encoded(located: Located) -> list[Any]:
    """[data, dates, lines, duplicates, line offset]: JSON holds no dates, so each date's path
    is listed with its ISO form (the data holds the same text in its place)."""
    dates: list[list[Any]] = []
    _find_dates(located.data, [], dates)
    return [located.data, dates, [[list(path), line] for path, line in located.lines.items()],
            [[list(path), line] for path, line in located.duplicates], located.line_offset]


def _find_dates(value: Any, path: list[Any], found: list[list[Any]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _find_dates(item, [*path, key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_dates(item, [*path, index], found)
    elif isinstance(value, dt.datetime):
        found.append([path, _DATETIME, value.isoformat()])
    elif isinstance(value, dt.date):
        found.append([path, _DATE, value.isoformat()])
    elif not isinstance(value, (str, int, float, bool)) and value is not None:
        raise TypeError(f"{type(value).__name__} is not kept")


def _decoded(encoded: list[Any]) -> Located:
    data, dates, lines, duplicates, offset = encoded
    for path, kind, iso in dates:
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = (dt.datetime.fromisoformat(iso) if kind == _DATETIME
                            else dt.date.fromisoformat(iso))
    if not isinstance(offset, int) or not isinstance(lines, list):
        raise TypeError("not a kept parse")
    return Located(data, {_path(path): int(line) for path, line in lines},
                   [(_path(path), int(line)) for path, line in duplicates], offset)


def _path(steps: list[Any]) -> Path_:
    if not all(isinstance(step, (str, int)) for step in steps):
        raise TypeError("not a path")
    return tuple(steps)
