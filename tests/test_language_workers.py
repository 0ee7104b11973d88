"""A full build renders each language in forked workers (haven.workers.language_workers),
which prepare their languages while the main process makes the shared pages: the site is
byte for byte the one rendered in-process, a language's error is reported as in-process, and
a worker that dies fails the build without publishing anything. Each build that forks runs
in a fresh process (`in_fresh_process`): Haven forks only while a process has one thread."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import haven.workers
from haven.build import build
from haven.errors import HavenError, StrictError
from haven.render.site import Renderer
from tests.conftest import hartford_with, in_fresh_process

LANGUAGES = ["en", "es", "ar", "zh-Hans", "vi", "ht"]


def site_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".haven-site" not in p.parts}


def counting_workers() -> list[int]:
    """Count the builds that forked language workers (and how many)."""
    entered: list[int] = []
    forked = haven.workers.language_workers

    def counted(job, workers, share):  # type: ignore[no-untyped-def]
        entered.append(workers)
        return forked(job, workers, share)

    haven.workers.language_workers = counted  # type: ignore[assignment]
    return entered


def forked_build(hub: str, site: str, how: str) -> None:
    entered = counting_workers()
    if how == "no-shared-pages":  # the workers make the skeletons themselves
        Renderer.shared_pages = lambda self: None  # type: ignore[method-assign]
    if how == "strict":
        try:
            build(Path(hub), Path(site), pdf=False, strict=True)
        except StrictError as exc:
            print(exc.format_message())
    else:
        print("\n".join(map(str, build(Path(hub), Path(site), pdf=False).warnings)))
    assert entered == [2], entered


def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds in this process render language by language (as with another thread running)."""
    monkeypatch.setattr(haven.workers, "thread_count", lambda: 2)


def test_workers_build_byte_for_byte_the_site_built_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same files, and the same warnings: each worker sums its language's findings."""
    in_process(monkeypatch)
    hub = hartford_with(LANGUAGES, tmp_path / "hub")
    report = build(hub, tmp_path / "here", pdf=False)  # in this process: language by language
    warned = "\n".join(map(str, report.warnings))
    assert warned.count("translation(s) fail a check") >= 3  # the example's drafts have some
    for how in ("shared-pages", "no-shared-pages"):
        said = in_fresh_process(forked_build, str(hub), str(tmp_path / how), how)
        assert site_files(tmp_path / how) == site_files(tmp_path / "here"), how
        assert said.strip() == warned.strip(), how
    assert len(site_files(tmp_path / "here")) > 100
    try:
        build(hub, tmp_path / "strict", pdf=False, strict=True)
    except StrictError as exc:  # every finding, at its line
        expected = exc.format_message()
    assert expected.count(".po:") > 3
    assert in_fresh_process(forked_build, str(hub), str(tmp_path / "s"), "strict").strip() \
        == expected.strip()


def failing_build(hub: str, site: str) -> None:
    """Build in workers; print the error it ends with."""
    entered = counting_workers()
    try:
        build(Path(hub), Path(site), pdf=False)
    except HavenError as exc:
        print(exc.format_message())
    else:
        raise AssertionError("the build did not fail")
    assert entered == [2], entered


def test_a_languages_error_in_a_worker_is_the_error_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two broken catalogs: the first in the languages' order is reported, as in-process."""
    in_process(monkeypatch)
    hub = hartford_with(LANGUAGES, tmp_path / "hub")
    for tag in ("vi", "ar"):
        po = hub / "translations" / f"{tag}.po"
        text = po.read_text(encoding="utf-8")
        at = text.index('msgstr "', text.index("msgctxt"))
        po.write_text(text[:at] + 'msgstr "a\x01b"' + text[text.index("\n", at):],
                      encoding="utf-8")
    try:
        build(hub, tmp_path / "here", pdf=False)
    except HavenError as exc:
        expected = exc.format_message()
    else:
        raise AssertionError("the in-process build did not fail")
    assert "ar.po" in expected and "vi.po" not in expected
    said = in_fresh_process(failing_build, str(hub), str(tmp_path / "site"))
    assert said.strip() == expected.strip()
    assert not (tmp_path / "site").exists()


def dying_build(hub: str, site: str) -> None:
    finish = haven.workers.Job.finish

    def dies(self, prepared):  # type: ignore[no-untyped-def]
        if prepared.view.lang == "zh-Hans":
            os.kill(os.getpid(), signal.SIGKILL)
        return finish(self, prepared)

    haven.workers.Job.finish = dies  # type: ignore[method-assign]
    failing_build(hub, site)


def test_a_worker_that_dies_fails_the_build_and_publishes_nothing(tmp_path: Path) -> None:
    hub = hartford_with(LANGUAGES, tmp_path / "hub")
    said = in_fresh_process(dying_build, str(hub), str(tmp_path / "site"))
    assert "a language worker stopped before it was done" in said
    assert not (tmp_path / "site").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".haven-new", ".haven-old"))]
