"""The one way Haven makes a Jinja environment, for pages, reports and the editor alike.

Every environment loads a package's `templates/` folder, escapes every value (autoescape on
for files and strings: content and translations are never markup), trims block lines, and
keeps compiled templates in the cross-process bytecode cache (`template_cache`). Callers add
only their own filters and globals.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined, Undefined

from haven.template_cache import template_cache


def environment(package: str, *, strict: bool = False,
                extensions: Sequence[str] = ()) -> Environment:
    """The templates of `package` (`haven.render`, `haven.check` …). `strict` makes a
    missing variable an error instead of an empty string (the site's pages use it)."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        bytecode_cache=template_cache(),
        autoescape=True,
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=list(extensions),
    )
