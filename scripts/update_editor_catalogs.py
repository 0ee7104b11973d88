"""Bring the editor's catalogs (src/haven/editor/locale/<tag>.po) in step with editor.pot.

    python scripts/extract_editor_strings.py   # first, if the editor's strings changed
    python scripts/update_editor_catalogs.py

Each catalog keeps its translations; a changed English string is marked fuzzy (shown in
English until someone checks it), a removed one becomes obsolete (#~), a new one is added
empty. Babel's Catalog.update does the merge, as msgmerge would.
"""

from __future__ import annotations

from haven.editor.extract import template_ids, template_text, update_language
from haven.editor.i18n import LOCALE, TEMPLATE, shipped_languages


def main() -> None:
    if template_ids(TEMPLATE.read_bytes()) != template_ids(template_text()):
        raise SystemExit(f"{TEMPLATE} is not current: run scripts/extract_editor_strings.py")
    for tag in shipped_languages():
        counts = update_language(LOCALE / f"{tag}.po", tag)
        print(f"{tag}: {counts}")


if __name__ == "__main__":
    main()
