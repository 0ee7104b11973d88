"""Haven's cache folder (`$XDG_CACHE_HOME/haven`, else `~/.cache/haven`): what one run works
out and later runs take back — compiled templates (haven.template_cache), language names and
valid tags (haven.languages), parsed catalogs (haven.i18n.catalog) and YAML files
(haven.content.kept), dates and amounts as each language writes them (`kept_text`). Whatever is missing or
cannot be read there is only ever worked out again.

A module of its own, with nothing to import: the content's validation reads the cache too,
in the process that `haven build` forks first (haven.content.ahead)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path


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
