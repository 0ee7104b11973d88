"""The editor's strings, found with Babel's extractors: Python's for the code, Jinja's for
the templates. `scripts/extract_editor_strings.py` writes them to `locale/editor.pot`."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from haven.i18n.catalog import FIXED_DATE

EDITOR = Path(__file__).parent
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every `_()` and `ngettext()` string of the editor, each with the files it is in."""
    catalog = Catalog(project="Haven editor", version="", creation_date=FIXED_DATE,
                      revision_date=FIXED_DATE, fuzzy=False)
    for filename, lineno, message, comments, _context in extract_from_dir(
            EDITOR, METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True):
        if filename.startswith("extract") or not message:
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments)
    return catalog


def template_text(catalog: Catalog | None = None) -> bytes:
    """The template as committed: sorted, no line numbers (so moving code does not change it)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog if catalog is not None else extracted(), width=100,
             sort_output=True, include_lineno=False)
    return buffer.getvalue()
