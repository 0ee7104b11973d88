"""What families read is true (issue 12): closed is closed, unconfirmed providers give a
number to call, costs are shown as they are, internal links cannot mislead, the scaffold's
example text cannot be published by accident, and unconfirmed statements are labelled.

Most tests build a second, small hub (`SECOND_HUB`, written from the strings below over the
starter hub of `haven init`) with a mixed-cost service, a closed hotline and a closed
reporting channel.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from haven.build import build
from haven.content.load import load
from haven.content.validate import validate
from haven.errors import ContentError
from haven.opendata.export import export_hsds
from haven.opendata.fragment import export_fragments
from tests.conftest import MakeHub

RIVERSIDE = """\
id: riverside-family-law
name: Riverside Family Law Center
description: Legal advice for families.
phones:
  - number: 860-695-8400
locations:
  - id: riverside-main
    name: Main office
    address:
      address_1: 12 Elm St
      city: Riverside
      state_province: CT
      postal_code: "06101"
    phones:
      - number: 860-695-8401
  - id: riverside-old
    name: Old office on Oak St
    address:
      address_1: 1 Oak St
      city: Oldtown
      state_province: CT
      postal_code: "06102"
    phones:
      - number: 860-695-8409
    verification:
      status: closed
      closed_on: 2025-04-30
      note: Go to the Main office on Elm St instead.
services:
  - id: riverside-consultation
    name: Legal consultation
    topics: [legal-help]
    audiences: [families]
    cost_options:
      - option: Adults
        amount: 25
        currency: USD
      - option: Children
        amount: 0
        currency: USD
  - id: riverside-hotline
    name: Night hotline
    topics: [legal-help]
    audiences: [families]
    cost_options:
      - amount: 0
    phones:
      - number: 860-695-8499
    verification:
      status: closed
      closed_on: 2025-06-30
      note: Call the Main office during the day instead.
unconfirmed: [description]
verification:
  status: current
  assured_date: 2026-11-01
"""

REPORTING = """\
intro: |
  Anyone can report discrimination at school.
channels:
  - id: state-office
    name: State civil rights office
    phones:
      - number: 860-695-8500
    verification:
      status: current
      assured_date: 2026-11-01
  - id: regional-office
    name: Regional civil rights office
    phones:
      - number: 860-695-8599
    verification:
      status: closed
      closed_on: 2025-03-15
      note: Report to the State civil rights office instead.
"""

GUIDE = """\
---
id: getting-help
title: Getting help
kind: guide
audiences: [families]
unconfirmed: [body.1]
---
Find [legal help](page:help/legal-help) near you, or
[the consultation](page:help/org/riverside-family-law#s-riverside-consultation).

Go back [home](page:).
"""

SECOND_HUB: dict[str, str | None] = {
    "directory/riverside-family-law.yaml": RIVERSIDE,
    "reporting.yaml": REPORTING,
    "documents/getting-help.md": GUIDE,
}


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The second hub, built without PDFs: (content, site)."""
    import haven.scaffold

    base = tmp_path_factory.mktemp("second")
    content = base / "content"
    haven.scaffold.create(content)
    for relative, text in SECOND_HUB.items():
        path = content / relative
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
    build(content, base / "site", pdf=False)
    return content, base / "site"


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


# -- 1. Closed is closed --------------------------------------------------------------------

def test_closed_location_service_and_channel_say_so_and_give_no_number(
        second: tuple[Path, Path]) -> None:
    _, site = second
    for lang in ("en", "es"):
        org = _page(site, f"{lang}/help/org/riverside-family-law")
        report = _page(site, f"{lang}/report")
        for closed in ("8606958409", "8606958499"):
            assert f"tel:+1{closed}" not in org
        assert "tel:+18606958401" in org
        assert "tel:+18606958599" not in report
        assert "tel:+18606958500" in report
    org = _page(site, "en/help/org/riverside-family-law")
    assert "Closed since April 30, 2025." in org
    assert "Closed since June 30, 2025." in org
    # The closing, and what replaces it, come before anything else of the closed entry.
    hotline = org[org.index('id="s-riverside-hotline"'):]
    assert hotline.index("Closed since") < hotline.index("Call the Main office")
    assert hotline.index("Call the Main office") < hotline.index("</li>")
    report = _page(site, "en/report")
    assert "Closed since March 15, 2025." in report
    assert "No longer in force" not in org + report


def test_closed_service_is_under_no_filter_nor_active_in_json_ld_or_hsds(
        second: tuple[Path, Path]) -> None:
    content, site = second
    for folder in ("help/legal-help", "help/free", "help/town/oldtown"):
        path = site / "en" / folder / "index.html"
        if path.exists():
            assert "Night hotline" not in path.read_text(encoding="utf-8")
    assert not (site / "en/help/town/oldtown").exists(), "a closed location places nobody in a town"
    org = _page(site, "en/help/org/riverside-family-law")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', org,
                                re.DOTALL)[1])
    offered = [item["itemOffered"]["name"] for item in data["hasOfferCatalog"]["itemListElement"]]
    assert offered == ["Legal consultation"]
    assert "Oak St" not in json.dumps(data)
    files, _ = export_hsds(validate(load(content)))
    org_data = json.loads(files["organizations/riverside-family-law.json"])
    services = {s["name"]: s for s in org_data["services"]}
    assert services["Night hotline"]["status"] == "inactive"
    assert services["Legal consultation"]["status"] == "active"


def test_closed_items_stay_out_of_fragments_and_search(second: tuple[Path, Path]) -> None:
    content, site = second
    fragment = export_fragments(validate(load(content)), "en")
    text = "\n".join(v.decode() for v in fragment.values())
    assert "8606958499" not in text and "8606958409" not in text
    assert "Night hotline" not in text
    index = (site / "en/search-index.js").read_text(encoding="utf-8")
    assert "Night hotline" not in index
    assert "18606958499" not in index and "18606958599" not in index


def test_closed_needs_its_date_and_is_not_for_policies(make_hub: MakeHub) -> None:
    root = make_hub({"directory/riverside-family-law.yaml":
                     RIVERSIDE.replace("      closed_on: 2025-04-30\n", "")})
    with pytest.raises(ContentError) as caught:
        validate(load(root))
    assert "closed_on" in str(caught.value) and "riverside-family-law.yaml:" in str(caught.value)
    resources = (Path(str(root)) / "resources.yaml").read_text(encoding="utf-8")
    policy = re.sub(r"( *)status: \w[\w-]*", r"\1status: closed\n\1closed_on: 2025-01-20",
                    resources, count=1)
    root = make_hub({"resources.yaml": policy})
    with pytest.raises(ContentError) as caught:
        validate(load(root))
    assert "superseded" in str(caught.value)


def test_hartford_iris_nicoll_street_is_closed(example_dir: Path) -> None:
    content = validate(load(example_dir))
    iris = next(o for o in content.organizations if o.id.startswith("iris"))
    nicoll = next(loc for loc in iris.locations if "Nicoll" in (loc.name or ""))
    assert nicoll.verification is not None
    assert nicoll.verification.status.value == "closed"
    assert str(nicoll.verification.closed_on) == "2025-04-30"


# -- 2. Unconfirmed providers give the number to call -----------------------------------------

CALL = "Before you go, call"


def test_unconfirmed_provider_says_whom_to_call(second: tuple[Path, Path]) -> None:
    content, site = second
    org = _page(site, "en/help/org/example-legal-aid")
    sentence = org[org.index("Not yet confirmed."):]
    assert sentence.startswith("Not yet confirmed. " + CALL)
    assert 'href="tel:+18605550100"' in sentence[:200]
    legal = _page(site, "en/help/legal-help")
    assert "Not yet confirmed. " + CALL in legal
    fragment = "\n".join(v.decode() for v in export_fragments(validate(load(content)), "en")
                         .values())
    assert "Not yet confirmed." in fragment and CALL in fragment


def test_unconfirmed_resource_keeps_the_plain_words(second: tuple[Path, Path]) -> None:
    _, site = second
    page = _page(site, "en/resources/aclu-know-your-rights")
    assert "Not yet confirmed." in page and CALL not in page


def test_flyer_gives_the_number_for_an_unconfirmed_organization(second: tuple[Path, Path]) -> None:
    from haven.model import build_model
    from haven.print.layout import piece_data
    from haven.print.render import localized_views

    content, _ = second
    site = build_model(validate(load(content)))
    view = localized_views(site, ["en"])[0]
    data, _ = piece_data(view, site.languages[0], site.source, "https://x.example.org/", "US")
    statuses = {o["name"]["t"]: o["status"]["t"] for o in data["flyer"]["orgs"]}
    assert statuses["Example Legal Aid"] == (
        "Not yet confirmed. Before you go, call (860) 555-0100 to check.")


# -- 3. Costs shown as they are ---------------------------------------------------------------

def test_mixed_cost_is_shown_in_full_and_is_not_free(second: tuple[Path, Path]) -> None:
    content, site = second
    org = _page(site, "en/help/org/riverside-family-law")
    consultation = org[org.index('id="s-riverside-consultation"'):]
    consultation = consultation[:consultation.index("</li>")]
    assert "Adults: <span dir=\"ltr\">$25.00</span>; Children: free" in consultation
    assert "<strong>Free</strong>" not in consultation
    spanish = _page(site, "es/help/org/riverside-family-law")
    assert "25,00\xa0US$" in spanish
    free_page = site / "en/help/free/index.html"
    assert "riverside-family-law" not in (free_page.read_text(encoding="utf-8")
                                          if free_page.exists() else "")
    assert "$25.00" in _page(site, "en/help/legal-help")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', org,
                                re.DOTALL)[1])
    offer = data["hasOfferCatalog"]["itemListElement"][0]
    assert "price" not in offer
    assert {(p["price"], p["priceCurrency"]) for p in offer["priceSpecification"]} == {
        ("25", "USD"), ("0", "USD")}
    index = (site / "en/search-index.js").read_text(encoding="utf-8")
    assert "Adults: $25.00; Children: free" in index
    fragment = "\n".join(v.decode() for v in export_fragments(validate(load(content)), "en")
                         .values())
    assert "Adults: $25.00; Children: free" in fragment
    files, _ = export_hsds(validate(load(content)))
    exported = json.loads(files["organizations/riverside-family-law.json"])["services"][0]
    assert [(c["option"], c["amount"]) for c in exported["cost_options"]] == [
        ("Adults", 25), ("Children", 0)]


def test_free_only_when_every_option_is_free(second: tuple[Path, Path]) -> None:
    from haven.content.facets import directory_facets, is_free

    content = validate(load(second[0]))
    services = {s.id: s for o in content.organizations for s in o.services}
    assert is_free(services["example-legal-advice"])
    assert not is_free(services["riverside-consultation"])
    free = directory_facets(content).get("free:")
    listed = {i for _, ids in (free.results if free else ()) for i in ids}
    assert listed == {"example-legal-advice"}


def test_service_without_cost_says_ask_about_cost(make_hub: MakeHub, tmp_path: Path) -> None:
    root = make_hub({"directory/riverside-family-law.yaml": RIVERSIDE.replace(
        """    cost_options:
      - option: Adults
        amount: 25
        currency: USD
      - option: Children
        amount: 0
        currency: USD
""", "")})
    build(root, tmp_path / "site", pdf=False)
    org = _page(tmp_path / "site", "en/help/org/riverside-family-law")
    consultation = org[org.index('id="s-riverside-consultation"'):]
    assert "Ask about cost." in consultation[:consultation.index("</li>")]


def test_imported_hsds_cost_is_shown(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from haven.cli import main

    hub = tmp_path / "hub"
    assert CliRunner().invoke(main, ["init", str(hub)]).exit_code == 0
    example = Path(__file__).parent / "data/hsds-3.0/examples/organization_full.json"
    result = CliRunner().invoke(main, ["import", "hsds", str(example), "--into", str(hub)])
    assert result.exit_code == 0, result.output
    build(hub, tmp_path / "site", pdf=False)
    page = _page(tmp_path / "site", "en/help/org/example-organization-inc")
    assert "Under 18s and Over 60s: <span dir=\"ltr\">£35.00</span>" in page


# -- 4. Links that cannot mislead -------------------------------------------------------------

def test_page_links_go_to_the_same_language(second: tuple[Path, Path]) -> None:
    _, site = second
    for lang in ("en", "es"):
        guide = _page(site, f"{lang}/getting-help")
        assert 'href="../help/legal-help/"' in guide
        assert 'href="../help/org/riverside-family-law/#s-riverside-consultation"' in guide
        assert 'href="../"' in guide
        assert (site / lang / "help/legal-help/index.html").exists()


BROKEN = {
    "page:help/legal-aid": ("goes to a page this hub does not have", "write page:help/legal-help"),
    "page:help/org/riverside-family-law#s-nope": ("does not have", "#s-riverside-consultation"),
    "/help/legal-help/": ("root of the web server", "write page:help/legal-help"),
    "help/legal-help/": ("relative to the page", "write page:help/legal-help"),
}


@pytest.mark.parametrize("href", list(BROKEN))
def test_a_link_to_no_page_is_an_error_with_file_and_line(make_hub: MakeHub, href: str) -> None:
    root = make_hub({**SECOND_HUB, "documents/getting-help.md":
                     GUIDE.replace("(page:help/legal-help)", f"({href})")})
    with pytest.raises(ContentError) as caught:
        validate(load(root))
    message, fix = BROKEN[href]
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith("documents/getting-help.md:8: the link " + href)
    assert message in problems[0] and fix in problems[0]


def test_haven_check_offline_reports_a_broken_page_link(make_hub: MakeHub) -> None:
    from click.testing import CliRunner

    from haven.cli import main

    root = make_hub({**SECOND_HUB, "documents/getting-help.md":
                     GUIDE.replace("(page:help/legal-help)", "(page:help/legal-aid)")})
    result = CliRunner().invoke(main, ["check", str(root), "--offline"])
    assert result.exit_code != 0
    assert "documents/getting-help.md:8: the link page:help/legal-aid" in result.output


# -- 5. The starter's examples are not published by accident ---------------------------------

def test_scaffold_examples_warn_at_build_and_stop_a_strict_build(make_hub: MakeHub,
                                                                 tmp_path: Path) -> None:
    from haven.build import StrictError

    root = make_hub()
    report = build(root, tmp_path / "site", pdf=False)
    warnings = [str(w) for w in report.warnings]
    expected = [
        "hub.yaml:10: base_url https://families.example.org/ is the example address",
        "hub.yaml:21: 860-555-0100 is a fictional number (555-01xx)",
        "directory/example-legal-aid.yaml:3: 'Example Legal Aid' is the example organization",
        "directory/example-legal-aid.yaml:6: 860-555-0199 is a fictional number",
        "reporting.yaml:10: 860-555-0100 is a fictional number",
        "documents/welcome.md:15: the text of 'welcome' is the example of haven init",
    ]
    for start in expected:
        assert any(w.startswith(start) for w in warnings), (start, warnings)
    with pytest.raises(StrictError) as caught:
        build(root, tmp_path / "strict", pdf=False, strict=True)
    assert "fictional number" in str(caught.value)
    assert not (tmp_path / "strict").exists()


def test_real_numbers_and_own_text_give_no_such_warning(second: tuple[Path, Path]) -> None:
    content = validate(load(second[0]))
    about = [str(w) for w in content.warnings if ("riverside" in str(w) or "getting-help" in str(w))
             and "marked unconfirmed" not in str(w)]
    assert about == []


# -- 6. A date that cannot exist -------------------------------------------------------------

@pytest.mark.parametrize("date", ["2026-13-01", "2026-02-30"])
def test_an_impossible_date_is_called_impossible(make_hub: MakeHub, date: str) -> None:
    root = make_hub({"directory/riverside-family-law.yaml":
                     RIVERSIDE.replace("assured_date: 2026-11-01", f"assured_date: {date}")})
    with pytest.raises(ContentError) as caught:
        validate(load(root))
    problem = str(caught.value.problems[0])
    line = RIVERSIDE.splitlines().index("  assured_date: 2026-11-01") + 1
    assert problem.startswith(f"directory/riverside-family-law.yaml:{line}: the date {date} "
                              "cannot exist")
    assert "YYYY-MM-DD" in problem and "quotes" not in problem


# -- 7. Unconfirmed statements ----------------------------------------------------------------

def test_unconfirmed_statements_are_labelled_in_every_language(second: tuple[Path, Path]) -> None:
    _, site = second
    for lang in ("en", "es"):
        org = _page(site, f"{lang}/help/org/riverside-family-law")
        lead = org[org.index('<p class="lead">'):]
        lead = lead[:lead.index("</p>")]
        assert '<small class="unconfirmed">' in lead
        guide = _page(site, f"{lang}/getting-help")
        first, second_block = guide.split("Go back", 1)
        assert 'class="unconfirmed"' not in first.split("<main", 1)[-1]
        assert '<p class="unconfirmed"><small>' in second_block
    assert "(Not yet confirmed by the district.)" in _page(site, "en/help/org/riverside-family-law")


def test_check_and_strict_build_list_each_unconfirmed_statement(second: tuple[Path, Path],
                                                                 tmp_path: Path) -> None:
    from click.testing import CliRunner

    from haven.cli import main

    content, _ = second
    org_line = RIVERSIDE.splitlines().index("unconfirmed: [description]") + 1
    result = CliRunner().invoke(main, ["check", str(content), "--offline"])
    assert f"directory/riverside-family-law.yaml:{org_line}: unconfirmed statement" in result.output
    assert "documents/getting-help.md:6: unconfirmed statement" in result.output
    warnings = [str(w) for w in validate(load(content)).warnings]
    assert any(w.startswith("documents/getting-help.md:6: 'body.1' is marked unconfirmed")
               for w in warnings)


def test_unconfirmed_names_a_text_field(make_hub: MakeHub) -> None:
    root = make_hub({"directory/riverside-family-law.yaml":
                     RIVERSIDE.replace("unconfirmed: [description]", "unconfirmed: [phones]")})
    with pytest.raises(ContentError) as caught:
        validate(load(root))
    assert "'phones' is not a text field of this record" in str(caught.value)


# -- 8. The second hub, whole ----------------------------------------------------------------

def test_second_hub_shows_every_rule_at_once(second: tuple[Path, Path], tmp_path: Path) -> None:
    """Over the starter's untouched examples: a mixed-cost service, a closed hotline and
    channel, an unconfirmed statement; with one broken internal link added, nothing builds."""
    content, site = second
    warnings = "\n".join(str(w) for w in validate(load(content)).warnings)
    for expected in ("is the example address of haven init",
                     "'Example Legal Aid' is the example organization",
                     "the text of 'welcome' is the example of haven init",
                     "860-555-0100 is a fictional number",
                     "'description' is marked unconfirmed"):
        assert expected in warnings
    org = _page(site, "en/help/org/riverside-family-law")
    assert "$25.00" in org and "Closed since June 30, 2025." in org
    broken = tmp_path / "broken"
    import shutil

    shutil.copytree(content, broken)
    guide = broken / "documents/getting-help.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("page:help/legal-help",
                                                               "/help/legal-help/"),
                     encoding="utf-8")
    with pytest.raises(ContentError, match="getting-help.md:8: the link /help/legal-help/"):
        build(broken, tmp_path / "out", pdf=False)
    assert not (tmp_path / "out").exists()
