"""Every family's language: the languages served, the 80-language chooser, the bundled UI catalogs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import langcodes
import pytest
import yaml
from babel.messages.pofile import read_po

from haven.build import build
from haven.content.load import load
from haven.content.validate import validate
from haven.errors import ContentError
from haven.example import example_content
from haven.languages import language
from haven.ui import UI_STRINGS
from tests.conftest import MakeHub, chromium, local_server, needs_chromium

RTL = {"ar", "prs", "ps", "fa", "ur"}
SOURCE_PAGE_FIRST = ["en", "es", "zh-Hans", "zh-Hant", "ht", "pt", "ar", "prs", "ps", "so", "sw",
                     "ne", "my", "ksw", "vi", "fr"]
# Languages CLDR lacks, named through Haven's own endonym table.
OWN_NAMES = {"ksw": ("ကညီကျိာ်", "S'gaw Karen"), "hmn": ("Hmoob", "Hmong"),
             "chk": ("Chuuk", "Chuukese"), "mh": ("Kajin M̧ajeļ", "Marshallese"),
             "cnh": ("Laiholh", "Hakha Chin"), "mam": ("Qyool Mam", "Mam"), "kri": ("Krio", "Krio")}
DRAFT_NOTE = "not yet reviewed by a native speaker"
PLACEHOLDER = re.compile(r"\{\w+\}")
LOCALE = resources.files("haven.i18n") / "locale"


@pytest.fixture(scope="module")
def hub() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((example_content() / "hub.yaml").read_text(encoding="utf-8"))
    return data


def _tags(entries: object) -> list[str]:
    assert isinstance(entries, list)
    return [e if isinstance(e, str) else e["tag"] for e in entries]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("languages") / "site"
    build(example_content(), out, pdf=False)
    return out


# -- the languages the example serves -------------------------------------------------------


def test_hartford_serves_25_languages_source_page_first(hub: dict[str, object]) -> None:
    served = _tags(hub["languages"])
    assert len(served) >= 25 and len(set(served)) == len(served)
    assert served[:len(SOURCE_PAGE_FIRST)] == SOURCE_PAGE_FIRST
    assert RTL <= set(served)
    assert "tl" in served  # the district's tag is kept, though langcodes says fil
    assert {tag for tag in served if language(tag).is_rtl} == RTL


def test_every_served_language_has_the_same_pages(hub: dict[str, object], site: Path) -> None:
    pages = {tag: sorted(p.relative_to(site / tag).as_posix() for p in (site / tag).rglob("*.html"))
             for tag in _tags(hub["languages"])}
    reference = pages["en"]
    assert len(reference) > 10
    assert all(names == reference for names in pages.values())


def test_interpretation_languages_get_no_pages(hub: dict[str, object], site: Path) -> None:
    by_phone = _tags(hub["interpretation_languages"])
    assert set(OWN_NAMES) - {"ksw"} <= set(by_phone)
    assert not set(by_phone) & set(_tags(hub["languages"]))
    assert not any((site / tag).exists() for tag in by_phone)


# -- the chooser ------------------------------------------------------------------------------


class _Chooser(HTMLParser):
    """Entries of the root page: (tag, dir, href, endonym, English name, section heading)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, str]] = []
        self.heading = ""
        self.tels: list[dict[str, str]] = []
        self._current: dict[str, str] | None = None
        self._field = ""
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "h2":
            self._in_h2, self.heading = True, ""
        elif tag == "li" and "lang" in a:  # an interpretation language: no link
            self._current = {"lang": a["lang"], "dir": a.get("dir", ""), "href": "", "section": self.heading}
        elif tag == "a" and a.get("class") == "tel":
            self.tels.append(a | {"section": self.heading})
        elif tag == "a" and "lang" in a:  # a served language: a link to its pages
            self._current = {"lang": a["lang"], "dir": a.get("dir", ""), "href": a["href"],
                             "section": self.heading}
        elif tag == "span" and self._current is not None:
            self._field = {"en": "en", "partial": "partial"}.get(a.get("class", ""), "endonym")
            if self._field == "en":
                self._current["en_lang"], self._current["en_dir"] = a.get("lang", ""), a.get("dir", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        elif tag == "span":
            self._field = ""
        elif tag in ("li", "a") and self._current is not None and (tag == "li" or self._current["href"]):
            self.entries.append(self._current)
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.heading += data
        if self._current is not None and self._field:
            self._current[self._field] = self._current.get(self._field, "") + data


@pytest.fixture(scope="module")
def chooser(site: Path) -> _Chooser:
    parser = _Chooser()
    parser.feed((site / "index.html").read_text(encoding="utf-8"))
    return parser


def test_chooser_lists_80_languages_in_the_hubs_order(chooser: _Chooser, hub: dict[str, object]) -> None:
    served, by_phone = _tags(hub["languages"]), _tags(hub["interpretation_languages"])
    tags = [e["lang"] for e in chooser.entries]
    assert len(tags) >= 80
    assert tags == served + by_phone
    for entry in chooser.entries:
        tag = entry["lang"]
        assert langcodes.tag_is_valid(tag), tag
        assert entry["dir"] == ("rtl" if language(tag).is_rtl else "ltr"), tag
        assert entry["endonym"] and entry["endonym"] != tag, f"{tag} has no name of its own"
        if "en" in entry:  # the English name beside it, marked as English
            assert (entry["en_lang"], entry["en_dir"]) == ("en", "ltr"), tag
    links = {e["lang"]: e["href"] for e in chooser.entries if e["href"]}
    assert links == {tag: f"{tag}/" for tag in served}


def test_chooser_names_languages_in_themselves(chooser: _Chooser) -> None:
    named = {e["lang"]: (e["endonym"], e.get("en", e["endonym"])) for e in chooser.entries}
    for tag, names in OWN_NAMES.items():
        assert named[tag] == names, tag
    assert named["ar"] == ("العربية", "Arabic")
    assert named["prs"] == ("دری", "Dari")
    assert named["am"] == ("አማርኛ", "Amharic")
    assert named["zh-Hant"] == ("中文 (繁體)", "Chinese (Traditional)")
    assert named["tl"] == ("Tagalog", "Tagalog")
    assert named["ka"][0] == "ქართული"  # Georgian is never capitalised into Mtavruli


def test_chooser_gives_the_number_to_call_for_phone_only_languages(chooser: _Chooser) -> None:
    by_phone = [e for e in chooser.entries if not e["href"]]
    assert by_phone and {e["section"] for e in by_phone} == {"Interpretation by phone"}
    assert {"href": "tel:+18606958400", "dir": "ltr", "class": "tel",
            "section": "Interpretation by phone"} in chooser.tels


# -- the schema ---------------------------------------------------------------------------------


STARTER_HUB = """\
name: Test Hub
district: Test District
base_url: https://families.example.org/
source_language: en
languages: [en, es]
phone: 860-555-0100
phone_label: Front office
interpretation: Interpretation is free.
home:
  intro: Welcome.
  first_steps: [Call us.]
"""


def _problems(make_hub: MakeHub, extra: str) -> list[str]:
    root = make_hub({"hub.yaml": STARTER_HUB + extra})
    with pytest.raises(ContentError) as info:
        validate(load(root))
    return [str(p) for p in info.value.problems]


def test_a_language_is_served_or_by_phone_not_both(make_hub: MakeHub) -> None:
    problems = _problems(make_hub, "interpretation_languages: [hmn, es]\n")
    assert len(problems) == 1
    assert problems[0].startswith("hub.yaml:12: ") and "'es' is also in languages" in problems[0]


def test_a_phone_language_is_listed_once_and_has_no_publish_policy(make_hub: MakeHub) -> None:
    twice = _problems(make_hub, "interpretation_languages: [hmn, chk, hmn]\n")
    assert len(twice) == 1 and "'hmn' is listed twice" in twice[0]
    policy = _problems(make_hub, "interpretation_languages:\n  - tag: hmn\n    publish: reviewed\n")
    assert len(policy) == 1 and "publish has no meaning" in policy[0]


def test_phone_languages_are_optional_and_named_by_the_hub(make_hub: MakeHub, tmp_path: Path) -> None:
    root = make_hub({"hub.yaml": STARTER_HUB + "interpretation_languages:\n"
                     "  - hmn\n  - tag: ctd\n    name: Tedim\n    english_name: Tedim Chin\n"})
    out = tmp_path / "out"
    build(root, out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<li lang="ctd" dir="ltr"><span class="endonym">Tedim</span> <span class="en" lang="en" dir="ltr">Tedim Chin</span></li>' in html
    assert '<li lang="hmn" dir="ltr"><span class="endonym">Hmoob</span>' in html
    assert validate(load(make_hub())).hub.interpretation_languages == []


# -- Haven's bundled interface catalogs ---------------------------------------------------------


def _catalogs() -> list[Path]:
    with resources.as_file(LOCALE) as folder:
        return sorted(Path(folder).glob("*.po"))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_every_bundled_catalog_passes_msgfmt_check(tmp_path: Path) -> None:
    catalogs = _catalogs()
    assert len(catalogs) >= 25
    for path in catalogs:
        result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(path)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{path.name}: {result.stderr}"


def test_bundled_catalogs_are_complete_current_and_marked_unreviewed() -> None:
    complete = []
    for path in _catalogs():
        tag = path.stem
        with path.open("rb") as handle:
            catalog = read_po(handle)
        assert f'"Language: {tag}\\n"' in path.read_text(encoding="utf-8")
        messages = {m.context: m for m in catalog if m.id}
        assert set(messages) == {f"ui:{key}" for key in UI_STRINGS}, (
            f"{path.name} is out of step with ui.py: add the new interface strings to it")
        translated = 0
        for key, english in UI_STRINGS.items():
            message = messages[f"ui:{key}"]
            assert message.id == english, (path.name, key)
            assert "reviewed" not in message.flags and not message.fuzzy, (path.name, key)
            assert ("python-brace-format" in message.flags) == ("{" in english), (path.name, key)
            if message.string:
                translated += 1
                assert set(PLACEHOLDER.findall(str(message.string))) == set(PLACEHOLDER.findall(english)), (path.name, key)
                assert any(DRAFT_NOTE in c for c in message.user_comments), (path.name, key)
            else:
                assert any("Shown in English" in c for c in message.user_comments) or tag == "es", (path.name, key)
        if translated == len(UI_STRINGS):
            complete.append(tag)
    assert len(complete) >= 25, complete
    assert RTL <= set(complete)


def test_karen_has_the_notice_and_call_line_and_no_guessed_legal_text() -> None:
    """Issue 11: no faithful draft of S'gaw Karen running text could be made, so only the
    strings that tell a reader the page is in English and whom to call are drafted."""
    with (Path(str(LOCALE)) / "ksw.po").open("rb") as handle:
        drafted = {m.context for m in read_po(handle) if m.id and m.string}
    assert {"ui:not_translated", "ui:call", "ui:call_us", "ui:partly_translated"} <= drafted
    catalog = Path(str(resources.files("haven") / "examples" / "hartford" / "translations"))
    with (catalog / "ksw.po").open("rb") as handle:
        legal = [m.context for m in read_po(handle) if m.id and m.string
                 and str(m.context).startswith(("document:know-your-rights", "reporting:",
                                                "channel:"))
                 and ":phones." not in str(m.context)]  # "TDD": a name, kept
    assert legal == []


def test_pages_use_the_bundled_strings_and_say_so(site: Path) -> None:
    polish = (site / "pl" / "help" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="pl" dir="ltr">' in polish
    assert "Przejdź do głównej treści" in polish
    assert 'class="notice"' in polish and "tłumaczenie automatyczne" in polish
    assert 'href="tel:+18606958400" dir="ltr"' in polish
    karen = (site / "ksw" / "help" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ksw" dir="ltr">' in karen
    assert re.search(r'<span lang="en"[^>]*>Filter the list</span>', karen)  # not drafted
    assert 'class="notice"' in karen and "tel:+18606958400" in karen


# -- the chooser on a 320 px phone, in Debian's Chromium -----------------------------------------

@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with local_server(site) as origin:
        yield origin


@needs_chromium
def test_chooser_is_usable_on_a_320px_phone(base_url: str, tmp_path: Path) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 640})
        page.goto(f"{base_url}/")
        page.screenshot(path=str(tmp_path / "chooser-320.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the chooser scrolls sideways by {overflow}px at 320px"
        boxes = page.evaluate(
            "[...document.querySelectorAll('.chooser > li')].map(li => {"
            " const r = li.getBoundingClientRect(); const t = li.querySelector('a') || li;"
            " const s = t.getBoundingClientRect();"
            " return {lang: t.getAttribute('lang'), left: r.left, right: r.right, h: s.height,"
            " link: t !== li, font: parseFloat(getComputedStyle(t.querySelector('.endonym')).fontSize)}; })")
        assert len(boxes) >= 80
        for box in boxes:
            assert box["left"] >= 0 and box["right"] <= 320, box
            assert box["font"] >= 16, box
        links = [b for b in boxes if b["link"]]
        assert len(links) >= 25 and all(b["h"] >= 44 for b in links), "links are 44px touch targets"
        assert (tmp_path / "chooser-320.png").stat().st_size > 10_000


def test_language_names_are_kept_between_runs_and_a_damaged_file_is_ignored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and directions from CLDR are kept in Haven's cache folder (reading a locale's
    data costs milliseconds each); what is read back is what CLDR gives, and a damaged or
    foreign file is only worked out again."""
    from haven import languages

    def fresh() -> None:
        for cached in (languages.language, languages._kept_names, languages._names_file):
            cached.cache_clear()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh()
    worked_out = [languages.language(tag) for tag in ("ar", "zh-Hant", "ksw", "prs")]
    kept = languages._names_file()
    assert kept.is_relative_to(tmp_path) and json.loads(kept.read_text())["ar"][2] == "rtl"
    fresh()
    assert [languages.language(tag) for tag in ("ar", "zh-Hant", "ksw", "prs")] == worked_out
    for damaged in ("{not json", '{"ar": 5}', '["ar"]'):
        kept.write_text(damaged)
        fresh()
        assert languages.language("ar") == worked_out[0]
    monkeypatch.setattr(languages, "_kept_names", dict)  # nothing kept: CLDR itself
    languages.language.cache_clear()
    assert [languages.language(tag) for tag in ("ar", "zh-Hant", "ksw", "prs")] == worked_out
    monkeypatch.undo()
    fresh()  # later tests: the real cache folder again


def test_valid_tags_are_kept_and_checked_without_langcodes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tags langcodes found valid are kept in Haven's cache folder: a later process checks
    them without importing langcodes (40 ms before anything else could start); a tag not
    kept is still checked by langcodes, and an invalid one is refused and never kept."""
    import sys

    from haven import languages
    from haven.content.schema import language_tag_problem

    def fresh() -> None:
        languages._kept_tags.cache_clear()
        languages._tags_file.cache_clear()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh()
    assert languages.tag_is_valid("es") and languages.tag_is_valid("zh-Hant")
    assert not languages.tag_is_valid("en-Zzzzzz")
    kept = languages._tags_file()
    assert kept.is_relative_to(tmp_path)
    assert json.loads(kept.read_text()) == ["es", "zh-Hant"]
    fresh()
    monkeypatch.setitem(sys.modules, "langcodes", None)  # a new process: no langcodes at all
    assert languages.tag_is_valid("es") and language_tag_problem("zh-Hant") is None
    with pytest.raises(ImportError):  # a tag not kept: langcodes is asked
        languages.tag_is_valid("fr")
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    kept.write_text("{not json")  # damaged: only worked out again
    fresh()
    assert languages.tag_is_valid("fr") and "not a known" in str(language_tag_problem("en-Zzzzzz"))
    assert json.loads(kept.read_text()) == ["fr"]
    monkeypatch.undo()
    fresh()  # later tests: the real cache folder again
