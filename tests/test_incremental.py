"""Incremental builds (haven.incremental): an edit re-renders exactly the pages it changes, in
every language, the result is byte for byte a clean build's, and an interrupted build leaves
the previous site as it was."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import haven.incremental
from haven.build import BuildReport, build
from haven.cli import main
from haven.incremental import package_digest, spare_folder, state_folder
from haven.output import MARKER
from tests.test_shared_pages import _synthetic

Edit = Callable[[Path], None]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic hub (bench/make_synthetic_hub.py): 4 languages, 12 organizations."""
    return _synthetic(tmp_path_factory.mktemp("synthetic") / "hub", languages=4,
                      organizations=12)


@pytest.fixture()
def built(original: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the hub and its site, built in full."""
    hub = tmp_path / "hub"
    shutil.copytree(original, hub)
    site = tmp_path / "site"
    assert build(hub, site, pdf=False).remade is None
    return hub, site


def _organization_text(hub: Path) -> None:
    _replace(hub / "directory" / "org-0003.yaml", "description: ", "description: Edited. ")


def _organization_phone(hub: Path) -> None:
    path = hub / "directory" / "org-0003.yaml"
    number = re.search(r"number: (\d{3}-555-01\d\d)", path.read_text())
    assert number
    _replace(path, number[0], "number: 860-555-0177")


def _document(hub: Path) -> None:
    path = hub / "documents" / "letter.md"
    body = path.read_text(encoding="utf-8").split("---", 2)[2]
    paragraph = next(line for line in body.splitlines() if len(line) > 40
                     and not line.startswith(("#", "-", "*")))
    _replace(path, paragraph, paragraph + " Edited.")


def _catalog_entry(hub: Path) -> None:
    path = hub / "translations" / "es.po"
    text = path.read_text(encoding="utf-8")
    found = re.search(r'msgid "Family Welcome Center"\nmsgstr "([^"]*)"', text)
    assert found, "the phone label's Spanish entry"
    _replace(path, found[0], found[0].replace(found[1], "Centro de bienvenida"))


def _hub_yaml(hub: Path) -> None:
    _replace(hub / "hub.yaml", "You are welcome here.", "You are very welcome here.")


def _interpretation(hub: Path) -> None:
    _replace(hub / "hub.yaml", "Interpretation is free.", "Interpretation is always free.")


def _topic(hub: Path) -> None:
    path = hub / "topics.yaml"
    found = re.search(r"description: (\S+)", path.read_text(encoding="utf-8"))
    assert found
    _replace(path, found[0], f"description: Edited {found[1]}")


EDITS: dict[str, tuple[Edit, Callable[[str], bool]]] = {
    # the edit, and a page the edit must re-render (checked besides the exact set)
    "organization text": (_organization_text, lambda n: "/help/org/org-0003/" in n),
    "organization phone": (_organization_phone, lambda n: "/help/org/org-0003/" in n),
    "document": (_document, lambda n: n.endswith("/letter/index.html")),
    "catalog entry": (_catalog_entry, lambda n: n == "es/index.html"),
    "hub.yaml": (_hub_yaml, lambda n: n == "fr/index.html"),
    "topic": (_topic, lambda n: "/help/" in n),
    "interpretation": (_interpretation, lambda n: n == "es/offline/index.html"),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_an_edit_rebuilds_exactly_the_pages_it_changes(kind: str, built: tuple[Path, Path],
                                                       tmp_path: Path) -> None:
    hub, site = built
    before = _snapshot(site)
    edit, must = EDITS[kind]
    edit(hub)
    report = build(hub, site, pdf=False)
    assert report.remade is not None, "an incremental build"
    clean = tmp_path / "clean"
    assert build(hub, clean, pdf=False, clean=True).remade is None
    after, expected = _snapshot(site), _snapshot(clean)
    assert after.keys() == expected.keys()
    assert [name for name in after if after[name] != expected[name]] == []  # byte for byte
    changed = {name for name in expected if name.endswith(".html") and not name.startswith(
        "_staff/") and name != "index.html" and before.get(name) != expected[name]}
    assert changed, "the edit changes some page"
    if kind == "organization phone":
        # A record's data besides its text is followed per record, not per field: every page
        # that shows something of the organization (its name on filter pages) is rendered
        # again, though only its own page shows the phone.
        shows = {name for name in expected if name.endswith(".html") and b"org-0003/" in
                 expected[name]}
        assert changed <= set(report.remade) <= shows | changed
        return
    if kind == "interpretation":
        # Where a translation became outdated, the pages show it labelled (changed); the 404
        # pages have no notices and show it as before, but what they show did change state.
        assert {"404.html", "en/404.html", "fr/offline/index.html"} <= changed
        assert changed <= set(report.remade) <= changed | {f"{tag}/404.html" for tag in
                                                             ("es", "fr", "pt")}
        return
    assert set(report.remade) == changed, (
        f"re-rendered but unchanged: {sorted(set(report.remade) - changed)[:5]}; "
        f"changed but not re-rendered: {sorted(changed - set(report.remade))[:5]}")
    assert any(must(name) for name in report.remade)
    if kind == "catalog entry":
        assert all(name.startswith("es/") for name in report.remade)
        assert "es/404.html" in report.remade  # the 404 page shows the phone's label
    else:
        assert {name.partition("/")[0] for name in report.remade} == {"en", "es", "fr", "pt"}
    assert len(report.remade) < sum(1 for name in expected if name.endswith(".html")) / 2


def test_nothing_changed_renders_no_page_and_the_site_stays_the_same(
        built: tuple[Path, Path]) -> None:
    hub, site = built
    before = _snapshot(site)
    assert build(hub, site, pdf=False).remade == []
    assert _snapshot(site) == before
    assert not (site / ".haven-build.json").exists()  # the record is kept beside the site
    assert [p.name for p in state_folder(site).iterdir()]  # …here, with no file served
    assert spare_folder(site).is_dir()


def test_clean_and_a_new_model_render_every_page(built: tuple[Path, Path]) -> None:
    hub, site = built
    assert build(hub, site, pdf=False, clean=True).remade is None
    # A new organization adds pages and changes filter pages: a full build.
    shutil.copy(hub / "directory" / "org-0003.yaml", hub / "directory" / "org-0099.yaml")
    _replace(hub / "directory" / "org-0099.yaml", "org-0003", "org-0099", count=-1)
    assert build(hub, site, pdf=False).remade is None
    assert (site / "en" / "help" / "org" / "org-0099" / "index.html").is_file()


def test_a_change_to_haven_or_its_templates_renders_every_page(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    hub, site = built
    monkeypatch.setattr("haven.build.code_digest", lambda: "another haven")
    assert build(hub, site, pdf=False).remade is None
    monkeypatch.undo()
    # What the digest covers: a template's text changes it.
    package = tmp_path / "package"
    shutil.copytree(Path(haven.incremental.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__", "examples"))
    before = package_digest.__wrapped__(package)
    _replace(package / "render" / "templates" / "organization.html", "{", "{ ")
    assert package_digest.__wrapped__(package) != before


def test_a_file_edited_by_hand_in_the_site_makes_a_full_build(built: tuple[Path, Path]) -> None:
    hub, site = built
    page = site / "en" / "index.html"
    page.write_text("stale")
    assert build(hub, site, pdf=False).remade is None
    assert page.read_text() != "stale"


def test_a_worker_failing_leaves_the_previous_site_intact(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    hub, site = built
    before = _snapshot(site)
    _organization_text(hub)
    from haven.render.site import Renderer

    real = Renderer.language

    def failing(self: Renderer, view: object, *args: object, **kwargs: object) -> object:
        if getattr(view, "lang", "") == "fr":
            raise OSError(28, "No space left on device")
        return real(self, view, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "language", failing)
    with pytest.raises(OSError, match="No space left"):
        build(hub, site, pdf=False)
    monkeypatch.undo()
    assert _snapshot(site) == before
    assert build(hub, site, pdf=False).remade  # and the next build goes on incrementally


def test_a_failure_while_publishing_leaves_the_previous_site_intact(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    hub, site = built
    build(hub, site, pdf=False)  # the spare exists from here on
    before = _snapshot(site)
    _organization_text(hub)
    real = os.replace
    calls = {"n": 0}

    def failing(source: str | Path, target: str | Path) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(haven.incremental.os, "replace", failing)
    with pytest.raises(OSError, match="No space left"):
        build(hub, site, pdf=False)
    monkeypatch.undo()
    assert _snapshot(site) == before
    assert not (spare_folder(site) / MARKER).exists()  # the half-made spare is not trusted
    build(hub, site, pdf=False)
    build(hub, tmp_path / "clean", pdf=False, clean=True)
    assert _snapshot(site) == _snapshot(tmp_path / "clean")


KILLED = """
import os, signal, sys
from pathlib import Path
import haven.incremental
from haven.build import build
real, calls = os.replace, [0]
def replace(source, target):
    calls[0] += 1
    if calls[0] == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
    real(source, target)
haven.incremental.os.replace = replace
build(Path(sys.argv[1]), Path(sys.argv[2]), pdf=False)
"""


@pytest.mark.parametrize("at", [1, 4])
def test_a_killed_incremental_build_leaves_the_previous_site_intact(
        at: int, built: tuple[Path, Path], tmp_path: Path) -> None:
    """The process is killed (SIGKILL, no clean-up) while it writes the spare."""
    hub, site = built
    build(hub, site, pdf=False)
    before = _snapshot(site)
    _organization_text(hub)
    done = subprocess.run([sys.executable, "-c", KILLED, str(hub), str(site), str(at)],
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert _snapshot(site) == before
    assert build(hub, site, pdf=False).remade is not None
    build(hub, tmp_path / "clean", pdf=False, clean=True)
    assert _snapshot(site) == _snapshot(tmp_path / "clean")


def test_the_preview_rebuilds_through_the_incremental_path(built: tuple[Path, Path]) -> None:
    import io

    from rich.console import Console

    from haven.serve import rebuild

    hub, site = built
    out = io.StringIO()
    # with PDFs: in full
    assert isinstance(rebuild(hub, site, Console(file=out, width=200)), BuildReport)
    _organization_text(hub)
    report = rebuild(hub, site, Console(file=out, width=200), pdf=True)
    assert isinstance(report, BuildReport) and report.remade
    assert all("org-0003" in name for name in report.remade)
    assert "rendered again" in out.getvalue()


def test_files_other_commands_add_go_as_with_a_full_build(built: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    """`haven check` writes `_staff/check.html` into the site; the next build, full or not,
    makes the site without it, and it never comes back from the spare."""
    hub, site = built
    for word in ("One", "Two", "Three"):
        (site / "_staff" / "check.html").write_text("a report")
        _replace(hub / "directory" / "org-0003.yaml", "description: ", f"description: {word}. ")
        assert build(hub, site, pdf=False).remade is not None
        assert not (site / "_staff" / "check.html").exists()
    build(hub, tmp_path / "clean", pdf=False, clean=True)
    assert _snapshot(site) == _snapshot(tmp_path / "clean")


def test_haven_build_clean_renders_every_page(built: tuple[Path, Path], cli: CliRunner) -> None:
    """`haven build` builds incrementally into a site it made; `--clean` renders every page
    (a full build, which also drops the spare an incremental publish left)."""
    hub, site = built
    _hub_yaml(hub)
    result = cli.invoke(main, ["build", str(hub), "-o", str(site), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "page(s) rendered again" in result.output
    assert spare_folder(site).is_dir()
    result = cli.invoke(main, ["build", str(hub), "-o", str(site), "--no-pdf", "--clean"])
    assert result.exit_code == 0, result.output
    assert "rendered again" not in result.output
    assert not spare_folder(site).exists()
    assert "You are very welcome here." in (site / "en" / "index.html").read_text()


FRESH_BUILD = """
import json, sys
from pathlib import Path
from haven.build import build
report = build(Path(sys.argv[1]), Path(sys.argv[2]), pdf=False, clean=True)
print(json.dumps([str(w) for w in report.warnings]))
"""


def _glossary(hub: Path) -> None:
    (hub / "translations" / "glossary").mkdir(exist_ok=True)
    (hub / "translations" / "glossary" / "es.csv").write_text("source,target\nFamily Welcome Center,Hogar\n",
                                            encoding="utf-8")  # the entry does not say it


def _unconfirmed(hub: Path) -> None:
    _replace(hub / "directory" / "org-0003.yaml", "description: ",
             "unconfirmed: [description]\ndescription: ")


def test_edits_one_after_another_in_one_process_match_a_new_process(
        built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a running process (the preview) remembers between builds — each record's
    localized copy, each language's messages, checks and figures, each file's parse — never
    shows through: after every edit of a chain, the site and the warnings are what a clean
    build in a new Python process makes."""
    import haven.i18n.translate

    hub, site = built
    monkeypatch.setattr(haven.i18n.translate, "_VIEWS", {})  # other tests' languages
    chain: list[tuple[str, Edit]] = [
        ("organization text", _organization_text),
        ("the same organization again", lambda h: _replace(
            h / "directory" / "org-0003.yaml", "description: Edited.", "description: Again.")),
        ("organization phone", _organization_phone),  # its search entry and contacts
        ("organization town", lambda h: _replace(  # a filter page more: the model changes
            h / "directory" / "org-0003.yaml", "    city: ", "    city: Edited ")),
        ("catalog entry", _catalog_entry),
        ("glossary", _glossary),
        ("unconfirmed mark", _unconfirmed),
        ("interpretation", _interpretation),
        ("topic", _topic),
    ]
    for n, (name, edit) in enumerate(chain):
        edit(hub)
        report = build(hub, site, pdf=False)
        # a new filter page is a new model: a full build (from the filters the process keeps)
        assert (report.remade is None) == (name == "organization town"), name
        # rendered in this process (not in forked workers), so it remembers every language,
        # and the renderer's placeholder view of the source language
        assert set(haven.i18n.translate._VIEWS) == {"en", "es", "fr", "pt", "placeholders:en"}, name
        fresh = tmp_path / f"fresh-{n}"
        done = subprocess.run([sys.executable, "-c", FRESH_BUILD, str(hub), str(fresh)],
                              capture_output=True, text=True, timeout=300, check=False,
                              cwd=Path(__file__).parents[1])
        assert done.returncode == 0, done.stderr
        after, expected = _snapshot(site), _snapshot(fresh)
        assert after.keys() == expected.keys(), name
        assert [f for f in after if after[f] != expected[f]] == [], name
        assert [str(w) for w in report.warnings] == json.loads(done.stdout), name


def test_translation_checks_are_kept_beside_the_site(built: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    """The checks' results are kept with the site's record, a file per language (not in the
    content folder: a build writes nothing outside its output), and `--clean` keeps them; a
    damaged file is only a cache, made again whole."""
    hub, site = built
    folder = state_folder(site) / "checks"
    kept = folder / "es.json"
    assert kept.is_file() and json.loads(kept.read_bytes())
    assert sorted(p.stem for p in folder.iterdir()) == ["es", "fr", "pt"]  # not the source's
    assert not (hub / ".haven-cache").exists()
    legacy = state_folder(site) / "checks.json"  # the checks as one file, from an older Haven
    legacy.write_text("{}")
    first = [str(w) for w in build(hub, site, pdf=False, clean=True).warnings]
    assert not legacy.exists()
    assert any("fail a check" in w for w in first)
    kept.write_text("{not json")
    other = tmp_path / "copy"
    shutil.copytree(site, other)
    shutil.copytree(state_folder(site), state_folder(other))
    done = subprocess.run([sys.executable, "-c", FRESH_BUILD, str(hub), str(other)],
                          capture_output=True, text=True, timeout=300, check=False,
                          cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == first
    assert json.loads((state_folder(other) / "checks" / "es.json").read_bytes())  # made again


def test_a_remembered_view_is_the_view_made_afresh(built: tuple[Path, Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`localize` with a catalog key patches its last view where records changed; after an
    edit, a removal and an addition it holds exactly what a view made from nothing holds."""
    from haven.content.load import load
    from haven.content.validate import validate
    from haven.i18n import translate
    from haven.i18n.status import load_catalog

    hub, _site = built
    monkeypatch.setattr(translate, "_VIEWS", {})

    def views(tag: str) -> tuple[translate.Localized, translate.Localized]:
        content = validate(load(hub))
        catalog = load_catalog(content, tag)
        warm = translate.localize(content, tag, catalog, catalog_key=("key", tag))
        cold = translate.localize(content, tag, catalog)
        return warm, cold

    def same(warm: translate.Localized, cold: translate.Localized) -> None:
        assert warm.texts == cold.texts and warm.states == cold.states
        assert {k: (v.lang, v.state, v.unconfirmed) for k, v in warm.texts.items()} == {
            k: (v.lang, v.state, v.unconfirmed) for k, v in cold.texts.items()}
        assert [o.model_dump() for o in warm.organizations] == [
            o.model_dump() for o in cold.organizations]

    for tag in ("es", "en"):
        same(*views(tag))
    _organization_text(hub)
    _unconfirmed(hub)
    (hub / "directory" / "org-0004.yaml").unlink()
    shutil.copy(hub / "directory" / "org-0005.yaml", hub / "directory" / "org-0099.yaml")
    _replace(hub / "directory" / "org-0099.yaml", "org-0005", "org-0099", count=-1)
    for tag in ("es", "en"):
        warm, cold = views(tag)
        assert translate._VIEWS[tag][0] == (("key", tag), "en", translate._VIEWS[tag][0][2])
        same(warm, cold)
