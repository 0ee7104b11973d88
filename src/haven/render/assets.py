"""The site's shared files (stylesheet, scripts, icon), published under content-hashed names.

`assets/haven.css` is published as `assets/haven.3f2a1b9c.css`: the first 8 hex digits of
the SHA-256 of its bytes. A new version gets a new name, so hosts can tell browsers to keep
these files for a year without asking again (`Cache-Control: immutable`, haven.hosting),
and a page never meets an older stylesheet or script than the one it was built with.
Templates link them with `asset_path(name)` (the `asset()` template function).

`favicon.ico` keeps its name at the site's root: browsers ask for exactly that address.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

HASH_DIGITS = 8

SOURCES: dict[str, str] = {
    "haven.css": "haven.render",
    "find.js": "haven.render",
    "offline.js": "haven.offline",
    "icon.svg": "haven.render",
}
"""Each asset's logical name and the package whose `static/` folder holds it."""

HASHED = re.compile(rf"^assets/[^/]+\.[0-9a-f]{{{HASH_DIGITS}}}\.[a-z]+$")
"""The published name of a hashed asset, from the site's root."""

FAVICON = "favicon.ico"


@cache
def asset_bytes(name: str) -> bytes:
    """The bytes of the asset `name` ("haven.css" …)."""
    if name not in SOURCES:
        raise KeyError(f"no asset named {name!r}")
    return (resources.files(SOURCES[name]) / "static" / name).read_bytes()


@cache
def asset_path(name: str) -> str:
    """Where the asset `name` is published, from the site's root: `assets/haven.<hash>.css`."""
    stem, dot, ext = name.rpartition(".")
    digest = hashlib.sha256(asset_bytes(name)).hexdigest()[:HASH_DIGITS]
    return f"assets/{stem}.{digest}{dot}{ext}"


def asset_files(*names: str) -> dict[str, bytes]:
    """The assets `names` by their published path."""
    return {asset_path(name): asset_bytes(name) for name in names}


def favicon() -> bytes:
    """Haven's mark as `favicon.ico` (made by scripts/make_favicon.py from icon.svg)."""
    return (resources.files("haven.render") / "static" / FAVICON).read_bytes()
