"""`haven export fragment`: HTML to paste into a district's existing site."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from haven.cli import main
from haven.example import example_content


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    assert parser.stack == [], "every element is closed"
    return parser


def test_fragments_are_self_contained_and_translated(tmp_path: Path) -> None:
    out = tmp_path / "fragments"
    result = CliRunner().invoke(main, ["export", "fragment", str(example_content()),
                                       "--language", "es", "--output", str(out)])
    assert result.exit_code == 0, result.output
    base = "https://hartford.haven.example/"
    for name in ("letter.html", "directory.html"):
        html = (out / name).read_text(encoding="utf-8")
        parsed = _parse(html)
        tags = [tag for tag, _ in parsed.tags]
        assert tags[0] == "div" and parsed.tags[0][1]["lang"] == "es"
        assert not {"html", "head", "body", "script", "style", "link", "img", "iframe",
                    "object", "embed", "meta", "form"} & set(tags)
        for tag, attrs in parsed.tags:
            assert "src" not in attrs and "style" not in attrs, (tag, attrs)
            assert not any(key.startswith("on") for key in attrs), (tag, attrs)
            href = attrs.get("href")
            if href is not None:
                assert href.startswith((base, "https://", "http://", "tel:", "mailto:")), href
    letter = (out / "letter.html").read_text(encoding="utf-8")
    assert "Estimadas Familias de HPS, Colegas, Socios, y Amigos:" in letter
    assert "Dear HPS Families" not in letter
    assert f'href="{base}es/superintendent-letter/"' in letter
    directory = (out / "directory.html").read_text(encoding="utf-8")
    assert f'href="{base}es/help/org/hps-welcome-center/"' in directory
    assert 'href="tel:+18606958400"' in directory
    assert "Ayuda gratuita" not in directory  # no Hartford service is said to be free


def test_fragment_refuses_a_language_the_hub_does_not_serve(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "fragment", str(example_content()),
                                       "--language", "xx",
                                       "--output", str(tmp_path / "f")])
    assert result.exit_code == 1 and "does not serve the language 'xx'" in result.output
    assert not (tmp_path / "f").exists()
