"""Build behaviour: atomic publication, concurrent builds, the preview server."""

from __future__ import annotations

import io
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import haven.output
from haven.build import BuildReport, build
from haven.errors import ContentError, OutputError
from haven.output import MARKER
from haven.scaffold import create
from haven.serve import Preview, make_server, rebuild
from tests.conftest import MakeHub


@pytest.fixture()
def hub(tmp_path: Path) -> Path:
    folder = tmp_path / "hub"
    create(folder)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_failure_mid_write_leaves_previous_site_intact(hub: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build(hub, out)
    before = _snapshot(out)
    (hub / "hub.yaml").write_text((hub / "hub.yaml").read_text().replace(
        "Every child has the right", "Changed, every child has the right"))

    real_write = haven.output.Staging.write
    calls = {"n": 0}

    def failing_write(self: haven.output.Staging, name: str, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        real_write(self, name, data)

    monkeypatch.setattr(haven.output.Staging, "write", failing_write)
    with pytest.raises(OSError):  # a full build (tests/test_incremental.py: an incremental one)
        build(hub, out, clean=True)
    monkeypatch.undo()
    assert calls["n"] == 5
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".haven-new")]


def test_invalid_content_publishes_nothing(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, out)
    before = _snapshot(out)
    (hub / "topics.yaml").write_text("topics:\n  - id: Bad Id\n    name: x\n")
    with pytest.raises(ContentError):
        build(hub, out)
    assert _snapshot(out) == before


def test_concurrent_builds_never_mix(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    other = tmp_path / "other"
    create(other)
    (other / "hub.yaml").write_text((other / "hub.yaml").read_text().replace(
        "Our District — Protecting", "Second Hub — Protecting"))
    errors: list[BaseException] = []

    def run(folder: Path) -> None:
        try:
            for _ in range(4):
                build(folder, out)
        except BaseException as exc:
            errors.append(exc)
            raise

    threads = [threading.Thread(target=run, args=(f,)) for f in (hub, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    files = _snapshot(out)
    assert MARKER in files
    homes = [files[name] for name in files if name.endswith("index.html")]
    from_second = [b"Second Hub" in h for h in homes]
    assert all(from_second) or not any(from_second), "pages of two builds were mixed"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".haven-new", ".haven-old"))]


def test_output_folder_of_someone_elses_files_is_refused(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "budget.xlsx").write_bytes(b"precious")
    with pytest.raises(OutputError, match="did not build"):
        build(hub, out)
    assert (out / "budget.xlsx").read_bytes() == b"precious"


def test_preview_server_serves_on_loopback_and_rebuilds(hub: Path, tmp_path: Path) -> None:
    """The preview's parts in one process (tests/test_preview.py runs `haven serve` itself)."""
    from rich.console import Console

    out = tmp_path / "site"
    console = Console(file=io.StringIO())
    preview = Preview(out)
    assert isinstance(rebuild(hub, out, console), BuildReport)
    preview.built([])
    server = make_server(out, 0, preview)
    assert server.server_address[0] == "127.0.0.1"
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()

    def get(path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}") as answer:
                assert answer.headers["Referrer-Policy"] == "no-referrer"
                return int(answer.status), answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    try:
        status, body = get("/en/")
        assert status == 200 and b"Every child has the right" in body
        assert f'data-build="{preview.build}"'.encode() in body
        (hub / "hub.yaml").write_text((hub / "hub.yaml").read_text().replace(
            "Every child has the right", "Each and every child has the right"))
        assert isinstance(rebuild(hub, out, console), BuildReport)
        preview.built([])
        status, body = get("/en/")
        assert b"Each and every child" in body and f'data-build="{preview.build}"'.encode() in body
        # A broken edit keeps the last good site, one link away from the problems page.
        (hub / "hub.yaml").write_text("name: [unclosed\n")
        problems = rebuild(hub, out, console)
        assert isinstance(problems, list) and problems[0].startswith("hub.yaml:1: ")
        preview.built(problems)
        status, body = get("/en/")
        assert status == 503 and b"hub.yaml:1: " in body and b"/_haven/last-good/en/" in body
        status, body = get("/_haven/last-good/en/")
        assert status == 200 and b"Each and every child" in body
        assert b"Each and every child" in (out / "en" / "index.html").read_bytes()
        assert get("/sw.js")[0] == 200
    finally:
        preview.close()
        server.shutdown()
        server.server_close()


def test_strict_build_with_a_warning_publishes_nothing(hub: Path, tmp_path: Path) -> None:
    from haven.errors import StrictError

    (hub / "translations").mkdir()
    (hub / "translations" / "fr.po").write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n')
    out = tmp_path / "site"
    with pytest.raises(StrictError, match="fr.po"):
        build(hub, out, strict=True)
    assert not out.exists()
    assert build(hub, out).warnings
    assert (out / "index.html").is_file()


def test_build_makes_linked_pdfs_and_reuses_unchanged_ones(hub: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import haven.print.render

    out = tmp_path / "site"
    build(hub, out)
    home = (out / "es" / "index.html").read_text()
    links = [href for href in re.findall(r'href="([^"]+\.pdf)"', home)]
    assert len(links) == 4  # flyer and rights card, Letter and A4 (no staff page: no poster)
    for href in links:
        assert (out / "es" / href).resolve().read_bytes().startswith(b"%PDF-")
    before = _snapshot(out)

    def no_compiler(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged piece was compiled again")

    monkeypatch.setattr(haven.print.render.typst, "Compiler", no_compiler)
    build(hub, out)
    assert _snapshot(out) == before
    (hub / "hub.yaml").write_text((hub / "hub.yaml").read_text().replace(
        "Every child has the right", "Each child has the right"))
    with pytest.raises(AssertionError, match="compiled again"):
        build(hub, out)
    assert build(hub, tmp_path / "without", pdf=False).files < len(before)
    assert not (tmp_path / "without" / "pdf").exists()


def test_a_language_worker_failing_mid_write_leaves_previous_site_intact(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """31 languages: the languages render (and write) in forked workers when the test process
    has a single thread, in-process otherwise; either way a failure publishes nothing."""
    from haven.example import example_content

    out = tmp_path / "site"
    build(example_content(), out, pdf=False)
    before = _snapshot(out)
    real_write = haven.output.Staging.write
    calls = {"n": 0}

    def failing_write(self: haven.output.Staging, name: str, data: bytes) -> None:
        calls["n"] += 1  # counted per process: each forked worker has its own copy
        if calls["n"] == 300:
            raise OSError(28, "No space left on device")
        real_write(self, name, data)

    monkeypatch.setattr(haven.output.Staging, "write", failing_write)
    with pytest.raises(OSError, match="No space left"):  # a full build
        build(example_content(), out, pdf=False, clean=True)
    monkeypatch.undo()
    assert _snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".haven-new", ".haven-old"))]


def test_build_collects_garbage_less_often_and_restores_the_setting(hub: Path, tmp_path: Path) -> None:
    import gc

    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    build(hub, tmp_path / "site", progress=lambda done, total: during.append(gc.get_threshold()),
          pdf=False)
    assert during and all(t[0] >= 20_000 for t in during)
    assert gc.get_threshold() == before


def test_a_page_over_the_budget_is_named_in_a_warning(make_hub: MakeHub, tmp_path: Path) -> None:
    """Each language's largest pages are weighed (compressed, with the stylesheet) where
    they are made; one over 14 KB is named, and is the heaviest page of the summary."""
    import random

    from haven.build import PAGE_BUDGET

    words = random.Random(7)
    text = " ".join("".join(words.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))
                    for _ in range(6000))
    hub = make_hub()
    letter = hub / "documents" / "welcome.md"
    letter.write_text(letter.read_text() + "\n\n" + text + "\n")
    report = build(hub, tmp_path / "site", pdf=False)
    name, size = report.heaviest
    assert name.endswith("welcome/index.html") and size > PAGE_BUDGET
    over = [w for w in report.warnings if "budget" in w.message]
    assert {w.file for w in over} == {f"{tag}/welcome/index.html" for tag in report.pages}
    assert all(f"{PAGE_BUDGET:,}-byte" in w.message for w in over)


def test_the_build_record_beside_a_site_in_the_hub_is_not_watched_nor_served(hub: Path) -> None:
    """The default output is the hub's `site/`: the record, spare and lock an incremental build
    keeps beside it are then in the hub folder, where the preview's watcher must not see them
    (each build would trigger the next) and nothing of them is in the site that is served."""
    from watchfiles import Change

    from haven.incremental import spare_folder, state_folder
    from haven.serve import ContentFilter, snapshot

    out = hub / "site"
    edits = ContentFilter(hub, out)
    build(hub, out, pdf=False)
    (hub / "hub.yaml").write_text((hub / "hub.yaml").read_text().replace(
        "Every child has the right", "Each and every child has the right"))
    seen = snapshot(hub, edits)
    assert build(hub, out, pdf=False).remade, "an incremental build"
    records = list(state_folder(out).iterdir())
    assert state_folder(out).parent == hub and records
    assert spare_folder(out).is_dir()
    assert snapshot(hub, edits) == seen
    assert not any(edits(Change.added, str(path)) for path in
                   [*records, *spare_folder(out).rglob("*")])
    assert edits(Change.modified, str(hub / "hub.yaml"))
    assert not [p for p in out.rglob("*") if ".haven-state" in str(p.relative_to(out))]
