"""The editor's interface strings: marked with `_()` so they can be translated later.

They do not reach the hub's catalogs yet: no `haven-editor` catalog is shipped, so `_()`
returns the English text (gettext's fallback).
"""

from __future__ import annotations

import gettext

_translations = gettext.translation("haven-editor", fallback=True)


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations.ngettext(singular, plural, count)
