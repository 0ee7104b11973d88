"""Haven's cache folder (`$XDG_CACHE_HOME/haven`, else `~/.cache/haven`): what one run works
out and later runs take back — compiled templates (haven.template_cache), language names and
valid tags (haven.languages), parsed catalogs (haven.i18n.catalog). Whatever is missing or
cannot be read there is only ever worked out again.

A module of its own, with nothing to import: the content's validation reads the cache too,
in the process that `haven build` forks first (haven.content.ahead)."""

from __future__ import annotations

import os
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
