"""Haven's cache folder (`$XDG_CACHE_HOME/haven`, else `~/.cache/haven`): what one run works
out and later runs take back — compiled templates (haven.template_cache), language names and
valid tags (haven.languages), parsed catalogs (haven.i18n.catalog) and YAML files
(haven.content.kept), dates and amounts as each language writes them (`kept_text`). Whatever is missing or
cannot be read there is only ever worked out again. So nothing grows there for ever
(`tidy_cache`): once a day, what has not been written for a month is removed, as are the
temporary files of writes that were stopped half-way.

A module of its own, with nothing to import: the content's validation reads the cache too,
in the process that `haven build` forks first (haven.content.ahead)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

UNUSED_DAYS = 30
"""A file in the cache folder not written for this many days is removed (`tidy_cache`): what
another version of Haven or Babel, or a hub folder since moved, left there. One still in use
is made again by the next run that needs it."""
TIDIED = ".tidied"
"""The file in the cache folder whose time says when it was last tidied."""
_DAY = 24 * 3600
_HALF_WRITTEN_AGE = 3600
"""A temporary file this old (haven.output.replace_file writes `.<name>.<random>`, then
renames it) was left by a write that was killed: none takes an hour."""


def cache_folder() -> Path:
    """Haven's cache folder: `$XDG_CACHE_HOME/haven` (else `~/.cache/haven`)."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "haven"


def keep_in_cache(path: Path, data: bytes) -> None:
    """Write `data` to `path` in Haven's cache folder, whole or not at all
    (haven.output.replace_file). A folder that cannot be made or written is ignored: what is
    kept there is only ever worked out again."""
    from haven.output import replace_file  # (seldom: only what a run found first)

    try:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        replace_file(path, data)
    except OSError:
        pass


def kept_text(group: str, key: str, make: Callable[[], str]) -> str:
    """`make()`, the text of `key` in `group` (a language's tag, a locale), kept in Haven's
    cache folder once made (`keep_texts` writes them): dates and amounts as a language
    writes them, which Babel makes only after loading the language's whole CLDR data, 3 ms
    for each language's worker on every build, for the same few texts each time."""
    kept = _kept_texts(group)
    text = kept.get(key)
    if text is None:
        text = kept[key] = make()
        _UNKEPT.add(group)
    return text


def keep_texts() -> None:
    """Write the texts made since the last call (`kept_text`), a file per group."""
    for group in sorted(_UNKEPT):
        keep_in_cache(_texts_file(group), json.dumps(_kept_texts(group), ensure_ascii=False,
                                                     sort_keys=True).encode())
    _UNKEPT.clear()


_UNKEPT: set[str] = set()


@cache
def _kept_texts(group: str) -> dict[str, str]:
    """The texts kept for `group`, or none if unreadable."""
    try:
        data = json.loads(_texts_file(group).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return {}
    return data


def _texts_file(group: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in group) or "_"
    return cache_folder() / f"texts-{_texts_digest()}" / f"{safe}.json"


@cache
def _texts_digest() -> str:
    """What makes the texts: Babel, and the code that calls it (dates, amounts, and each
    language's CLDR locale)."""
    import babel

    here = Path(__file__).parent
    return made_by(babel.__version__, *(here / name for name in ("dates.py", "costs.py",
                                                                  "languages.py")))


def made_by(library: str, *code: Path) -> str:
    """A short digest of what makes something kept here: Haven's version, the library's
    version that does the work, and the files of Haven's own code around it (code fixed
    without a new version never takes back what the old one kept)."""
    from haven import __version__

    made = f"{__version__}\0{library}\0".encode() + b"".join(path.read_bytes() for path in code)
    return hashlib.blake2b(made, digest_size=8).hexdigest()


def tidy_cache(now: float | None = None) -> list[Path]:
    """At most once a day: remove the files of Haven's cache folder not written for
    `UNUSED_DAYS` days, the temporary files of writes killed half-way, and the folders this
    leaves empty. Returns what was removed. Links are removed, never followed; whatever
    cannot be removed (in use elsewhere, another owner's) is left."""
    now = time.time() if now is None else now
    root = cache_folder()
    stamp = root / TIDIED
    try:
        if now - stamp.stat().st_mtime < _DAY:
            return []
    except OSError:
        if not root.is_dir():
            return []
    try:
        stamp.touch()
        os.utime(stamp, (now, now))
    except OSError:
        return []
    removed: list[Path] = []
    emptied: set[Path] = set()  # folders this removed something from
    for folder, subfolders, files in os.walk(root, topdown=False):
        for name in files:
            path = Path(folder, name)
            if path == stamp:
                continue
            try:
                age = now - path.lstat().st_mtime
                if age > UNUSED_DAYS * _DAY or (name.startswith(".") and age > _HALF_WRITTEN_AGE):
                    path.unlink()
                    removed.append(path)
                    emptied.add(path.parent)
            except OSError:
                continue
        for name in subfolders:
            path = Path(folder, name)
            try:
                if path.is_symlink():
                    if now - path.lstat().st_mtime > UNUSED_DAYS * _DAY:
                        path.unlink()
                        removed.append(path)
                # Empty: emptied now, or long enough ago not to be one a run has just made.
                elif not any(path.iterdir()) and (
                        path in emptied or now - path.stat().st_mtime > _HALF_WRITTEN_AGE):
                    path.rmdir()
                    removed.append(path)
                    emptied.add(path.parent)
            except OSError:
                continue
    return removed
