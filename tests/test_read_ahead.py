"""`haven build` reads and validates the content in a second process while the first imports
the renderer (haven.content.ahead): the same content, the same site, the same messages, and
nothing left running."""

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
from tests.conftest import MakeHub


def site_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".haven-site" not in p.parts}


@pytest.mark.parametrize("which", ["example", "starter"])
def test_the_content_read_ahead_is_the_content_read_here(example_dir: Path, make_hub: MakeHub,
                                                         which: str) -> None:
    root = example_dir if which == "example" else make_hub()
    expected = validate(load(root))
    with read_ahead(root) as ahead:
        assert ahead is not None, "two cores and fork: the content is read in another process"
        assert ahead.files == files_of(root)
        content = ahead.content()
    assert content is not None and content is not expected
    assert content == expected  # every record, warning, origin and catalog
    assert content.organizations and (which == "example" or content.warnings)


def test_a_site_built_from_the_content_read_ahead_is_byte_for_byte_the_same(
        make_hub: MakeHub, tmp_path: Path) -> None:
    hub = make_hub()
    build(hub, tmp_path / "here", pdf=False)
    with read_ahead(hub) as ahead:
        assert ahead is not None
        build(hub, tmp_path / "ahead", pdf=False, ahead=ahead)
    assert site_files(tmp_path / "ahead") == site_files(tmp_path / "here")


def test_invalid_content_read_ahead_is_reported_as_ever(make_hub: MakeHub) -> None:
    hub = make_hub({"hub.yaml": "name: [unclosed\n"})
    with read_ahead(hub) as ahead:
        assert ahead is not None
        assert ahead.content() is None  # the build reads it itself, and reports why


def test_a_reader_that_was_stopped_leaves_the_build_to_read_the_content(
        make_hub: MakeHub, tmp_path: Path) -> None:
    hub = make_hub()
    with read_ahead(hub) as ahead:
        assert ahead is not None and ahead._pid is not None
        os.kill(ahead._pid, signal.SIGKILL)
        assert ahead.content() is None
        report = build(hub, tmp_path / "site", pdf=False, ahead=ahead)
    assert report.total_pages > 10 and (tmp_path / "site" / "en" / "index.html").is_file()


def test_the_reader_is_stopped_and_waited_for_when_the_build_ends_early(
        make_hub: MakeHub) -> None:
    hub = make_hub()
    with read_ahead(hub) as ahead:
        assert ahead is not None
        pid = ahead._pid
    assert pid is not None
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # waited for already: no process left behind
    else:
        raise AssertionError("the reader was not waited for")


def test_haven_build_reports_each_problem_once(
        make_hub: MakeHub, tmp_path: Path) -> None:
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
