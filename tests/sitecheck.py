"""Parse built pages into what the structural tests assert on (stdlib HTML parser only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageFacts:
    html_lang: str | None = None
    html_dir: str | None = None
    h1_count: int = 0
    links: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    subresources: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    lang_attrs: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    first_link_href: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    data_blocks: int = 0
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    """Script elements that load a file (`src`): their attributes."""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._template = 0

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        f = self.facts
        if tag == "template":  # inert markup that only a script can put on the page
            self._template += 1
        if self._template:
            return
        if tag == "html":
            f.html_lang, f.html_dir = a.get("lang"), a.get("dir")
        if tag == "h1":
            f.h1_count += 1
        if a.get("id"):
            f.ids.add(str(a["id"]))
        if "lang" in a and tag != "html":
            f.lang_attrs.append(str(a["lang"]))
        if tag == "a" and a.get("href") is not None:
            f.links.append((str(a["href"]), a))
            if f.first_link_href is None:
                f.first_link_href = a["href"]
        if tag == "script" and a.get("type") == "application/ld+json":
            f.data_blocks += 1  # structured data for search engines: never executed
        elif tag == "script" and a.get("src") and not a.get("type"):
            f.scripts.append(a)  # a file of the site's own (checked by the tests)
        elif tag in ("script", "form", "input", "iframe", "embed", "object", "textarea", "button"):
            f.forbidden.append(tag)
        if tag in ("img", "source", "audio", "video", "track") and a.get("src"):
            f.subresources.append(str(a["src"]))
        if tag == "link" and a.get("href"):
            f.subresources.append(str(a["href"]))
        if tag == "meta" and (a.get("name") or a.get("http-equiv")):
            f.meta[str(a.get("name") or a.get("http-equiv")).lower()] = str(a.get("content"))

    def handle_data(self, data: str) -> None:
        self.facts.text.append(data)


def parse(html: str) -> PageFacts:
    parser = _Parser()
    parser.feed(html)
    return parser.facts
