"""The bundled Hartford example hub, shipped inside the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def example_content() -> Path:
    """The bundled Hartford hub."""
    return Path(str(resources.files("haven") / "examples" / "hartford"))
