"""Bring the editor's catalogs (src/haven/editor/locale/<tag>.po) in step with editor.pot.

    python scripts/extract_editor_strings.py   # first, if the editor's strings changed
    python scripts/update_editor_catalogs.py
    python scripts/update_editor_catalogs.py es=DRAFTS.json   # also fill empty entries

DRAFTS.json maps English to text (`{"Phone": "Teléfono"}`): each fills an empty entry of that
language as a machine draft (flagged `machine`, never `reviewed`), never a translated one.

Each catalog keeps its translations; a changed English string is marked fuzzy (shown in
English until someone checks it), a removed one becomes obsolete (#~), a new one is added
empty. Babel's Catalog.update does the merge, as msgmerge would.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from haven.editor.extract import template_ids, template_text, update_language
from haven.editor.i18n import LOCALE, TEMPLATE, shipped_languages


def main() -> None:
    if template_ids(TEMPLATE.read_bytes()) != template_ids(template_text()):
        raise SystemExit(f"{TEMPLATE} is not current: run scripts/extract_editor_strings.py")
    drafts: dict[str, dict[str, str]] = {}
    for argument in sys.argv[1:]:
        tag, _, path = argument.partition("=")
        drafts[tag] = json.loads(Path(path).read_text(encoding="utf-8"))
    for tag in shipped_languages():
        counts = update_language(LOCALE / f"{tag}.po", tag, drafts.get(tag))
        print(f"{tag}: {counts}")


if __name__ == "__main__":
    main()
