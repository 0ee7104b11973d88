"""Honest at build time (issue 11): partly translated languages, language names, dates,
translated letters, search words."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from haven.build import build
from haven.content.load import load
from haven.content.validate import validate
from haven.dates import format_long_date
from haven.errors import ContentError, StrictError
from haven.i18n.translate import content_segments
from haven.model import build_model
from haven.print import localized_views, render_pdfs
from haven.ui import UI_STRINGS
from tests.conftest import STARTER, MakeHub, chromium, local_server
from tests.test_directory import needs_chromium, search
from tests.test_print import pdftotext, squeeze

Edit = Callable[..., dict[str, str]]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def po(entries: dict[str, tuple[str, str]], flag: str = "") -> str:
    """A PO file: {msgctxt: (msgid, msgstr)}, each entry with `flag` (e.g. "machine")."""
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for ctx, (source, text) in entries.items():
        if flag:
            lines.append(f"#, {flag}")
        lines += [f"msgctxt {_quote(ctx)}", f"msgid {_quote(source)}", f"msgstr {_quote(text)}", ""]
    return "\n".join(lines)


def content_entries(root: Path, translate: Callable[[str, str], str | None]) -> dict[str, tuple[str, str]]:
    """Entries for the hub's own segments that `translate(segment id, source)` gives text for."""
    content = validate(load(root))
    found = {}
    for segment in content_segments(content):
        if segment.kind == "ui":
            continue
        text = translate(segment.id, segment.source)
        if text is not None:
            found[segment.id] = (segment.source, text)
    return found


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


NOTICE_HT = "Pati nan paj sa a poko tradui"


# -- 1. translation_threshold acts at build time ------------------------------------------------

@pytest.fixture(scope="module")
def threshold_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("threshold") / "hub"
    shutil.copytree(STARTER, root)
    hub = (root / "hub.yaml").read_text(encoding="utf-8")
    hub = hub.replace("  - es\n", "  - es\n  - ht\n") + "translation_threshold: 60\n"
    (root / "hub.yaml").write_text(hub, encoding="utf-8")
    (root / "translations").mkdir(exist_ok=True)
    # Spanish: all of the hub's text; Haitian Creole: only its interface words for the label.
    es = content_entries(root, lambda _, text: f"ES {text}")
    (root / "translations" / "es.po").write_text(po(es), encoding="utf-8")
    ht = {"ui:partly_translated": ("partly translated", "tradui an pati"),
          "ui:not_translated": (
              UI_STRINGS["not_translated"],
              NOTICE_HT + " nan {language}. Rele {phone}.")}
    ht |= content_entries(root, lambda ident, text: f"HT {text}" if ident == "hub:name" else None)
    (root / "translations" / "ht.po").write_text(po(ht), encoding="utf-8")
    out = root.parent / "site"
    build(root, out, pdf=False)
    return out


def test_a_language_below_the_threshold_is_partly_translated_in_the_chooser(threshold_site: Path) -> None:
    chooser = page(threshold_site, "index.html")
    ht = re.search(r'<li><a href="ht/".*?</li>', chooser, re.DOTALL)
    es = re.search(r'<li><a href="es/".*?</li>', chooser, re.DOTALL)
    assert ht and es
    assert "tradui an pati" in ht.group(0)
    assert "partly translated" not in chooser
    assert "tradui an pati" not in es.group(0) and "partial" not in es.group(0)


def test_every_page_of_a_partly_translated_language_says_so(threshold_site: Path) -> None:
    for path in ("ht/index.html", "ht/help/index.html", "ht/welcome/index.html"):
        assert NOTICE_HT in page(threshold_site, path), path
    # Spanish is above the threshold and fully translated: no notice.
    assert "not translated" not in page(threshold_site, "es/index.html")


def test_a_partly_translated_label_missing_in_the_language_is_marked_english(make_hub: MakeHub,
                                                                             edit: Edit) -> None:
    # German: a language Haven ships no interface strings for
    root = make_hub(edit("hub.yaml", ("  - es\n", "  - es\n  - de\n"),
                         ("review_every_days: 90", "review_every_days: 90\ntranslation_threshold: 10")))
    out = root.parent / "site-de"
    build(root, out, pdf=False)
    item = re.search(r'<li><a href="de/".*?</li>', page(out, "index.html"), re.DOTALL)
    assert item and re.search(r'lang="en"[^>]*>\(partly translated\)<', item.group(0))


# -- 2. language names ---------------------------------------------------------------------------

def test_english_pages_name_languages_in_english_and_as_the_hub_names_them(make_hub: MakeHub,
                                                                         edit: Edit) -> None:
    root = make_hub(
        edit("hub.yaml", ("review_every_days: 90",
                          ("review_every_days: 90\ninterpretation_languages:\n"
                          "  - tag: cnh\n    name: Laica\n    english_name: Hakha Chin (Lai)"))) |
        edit("directory/example-legal-aid.yaml", ("languages: [en, es]", "languages: [en, es, prs, ksw, cnh]")))
    out = root.parent / "site-names"
    report = build(root, out, pdf=False)
    assert not [w for w in report.warnings if "name" in w.message]
    org = page(out, "en/help/org/example-legal-aid/index.html")
    assert "Dari" in org and "S&#39;gaw Karen" in org and "Hakha Chin (Lai)" in org
    assert "Persian" not in org and "ကညီကျိာ်" not in org.split("<main", 1)[1].split("</dd>", 1)[0]
    # A Spanish page names them in Spanish where CLDR can, never as "persa (Afganistán)".
    es = page(out, "es/help/org/example-legal-aid/index.html")
    assert "inglés" in es and "persa" not in es


def test_a_language_nobody_names_is_a_warning_and_an_error_under_strict(make_hub: MakeHub,
                                                                        edit: Edit) -> None:
    root = make_hub(edit("directory/example-legal-aid.yaml",
                         ("languages: [en, es]", "languages: [en, es, kar]")))
    report = build(root, root.parent / "site-kar", pdf=False)
    found = [w for w in report.warnings if "'kar'" in w.message]
    assert found and found[0].file == "directory/example-legal-aid.yaml" and found[0].line > 0
    with pytest.raises(StrictError):
        build(root, root.parent / "site-kar-strict", pdf=False, strict=True)
    # Named by the hub, it is no longer a warning.
    named = make_hub(edit("directory/example-legal-aid.yaml", ("languages: [en, es]", "languages: [en, es, kar]"))
                     | edit("hub.yaml", ("review_every_days: 90", ("review_every_days: 90\n"
                                         "interpretation_languages:\n  - tag: kar\n    english_name: Karen"))))
    assert not [w for w in build(named, named.parent / "site-kar2", pdf=False).warnings if "'kar'" in w.message]


# -- 3. dates in languages whose CLDR data is thin ------------------------------------------------

def test_dates_read_naturally_where_cldr_has_no_month_names() -> None:
    day = dt.date(2026, 10, 30)
    assert format_long_date(day, "ht") == "30 oktòb 2026"  # not "2026 M10 30"
    assert format_long_date(day, "en") == "October 30, 2026"
    assert format_long_date(day, "es") == "30 de octubre de 2026"
    assert format_long_date(day, "ksw") == "2026-10-30"  # no month names anywhere: no words
    assert format_long_date(day, "ht", {"ht": "dd/MM/yyyy"}) == "30/10/2026"
    assert format_long_date(day, "fr", {"fr": "d MMMM y"}) == "30 octobre 2026"


def test_dates_amounts_and_names_made_once_are_kept_in_the_cache_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A language's worker formats the same few dates, amounts and language names on every
    build: each kept per language in Haven's cache folder, so that Babel need not load its
    CLDR data again."""
    from haven import cache, costs, dates, languages

    def fresh() -> None:  # as in a new process
        cache._kept_texts.cache_clear()
        languages._cldr_name.cache_clear()
        dates._format.cache_clear()
        dates._compiled.cache_clear()
        costs.format_money.cache_clear()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh()
    day = dt.date(2026, 10, 30)
    assert format_long_date(day, "ht") == "30 oktòb 2026"
    assert format_long_date(day, "es", {"es": "dd/MM/yyyy"}) == "30/10/2026"
    assert costs.format_money(25.0, "USD", "es") == "25,00\xa0US$"
    spanish, haitian = languages.language("es"), languages.language("ht")
    assert languages.name_for(haitian, spanish) == "criollo haitiano"
    cache.keep_texts()
    kept = cache._texts_file("ht")
    assert kept.is_relative_to(tmp_path) and cache._texts_file("es").is_file()
    assert json.loads(kept.read_text(encoding="utf-8")) == {"date||2026-10-30": "30 oktòb 2026"}
    fresh()
    monkeypatch.setattr(dates, "_compiled", None)  # no Babel at all: what is kept is enough
    monkeypatch.setattr(costs, "format_currency", None)
    assert format_long_date(day, "ht") == "30 oktòb 2026"
    assert format_long_date(day, "es", {"es": "dd/MM/yyyy"}) == "30/10/2026"
    assert costs.format_money(25.0, "USD", "es") == "25,00\xa0US$"
    monkeypatch.setattr(languages, "_named_in", None)
    assert languages.name_for(haitian, spanish) == "criollo haitiano"
    with pytest.raises(TypeError):  # another date is formatted by Babel
        format_long_date(dt.date(2026, 1, 2), "ht")
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    kept.write_text('{"date||2026-10-30": 12}', encoding="utf-8")  # damaged: worked out again
    fresh()
    assert format_long_date(day, "ht") == "30 oktòb 2026"
    monkeypatch.undo()
    fresh()  # later tests: the real cache folder again


def test_a_hub_sets_a_date_pattern_per_language(make_hub: MakeHub, edit: Edit) -> None:
    root = make_hub(edit("hub.yaml", ("  - es\n", "  - es\n  - ht\n"),
                         ("review_every_days: 90",
                          'review_every_days: 90\ndate_formats:\n  es: "dd/MM/yyyy"'))
                    | edit("documents/welcome.md", ("order: 10\n", "order: 10\ndate: 2026-10-30\n")))
    out = root.parent / "site-dates"
    build(root, out, pdf=False)
    letter = page(out, "ht/welcome/index.html")
    assert "30 oktòb 2026" in letter and not re.search(r"\bM\d{1,2}\b", letter)
    assert "30/10/2026" in page(out, "es/welcome/index.html")
    assert "October 30, 2026" in page(out, "en/welcome/index.html")
    bad = make_hub(edit("hub.yaml", ("review_every_days: 90", 'review_every_days: 90\ndate_formats:\n  es: "yyyy"')))
    with pytest.raises(ContentError, match="does not give the day"):
        validate(load(bad))


# -- 4. PDFs: the notice names languages in the reader's language; the card carries the rights ---

RIGHTS = """---
id: rights
title: Know your rights
kind: guide
order: 20
audiences: [families]
---

## Every child can go to school

Every child can go to public school for free. Immigration status does not matter.

## Your child's records

The school needs your written permission to share your child's records.

## Sources

- Plyler v. Doe (1982)
"""

RIGHTS_AR = {
    "document:rights:title": "اعرف حقوقك",
    "document:rights:body.0": "## يمكن لكل طفل أن يذهب إلى المدرسة",
    "document:rights:body.1": "يمكن لكل طفل أن يذهب إلى المدرسة العامة مجانًا. وضع الهجرة لا يهم.",
    "document:rights:body.2": "## سجلات طفلك",
    "document:rights:body.3": "تحتاج المدرسة إلى إذنك الكتابي لمشاركة سجلات طفلك.",
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("printed") / "hub"
    shutil.copytree(STARTER, root)
    hub = (root / "hub.yaml").read_text(encoding="utf-8").replace("  - es\n", "  - es\n  - ar\n")
    (root / "hub.yaml").write_text(hub, encoding="utf-8")
    (root / "documents" / "rights.md").write_text(RIGHTS, encoding="utf-8")
    ar = content_entries(root, lambda ident, _: RIGHTS_AR.get(ident))
    ar["ui:not_translated"] = (UI_STRINGS["not_translated"],
                               ("جزء من هذه الصفحة لم يُترجم بعد إلى {language}، وهو معروض باللغة {source}. "
                               "للمساعدة بلغتك، اتصل على {phone}."))
    (root / "translations").mkdir(exist_ok=True)
    (root / "translations" / "ar.po").write_text(po(ar), encoding="utf-8")
    site = build_model(validate(load(root)))
    return render_pdfs(site, localized_views(site, ["en", "ar"]))


def test_the_pdf_notice_names_the_source_language_in_the_readers_language(printed: dict[str, bytes]) -> None:
    flyer = squeeze(pdftotext(printed["pdf/ar/flyer-letter.pdf"]))
    assert squeeze("باللغة الإنجليزية") in flyer  # the home page's text is English here
    assert "باللغةEnglish" not in flyer and "English" not in flyer


def test_the_wallet_card_carries_the_rights_of_the_families_guide(printed: dict[str, bytes]) -> None:
    english = squeeze(pdftotext(printed["pdf/en/card-letter.pdf"]))
    for line in ("Every child can go to school", "Every child can go to public school for free.",
                 "Your child's records", "The school needs your written permission"):
        assert english.count(squeeze(line)) == 8, line  # eight cards on a sheet
    assert "Plyler" not in english  # a list of sources is not a right
    arabic = squeeze(pdftotext(printed["pdf/ar/card-a4.pdf"]))
    for text in ("اعرف حقوقك", "يمكن لكل طفل أن يذهب إلى المدرسة", "سجلات طفلك",
                 "تحتاج المدرسة إلى إذنك الكتابي لمشاركة سجلات طفلك."):
        assert squeeze(text) in arabic, text


# -- 5. search: everyday words find the right organizations, in every language ------------------

OTHER_ORG = """id: example-food-bank
name: Example Food Bank
description: Food for families, every Saturday.
services:
  - id: example-food
    name: Food for families
    topics: [know-your-rights]
    cost_options:
      - amount: 0
verification:
  status: unverified
"""

SEARCH_WORDS = {"ar": "محامي، مستشار قانوني", "zh-Hans": "律师，法律援助"}


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search") / "hub"
    shutil.copytree(STARTER, root)
    hub = (root / "hub.yaml").read_text(encoding="utf-8").replace("  - es\n", "  - es\n  - ar\n  - zh-Hans\n")
    (root / "hub.yaml").write_text(hub, encoding="utf-8")
    topics = (root / "topics.yaml").read_text(encoding="utf-8")
    topics = topics.replace("help at no cost.\n", "help at no cost.\n    search_words: lawyer, attorney\n")
    (root / "topics.yaml").write_text(topics, encoding="utf-8")
    (root / "directory" / "example-food-bank.yaml").write_text(OTHER_ORG, encoding="utf-8")
    (root / "translations").mkdir(exist_ok=True)
    for tag, words in SEARCH_WORDS.items():
        entries = content_entries(root, lambda ident, _, w=words: w if ident == "topic:legal-help:search_words" else None)
        assert entries
        (root / "translations" / f"{tag}.po").write_text(po(entries, "machine"), encoding="utf-8")
    out = root.parent / "site"
    build(root, out, pdf=False)
    return out


def test_the_search_index_holds_each_services_topic_search_words(search_site: Path) -> None:
    arabic = (search_site / "ar" / "search-index.js").read_text(encoding="utf-8")
    assert "محامي مستشار قانوني" in arabic and "lawyer attorney" in arabic
    assert "律师 法律援助" in (search_site / "zh-Hans" / "search-index.js").read_text(encoding="utf-8")


@needs_chromium
def test_arabic_and_chinese_searches_for_a_lawyer_find_the_legal_help(search_site: Path) -> None:
    with local_server(search_site) as origin, chromium() as browser:
        page = browser.new_page()
        for tag, query in (("ar", "محامي"), ("zh-Hans", "律师"), ("ar", "lawyer"), ("en", "attorney")):
            page.goto(f"{origin}/{tag}/help/")
            found = search(page, query)
            orgs = [link for link in found if "/org/" in link]
            assert orgs == ["../help/org/example-legal-aid/"], (tag, query, found)


# -- 6. the letter: the district's own text, or labelled as a translation of it -------------------

LETTER_LABEL = "This is a translation of the district&#39;s letter. It is not the district&#39;s own text."


def test_a_letter_shown_translated_says_it_is_a_translation(make_hub: MakeHub, edit: Edit) -> None:
    # German (de): a language Haven ships no interface strings for, so the label is English
    root = make_hub(edit("hub.yaml", ("  - es\n", "  - es\n  - de\n  - ht\n")))
    (root / "translations").mkdir(exist_ok=True)
    body = content_entries(root, lambda ident, text: f"T {text}" if ident.startswith("document:welcome:body") else None)
    (root / "translations" / "es.po").write_text(po(body, "reviewed"), encoding="utf-8")
    (root / "translations" / "de.po").write_text(po(body, "machine"), encoding="utf-8")
    out = root.parent / "site-letter"
    build(root, out, pdf=False)
    german = page(out, "de/welcome/index.html")
    label = german.index(LETTER_LABEL)
    assert label < german.index("T Dear families"), "the label comes above the letter"
    assert LETTER_LABEL not in page(out, "de/index.html")  # only on the letter
    for tag in ("en", "es", "ht"):  # the source; reviewed by the district; not translated
        assert LETTER_LABEL not in page(out, f"{tag}/welcome/index.html"), tag
