"""The bundled Hartford hub, built once, checked as structure: languages, links, privacy, size."""

from __future__ import annotations

import gzip
import posixpath
import re
from pathlib import Path

import langcodes
import phonenumbers
import pytest

from haven.build import PAGE_BUDGET, build
from haven.example import example_content
from haven.render.assets import asset_path
from tests.sitecheck import PageFacts, parse


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hartford") / "site"
    build(example_content(), out, pdf=False)
    return out


@pytest.fixture(scope="session")
def pages(site: Path) -> dict[str, PageFacts]:
    """The public pages (the staff report under _staff/ is checked on its own)."""
    return {
        p.relative_to(site).as_posix(): parse(p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*.html")) if not p.relative_to(site).as_posix().startswith("_staff/")
    }


RTL = {"ar", "prs", "ps", "fa", "ur"}


def test_every_served_language_has_every_page(site: Path, pages: dict[str, PageFacts]) -> None:
    import yaml

    hub = yaml.safe_load((example_content() / "hub.yaml").read_text())
    tags = [e if isinstance(e, str) else e["tag"] for e in hub["languages"]]
    assert len(tags) >= 2
    per_lang = {tag: sorted(p.removeprefix(f"{tag}/") for p in pages if p.startswith(f"{tag}/")) for tag in tags}
    reference = per_lang[hub["source_language"]]
    assert len(reference) > 10
    for tag, names in per_lang.items():
        assert names == reference, f"{tag} is missing pages"


def test_lang_and_dir_on_every_page(pages: dict[str, PageFacts]) -> None:
    for name, facts in pages.items():
        if name in ("index.html", "404.html"):  # the chooser and the root's 404 page
            assert facts.html_lang == "en"
            continue
        tag = name.split("/")[0]
        assert facts.html_lang == tag, name
        assert facts.html_dir == ("rtl" if tag in RTL else "ltr"), name
        for value in facts.lang_attrs:
            assert langcodes.tag_is_valid(value), (name, value)


def test_one_h1_and_a_skip_link(pages: dict[str, PageFacts]) -> None:
    for name, facts in pages.items():
        assert facts.h1_count == 1, name
        assert facts.first_link_href == "#main", name
        assert "main" in facts.ids, name


def _resolve(page: str, href: str) -> str:
    if href.startswith("/"):  # the 404 pages link from the hub's folder: Hartford's is the root
        page, href = "index.html", href[1:] or "./"
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#")[0]))
    if href.split("#")[0].endswith("/") or target == ".":
        target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target


def test_every_internal_link_resolves(site: Path, pages: dict[str, PageFacts]) -> None:
    checked = 0
    for name, facts in pages.items():
        for href, _ in facts.links:
            if re.match(r"^[a-z]+:", href) or href.startswith("#"):
                continue
            target = _resolve(name, href)
            assert (site / target).is_file(), f"{name}: {href} → {target}"
            checked += 1
        for src in facts.subresources:
            assert (site / _resolve(name, src)).is_file(), f"{name}: {src}"
    assert checked > 500


def test_every_tel_link_parses(pages: dict[str, PageFacts]) -> None:
    numbers = set()
    for name, facts in pages.items():
        for href, _ in facts.links:
            if href.startswith("tel:"):
                number = phonenumbers.parse(href[4:].split(";")[0], None)
                assert phonenumbers.is_valid_number(number), (name, href)
                numbers.add(href)
    assert "tel:+18606958400" in numbers
    assert "tel:+18004213481" in numbers


def test_no_external_subresource_script_or_form(site: Path, pages: dict[str, PageFacts]) -> None:
    with_script = []
    for name, facts in pages.items():
        assert not facts.forbidden, (name, facts.forbidden)
        for src in facts.subresources:
            assert not re.match(r"^([a-z]+:)?//", src), (name, src)
        for script in facts.scripts:  # only the site's own files, deferred, never inline
            src = str(script["src"])
            assert not re.match(r"^([a-z]+:)?//", src) and "defer" in script, (name, script)
            assert _resolve(name, src).startswith("assets/"), (name, src)
            assert (site / _resolve(name, src)).is_file(), (name, src)
            if not src.endswith(asset_path("offline.js")):
                with_script.append(name)
        assert facts.meta.get("referrer") == "no-referrer", name
        csp = facts.meta.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, name
        if name != "index.html" and not name.endswith("404.html"):
            # every language page can save its language (haven.offline); a 404 page is no page of it
            assert any(str(s["src"]).endswith(asset_path("offline.js")) for s in facts.scripts), name
    assert with_script and all(name.endswith("/help/index.html") for name in with_script), \
        "only the help page needs a script besides the offline one"


def test_outbound_links_send_no_referrer(pages: dict[str, PageFacts]) -> None:
    outbound = 0
    for name, facts in pages.items():
        for href, attrs in facts.links:
            if href.startswith(("http://", "https://")):
                assert "noreferrer" in str(attrs.get("rel", "")), (name, href)
                outbound += 1
    assert outbound > 50


def test_every_page_within_budget(site: Path) -> None:
    css = len(gzip.compress((site / asset_path("haven.css")).read_bytes(), 9))
    sizes = {
        p.relative_to(site).as_posix(): len(gzip.compress(p.read_bytes(), 9)) + css
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith("_staff/")  # staff use a desk, not a phone
    }
    heaviest = max(sizes, key=sizes.__getitem__)
    assert sizes[heaviest] < PAGE_BUDGET, (heaviest, sizes[heaviest])


def _text(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_superseded_policy_is_shown_as_superseded(site: Path) -> None:
    found = [p for p in site.glob("en/resources/*/index.html") if "s-superseded" in p.read_text()]
    assert found, "no superseded resource page"
    for page in found:
        html = page.read_text()
        assert "No longer in force since January 20, 2025" in html
        spanish = (site / "es" / page.relative_to(site / "en")).read_text()
        assert "Ya no está en vigor desde el 20 de enero de 2025" in spanish


def test_moved_link_points_to_new_address(site: Path) -> None:
    html = "".join(p.read_text() for p in site.glob("en/resources/*/index.html"))
    assert 'href="https://www.aclu.org/documents/faq-educators-immigrant-students-public-schools"' in html
    assert "aclu.org/other/faq-educators-immigrant-students-public-schools" in html
    assert 'href="http://www.aclu.org/other/' not in html and 'href="https://www.aclu.org/other/' not in html


def test_spanish_letter_comes_from_the_catalog(site: Path) -> None:
    html = _text(site, "es/superintendent-letter/index.html")
    assert "Estimadas Familias de HPS, Colegas, Socios, y Amigos" in html
    assert "Las Escuelas Públicas de Hartford no solicitan información sobre el estado migratorio" in html
    body = html.split('<article>')[1].split('</article>')[0]
    assert 'lang="en"' not in body


def test_untranslated_language_falls_back_marked_and_says_so(site: Path) -> None:
    html = _text(site, "ksw/superintendent-letter/index.html")  # no faithful draft: English
    assert '<html lang="ksw"' in html
    assert '<div lang="en">' in html and "Dear HPS Families" in html
    assert 'class="notice"' in html and "tel:+18606958400" in html


def test_rtl_fallback_text_is_marked_left_to_right(site: Path) -> None:
    html = _text(site, "ar/staff-and-partners/index.html")  # its body stays English
    assert '<html lang="ar" dir="rtl">' in html
    assert '<div lang="en" dir="ltr">' in html
    assert 'class="tel" href="tel:+18606958400" dir="ltr"' in html


def test_language_chooser_names_languages_in_themselves(pages: dict[str, PageFacts], site: Path) -> None:
    html = _text(site, "index.html")
    for tag, endonym in [("es", "Español"), ("zh-Hant", "中文 (繁體)"), ("ar", "العربية"),
                         ("ksw", "ကညီကျိာ်"), ("prs", "دری")]:
        assert re.search(rf'href="{re.escape(tag)}/" lang="{re.escape(tag)}"[^>]*><span class="endonym">{re.escape(endonym)}</span>', html), tag


def test_no_status_field_in_any_output(site: Path) -> None:
    for path in site.rglob("*.html"):
        text = path.read_text().lower()
        assert "immigration_status" not in text and "citizenship_status" not in text


def test_build_is_deterministic(tmp_path: Path, site: Path) -> None:
    again = tmp_path / "again"
    build(example_content(), again, pdf=False)
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_organization_pages_carry_json_ld(site: Path, pages: dict[str, PageFacts]) -> None:
    import json

    org_pages = [name for name in pages if "/help/org/" in name]
    assert org_pages
    for name in org_pages:
        assert pages[name].data_blocks == 1, name
        html = (site / name).read_text()
        block = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
        data = json.loads(block)
        assert data["@context"] == "https://schema.org"
        tag = name.split("/")[0]
        assert data["@id"].endswith(f"/{tag}/help/org/{name.split('/')[3]}/")
    for name, facts in pages.items():
        if "/help/org/" not in name:
            assert facts.data_blocks == 0, name


def test_staff_report_is_built_but_hidden(site: Path, pages: dict[str, PageFacts]) -> None:
    for name in ("translations.html", "outreach.html"):
        facts = parse((site / "_staff" / name).read_text(encoding="utf-8"))
        assert facts.meta.get("robots", "").startswith("noindex"), name
        assert not facts.forbidden, name
    outreach = (site / "_staff" / "outreach.html").read_text(encoding="utf-8")
    assert 'class="message" lang="es" dir="auto">Hartford Public Schools: todos los niños' in outreach
    assert "<td>GSM-7</td><td>1</td>" in outreach
    for name, page in pages.items():
        assert not any("_staff" in href for href, _ in page.links), name


def test_built_translation_matrix_is_the_one_translate_status_reports(site: Path) -> None:
    """The build takes each language's figures from its render; `haven translate status`
    reads every catalog on its own. Both must give the same page."""
    from haven.content.load import load
    from haven.content.validate import validate
    from haven.i18n.status import render_status_html, status_matrix

    matrix = status_matrix(validate(load(example_content())))
    assert len(matrix.languages) == 30
    expected = render_status_html(matrix, stylesheet="staff.css")
    assert (site / "_staff" / "translations.html").read_text(encoding="utf-8") == expected
