"""Markdown to HTML: CommonMark with raw HTML off, so content can never inject markup."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.disable("image")  # a picture from another site would be a request to another host


def _safe_link(url: str) -> bool:
    """Only web, e-mail and phone links, or links within the hub."""
    scheme, colon, _ = url.partition(":")
    return not colon or "/" in scheme or scheme.lower() in ("http", "https", "mailto", "tel")


_md.validateLink = _safe_link  # type: ignore[method-assign]


def _link_open(renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if href.startswith(("http://", "https://")):
        token.attrSet("rel", "noreferrer")
    return str(renderer.renderToken(tokens, idx, options, env))


_md.add_render_rule("link_open", _link_open)


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> str:
    """HTML for a Markdown block; `#` becomes h2, since the page's title is its only h1."""
    tokens = _md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{max(int(token.tag[1]), 2)}"
    return str(_md.renderer.render(tokens, _md.options, {}))
