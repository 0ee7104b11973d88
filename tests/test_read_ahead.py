"""`haven build` reads and validates the content in a second process while the first imports
the renderer (haven.content.ahead): the same content, the same site, the same messages, and
nothing left running. Each check runs in a fresh process (`in_fresh_process`): Haven forks
only where it is safe."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from haven.build import build
from haven.content.ahead import files_of, read_ahead
from haven.content.load import load
from haven.content.validate import validate
from tests.conftest import MakeHub, in_fresh_process


def site_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".haven-site" not in p.parts}


def same_content(root: str) -> None:
    expected = validate(load(Path(root)))
    with read_ahead(Path(root)) as ahead:
        assert ahead is not None, "two cores and fork: the content is read in another process"
        assert ahead.files == files_of(Path(root))
        content = ahead.content()
    assert content is not None and content is not expected
    assert content == expected  # every record, warning, origin and catalog
    print(len(content.organizations), len(content.warnings))


@pytest.mark.parametrize("which", ["example", "starter"])
def test_the_content_read_ahead_is_the_content_read_here(example_dir: Path, make_hub: MakeHub,
                                                         which: str) -> None:
    root = example_dir if which == "example" else make_hub()
    organizations, warnings = map(int, in_fresh_process(same_content, str(root)).split())
    assert organizations > 0 and (which == "example" or warnings > 0)


def same_site(hub: str, here: str, there: str) -> None:
    build(Path(hub), Path(here), pdf=False)
    with read_ahead(Path(hub)) as ahead:
        assert ahead is not None
        build(Path(hub), Path(there), pdf=False, ahead=ahead)


def test_a_site_built_from_the_content_read_ahead_is_byte_for_byte_the_same(
        make_hub: MakeHub, tmp_path: Path) -> None:
    in_fresh_process(same_site, str(make_hub()), str(tmp_path / "here"), str(tmp_path / "ahead"))
    assert site_files(tmp_path / "ahead") == site_files(tmp_path / "here")
    assert (tmp_path / "here" / "en" / "index.html").is_file()


def invalid_content(hub: str) -> None:
    with read_ahead(Path(hub)) as ahead:
        assert ahead is not None
        assert ahead.content() is None  # the build reads it itself, and reports why


def test_invalid_content_read_ahead_is_reported_as_ever(make_hub: MakeHub) -> None:
    in_fresh_process(invalid_content, str(make_hub({"hub.yaml": "name: [unclosed\n"})))


def stopped_reader(hub: str, site: str) -> None:
    with read_ahead(Path(hub)) as ahead:
        assert ahead is not None and ahead._pid is not None
        os.kill(ahead._pid, signal.SIGKILL)
        assert ahead.content() is None
        report = build(Path(hub), Path(site), pdf=False, ahead=ahead)
    assert report.total_pages > 10


def test_a_reader_that_was_stopped_leaves_the_build_to_read_the_content(
        make_hub: MakeHub, tmp_path: Path) -> None:
    in_fresh_process(stopped_reader, str(make_hub()), str(tmp_path / "site"))
    assert (tmp_path / "site" / "en" / "index.html").is_file()


def reader_waited_for(hub: str) -> None:
    with read_ahead(Path(hub)) as ahead:
        assert ahead is not None
        pid = ahead._pid
    assert pid is not None
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return  # waited for already: no process left behind
    raise AssertionError("the reader was not waited for")


def test_the_reader_is_stopped_and_waited_for_when_the_build_ends_early(
        make_hub: MakeHub) -> None:
    in_fresh_process(reader_waited_for, str(make_hub()))


def test_haven_build_reports_each_problem_once(make_hub: MakeHub, tmp_path: Path) -> None:
    """The reader writes nothing to the terminal: the build itself reports the problems."""
    hub = make_hub({"hub.yaml": (make_hub() / "hub.yaml").read_text(encoding="utf-8")
                    .replace("source_language: en", "source_language: xx-notalanguage")})
    haven = str(Path(sys.executable).with_name("haven"))
    done = subprocess.run([haven, "build", str(hub), "--output", str(tmp_path / "site"),
                           "--no-pdf"], check=False, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    problem = [line for line in done.stderr.splitlines() if line.startswith("hub.yaml:")]
    assert problem and len(problem) == len(set(problem)), done.stderr
    assert not (tmp_path / "site").exists()
