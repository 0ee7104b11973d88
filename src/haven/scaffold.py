"""`haven init`: a small, valid content folder whose files explain themselves."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from haven.errors import HavenError
from haven.guides import guide


def create(folder: Path) -> list[Path]:
    """Copy the starter hub into `folder`, which must be new or empty."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise HavenError(
            f"{folder} already exists and is not empty — choose a new folder name, "
            "so that nothing there is overwritten"
        )
    written = []
    root = resources.files("haven") / "scaffold" / "hub"
    stack = [(root, folder)]
    while stack:
        source, target = stack.pop()
        target.mkdir(parents=True, exist_ok=True)
        for item in sorted(source.iterdir(), key=lambda i: i.name):
            if item.is_dir():
                stack.append((item, target / item.name))
            elif not item.name.startswith("."):
                path = target / item.name
                data = item.read_bytes()
                if item.name == "hub.yaml":  # the guide as installed on this computer
                    data = data.replace(b"{authoring_guide}", str(guide()).encode())
                path.write_bytes(data)
                written.append(path)
    return written
