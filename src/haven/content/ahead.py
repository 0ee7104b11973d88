"""Reading and validating a hub's content in a second process, while the first imports the rest.

`haven build` spends its first third of a second importing Haven (the schema, Jinja2, Babel,
markdown-it …) on one core, and then reads and validates the content on that same core,
while the other waits. `read_ahead` forks a process first thing, which imports only the
loader and the schema and runs `validate(load(root))`, and hands the valid content back
through a pipe: by the time the first process has imported the renderer, the content is
there. Nothing changes in what is built: the content comes from the same two functions.

Whatever goes wrong in the second process (the content is not valid, it was stopped, it
cannot be forked) makes `ReadAhead.content()` answer None, and the build reads the content
itself as it always did, reporting every problem the usual way.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from haven.interrupt import quiet_worker, shielded, thread_count

if TYPE_CHECKING:
    from haven.content.validate import Content

FileState = tuple[tuple[str, int, int, int], ...]


def files_of(root: Path) -> FileState:
    """Every file under `root` but in hidden folders (`.git`, `.haven-cache`): (path,
    modification time, size, inode)."""
    found = []
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((path, stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return tuple(found)


class ReadAhead:
    """The content of `root`, being read by another process; `files` is the state of the
    folder's files just before that process started to read them."""

    def __init__(self, root: Path, files: FileState, pid: int, pipe: int) -> None:
        self.root = root
        self.files = files
        self._pid: int | None = pid
        self._pipe: int | None = pipe

    def content(self) -> Content | None:
        """The valid content, once the other process is done; None when it failed (the
        caller then reads the content itself, and so reports its problems)."""
        if self._pipe is None:
            return None
        chunks = []
        try:
            while chunk := os.read(self._pipe, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        ok = self._finish() and bool(chunks)
        if not ok:
            return None
        try:
            content: Content = pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a copy it cannot take back is read again
            return None
        return content

    def _finish(self, kill: bool = False) -> bool:
        """Close the pipe and wait for the other process (stopped first with `kill`);
        whether it ended well."""
        if self._pipe is not None:
            with suppress(OSError):
                os.close(self._pipe)
            self._pipe = None
        pid, self._pid = self._pid, None
        if pid is None:
            return False
        if kill:
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return False
        return os.waitstatus_to_exitcode(status) == 0


@contextmanager
def read_ahead(root: Path) -> Iterator[ReadAhead | None]:
    """Start reading `root`'s content in a forked process (None where that is not possible
    or not worth it: one core, no fork, or threads in this process, which a fork would
    leave with locks held forever); it is stopped on the way out if still running."""
    if (os.cpu_count() or 1) < 2 or not hasattr(os, "fork") or thread_count() > 1:
        yield None
        return
    files = files_of(root)  # before the other process reads any
    reading, writing = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        yield None
        return
    if pid == 0:  # pragma: no cover - the other process: coverage does not follow a fork
        os.close(reading)
        _read_and_send(root, writing)
    os.close(writing)
    ahead = ReadAhead(root, files, pid, reading)
    try:
        yield ahead
    finally:
        with shielded():  # a stop signal now would leave it unwaited for
            ahead._finish(kill=True)


def _read_and_send(root: Path, pipe: int) -> None:  # pragma: no cover - runs in the fork
    """The other process: validate(load(root)), pickled into `pipe`; it ends here, without
    running this process's exit handlers or writing anything to its terminal."""
    status = 1
    try:
        quiet_worker()  # Ctrl+C is the parent's to handle; SIGTERM ends it
        gc.disable()  # a short life: reference counting frees what it drops
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        from haven.content.load import load
        from haven.content.validate import validate

        data = pickle.dumps(validate(load(root)), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(pipe, "wb") as out:
            out.write(data)
        status = 0
    except BaseException:  # noqa: BLE001, S110 - the parent reads the content itself
        pass
    finally:
        os._exit(status)
