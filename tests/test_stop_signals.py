"""A stop signal (Ctrl+C, SIGTERM) that comes while something is being cleaned up waits for
the clean-up to end: a `finally` reached without a signal can still be reached by one.

Each test sends the signal from inside the real removal, at its start: the moment a preview
stopped during a rebuild once left the printer's temporary folder behind (CI, 2026-12-06).
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from haven.interrupt import stop_signals, temporary_folder
from haven.output import staging


def signalled_removal(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Make shutil.rmtree send this process SIGTERM before it removes anything; the folders
    it was asked to remove."""
    real: Callable[..., Any] = shutil.rmtree
    asked: list[Path] = []

    def rmtree(path: Path, *args: Any, **kwargs: Any) -> None:
        asked.append(Path(path))
        os.kill(os.getpid(), signal.SIGTERM)
        real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    return asked


def test_a_signal_while_a_temporary_folder_is_removed_waits_for_its_removal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = signalled_removal(monkeypatch)
    with (pytest.raises(KeyboardInterrupt), stop_signals(),
          temporary_folder("haven-print-", tmp_path) as folder):
        (folder / "fr.json").write_text("{}", encoding="utf-8")
        (folder / "nested").mkdir()
        (folder / "nested" / "fr.svg").write_text("<svg/>", encoding="utf-8")
    assert asked == [folder]
    assert list(tmp_path.iterdir()) == []


def test_a_signal_while_an_unpublished_staging_folder_is_removed_waits_for_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "site"
    asked = signalled_removal(monkeypatch)
    with pytest.raises(KeyboardInterrupt), stop_signals(), staging(output) as stage:
        stage.write("en/index.html", b"<!doctype html>")
    assert asked == [stage.path]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".haven-lock-")] == []


def test_without_a_signal_the_clean_up_ends_as_before(tmp_path: Path) -> None:
    with stop_signals():
        with temporary_folder("haven-print-", tmp_path) as folder:
            (folder / "fr.json").write_text("{}", encoding="utf-8")
        assert list(tmp_path.iterdir()) == []
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_IGN, signal.SIG_DFL)
