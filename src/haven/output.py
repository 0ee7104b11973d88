"""Step 6, write: publish a whole site at once, or not at all.

Files go into a temporary folder beside the output; only when every file is written is it
swapped in for the old site, under a lock so that two builds cannot interleave. A build that
fails leaves the previous site exactly as it was.

The swap is one system call where the system has one (Linux's `renameat2` with
RENAME_EXCHANGE): the output is the old site, then the new one, never neither, whenever the
build is killed. Elsewhere (macOS, Windows, file systems without it) it is two renames, and a
build killed between them leaves the old site in a `.haven-old-*` folder, which the next
build puts back before anything else. Each build holds a lock on its staging folder while it
exists, so the next build can tell folders of killed builds (removed) from those of builds
still running (left alone). Locks are `filelock`'s: `fcntl` on POSIX, `msvcrt` on Windows.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import cast

from filelock import FileLock, Timeout

from haven.errors import OutputError
from haven.interrupt import remove_folder, shielded

MARKER = ".haven-site"
"""A file in every built site: Haven only ever replaces a folder that holds it (or an empty one)."""


def marker_text(state: str | None = None) -> str:
    """The marker's text; `state` names the build's record (haven.incremental)."""
    return ("Built by Haven. This folder is replaced on each build.\n"
            + (f"state: {state}\n" if state else ""))


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to a new file beside `path`, then rename it over `path`: a reader sees the
    old file or the new one, never half of either. A failure leaves no temporary file behind;
    its OSError is the caller's."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with shielded(), suppress(OSError):
            os.unlink(temporary)
        raise


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

    def publish(self, files: Mapping[str, bytes], state: str | None = None,
                drop: Path | None = None) -> None:
        """Write the last `files`, then swap the whole folder in for the output.

        `state` names the build's record in the marker; `drop`, a folder to delete under
        the same lock (an incremental build's spare, haven.incremental)."""
        for name, data in files.items():
            self.write(name, data)
        (self.path / MARKER).write_text(marker_text(state))
        os.chmod(self.path, 0o755)
        with _lock(_swap_lock(self.output)):
            _check_replaceable(self.output)  # only under the lock: another build may be mid-swap
            with shielded():  # Ctrl+C between the two renames would leave no site at all
                _swap(self.path, self.output)
            if drop is not None:
                remove_folder(drop)


@contextmanager
def staging(output: Path) -> Iterator[Staging]:
    """A new, empty staging folder for `output`; removed unless it was published.

    Leftovers of earlier builds that were killed are cleaned up first."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(output)
    path: Path | None = None
    owner: FileLock | None = None
    try:
        with shielded():  # a stop signal cannot fall between making the folder and its removal
            path, owner = _new_staging(output)
        yield Staging(output, path)
    finally:
        if path is not None and owner is not None:
            with shielded():  # nor between its removal and its lock's
                remove_folder(path)
                owner.release()
                with suppress(OSError):
                    os.unlink(_lock_of(path))


def clean_leftovers(output: Path) -> list[Path]:
    """Remove what killed builds of `output` left beside it; put back a site a build killed
    in mid-swap had moved aside. Returns what was removed (or put back)."""
    parent = output.parent
    done: list[Path] = []
    if not parent.is_dir():
        return done
    with _lock(_swap_lock(output)):  # no other build is in mid-swap meanwhile
        olds = sorted(parent.glob(f"{_old_prefix(output)}*"))
        if olds and not output.exists() and not output.is_symlink():
            newest = max(olds, key=lambda p: p.stat().st_mtime_ns)
            if (newest / MARKER).exists():
                newest.rename(output)  # the previous site, back where it belongs
                done.append(output)
                olds.remove(newest)
        for old in olds:
            if old.is_dir() and not old.is_symlink() and (old / MARKER).exists():
                shutil.rmtree(old, ignore_errors=True)
                done.append(old)
    for folder in sorted(parent.glob(f"{_new_prefix(output)}*")):
        if folder.suffix == ".lock" or not folder.is_dir() or folder.is_symlink():
            continue
        lock = FileLock(_lock_of(folder))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # a build still running writes into it
        try:
            shutil.rmtree(folder, ignore_errors=True)
            done.append(folder)
        finally:
            lock.release()
            with suppress(OSError):
                os.unlink(_lock_of(folder))
    for lock_file in parent.glob(f"{_new_prefix(output)}*.lock"):
        if not Path(str(lock_file)[: -len(".lock")]).exists():
            lock = FileLock(lock_file)
            try:
                lock.acquire(timeout=0)
            except Timeout:
                continue
            lock.release()
            with suppress(OSError):
                os.unlink(lock_file)
    return done


def _new_staging(output: Path) -> tuple[Path, FileLock]:
    """A new staging folder, made only once its lock is held: another build's clean-up
    never sees it unlocked."""
    while True:
        path = output.parent / f"{_new_prefix(output)}{secrets.token_hex(6)}"
        owner = FileLock(_lock_of(path))
        try:
            owner.acquire(timeout=0)
        except Timeout:
            continue
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            owner.release()
            continue
        return path, owner


def _new_prefix(output: Path) -> str:
    return f".haven-new-{output.name}-"


def _old_prefix(output: Path) -> str:
    return f".haven-old-{output.name}-"


def _lock_of(folder: Path) -> str:
    return f"{folder}.lock"


def _swap_lock(output: Path) -> Path:
    return output.parent / f".haven-lock-{output.name}"


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
    """Put `staging` in place of `output`, and remove the old site."""
    old = replace_folder(staging, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def replace_folder(new: Path, output: Path) -> Path | None:
    """Put `new` in place of `output`; returns where the old site now is (None: there was
    none). Exchanged in one call where the system can (the old site is then at `new`), else
    the old site is moved aside under the name `clean_leftovers` puts back if a build is
    killed between the two renames."""
    if output.exists() and exchange(new, output):
        return new
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=_old_prefix(output), dir=output.parent))
        old.rmdir()
        output.rename(old)
    try:
        new.rename(output)
    except OSError:
        if old is not None:
            old.rename(output)
        raise
    return old


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _renameat2() -> Callable[..., int] | None:
    """Linux's renameat2(2) from the C library, or None elsewhere (or in an old libc)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return cast(Callable[..., int], function)


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders `a` and `b` atomically; False when the system or file system cannot
    (then nothing was changed)."""
    if _RENAMEAT2 is None:
        return False
    result = _RENAMEAT2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # not supported here: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (fcntl on POSIX, msvcrt on Windows)."""
    with FileLock(path):
        yield
