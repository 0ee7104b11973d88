"""The output folder is always a whole site, old or new, however a build ends (issue 16).

Builds are killed with SIGKILL at random points, in a loop; after each, the output must be a
complete site (the old or the new one), and the next build cleans up what the killed one left.
The lock and path code also run with the POSIX-only `fcntl` module hidden (issue 15: Windows).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from haven.output import MARKER, clean_leftovers, exchange, publish
from tests.conftest import HAVEN, MakeHub

ROUNDS = 30


KEPT = {"site", ".haven-lock-site", ".haven-state-site", ".haven-spare-site"}
"""What stays beside a site between builds: its lock, and an incremental build's record and
spare (haven.incremental); anything else is a leftover."""


def start_build(root: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*HAVEN, "build", str(root), "--output", str(out), "--no-pdf"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def files_of(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def version_of(site: Path) -> str:
    text = (site / "en" / "index.html").read_text(encoding="utf-8")
    return text.split("Version ", 1)[1].split("<", 1)[0].split(" ", 1)[0]


def set_version(root: Path, version: int) -> None:
    hub = root / "hub.yaml"
    lines = hub.read_text(encoding="utf-8").splitlines()
    lines = [f"name: Version {version} hub" if line.startswith("name:") else line
             for line in lines]
    hub.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Watcher(threading.Thread):
    """Looks at the output without pause: counts every moment it was not a site."""

    def __init__(self, site: Path) -> None:
        super().__init__(daemon=True)
        self.marker = str(site / MARKER)
        self.looks = 0
        self.missing = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.looks += 1
            if not os.path.exists(self.marker):
                self.missing += 1


def test_builds_killed_at_random_points_leave_the_old_or_the_new_site(
        make_hub: MakeHub, tmp_path: Path) -> None:
    root = make_hub()
    out = tmp_path / "out"
    site = out / "site"
    set_version(root, 0)
    started = time.perf_counter()
    assert start_build(root, site).wait() == 0
    duration = time.perf_counter() - started
    reference = files_of(site)
    assert version_of(site) == "0" and MARKER in reference
    current = "0"
    randomly = random.Random(16)
    watcher = Watcher(site)
    watcher.start()
    killed_with_leftovers = 0
    try:
        for version in range(1, ROUNDS + 1):
            set_version(root, version)
            process = start_build(root, site)
            time.sleep(randomly.uniform(0.3, 1.1) * duration)  # most often while writing
            process.send_signal(signal.SIGKILL)
            process.wait()
            assert site.is_dir() and (site / MARKER).exists(), f"round {version}: no site"
            found = version_of(site)
            assert found in (current, str(version)), (found, current, version)
            assert files_of(site) == reference, f"round {version}: an incomplete site"
            current = found
            leftovers = {p.name for p in out.iterdir()} - KEPT
            killed_with_leftovers += bool(leftovers)
    finally:
        watcher.running = False
        watcher.join()
    assert watcher.looks > 1000
    if exchange_supported(tmp_path):  # else two renames: a moment without a site, repaired
        assert watcher.missing == 0, f"the output was not a site {watcher.missing} times"
    set_version(root, 99)
    assert start_build(root, site).wait() == 0
    assert version_of(site) == "99" and files_of(site) == reference
    assert {p.name for p in out.iterdir()} <= KEPT, \
        f"leftovers after {killed_with_leftovers} killed builds left some"


def exchange_supported(folder: Path) -> bool:
    a, b = folder / ".probe-a", folder / ".probe-b"
    a.mkdir()
    b.mkdir()
    try:
        return exchange(a, b)
    finally:
        a.rmdir()
        b.rmdir()


def test_exchange_swaps_two_folders_in_one_call(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").write_text("a")
    (b / "from-b").write_text("b")
    if not exchange(a, b):
        pytest.skip("this system or file system has no renameat2(RENAME_EXCHANGE)")
    assert [p.name for p in a.iterdir()] == ["from-b"]
    assert [p.name for p in b.iterdir()] == ["from-a"]


def test_a_site_moved_aside_by_a_killed_two_rename_swap_is_put_back(tmp_path: Path) -> None:
    """Where there is no exchange call, a kill between the two renames leaves the old site
    in `.haven-old-*` and no output: the next build puts it back before anything else."""
    site = tmp_path / "site"
    publish({"index.html": b"old site"}, site)
    aside = tmp_path / ".haven-old-site-abc123"
    site.rename(aside)  # what the first rename did before the kill
    older = tmp_path / ".haven-old-site-zzz999"
    publish({"index.html": b"an even older leftover"}, older)
    os.utime(older, (1, 1))
    removed = clean_leftovers(site)
    assert (site / "index.html").read_bytes() == b"old site"
    assert not aside.exists() and not older.exists()
    assert set(removed) == {site, older}


def test_the_staging_folder_of_a_running_build_is_left_alone(tmp_path: Path) -> None:
    site = tmp_path / "site"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from haven.output import staging
            with staging(Path({str(site)!r})) as stage:
                stage.write("index.html", b"half written")
                print(stage.path, flush=True)
                time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        path = Path(holder.stdout.readline().strip())
        assert path.is_dir() and path.name.startswith(".haven-new-site-")
        assert clean_leftovers(site) == [] and path.is_dir()  # a build still running
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert path.is_dir()  # killed: its folder stays until the next build
    assert clean_leftovers(site) == [path]
    assert not path.exists() and not Path(f"{path}.lock").exists()


BLOCK_FCNTL = textwrap.dedent("""
    import importlib.abc, sys

    class NoFcntl(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "fcntl":
                raise ImportError("fcntl is POSIX-only (hidden to act as Windows)")
            return None

    sys.modules.pop("fcntl", None)
    sys.meta_path.insert(0, NoFcntl())
""")


def test_the_lock_and_path_code_work_without_fcntl(make_hub: MakeHub, tmp_path: Path) -> None:
    root = make_hub()
    site = tmp_path / "out" / "site"
    script = BLOCK_FCNTL + textwrap.dedent(f"""
        from pathlib import Path
        try:
            import fcntl
        except ImportError:
            pass
        else:
            raise SystemExit("fcntl was not hidden")
        from haven.build import build
        from haven.output import clean_leftovers
        for _ in range(2):
            build(Path({str(root)!r}), Path({str(site)!r}), pdf=False)
        clean_leftovers(Path({str(site)!r}))
        assert "fcntl" not in sys.modules, "something imported fcntl"
        print("built twice without fcntl")
    """)
    result = subprocess.run([sys.executable, "-c", "import sys\n" + script],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "built twice without fcntl" in result.stdout
    assert (site / MARKER).exists() and (site / "en" / "index.html").exists()
    assert {p.name for p in site.parent.iterdir()} <= KEPT
