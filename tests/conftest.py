"""Shared fixtures: a starter hub with overrides, a CLI runner, the bundled example, and
Debian's Chromium with a loopback server for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import haven.scaffold
from haven.example import example_content

ROOT = Path(__file__).resolve().parents[1]
_CACHE_HOME = tempfile.mkdtemp(prefix="haven-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
"""Haven's cache folder for the whole run, the commands the tests start included: a run
starts with none (as a new machine does), and leaves the developer's own cache untouched
(a run parses thousands of hub folders that exist only for a test)."""
HAVEN = [sys.executable, "-c", "from haven.cli import main; main(prog_name='haven')"]
"""The `haven` command as a new process, with this interpreter."""
Overrides = Mapping[str, "str | bytes | None"]
MakeHub = Callable[..., Path]


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE_HOME, ignore_errors=True)


@pytest.fixture
def make_hub(tmp_path: Path) -> MakeHub:
    """Factory: a copy of the starter hub (`haven init`) with some files replaced.

    `make_hub({"hub.yaml": text, "documents/welcome.md": None})` writes `text` (str is
    written as UTF-8, bytes as they are) and deletes the files mapped to None. Each call
    makes a new folder under tmp_path and returns it.
    """
    counter = 0

    def make(files: Overrides | None = None, name: str | None = None) -> Path:
        nonlocal counter
        counter += 1
        root = tmp_path / (name or f"hub{counter}")
        haven.scaffold.create(root)
        for relative, content in (files or {}).items():
            path = root / relative
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def cli() -> CliRunner:
    """A click runner; in click 8.2+ `result.output` holds stdout and stderr interleaved."""
    return CliRunner()


@pytest.fixture
def example_dir() -> Path:
    """The bundled Hartford example content."""
    return example_content()


STARTER = Path(str(resources.files("haven") / "scaffold" / "hub"))
"""The starter hub that `haven init` copies: a small, valid content folder."""


def starter_text(relative: str) -> str:
    """The text of one file of the starter hub."""
    return (STARTER / relative).read_text(encoding="utf-8")


@pytest.fixture
def edit() -> Callable[..., dict[str, str]]:
    """`edit("hub.yaml", ("old", "new"), ...)`: the starter file with each `old` replaced once.

    Returns an override for make_hub. Each `old` must occur exactly once, so a test cannot
    silently stop testing what it says when the starter hub changes.
    """

    def make(relative: str, *replacements: tuple[str, str]) -> dict[str, str]:
        text = starter_text(relative)
        for old, new in replacements:
            assert text.count(old) == 1, f"{old!r} is not in {relative} exactly once"
            text = text.replace(old, new)
        return {relative: text}

    return make


# -- Chromium and local servers -----------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
"""Debian's Chromium, driven by Playwright (no browser download), headless by default."""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian's chromium is not installed")


@contextmanager
def chromium(**options: Any) -> Iterator[Any]:
    """A Chromium browser for one block: `with chromium() as browser: …`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, **options)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for every test of a module."""
    with chromium() as instance:
        yield instance


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_server(folder: Path) -> Iterator[str]:
    """`folder` served by Haven's preview server on a free port of 127.0.0.1; yields the
    origin (`http://127.0.0.1:PORT`)."""
    from haven.serve import make_server

    server = make_server(folder, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def hartford_with(languages: list[str], root: Path) -> Path:
    """A copy of the Hartford content serving only `languages` (keeps browser tests short)."""
    shutil.copytree(example_content(), root)
    hub = root / "hub.yaml"
    text = hub.read_text(encoding="utf-8")
    block = re.search(r"^languages:\n(?:(?:  .*|#.*)?\n)+", text, re.MULTILINE)
    assert block is not None
    hub.write_text(text.replace(block.group(0), f"languages: [{', '.join(languages)}]\n"),
                   encoding="utf-8")
    for po in (root / "translations").glob("*.po"):
        if po.stem not in languages:
            po.unlink()
    return root


def in_fresh_process(target: Callable[..., None], *args: str) -> str:
    """Run `target(*args)`, a test module's function, in a new Python process, and fail with
    its output if it fails; its standard output. Haven forks (the language workers, the
    content read ahead) only in a process with one thread, and a test process has more once
    Typst has compiled a PDF in it. The process sees two cores, whatever the machine has, so
    that it forks as on the 2-core machines these tests are written for."""
    code = (f"import os; os.cpu_count = lambda: 2\n"
            f"import {target.__module__} as m; m.{target.__name__}(*{args!r})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
