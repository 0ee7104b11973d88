"""Write maintainers' translation drafts into the catalogs, as labelled machine drafts.

    python scripts/apply_drafts.py DRAFT.json [DRAFT.json ...]

Each DRAFT.json is `{"language": tag, "content": {segment id: text}, "interface": {segment id:
text}, "glossary": {English term: term}, "withheld": {segment id: why}}`. Content goes into the
example hub's catalog (`src/haven/examples/hartford/translations/<tag>.po`), interface strings
into Haven's own (`src/haven/i18n/locale/<tag>.po`), the glossary into
`src/haven/examples/hartford/translations/glossary/<tag>.csv`.

Every entry written is flagged `machine` with the comment below, so pages label it and nobody
takes it for reviewed work. An entry that already has a translation by a person (flag
`reviewed`, or translated and not a draft) is never replaced; an outdated (fuzzy) entry or an
earlier machine draft is. Only an entry whose source still equals the catalog's msgid is
written, so a draft made from an older text is never attached to a newer one.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from haven.i18n.catalog import (
    MACHINE,
    REVIEWED,
    _write,
    read_babel,
)

ROOT = Path(__file__).resolve().parent.parent
HUB = ROOT / "src/haven/examples/hartford"
LOCALE = ROOT / "src/haven/i18n/locale"
DRAFT_NOTE = "Drafted by Haven's maintainers; not yet reviewed by a native speaker."
COMMENT = "machine: drafted by Haven's maintainers with an AI model; not reviewed by a person"


def apply(path: Path, lang: str, drafts: dict[str, str]) -> tuple[int, list[str]]:
    catalog = read_babel(path)
    written, skipped = 0, []
    by_context = {m.context: m for m in catalog if m.id and m.context}
    for ident, text in drafts.items():
        message = by_context.get(ident)
        if message is None:
            skipped.append(f"{ident}: not in {path.name}")
            continue
        human = message.string and "fuzzy" not in message.flags and MACHINE not in message.flags
        if human or REVIEWED in message.flags:
            skipped.append(f"{ident}: translated by a person; kept")
            continue
        message.string = text
        message.flags.discard("fuzzy")
        message.previous_id = []
        message.flags.add(MACHINE)
        message.auto_comments = [c for c in message.auto_comments
                                 if not c.startswith("machine:")] + [COMMENT]
        if path.parent == LOCALE:  # Haven's own catalogs say who drafted each string
            message.user_comments = [DRAFT_NOTE]
        written += 1
    _write(path, lang, catalog, catalog)
    return written, skipped


def main(files: list[str]) -> None:
    for name in files:
        draft = json.loads(Path(name).read_text(encoding="utf-8"))
        lang = draft["language"]
        done, skipped = apply(HUB / "translations" / f"{lang}.po", lang, draft.get("content", {}))
        ui_done, ui_skipped = apply(LOCALE / f"{lang}.po", lang, draft.get("interface", {}))
        glossary = draft.get("glossary", {})
        if glossary:
            folder = HUB / "translations" / "glossary"
            folder.mkdir(exist_ok=True)
            with (folder / f"{lang}.csv").open("w", encoding="utf-8", newline="") as handle:
                out = csv.writer(handle, lineterminator="\n")
                out.writerow(["source", "target", "description"])
                for term, target in glossary.items():
                    out.writerow([term, target, "machine draft; not reviewed by a person"])
        print(f"{lang}: {done} content and {ui_done} interface drafts written, "
              f"{len(draft.get('withheld', {}))} withheld, {len(glossary)} glossary terms")
        for line in skipped + ui_skipped:
            print("  skipped", line)


if __name__ == "__main__":
    main(sys.argv[1:])
