"""Shared pages (haven.render.shared): rendered once with placeholders, filled in per language,
they must be byte for byte what rendering each language directly makes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from haven.build import build
from haven.content.load import load
from haven.content.validate import validate
from haven.example import example_content
from haven.i18n.catalog import _write, read_catalog
from haven.i18n.translate import localize
from haven.model import build_model
from haven.render.shared import START, Filler, Placeholders, Skeleton
from haven.render.site import SHARED_TEMPLATES, Renderer

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _synthetic(root: Path, languages: int, organizations: int) -> Path:
    spec = importlib.util.spec_from_file_location("make_synthetic_hub", BENCH / "make_synthetic_hub.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    module.make_hub(root, languages, organizations)
    return root


def _compare(content_dir: Path) -> tuple[int, int]:
    """(pages compared, shared pages among them); asserts every file is identical."""
    content = validate(load(content_dir))
    site = build_model(content)
    shared, direct = Renderer(site), Renderer(site, shared=False)
    compared = 0
    for lang in site.languages:
        path = content.catalogs.get(lang.tag)
        view = localize(content, lang.tag, read_catalog(path) if path else {})
        filled, rendered = shared.language(view), direct.language(view)
        assert filled.keys() == rendered.keys()
        for name, data in rendered.items():
            assert filled[name] == data, f"{name} differs between shared and direct rendering"
            assert START.encode() not in data, f"{name} holds a placeholder"
        compared += len(rendered)
    _, skeletons = shared.skeletons()
    return compared, len(skeletons)


def test_hartford_shared_pages_match_direct_rendering() -> None:
    """30 languages: Spanish from its catalog, the rest falling back to English (marked with
    lang, right to left where the page is), Haven's own interface drafts."""
    compared, shared = _compare(example_content())
    assert compared > 30 * 20
    assert shared >= 20  # the organization, filter, help, document, resource and report pages


def test_every_translation_state_fills_in_as_it_renders(tmp_path: Path) -> None:
    """Machine drafts, outdated and missing translations, in a left-to-right and a
    right-to-left language: the notices each page shows come out the same both ways."""
    hub = _synthetic(tmp_path / "hub", languages=7, organizations=12)  # en es fr pt zh-Hans zh-Hant ar
    for tag in ("fr", "ar"):
        po = hub / "translations" / f"{tag}.po"
        catalog = read_po(po.open("rb"))
        for number, message in enumerate(m for m in catalog if m.context):
            if number % 7 == 1:
                message.flags.add("machine")
            elif number % 7 == 2:
                message.flags.add("fuzzy")
            elif number % 7 == 3:
                message.string = ""
            elif number % 7 == 4:
                message.id = f"{message.id} (an earlier version)"
        _write(po, tag, catalog, catalog)
    compared, shared = _compare(hub)
    assert compared > 7 * 40 and shared > 12
    site = tmp_path / "site"
    build(hub, site, pdf=False)
    page = (site / "ar" / "help" / "org").glob("*/index.html")
    html = next(iter(page)).read_text()
    assert 'dir="rtl"' in html and 'lang="en" dir="ltr"' in html  # fallbacks are there, marked


def test_a_template_that_changes_words_itself_is_caught(tmp_path: Path) -> None:
    """The comparison above can fail: a shared template that upper-cases a translated name
    in the template (not through a template function) fills in differently."""
    content = validate(load(example_content()))
    site = build_model(content)
    shared, direct = Renderer(site), Renderer(site, shared=False)
    org = next(p for p in site.pages if p.template == "organization.html")
    source = shared.env.from_string("{{ (lookup.organization[page.record].description or '')|upper }}")
    shared.templates[org.template] = direct.templates[org.template] = source
    shared._skeletons = None
    es = localize(content, "es", read_catalog(content.catalogs["es"]))
    path = f"es/{org.path}index.html"
    assert shared.language(es)[path] != direct.language(es)[path]


def test_placeholders_are_made_once_per_call_and_filled_once_per_language() -> None:
    calls: list[str] = []

    def shout(word: str) -> str:
        calls.append(word)
        return word.upper() + "<"

    placeholders = Placeholders()
    one, again, other = (placeholders.defer(shout, w) for w in ("a", "a", "b"))
    assert one == again != other
    nested = placeholders.defer(shout, f"[{one}]")
    skeleton = Skeleton.of(f"x{one}y{other}{one}z{nested}")
    filler = Filler(placeholders, lambda func, args, kwargs: (str(func(*args, **kwargs)), 0))
    html, noticed = filler.fill(skeleton)
    # Each call is evaluated once; a nested argument is filled in before its call, as markup
    # (so what the call adds to it is escaped).
    assert html == "xA<yB<A<z[A<]&lt;" and noticed == 0
    assert calls == ["a", "b", "[A<]"]


@pytest.mark.parametrize("template", sorted(SHARED_TEMPLATES))
def test_shared_templates_exist(template: str) -> None:
    assert (Path(__file__).resolve().parents[1] / "src/haven/render/templates" / template).is_file()


def test_json_ld_strings_are_escaped_alike_alone_and_in_the_whole() -> None:
    """Shared organization pages fill each translated string of their JSON-LD in by itself."""
    from haven.opendata.jsonld import script_safe_json, script_safe_string

    for text in ("Ayuda legal", 'é < > & " \\ \n \t \x01 \u2028 \u2029 </script>', "中文 😀 ܐ"):
        assert script_safe_json({"name": text}) == '{"name":"' + script_safe_string(text) + '"}'
