"""Haven's cache folder does not grow for ever: once a day, what has not been written for
`UNUSED_DAYS` days goes (what another Haven or Babel version, or a hub folder since moved,
left), as do the temporary files of writes killed half-way; links are never followed."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from haven.cache import TIDIED, UNUSED_DAYS, tidy_cache
from tests.conftest import HAVEN, MakeHub

DAY = 24 * 3600


def aged(path: Path, data: bytes, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


def test_a_build_removes_what_no_run_wrote_for_a_month_and_keeps_the_rest(
        make_hub: MakeHub, tmp_path: Path) -> None:
    home = tmp_path / "cache-home"
    cache = home / "haven"
    stale = aged(cache / "parsed-0123456789abcdef" / "moved-hub.json", b"{}", UNUSED_DAYS + 5)
    stale_folder = stale.parent
    os.utime(stale_folder, (time.time() - 40 * DAY,) * 2)
    recent = aged(cache / "catalogs-0123456789abcdef" / "0a1b.json", b"{}", UNUSED_DAYS - 5)
    half_written = aged(cache / "texts-0a50f89a421b59f3" / ".fr.json.k2j4h1", b"{", 0.2)
    just_begun = aged(cache / "texts-0a50f89a421b59f3" / ".es.json.x8d7s6", b"{", 0.001)
    outside = aged(tmp_path / "elsewhere" / "old.json", b"{}", UNUSED_DAYS + 100)
    (cache / "linked").symlink_to(outside.parent, target_is_directory=True)

    done = subprocess.run([*HAVEN, "build", str(make_hub()), "--output", str(tmp_path / "site"),
                           "--no-pdf"], env=os.environ | {"XDG_CACHE_HOME": str(home)},
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr

    assert not stale.exists() and not stale_folder.exists()
    assert not half_written.exists()
    assert recent.exists() and just_begun.exists()
    assert outside.exists() and (cache / "linked").is_symlink()  # young link, not followed
    assert (cache / TIDIED).is_file()
    assert any(cache.glob("templates-*/*")), "the build's own entries are kept"


def test_it_tidies_at_most_once_a_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = aged(tmp_path / "haven" / "languages-aaaa.json", b"{}", UNUSED_DAYS + 1)
    now = time.time()
    assert tidy_cache(now) == [first]
    second = aged(tmp_path / "haven" / "languages-bbbb.json", b"{}", UNUSED_DAYS + 1)
    assert tidy_cache(now + DAY / 2) == []
    assert second.exists()
    assert tidy_cache(now + DAY + 1) == [second]


def test_no_cache_folder_is_made_only_to_be_tidied(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "none"))
    assert tidy_cache() == []
    assert not (tmp_path / "none").exists()


def test_an_old_link_is_removed_and_what_it_points_to_is_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    target = aged(tmp_path / "mine" / "notes.txt", b"mine", UNUSED_DAYS + 100)
    (tmp_path / "home" / "haven").mkdir(parents=True)
    link = tmp_path / "home" / "haven" / "templates-old"
    link.symlink_to(target.parent, target_is_directory=True)
    then = time.time() - (UNUSED_DAYS + 1) * DAY
    os.utime(link, (then, then), follow_symlinks=False)
    assert tidy_cache() == [link]
    assert target.read_bytes() == b"mine"
