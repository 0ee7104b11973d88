"""Regenerate src/haven/editor/locale/editor.pot from the editor's code and templates.

    python scripts/extract_editor_strings.py

Then bring each language in step: msgmerge --update --backup=none
src/haven/editor/locale/es.po src/haven/editor/locale/editor.pot
"""

from __future__ import annotations

from haven.editor.extract import template_text
from haven.editor.i18n import TEMPLATE


def main() -> None:
    data = template_text()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE.write_bytes(data)
    print(f"{TEMPLATE}: {data.count(b'msgid ') - 1} strings")


if __name__ == "__main__":
    main()
