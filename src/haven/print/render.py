"""Compile the printed pieces of every language with Typst, offline, from local fonts only."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Sequence
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import Final

import segno
import typst

from haven.errors import HavenError
from haven.i18n.catalog import Entry, read_catalog
from haven.i18n.translate import Localized, localize
from haven.interrupt import temporary_folder
from haven.model import Site
from haven.print.fonts import UnprintableError, check, choose, font_dirs
from haven.print.layout import hub_url, piece_data
from haven.print.unprintable import content_error

PAPERS = {"letter": "us-letter", "a4": "a4"}
PRODUCTS = ("flyer", "card", "poster")
PDF_STANDARD: Final = "ua-1"
"""PDF/UA-1: tagged, with title, language and alternative text; Typst checks it on export."""

LEADING = {"Arab": 0.9, "Mymr": 1.0, "Deva": 0.8, "Ethi": 0.75, "Hans": 0.75, "Hant": 0.75}
"""Space between lines, in em, for scripts with tall letters or stacked marks (default 0.65)."""
NASTALIQ_LEADING = 1.4

Progress = Callable[[int, int], None]


class PrintError(HavenError):
    """Typst could not make a PDF."""


def pdf_name(tag: str, product: str, paper: str) -> str:
    """Where a piece goes in the site: `pdf/es/flyer-letter.pdf`."""
    return f"pdf/{tag}/{product}-{paper}.pdf"


DIGESTS = ".haven-pdf.json"
"""Per language: what each piece was made from, so an unchanged piece is reused, not remade."""


def render_pdfs(site: Site, views: Sequence[Localized], languages: Sequence[str] = (),
                fonts: Sequence[str] | None = None,
                progress: Progress | None = None,
                previous: Path | None = None) -> dict[str, bytes]:
    """Every printed piece of every language (or of `languages`), by its path in the site.

    All fonts are checked before anything is compiled: a language with no font fails with a
    FontError naming the Debian package to install. With `previous` (the last built site),
    a piece whose inputs have not changed is taken from there instead of compiled again.
    """
    dirs = list(fonts) if fonts is not None else font_dirs()
    content = site.content
    hub = content.hub
    chosen = [v for v in views if not languages or v.lang in languages]
    unknown = sorted(set(languages) - {v.lang for v in views})
    if unknown:
        served = ", ".join(lang.tag for lang in site.languages)
        raise HavenError(f"{', '.join(unknown)} is not a language this hub serves — "
                         f"choose among {served}, or add it to hub.yaml")
    prepared = []
    for view in chosen:
        lang = site.language(view.lang)
        data, texts = piece_data(view, lang, site.source, hub.base_url, hub.country)
        try:
            choice = check(lang.tag, lang.english_name, choose(lang.tag, site.source.tag),
                           texts, dirs)
        except UnprintableError as exc:
            raise content_error(exc, content.root, content.catalogs.values()) from None
        data["fonts"] = list(choice.families)
        data["district"] = hub.district
        urdu = choice.families[0] == "Noto Nastaliq Urdu"
        data["leading"] = NASTALIQ_LEADING if urdu else LEADING.get(choice.script, 0.65)
        prepared.append((lang.tag, data))

    files: dict[str, bytes] = {}
    template = resources.files("haven.print") / "templates" / "print.typ"
    with temporary_folder("haven-print-") as root:  # removed even on Ctrl+C
        main = root / "print.typ"
        main.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        compiler: typst.Compiler | None = None  # made only if a piece must be compiled
        recipe = hashlib.sha256(
            "\0".join([main.read_text(encoding="utf-8"), version("typst"), *dirs]).encode()
        )
        for done, (tag, data) in enumerate(prepared, start=1):
            data_json = json.dumps(data, ensure_ascii=False, sort_keys=True)
            qr = _qr_svg(hub_url(hub.base_url, tag))
            (root / f"{tag}.json").write_text(data_json, "utf-8")
            (root / f"{tag}.svg").write_bytes(qr)
            old = _digests(previous, tag)
            digests: dict[str, str] = {}
            for product in PRODUCTS:
                if product == "poster" and "poster" not in data:
                    continue
                for paper, typst_paper in PAPERS.items():
                    name = pdf_name(tag, product, paper)
                    digest = recipe.copy()
                    digest.update(f"{data_json}\0{qr.decode()}\0{product}\0{paper}".encode())
                    digests[name] = digest.hexdigest()
                    reused = _reuse(previous, name, old.get(name), digests[name])
                    if reused is not None:
                        files[name] = reused
                        continue
                    inputs = {"data": f"{tag}.json", "qr": f"{tag}.svg", "product": product,
                              "paper": typst_paper}
                    if compiler is None:
                        compiler = typst.Compiler(root=str(root), font_paths=dirs,
                                                  ignore_system_fonts=True)
                    files[name] = _compile(compiler, main, inputs, tag)
            if previous is not None:  # kept in a built site, for the next build to reuse
                files[f"pdf/{tag}/{DIGESTS}"] = json.dumps(digests, indent=1,
                                                           sort_keys=True).encode()
            if progress:
                progress(done, len(prepared))
    return files


def localized_views(site: Site, languages: Sequence[str] = ()) -> list[Localized]:
    """Each served language's view of the content (or of `languages`), through its catalog."""
    views = []
    for lang in site.languages:
        if languages and lang.tag not in languages:
            continue
        path = site.content.catalogs.get(lang.tag)
        catalog: dict[str, Entry] = read_catalog(path) if path else {}
        views.append(localize(site.content, lang.tag, catalog))
    return views


def _digests(previous: Path | None, tag: str) -> dict[str, str]:
    if previous is None:
        return {}
    try:
        found = json.loads((previous / "pdf" / tag / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _reuse(previous: Path | None, name: str, old: object, new: str) -> bytes | None:
    """The previous build's piece, if it was made from exactly the same inputs."""
    if previous is None or old != new:
        return None
    try:
        return (previous / name).read_bytes()
    except OSError:
        return None


def _qr_svg(url: str) -> bytes:
    """A QR code with its quiet zone, error correction M: readable from a worn flyer."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=4, border=4,
                                                 xmldecl=False)
    return out.getvalue()


def _compile(compiler: typst.Compiler, main: Path, inputs: dict[str, str], tag: str) -> bytes:
    try:
        pdf = compiler.compile(input=str(main), sys_inputs=inputs, pdf_standards=PDF_STANDARD)
    except typst.TypstError as exc:
        raise PrintError(f"could not make {inputs['product']} ({inputs['paper']}) for {tag}: "
                         f"{exc} — please report this to Haven's maintainers") from None
    if not isinstance(pdf, bytes):
        raise PrintError(f"Typst returned no PDF for {inputs['product']} ({tag})")
    return pdf
