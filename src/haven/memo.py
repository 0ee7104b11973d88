"""What a process that builds again (the preview, the editor's) keeps from its last build.

Two shapes recur: results kept per content folder, for the last few folders only
(`FolderMemo`: each file's parse, each file's validation), and values worked out per record
object, kept for the records of the last pass only (`RecordMemo`: a record's digest, its
unconfirmed marks). Both bound their memory by what the last build used.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")


class FolderMemo(Generic[T]):
    """A value per content folder, for the last `folders` folders used (thread-safe: the
    editor validates while its preview builds)."""

    def __init__(self, folders: int = 4) -> None:
        self.folders = folders
        self._kept: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, folder: str, default: T) -> T:
        with self._lock:
            return self._kept.get(folder, default)

    def put(self, folder: str, value: T) -> None:
        """Keep `value` for `folder`, forgetting the folder used least recently beyond the
        limit."""
        with self._lock:
            self._kept[folder] = value
            self._kept.move_to_end(folder)
            while len(self._kept) > self.folders:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._kept))

    def __getitem__(self, folder: str) -> T:
        return self._kept[folder]


class RecordMemo(Generic[T]):
    """`compute(record, key)` per record object, while it is the very object (it is held, so its
    `id()` is never reused meanwhile) with the same key; each pass keeps only what it used.

    A pass: `value()` for every record, then `done()`."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[Any, str, T]] = {}
        self._now: dict[int, tuple[Any, str, T]] = {}

    def value(self, record: Any, key: str, compute: Callable[[Any, str], T]) -> T:
        found = self._last.get(id(record))
        if found is None or found[0] is not record or found[1] != key:
            found = (record, key, compute(record, key))
        self._now[id(record)] = found
        return found[2]

    def done(self) -> None:
        self._last, self._now = self._now, {}


def once_per_object(compute: Callable[[K], T]) -> Callable[[K], T]:
    """`compute` worked out once for an object (a content folder's model, not once per
    language or per step that asks): the last answer is kept while the same object is asked
    about again."""
    last: list[tuple[K, T]] = []

    def cached(key: K) -> T:
        found = last[0] if last else None  # read once: another thread may replace it
        if found is None or found[0] is not key:
            found = (key, compute(key))
            last[:] = [found]
        return found[1]

    return cached
