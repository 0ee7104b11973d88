"""What every command shares, declared once: the hub-folder argument, the output option, the
console, and loading a hub's content with every problem reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from haven.content.validate import Content

F = TypeVar("F", bound=Callable[..., object])

content_argument: Callable[[F], F] = click.argument(
    "content_dir", required=False, type=click.Path(file_okay=False, path_type=Path)
)
"""CONTENT_DIR: the hub folder; when left out, the nearest folder upwards with a hub.yaml."""


def output_option(default: str, help: str) -> Callable[[F], F]:
    """--output/-o: a folder, `default` beside hub.yaml when not given (None reaches the
    command, which asks its Hub for the default)."""
    return click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
                        default=None, show_default=f"{default}/ beside hub.yaml", help=help)


def console() -> Console:
    """Haven's messages go to standard error, unhighlighted, never wrapped mid-word, and
    with no `:name:` read as an emoji (it may be the content's words)."""
    from rich.console import Console  # (imported when used: `haven build` forks first)

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def load_valid(folder: Path) -> Content:
    """The hub's content, checked; every problem raises one ContentError listing them all."""
    from haven.content.load import load  # imported when used: `haven build` reads the
    from haven.content.validate import validate  # content in another process first

    return validate(load(folder))
