"""Where the staff guides (docs/*.md) are on this computer.

A wheel carries them inside the package (`haven/docs/`, copied there by setup.py at
build time); a checkout, or an editable install of one, reads `docs/` beside `src/`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def guide(name: str = "authoring.md") -> Path:
    """The installed guide `name` (such as authoring.md), wherever Haven was installed."""
    installed = PACKAGE / "docs" / name
    if installed.is_file():
        return installed
    checkout = PACKAGE.parent.parent / "docs" / name
    return checkout if checkout.is_file() else installed
