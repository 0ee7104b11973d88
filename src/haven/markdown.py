"""Markdown to HTML: CommonMark with raw HTML off, so content can never inject markup."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token


def parser() -> MarkdownIt:
    """The one Markdown setup of Haven: CommonMark with raw HTML off, no linkify, no
    typographic replacements. Pages, PDFs, messages and the translation segments all parse
    a document the same way, so a segment is the same block everywhere."""
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


_md = parser()
_md.disable("image")  # a picture from another site would be a request to another host


PAGE_SCHEME = "page:"
"""How content links to the hub's own pages: `page:help/legal-help`, `page:report#ch-ocr`.
The path is a page's folder inside the language (`""` is the language's home); each
language's page links to the same page in its own language."""


def _safe_link(url: str) -> bool:
    """Only web, e-mail and phone links, or links within the hub."""
    scheme, colon, _ = url.partition(":")
    return not colon or "/" in scheme or scheme.lower() in ("http", "https", "mailto", "tel",
                                                            "page")


def page_target(href: str) -> tuple[str, str] | None:
    """(page path without slashes, anchor) of a `page:` link, else None."""
    if not href.startswith(PAGE_SCHEME):
        return None
    path, _, anchor = href[len(PAGE_SCHEME):].partition("#")
    return path.strip("/"), anchor


_md.validateLink = _safe_link  # type: ignore[method-assign]


def _link_open(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    target = page_target(href)
    if target is not None:
        path, anchor = target
        root = env.get("root", "") if isinstance(env, dict) else ""
        token.attrSet("href", (root + (path + "/" if path else "") or "./")
                      + (f"#{anchor}" if anchor else ""))
    elif href.startswith(("http://", "https://")):
        token.attrSet("rel", "noreferrer")
    return str(renderer.renderToken(tokens, idx, options, env))


_md.add_render_rule("link_open", _link_open)


@lru_cache(maxsize=8192)
def render_markdown(text: str, root: str = "") -> str:
    """HTML for a Markdown block; `#` becomes h2, since the page's title is its only h1.

    `root` leads from the page to its language's folder ("../../" two folders down; a full
    address for outside the site): `page:` links are made from it.
    """
    tokens = _md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{max(int(token.tag[1]), 2)}"
    return str(_md.renderer.render(tokens, _md.options, {"root": root}))


def links(text: str) -> list[tuple[str, int]]:
    """Every link of a Markdown text, with the line (from 0) of the block it is in."""
    found = []
    for token in _md.parse(text):
        if token.type == "inline" and token.children:
            line = token.map[0] if token.map else 0
            found += [(str(child.attrGet("href") or ""), line) for child in token.children
                      if child.type == "link_open"]
    return found
