"""The editor's strings, found with Babel's extractors: Python's for the code, Jinja's for
the templates; plus the forms' field labels and help texts (the schema's field docstrings),
found by walking the models the editor shows. `scripts/extract_editor_strings.py` writes
them to `locale/editor.pot`."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

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
    for text, comments in schema_strings().items():
        catalog.add(text, None, [(SCHEMA, 0)], auto_comments=comments)
    return catalog


SCHEMA = "../content/schema.py"


def schema_strings() -> dict[str, list[str]]:
    """Each form label and help text of the models the editor shows (English), with a
    translator's comment for each field it belongs to (`Organization.phones`)."""
    from haven.editor.forms import edited_models, item_label_of, kind_of, label_of, shown_fields

    found: dict[str, list[str]] = {}
    for model in edited_models():
        for key, info in shown_fields(model):
            where = f"{model.__name__}.{key}"
            found.setdefault(label_of(key), []).append(
                f"the label of the form field {where} (short, like a heading)")
            kind, _options, _inner = kind_of(info.annotation, list(info.metadata))
            if kind == "items":
                found.setdefault(item_label_of(key), []).append(
                    f"the label of one item of the list {where}")
            if info.description:
                found.setdefault(info.description, []).append(
                    f"the help text of the form field {where} (the schema's description; "
                    "docs/authoring.md says the same)")
    return found


def template_text(catalog: Catalog | None = None) -> bytes:
    """The template as committed: sorted, no line numbers (so moving code does not change it)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog if catalog is not None else extracted(), width=100,
             sort_output=True, include_lineno=False)
    return buffer.getvalue()


def template_ids(data: bytes) -> set[str | tuple[str, ...]]:
    """The msgids of a template or catalog's text (plural entries as a tuple)."""
    catalog = read_po(io.BytesIO(data))
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


MACHINE_NOTE = "machine: drafted by Haven's maintainers with an AI model; not reviewed by a person"
DRAFT_COMMENT = "Drafted by Haven's maintainers; not yet reviewed by a native speaker."


def update_language(path: Path, tag: str, drafts: dict[str, str] | None = None,
                    template_path: Path | None = None) -> dict[str, int]:
    """Bring the catalog at `path` in step with the committed template, as msgmerge would.

    Translations are kept; a changed English string's translation is marked fuzzy; a removed
    one becomes obsolete. `drafts` (English → text) fill empty or fuzzy entries (a fuzzy one
    may be a new string that merely looks like an old one) as machine drafts, flagged
    `machine`, never `reviewed`; a current translation is never replaced.
    """
    from haven.editor.i18n import TEMPLATE
    from haven.i18n.catalog import read_babel
    from haven.languages import cldr_locale

    with (template_path or TEMPLATE).open("rb") as handle:
        template = read_po(handle)
    if path.exists():
        catalog = read_babel(path)
    else:
        locale = cldr_locale(tag)
        catalog = Catalog(locale=str(locale) if locale is not None else None,
                          project="Haven editor", version="", fuzzy=False)
    notes = {str(m.id): [c for c in m.auto_comments if c.startswith("machine:")]
             for m in catalog if m.id}
    catalog.update(template, update_header_comment=True)
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.language_team = f"{tag} translators"
    counts = {"translated": 0, "drafted": 0, "fuzzy": 0, "empty": 0}
    for message in catalog:
        if not message.id:
            continue
        message.auto_comments = list(message.auto_comments) + notes.get(str(message.id), [])
        if (not message.string or message.fuzzy) and drafts and isinstance(message.id, str) \
                and message.id in drafts:
            message.string = drafts[message.id]
            message.flags.add("machine")
            message.flags.discard("reviewed")
            message.flags.discard("fuzzy")
            message.previous_id = []
            if MACHINE_NOTE not in message.auto_comments:
                message.auto_comments.append(MACHINE_NOTE)
            message.user_comments = [DRAFT_COMMENT]
            counts["drafted"] += 1
        elif message.fuzzy:
            counts["fuzzy"] += 1
        elif message.string:
            counts["translated"] += 1
        else:
            counts["empty"] += 1
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_lineno=False, ignore_obsolete=False)
    text = buffer.getvalue().replace(
        f"Language: {catalog.locale_identifier}".encode(), f"Language: {tag}".encode(), 1)
    tmp = path.with_suffix(".po.tmp")
    tmp.write_bytes(text)
    tmp.replace(path)
    return counts
