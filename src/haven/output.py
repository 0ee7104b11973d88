"""Step 6, write: publish a whole site at once, or not at all.

Files go into a temporary folder beside the output; only when every file is written is it
swapped in for the old site, under a lock so that two builds cannot interleave. A build that
fails leaves the previous site exactly as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from haven.errors import OutputError
from haven.interrupt import shielded, temporary_folder

MARKER = ".haven-site"
"""A file in every built site: Haven only ever replaces a folder that holds it (or an empty one)."""


class Staging:
    """The folder that becomes the new site: written to by anyone, swapped in at once.

    It lies beside the output (same file system, so the swap is a rename). Language
    workers write their pages straight into it while the rest of the site is made.
    """

    def __init__(self, output: Path, path: Path) -> None:
        self.output = output
        self.path = path
        self._folders: set[str] = set()
        """Folders this process has made (thousands of pages share a few hundred)."""

    def write(self, name: str, data: bytes) -> None:
        relative = _safe(name)
        folder = os.path.dirname(relative)
        if folder not in self._folders:
            os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            self._folders.add(folder)
        with open(os.path.join(self.path, relative), "wb") as handle:
            handle.write(data)

    def publish(self, files: Mapping[str, bytes]) -> None:
        """Write the last `files`, then swap the whole folder in for the output."""
        for name, data in files.items():
            self.write(name, data)
        (self.path / MARKER).write_text("Built by Haven. This folder is replaced on each build.\n")
        os.chmod(self.path, 0o755)
        with _lock(self.output.parent / f".haven-lock-{self.output.name}"):
            _check_replaceable(self.output)  # only under the lock: another build may be mid-swap
            with shielded():  # Ctrl+C between the two renames would leave no site at all
                _swap(self.path, self.output)


@contextmanager
def staging(output: Path) -> Iterator[Staging]:
    """A new, empty staging folder for `output`; removed unless it was published."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    with temporary_folder(f".haven-new-{output.name}-", output.parent) as path:
        yield Staging(output, path)  # removed however the build ends, Ctrl+C included


def publish(files: Mapping[str, bytes], output: Path) -> None:
    """Write `files` (relative posix paths → bytes) as the new content of `output`."""
    with staging(output) as stage:
        stage.publish(files)


def _safe(name: str) -> str:
    """A relative path that cannot climb out of the site folder."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if name.startswith("/") or ".." in parts or not parts or "\x00" in name:
        raise OutputError(f"refusing to write {name!r} outside the site folder")
    return os.path.join(*parts)


def _check_replaceable(output: Path) -> None:
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputError(
            f"{output} exists and is not a folder — choose another --output, or remove it"
        )
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputError(
            f"{output} already holds files that Haven did not build, and Haven never deletes "
            "work it did not make — choose an empty or new folder with --output"
        )


def _swap(staging: Path, output: Path) -> None:
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".haven-old-{output.name}-", dir=output.parent))
        old.rmdir()
        output.rename(old)
    try:
        staging.rename(output)
    except OSError:
        if old is not None:
            old.rename(output)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
