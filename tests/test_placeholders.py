"""Interface strings are written by translators: their {placeholders} are filled safely."""

from __future__ import annotations

from markupsafe import Markup, escape

from haven.render.site import _fill


def test_placeholders_are_filled_with_escaped_values() -> None:
    text = escape("Revisado el {date} — llame al {phone}")
    filled = _fill(text, {"date": "<b>1 de mayo</b>", "phone": Markup('<a href="tel:+1">1</a>')})
    assert filled == ('Revisado el &lt;b&gt;1 de mayo&lt;/b&gt; — llame al '
                      '<a href="tel:+1">1</a>')
    assert isinstance(filled, Markup)


def test_a_translator_cannot_reach_attributes_or_break_the_page() -> None:
    assert _fill(escape("{date.__class__} {0} {missing} {date}"), {"date": "x"}) == (
        "{date.__class__} {0} {missing} x")
    # Doubled braces are not str.format's escapes: such a translation is refused at import
    # and build (tests/test_hostile.py), and filling leaves them as they are.
    assert _fill(escape("{{literal}} {date}"), {"date": "<x>"}) == "{{literal}} &lt;x&gt;"
    assert _fill(escape("{{broken} {date.x} {date}"), {"date": "x"}) == "{{broken} {date.x} x"
