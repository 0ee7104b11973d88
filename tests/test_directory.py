"""The directory's filters and search: plain filter pages, instant filters, search per language.

What each filter page should list is computed here from the content's YAML, independently of
haven.model, and compared with the built pages. The browser tests run Debian's Chromium on
127.0.0.1 with scripts off and on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from haven.build import build
from haven.errors import ContentError
from haven.render.assets import asset_path
from tests.conftest import MakeHub, hartford_with, local_server, needs_chromium
from tests.test_a11y import AXE, axe_violations
from tests.test_privacy import every_form_of

LANGUAGES = ["en", "es", "zh-Hans", "ar", "my"]
ORG_LINK = re.compile(r'<h2><a href="[^"]*help/org/([^/"]+)/"')


@pytest.fixture(scope="module")
def hartford(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The Hartford hub in five languages (two right-to-left or not Latin), built: (content, site)."""
    base = tmp_path_factory.mktemp("directory")
    content = hartford_with(LANGUAGES, base / "content")
    build(content, base / "site", pdf=False)
    return content, base / "site"


def expected_facets(content: Path) -> dict[str, list[str]]:
    """Filter page folder → the organizations it should list, in directory order, from the YAML."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(folder: str, org: str) -> None:
        if org not in found[folder]:
            found[folder].append(org)

    for path in sorted((content / "directory").glob("*.yaml")):
        org = yaml.safe_load(path.read_text(encoding="utf-8"))
        locations = {loc["id"]: loc for loc in org.get("locations", [])}
        for service in org.get("services", []):
            for topic in service.get("topics", []):
                add(f"help/{topic}/", org["id"])
            for tag in service.get("languages", []):
                add(f"help/language/{tag}/", org["id"])
            costs = service.get("cost_options", [])
            if costs and all(c.get("amount") == 0 for c in costs):
                add("help/free/", org["id"])
            for value in service.get("accreditations", []):
                add(f"help/accreditation/{value}/", org["id"])
            for audience in service.get("audiences", []):
                add(f"help/audience/{audience}/", org["id"])
            where = [locations[i] for i in service.get("locations", [])] or list(locations.values())
            for loc in where:
                if loc.get("address") and not loc.get("confidential"):
                    town = re.sub(r"[^a-z0-9]+", "-", loc["address"]["city"].lower()).strip("-")
                    add(f"help/town/{town}/", org["id"])
    return dict(found)


def listed(lang_folder: Path, folder: str) -> list[str]:
    """The organizations a filter lists, over all its pages (help/free/, help/free/2/ …)."""
    orgs: list[str] = []
    part, page = 1, lang_folder / folder / "index.html"
    while page.is_file():
        orgs += ORG_LINK.findall(page.read_text(encoding="utf-8"))
        part += 1
        page = lang_folder / folder / str(part) / "index.html"
    return orgs


def filter_folders(lang_folder: Path) -> set[str]:
    """Every filter page's folder (not the help page, organizations, or later parts)."""
    folders = set()
    for page in (lang_folder / "help").rglob("index.html"):
        folder = page.parent.relative_to(lang_folder).as_posix() + "/"
        if folder != "help/" and "/org/" not in folder and not re.search(r"/\d+/$", folder):
            folders.add(folder)
    return folders


# -- plain pages, no script needed ------------------------------------------------------------


def test_each_filter_page_lists_exactly_its_organizations(hartford: tuple[Path, Path]) -> None:
    content, site = hartford
    expected = expected_facets(content)
    assert {"help/legal-help/", "help/audience/families/",
            "help/accreditation/doj-recognized-organization/"} <= set(expected)
    for lang in LANGUAGES:
        assert filter_folders(site / lang) == set(expected), lang
        for folder, orgs in expected.items():
            assert listed(site / lang, folder) == orgs, (lang, folder)
    # No source calls any Hartford service free (facts.md), so there is no Free filter.
    assert not (site / "en" / "help" / "free").exists()


def test_help_page_links_every_filter_with_its_count(hartford: tuple[Path, Path]) -> None:
    content, site = hartford
    for lang in ("en", "ar"):
        html = (site / lang / "help" / "index.html").read_text(encoding="utf-8")
        links = dict(re.findall(r'<a href="\.\./(help/[^"]*)" data-f="\d+">.*?<span class="n">\((\d+)\)</span></a>', html))
        assert links == {folder: str(len(orgs)) for folder, orgs in expected_facets(content).items()}
        assert '<ul class="facets" data-g aria-labelledby="g-accreditation">' in html
    spanish = (site / "es" / "help" / "index.html").read_text(encoding="utf-8")
    assert "Filtrar la lista" in spanish and "Para quién es" in spanish
    assert "<input" in spanish.split("<template")[1] and "<input" not in spanish.split("</template>")[1]


def test_a_long_filter_is_split_into_linked_pages(make_hub: MakeHub, tmp_path: Path) -> None:
    orgs = {f"directory/org-{n:02d}.yaml": (
        f"id: org-{n:02d}\nname: Legal Clinic {n}\nphones:\n  - number: 860-555-01{n:02d}\n"
        f"services:\n  - id: org-{n:02d}-advice\n    name: Advice\n    topics: [legal-help]\n"
        f"verification:\n  status: unverified\n") for n in range(1, 46)}
    site = tmp_path / "site"
    build(make_hub(orgs), site, pdf=False)
    en = site / "en"
    first = (en / "help" / "legal-help" / "index.html").read_text(encoding="utf-8")
    second = (en / "help" / "legal-help" / "2" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../help/legal-help/2/" rel="next"' in first and "Page 1 of 2" in first
    assert 'href="../../../help/legal-help/" rel="prev"' in second
    assert "<title>Free legal help (Page 2 of 2)" in second
    assert len(ORG_LINK.findall(first)) == 40 and listed(en, "help/legal-help/")[-1] == "org-45"
    assert not (en / "help" / "legal-help" / "3").exists()


QUIET = """\
id: quiet-harbor
name: Quiet Harbor Shelter
phones:
  - number: 860-555-0142
locations:
  - id: quiet-harbor-house
    confidential: true
    address: {address_1: 12 Hidden Lantern Rd, city: Quillfeather Falls, state_province: CT, postal_code: "06111"}
services:
  - id: quiet-harbor-stay
    name: Family shelter
    topics: [legal-help]
    cost_options: [{amount: 0}]
    locations: [quiet-harbor-house]
verification: {status: unverified}
"""
TWO_SITES = """\
id: two-sites
name: Two Sites Legal Aid
locations:
  - id: two-sites-safe
    confidential: true
    address: {address_1: 9 Lantern Court, city: Newingtonshire, state_province: CT, postal_code: "06111"}
  - id: two-sites-main
    address: {address_1: 500 Main St, city: Hartford, state_province: CT, postal_code: "06103"}
services:
  - id: two-sites-safe-visits
    name: Safe visits
    topics: [know-your-rights]
    locations: [two-sites-safe]
  - id: two-sites-advice
    name: Advice by phone
    topics: [legal-help]
    languages: [es, ar]
verification: {status: unverified}
"""
WEST = """\
id: west-side
name: West Side Clinic
locations:
  - id: west-side-office
    address: {address_1: 1 Farmington Ave, city: West Hartford, state_province: CT, postal_code: "06107"}
services:
  - id: west-side-advice
    name: Advice
    topics: [legal-help]
verification: {status: unverified}
"""


def test_towns_come_only_from_public_addresses(make_hub: MakeHub, tmp_path: Path) -> None:
    content = make_hub({"directory/quiet-harbor.yaml": QUIET, "directory/two-sites.yaml": TWO_SITES,
                        "directory/west-side.yaml": WEST})
    site = tmp_path / "site"
    build(content, site, pdf=False)
    expected = expected_facets(content)
    assert expected["help/town/hartford/"] == ["two-sites"]
    assert expected["help/town/west-hartford/"] == ["west-side"]
    assert not [f for f in expected if "quillfeather" in f or "newington" in f]
    for lang in ("en", "es"):
        assert filter_folders(site / lang) == set(expected)
        for folder, orgs in expected.items():
            assert listed(site / lang, folder) == orgs, (lang, folder)
    help_page = (site / "es" / "help" / "index.html").read_text(encoding="utf-8")
    assert ">Ciudad</h3>" in help_page and ">Hartford <span" in help_page
    assert "árabe · <span lang=\"ar\" dir=\"rtl\">العربية</span>" in help_page
    needles = [n for word in ("Quillfeather", "Hidden Lantern", "Newingtonshire", "Lantern Court")
               for n in every_form_of(word)]
    leaks = [f"{path}: {n!r}" for path in site.rglob("*") if path.is_file()
             for n in needles if n in path.read_bytes()]
    assert leaks == [], "a withheld address or its town reached the site"
    index = (site / "en" / "search-index.js").read_text(encoding="utf-8")
    assert "Family shelter" in index and "Hartford" in index


def test_a_topic_cannot_take_a_folder_haven_names(make_hub: MakeHub) -> None:
    from haven.content.load import load
    from haven.content.validate import validate

    root = make_hub({"topics.yaml": "topics:\n  - id: legal-help\n    name: Legal help\n"
                                    "  - id: know-your-rights\n    name: Rights\n"
                                    "  - id: town\n    name: Town help\n"})
    with pytest.raises(ContentError) as info:
        validate(load(root))
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 1 and problems[0].startswith("topics.yaml:6: ")
    assert "'town' is the name of a folder Haven makes under help/" in problems[0]


# -- in the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def origin(hartford: tuple[Path, Path]) -> Iterator[str]:
    with local_server(hartford[1]) as address:
        yield address


def shown(page: Any) -> list[str]:
    return list(page.evaluate(
        "[...document.querySelectorAll('#orgs > li')].filter(li => !li.hidden)"
        ".map(li => li.querySelector('a').getAttribute('href').split('/').slice(-2)[0])"))


def search(page: Any, query: str) -> list[str]:
    """Type `query`, press Enter, and return the results' links once the count is announced."""
    page.fill("#find-q", query)
    page.press("#find-q", "Enter")  # searches at once, or as soon as the index has come
    page.locator(".find [role=status]").filter(has_text=re.compile(r"\S")).wait_for()
    return list(page.evaluate(
        "[...document.querySelectorAll('.found > li > a:first-child')].map(a => a.getAttribute('href'))"))


@needs_chromium
def test_without_scripts_no_search_box_and_the_filter_links_work(browser: Any, origin: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{origin}/en/help/")
        assert page.locator("input, button").count() == 0
        assert page.get_by_role("searchbox").count() == 0
        page.get_by_role("link", name="Law school clinic (2)").click()
        page.wait_for_url(f"{origin}/en/help/accreditation/law-school-clinic/")
        assert page.locator("h1").inner_text() == "Accreditation: Law school clinic"
        names = page.locator("article.org h2").all_inner_texts()
        assert names == ["UConn School of Law Asylum and Human Rights Clinic",
                         "Yale Law School Worker and Immigrant Rights Advocacy Clinic"]
        page.get_by_role("link", name="All filters").click()
        page.wait_for_url(f"{origin}/en/help/#filters")
    finally:
        context.close()


@needs_chromium
def test_filters_combine_instantly_and_announce_the_count(browser: Any, origin: str) -> None:
    page = browser.new_page(viewport={"width": 320, "height": 800})
    try:
        page.goto(f"{origin}/en/help/")
        status = page.locator(".filtered [role=status]")
        assert status.inner_text() == "Organizations found: 8"
        assert page.locator("#filters a[data-f]").count() == 0, "every filter link became a toggle"
        legal = page.get_by_role("button", name="Legal help (7)")
        legal.focus()
        page.keyboard.press("Enter")  # keyboard operable
        assert legal.get_attribute("aria-pressed") == "true"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        page.get_by_role("button", name="Law school clinic (2)").click()  # another kind: narrows
        assert status.inner_text() == "Organizations found: 2"
        assert shown(page) == ["uconn-law-asylum-human-rights-clinic",
                               "yale-law-worker-immigrant-rights-advocacy-clinic"]
        page.get_by_role("button", name="DOJ-recognized organization (1)").click()  # same kind: widens
        assert status.inner_text() == "Organizations found: 3"
        assert "hartford-public-library-the-american-place" in shown(page)
        assert page.get_by_role("button", name="Law school clinic (2)").count() == 1
        assert page.get_by_role("button", name="Free", exact=False).count() == 0  # none is free
        page.get_by_role("button", name="Clear filters").click()
        assert status.inner_text() == "Organizations found: 8" and len(shown(page)) == 8
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        assert page.evaluate("[document.cookie, localStorage.length, sessionStorage.length]") == ["", 0, 0]
        assert page.locator("form").count() == 0
    finally:
        page.close()


@needs_chromium
def test_search_in_spanish_and_in_other_scripts_finds_the_organization(browser: Any,
                                                                        origin: str) -> None:
    page = browser.new_page(viewport={"width": 320, "height": 800})
    library = "../help/org/hartford-public-library-the-american-place/"
    try:
        page.goto(f"{origin}/es/help/")
        assert page.get_by_role("searchbox", name="Buscar en este sitio").count() == 1
        results = search(page, "ciudadania")  # accents are optional
        assert results[0] == library, "an organization offering it comes first"
        assert page.locator(".find [role=status]").inner_text() == f"Resultados: {len(results)}"
        assert search(page, "zzzz") == []
        assert "(860) 695-8400" in page.locator(".find [role=status]").inner_text()
        # the everyday word for lawyer, from each language's search words of legal help
        for lang, query in (("zh-Hans", "司法部"), ("ar", "محامي"), ("my", "ရှေ့နေ")):
            page.goto(f"{origin}/{lang}/help/")
            assert library in search(page, query), (lang, query)
        page.goto(f"{origin}/ar/help/")
        assert search(page, "٦٩٥-٨٤٠٠")[0] == "../help/org/hps-welcome-center/"  # Arabic digits
    finally:
        page.close()


@needs_chromium
def test_a_search_stays_on_this_computer_and_under_50_kb(browser: Any, origin: str) -> None:
    page = browser.new_page()
    requests: list[Any] = []
    try:
        page.goto(f"{origin}/en/help/")
        icon = f"{origin}/{asset_path('icon.svg')}"  # the tab's icon, fetched when the browser likes
        page.on("requestfinished",
                lambda request: request.url == icon or requests.append(request))
        assert search(page, "legal help")
        page.wait_for_timeout(100)
        urls = [r.url for r in requests]
        assert urls == [f"{origin}/en/search-index.js"], urls
        script = page.request.get(f"{origin}/{asset_path('find.js')}")
        total = len(script.body()) + sum(len(r.response().body()) for r in requests)
        assert total < 50 * 1024, f"a search transfers {total:,} bytes, uncompressed"
        search(page, "695-8400")
        assert [r.url for r in requests] == urls, "the index is loaded once; the query is sent nowhere"
    finally:
        page.close()


@needs_chromium
def test_a_search_whose_index_cannot_load_still_gives_the_number(browser: Any, origin: str) -> None:
    context = browser.new_context()
    context.route("**/search-index.js", lambda route: route.abort())  # offline, never cached
    try:
        page = context.new_page()
        page.goto(f"{origin}/en/help/")
        assert search(page, "legal") == []
        assert page.locator(".find [role=status] a.tel").get_attribute("href") == "tel:+18606958400"
    finally:
        context.close()


@needs_chromium
@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed")
def test_axe_finds_nothing_on_filter_and_search_pages(browser: Any, origin: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})
    failures = {}
    try:
        for path in ("en/help/accreditation/law-school-clinic/", "ar/help/audience/families/"):
            page.goto(f"{origin}/{path}")
            failures[path] = axe_violations(page)
        for lang, query in (("en", "legal"), ("ar", "مجاني")):
            page.goto(f"{origin}/{lang}/help/")
            search(page, query)
            page.locator("button.tog").first.click()
            failures[f"{lang}/help/ with results"] = axe_violations(page)
    finally:
        page.close()
    assert {k: v for k, v in failures.items() if v} == {}
