"""Ctrl+C and SIGTERM: stop at any moment, with no traceback and nothing left behind.

A command wrapped in `interruptible` turns SIGINT and SIGTERM into one KeyboardInterrupt in
the main thread: the `finally` clauses on the way out (the build's staging folder, the
printer's temporary folder, the language workers) clean up, later signals are ignored while they
do, and the command ends with `Interrupted` (exit status 130, the shell's code for Ctrl+C).
A clean-up reached without a signal runs `shielded`, so that one arriving meanwhile waits for
it to end instead of cutting it in two.

Forked workers (`forking_quietly`, `quiet_worker`) ignore SIGINT (the terminal sends Ctrl+C
to the whole process group; the parent decides) and end on the SIGTERM the parent sends them
when it stops: at once when idle, and through SystemExit while running a task (`tidy_task`), so that
the task's own `finally` clauses run too, without a traceback.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import ParamSpec, TypeVar

import click

from haven.errors import HavenError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
EXIT_STATUS = 130
"""128 + SIGINT, what a shell reports for a program stopped by Ctrl+C."""

P = ParamSpec("P")
R = TypeVar("R")


class Interrupted(HavenError):
    """Ctrl+C or SIGTERM stopped the command; its message says what became of the work."""

    exit_code = EXIT_STATUS

    def show(self, file: object = None) -> None:
        """A plain line, not "Error: …": stopping is what the person asked for."""
        click.echo(self.format_message(), err=True)


@contextmanager
def stop_signals() -> Iterator[None]:
    """In the main thread, SIGINT and SIGTERM raise KeyboardInterrupt once; any later signal
    is ignored, so that the clean-up it started is not itself interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}

    def stop(number: int, frame: FrameType | None) -> None:
        for each in STOP_SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        _interrupt(KeyboardInterrupt)

    for number in STOP_SIGNALS:
        signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_shields = 0
"""How many `shielded` blocks the main thread is in."""
_pending: type[BaseException] | None = None
"""The exception a stop signal asked for while shielded, raised when the shield ends."""


def _interrupt(kind: type[BaseException]) -> None:
    global _pending
    if _shields:
        _pending = kind
        return
    raise kind


@contextmanager
def shielded() -> Iterator[None]:
    """A block that a stop signal does not cut in two: the signal takes effect as it ends.

    For making something and promising its removal at once (a folder made but not yet
    known to the `finally` that removes it would be left behind), and for the removal
    itself: a `finally` reached without a signal can still be reached by one, half-way.
    """
    global _shields, _pending
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are handled in the main thread only
        return
    _shields += 1
    try:
        yield
    finally:
        _shields -= 1
        if not _shields and _pending is not None:
            kind, _pending = _pending, None
            raise kind


def remove_folder(path: Path) -> None:
    """Remove `path` and all it holds, if it is there; a stop signal that comes meanwhile
    takes effect once it is gone (`shielded`)."""
    with shielded():
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def temporary_folder(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """A new folder (in `parent`, or the system's temporary folder), removed when the block
    ends however it ends, a stop signal included (even one that comes while it is being
    removed). Removing it is harmless if it was renamed."""
    path = None
    try:
        with shielded():
            path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        yield path
    finally:
        if path is not None:
            remove_folder(path)


def interruptible(message: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run a command so that Ctrl+C and SIGTERM end it with `message` and status 130."""

    def wrap(command: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                with stop_signals():
                    return command(*args, **kwargs)
            except KeyboardInterrupt:
                raise Interrupted(message) from None

        return run

    return wrap


def _leave(number: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _interrupt(SystemExit)  # multiprocessing ends the worker quietly on SystemExit


def thread_count() -> int:
    """Threads of this process, native ones included (Python's own count misses those): a
    process may fork only while it has one, as a lock another thread holds would stay locked
    forever in the child."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def quiet_worker() -> None:
    """A forked worker's first step: ignore Ctrl+C (the parent decides); SIGTERM ends it at
    once while it waits for work (see `tidy_task`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


@contextmanager
def tidy_task() -> Iterator[None]:
    """In a worker, while it runs a task: SIGTERM leaves through the task's `finally` clauses
    (its temporary folders), then quietly.

    Only then: a worker waiting for its next task may be blocked on a lock or a pipe the
    parent holds while stopping it, and a Python handler can miss a signal that arrives just
    before such a wait (the worker would never end), so there SIGTERM keeps its default action.
    """
    signal.signal(signal.SIGTERM, _leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def forking_quietly() -> Iterator[None]:
    """Hold the stop signals while workers are forked inside the block, so that none arrives
    in a worker before it has set its own handlers (`quiet_worker`); one that came meanwhile
    is delivered here when the block ends, once the workers exist to be stopped."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
