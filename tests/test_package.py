"""The package as people install it: a wheel named haven-hub that carries everything the
installed tool refers to, Playwright only in the privacy extra, phonenumberslite."""

from __future__ import annotations

import email
import importlib.metadata
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from haven.cli import main
from haven.errors import HavenError
from haven.privacy.browser import ENV, find_browser

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the files git knows (as a fresh clone has them), offline."""
    work = tmp_path_factory.mktemp("wheel")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    source = work / "source"
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(out), str(source)],
                   check=True, capture_output=True)
    (built,) = out.glob("*.whl")
    return built


def test_wheel_is_haven_hub_with_the_haven_command(wheel: Path) -> None:
    assert wheel.name.startswith("haven_hub-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert metadata["Name"] == "haven-hub"
    assert "haven = haven.cli:main" in entry_points
    requires = metadata.get_all("Requires-Dist") or []
    plain = [r for r in requires if "extra ==" not in r]
    assert any(r.startswith("phonenumberslite") for r in plain), requires
    assert not any(r.split(">")[0].split("=")[0].strip() == "phonenumbers" for r in requires)
    assert not any(r.startswith("playwright") for r in plain), plain
    playwright = [r for r in requires if r.startswith("playwright")]
    assert playwright and all("extra ==" in r for r in playwright)
    assert any('extra == "privacy"' in r for r in playwright)
    assert "privacy" in (metadata.get_all("Provides-Extra") or [])


def test_wheel_carries_every_file_the_tool_refers_to(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    package = ROOT / "src" / "haven"
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "src/haven"],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    missing = [name.removeprefix("src/") for name in tracked
               if (ROOT / name).is_file() and name.removeprefix("src/") not in names]
    assert not missing, f"not in the wheel: {missing}"
    for guide in sorted((ROOT / "docs").glob("*.md")):
        assert f"haven/docs/{guide.name}" in names, guide.name
    assert "haven/py.typed" in names and (package / "py.typed").is_file()
    assert not [n for n in names if n.startswith(("tests/", "bench/", "docs/"))]


def test_installed_wheel_points_staff_to_its_own_guide(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    hub = tmp_path / "our-hub"
    code = ("import sys; sys.path.insert(0, sys.argv.pop(1)); import haven; "
            "assert haven.__file__.startswith(sys.path[0]), haven.__file__; "
            "from haven.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, str(target), "init", str(hub)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    guide = target / "haven" / "docs" / "authoring.md"
    assert guide.is_file()
    assert f"Every file and field is explained in {guide}" in " ".join(result.stderr.split())
    assert str(guide) in (hub / "hub.yaml").read_text()
    assert "{authoring_guide}" not in (hub / "hub.yaml").read_text()


def test_checkout_points_to_docs(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "hub")])
    assert result.exit_code == 0, result.output
    assert str(ROOT / "docs" / "authoring.md") in (tmp_path / "hub" / "hub.yaml").read_text()


# The privacy extra -------------------------------------------------------------------------


@pytest.fixture
def no_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright made unimportable, as in an install without the privacy extra."""
    for name in list(sys.modules):
        if name == "playwright" or name.startswith("playwright."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "playwright", None)


@pytest.mark.usefixtures("no_playwright")
def test_privacy_without_the_extra_says_how_to_add_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>x</title>")
    runner = CliRunner()
    for args in (["privacy", str(site)], ["check", "--offline", "--privacy", "--site", str(site)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        text = " ".join(result.output.split())
        assert "haven-hub[privacy]" in text and "pipx install 'haven-hub[privacy]'" in text, text
        assert "No browser is downloaded" in text


def test_privacy_crawl_needs_no_other_part_of_playwright() -> None:
    """Only haven.privacy imports Playwright, and only when a crawl starts."""
    code = ("import sys; import haven.cli, haven.build, haven.privacy, haven.cli.commands.check; "
            "print(any(m.split('.')[0] == 'playwright' for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


# Finding the browser -----------------------------------------------------------------------


def test_haven_chromium_names_the_browser(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.setenv(ENV, "/usr/bin/chromium")
    assert find_browser() == "/usr/bin/chromium"
    monkeypatch.setenv(ENV, str(tmp_path / "no-such-browser"))
    with pytest.raises(HavenError, match="HAVEN_CHROMIUM is set to"):
        find_browser()


def test_chrome_or_edge_on_path_is_found(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    monkeypatch.delenv(ENV, raising=False)
    for name in ("microsoft-edge", "google-chrome"):
        folder = tmp_path / name
        folder.mkdir()
        program = folder / name
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
        monkeypatch.setenv("PATH", str(folder))
        assert find_browser() == str(program)


def test_windows_install_places_are_searched(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    from haven.privacy import browser

    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PROGRAMFILES", str(tmp_path / "Program Files"))
    edge = tmp_path / "Program Files" / "Microsoft" / "Edge" / "Application" / "msedge.exe"
    edge.parent.mkdir(parents=True)
    edge.write_text("")
    assert edge in browser._known_paths()
    if not Path("/usr/bin/chromium").exists():
        assert find_browser() == str(edge)


# phonenumberslite --------------------------------------------------------------------------


def test_phone_numbers_come_from_phonenumberslite() -> None:
    assert importlib.metadata.packages_distributions()["phonenumbers"] == ["phonenumberslite"]
    requires = importlib.metadata.requires("haven-hub") or []
    assert any(r.startswith("phonenumberslite") for r in requires)
    with pytest.raises(ImportError):
        __import__("phonenumbers.geocoder")
    assert os.path.basename(importlib.metadata.distribution("haven-hub").metadata["Name"]) \
        == "haven-hub"
