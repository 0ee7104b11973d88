"""Compiled templates are kept between builds (haven.template_cache); a cache that is missing,
unwritable or damaged never changes what is built."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from haven.example import example_content

BUILD = ("import sys; from pathlib import Path; from haven.build import build; "
         "build(Path(sys.argv[1]), Path(sys.argv[2]), pdf=False)")


def _build(cache_home: Path, out: Path) -> None:
    """A build in a fresh process (each process compiles its templates once at most)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    subprocess.run([sys.executable, "-c", BUILD, str(example_content()), str(out)], env=env,
                   check=True, timeout=300)


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_compiled_templates_are_kept_and_a_damaged_or_unwritable_cache_is_ignored(
        tmp_path: Path) -> None:
    cache_home = tmp_path / "cache"
    _build(cache_home, tmp_path / "cold")
    kept = sorted((cache_home / "haven").rglob("*.cache"))
    assert len(kept) >= 10  # the site's templates, the staff report's and the messages'
    assert oct(kept[0].parent.stat().st_mode & 0o777) == "0o700"

    stamps = {p: p.stat().st_mtime_ns for p in kept}
    _build(cache_home, tmp_path / "warm")
    assert {p: p.stat().st_mtime_ns for p in kept} == stamps  # read, not compiled again

    for path in kept:
        path.write_bytes(b"not a compiled template")
    _build(cache_home, tmp_path / "damaged")

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("the cache cannot be made here")
    _build(not_a_folder, tmp_path / "unwritable")

    expected = _files(tmp_path / "cold")
    for name in ("warm", "damaged", "unwritable"):
        assert _files(tmp_path / name) == expected, name
