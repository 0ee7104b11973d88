"""Safe defaults: the hub is found like git finds its repository, the bundled example is
never used silently nor written into, and every hint names the hub so copying it is right."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from haven.cli import main
from haven.errors import HavenError
from haven.example import example_content
from haven.locate import (
    ALLOW_PACKAGE_WRITES,
    example_notice,
    find_hub,
    refuse_package_writes,
    shell,
)
from haven.scaffold import create
from haven.serve import ContentFilter, snapshot

HSDS_FILE = Path(__file__).parent / "data" / "hsds-3.0" / "examples" / "organization_full.json"


def run(args: list[str], code: int = 0) -> Result:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def flat(result: Result) -> str:
    """The output as one line (a console may wrap long lines)."""
    return " ".join(result.output.split())


def hint_after(result: Result, words: str) -> list[str]:
    """The arguments of the hint `"haven …"` printed after `words`, as the shell splits them."""
    text = flat(result)
    assert words in text, text
    start = text.index('"haven ', text.index(words)) + len('"haven ')
    return shlex.split(text[start:text.index('"', start)])


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    """A starter hub in a folder whose name needs quoting in a shell."""
    root = tmp_path / "my hub"
    create(root)
    return root


@pytest.fixture
def no_env_permission(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_PACKAGE_WRITES, raising=False)


# -- finding the hub ------------------------------------------------------------------------


def test_the_hub_is_found_from_a_subfolder(hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(hub / "documents")
    assert find_hub() == Path("..")
    result = run(["build", "--no-pdf"])
    assert "bundled" not in result.output
    assert (hub / "site" / "es" / "index.html").is_file()
    assert not (hub / "documents" / "site").exists()
    run(["translate", "update"])
    assert (hub / "translations" / "es.po").is_file()
    assert not (hub / "documents" / "translations").exists()


def test_a_named_folder_is_used_as_named(hub: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    create(other)
    monkeypatch.chdir(hub)  # a hub here, but the command names another
    run(["build", str(other), "--no-pdf"])
    assert (other / "site" / "index.html").is_file() and not (hub / "site").exists()


def test_commands_other_than_build_and_serve_need_a_hub(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["translate", "status"], ["outreach"], ["check", "--offline"],
                 ["export", "hsds"], ["import", "hsds", str(HSDS_FILE)]):
        result = run(args, code=1)
        assert "no hub.yaml in" in result.output and "haven init FOLDER" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_bundled_example_is_said_first(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["build", "--no-pdf"])
    assert result.output.splitlines()[0] == example_notice("building")
    assert "No hub.yaml here or in any folder above" in result.output.splitlines()[0]
    assert (tmp_path / "site" / "index.html").is_file()  # here, never inside the package
    assert not (example_content() / "site").exists()
    assert hint_after(result, "or run") == ["serve"]  # serving the example again, here


def test_the_preview_of_the_bundled_example_says_so_first(tmp_path: Path) -> None:
    """`haven serve` runs until stopped: its first line is read, then it is stopped."""
    haven = Path(sys.executable).with_name("haven")
    work, scratch = tmp_path / "here", tmp_path / "tmp"  # what a stopped build leaves stays here
    work.mkdir()
    scratch.mkdir()
    process = subprocess.Popen([str(haven), "serve", "--port", "0"], cwd=work,
                               env={**os.environ, "TMPDIR": str(scratch)},
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline().strip()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    assert first == example_notice("previewing")


# -- never writing into the installed package ---------------------------------------------


@pytest.mark.usefixtures("no_env_permission")
@pytest.mark.parametrize("args", [
    ["translate", "update", "{example}"],
    ["translate", "import", "{file}", "{example}"],
    ["translate", "draft", "es", "{example}", "--url", "http://127.0.0.1:9"],
    ["import", "hsds", str(HSDS_FILE), "--into", "{example}"],
    ["build", "{example}", "-o", "{example}/site"],
    ["serve", "{example}", "-o", "{example}/site", "--port", "0"],
    ["outreach", "{example}", "-o", "{example}/outreach"],
    ["export", "hsds", "{example}", "-o", "{example}/hsds"],
    ["init", "{example}/new"],
])
def test_writers_refuse_the_installed_package(args: list[str], tmp_path: Path) -> None:
    example = example_content()
    before = {p: p.read_bytes() for p in sorted(example.rglob("*")) if p.is_file()}
    work = tmp_path / "es-todo.po"
    work.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n', encoding="utf-8")
    words = [a.format(example=example, file=work) for a in args]
    result = run(words, code=1)
    assert "inside Haven's installed package" in flat(result)
    assert "haven init FOLDER" in result.output
    after = {p: p.read_bytes() for p in sorted(example.rglob("*")) if p.is_file()}
    assert after == before


@pytest.mark.usefixtures("no_env_permission")
def test_a_writer_run_inside_the_example_folder_refuses_too(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(example_content() / "translations")
    result = run(["translate", "update"], code=1)
    assert "inside Haven's installed package" in flat(result)


def test_the_project_itself_may_write_its_example(monkeypatch: pytest.MonkeyPatch) -> None:
    target = example_content() / "translations"
    monkeypatch.delenv(ALLOW_PACKAGE_WRITES, raising=False)
    with pytest.raises(HavenError, match="installed package"):
        refuse_package_writes(target, "the catalogs")
    monkeypatch.setenv(ALLOW_PACKAGE_WRITES, "1")
    refuse_package_writes(target, "the catalogs")  # no refusal


# -- hints that name the hub ----------------------------------------------------------------


def test_builds_hint_names_the_hub_and_the_output(hub: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["build", str(hub), "--no-pdf"])
    assert shell("serve", hub) in flat(result)  # quoted: 'my hub'
    assert hint_after(result, "or run") == ["serve", str(hub)]

    out = tmp_path / "public site"
    result = run(["build", str(hub), "--no-pdf", "-o", str(out)])
    assert hint_after(result, "or run") == ["serve", str(hub), "-o", str(out)]

    monkeypatch.chdir(hub / "documents")
    result = run(["build", "--no-pdf"])
    assert hint_after(result, "or run") == ["serve", ".."]


def test_translate_exports_hint_imports_into_the_same_hub(hub: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run(["translate", "export", "es", str(hub)])
    words = hint_after(result, "bring it back with")
    assert words == ["translate", "import", "es-todo.po", str(hub)]
    # Copying the hint does the right thing: it imports into the hub, not the example.
    result = run(words)
    assert str(hub / "translations" / "es.po") in flat(result)


def test_checks_hint_builds_the_hub(hub: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["check", str(hub), "--offline"])
    assert hint_after(result, "No built site in") == ["build", str(hub)]
    run(hint_after(result, "No built site in") + ["--no-pdf"])
    result = run(["check", str(hub), "--offline"])
    assert (hub / "site" / "_staff" / "check.html").is_file()


def test_translate_checks_hint_names_the_hub(hub: Path) -> None:
    run(["translate", "update", str(hub)])
    po = hub / "translations" / "es.po"
    text = po.read_text(encoding="utf-8")
    old = 'msgctxt "topic:legal-help:name"\nmsgid "Free legal help"\nmsgstr ""'
    assert old in text
    po.write_text(text.replace(old, old[:-2] + '"Ayuda legal gratuita {x}"'), encoding="utf-8")
    result = run(["translate", "check", str(hub)], code=1)
    assert hint_after(result, "then run") == ["translate", "check", str(hub)]


# -- where output goes ------------------------------------------------------------------------


def test_default_outputs_go_beside_hub_yaml(hub: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run(["build", str(hub), "--no-pdf"])
    run(["outreach", str(hub)])
    assert (hub / "site" / "index.html").is_file()
    assert (hub / "outreach" / "sms.csv").is_file()
    assert not (tmp_path / "site").exists() and not (tmp_path / "outreach").exists()


def test_the_preview_does_not_watch_its_own_site(hub: Path) -> None:
    run(["build", str(hub), "--no-pdf"])
    edits = ContentFilter(hub, hub / "site")
    names = {Path(name).relative_to(hub).parts[0] for name in snapshot(hub, edits)}
    assert "site" not in names and "hub.yaml" in names
