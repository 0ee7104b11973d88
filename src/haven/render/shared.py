"""Pages rendered once for every language, with placeholders for each language's words.

An organization's page and a directory filter page have the same markup in every language
but for the words: translated fields, interface strings, dates, language names. They are
most of a hub's pages, and rendering them through Jinja once per language was most of a
build's time. So the renderer renders them once per build, with a placeholder wherever a
language's words go, and each language fills the placeholders in: one regular-expression
pass per page, and one evaluation per distinct placeholder and language.

A placeholder stands for a deferred call: the function the template called (the same one
that renders a page directly), with the same arguments, evaluated later with the state of
the language being filled in. Arguments that hold placeholders themselves (an interface
string with a date filled in) are filled in first. Each evaluation also says what it
noticed (text shown in another language, a machine draft, an outdated translation), so the
page's notices are the same as if it had been rendered directly; a test compares the two
byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from itertools import chain
from operator import or_
from typing import Any

from markupsafe import Markup

START, END = "\x00", "\x01"
"""Every marker Haven puts in markup it fills in later is `\\x00<name>\\x01`: control
characters that no content can hold (YAML and the schema refuse them, and validation refuses
control characters in any text) and that HTML escaping leaves alone. A placeholder's name is
its number; other markers (a layout's title and main, a cached piece's key) are words, so
they can never be taken for a placeholder."""
_PLACEHOLDER = re.compile("\x00([0-9]+)\x01")


def marker(name: str) -> str:
    """The one marker scheme: `name` between the two control characters."""
    return f"{START}{name}{END}"
_NO_KEYWORDS: dict[str, Any] = {}


@dataclass(frozen=True)
class Skeleton:
    """Markup with placeholders, split once: literal text around each placeholder's number."""

    literals: tuple[str, ...]
    """One more than `numbers`: the text before each placeholder, and after the last."""
    numbers: tuple[int, ...]
    distinct: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Skeleton:
        parts = _PLACEHOLDER.split(text)
        numbers = tuple(int(n) for n in parts[1::2])
        return cls(tuple(parts[0::2]), numbers, tuple(dict.fromkeys(numbers)))


@dataclass(frozen=True)
class Call:
    """A deferred call; `holes` are its arguments that hold placeholders themselves."""

    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]
    holes: tuple[tuple[int | str, Skeleton], ...]


Evaluate = Callable[[Callable[..., Any], tuple[Any, ...], dict[str, Any]], tuple[str, int]]
"""Runs a deferred call as the language being filled in: its HTML and what it noticed."""


class Placeholders:
    """The deferred calls of one build's shared pages, numbered as they are first made."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._numbers: dict[tuple[Any, ...], Markup] = {}
        self.segments: dict[str, str] = {}
        """Segment id of each placeholder that stands for a content segment's bare text."""

    def defer(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Markup:
        """A placeholder for `func(*args, **kwargs)`, the same one for the same call."""
        named = tuple(sorted(kwargs.items()))
        key = (func, args, named)
        try:
            found = self._numbers.get(key)
        except TypeError:  # an unhashable argument: a placeholder of its own
            found, hashable = None, False
        else:
            hashable = True
        if found is None:
            places: list[tuple[int | str, Any]] = [*enumerate(args), *named]
            holes = [(where, Skeleton.of(value)) for where, value in places
                     if isinstance(value, str) and START in value]
            found = self._add(Call(func, args, named, tuple(holes)))
            if hashable:
                self._numbers[key] = found
        return found

    def _add(self, call: Call) -> Markup:
        self.calls.append(call)
        return Markup(marker(str(len(self.calls) - 1)))

    def segment(self, seg_id: str, bare: Callable[[str], Any]) -> str:
        """The placeholder for a content segment's text as it is, `bare(seg_id)` later."""
        placeholder = str(self._add(Call(bare, (seg_id,), (), ())))
        self.segments[placeholder] = seg_id
        return placeholder

    def copy(self) -> Placeholders:
        """Another set that starts with these placeholders (the numbers in markup made with
        these mean the same in it) and goes on alone."""
        made = Placeholders()
        made.calls, made._numbers = list(self.calls), dict(self._numbers)
        made.segments = dict(self.segments)
        return made


class Filler:
    """One language's filling-in: each deferred call evaluated once, then reused."""

    def __init__(self, placeholders: Placeholders, evaluate: Evaluate) -> None:
        self.calls = placeholders.calls
        self.evaluate = evaluate
        self.texts: list[str | None] = [None] * len(self.calls)
        self.masks: list[int] = [0] * len(self.calls)

    def fill(self, skeleton: Skeleton) -> tuple[str, int]:
        """The skeleton's markup in this language, and what it noticed (a bit mask)."""
        texts = self.texts
        for number in skeleton.distinct:
            if texts[number] is None:
                self._evaluate(number)
        if not skeleton.numbers:
            return skeleton.literals[0], 0
        mask = reduce(or_, map(self.masks.__getitem__, skeleton.distinct))
        filled = chain.from_iterable(zip(skeleton.literals, map(texts.__getitem__, skeleton.numbers)))
        return "".join(chain(filled, (skeleton.literals[-1],))), mask  # type: ignore[arg-type]

    def _evaluate(self, number: int) -> None:
        call = self.calls[number]
        args, kwargs = call.args, dict(call.kwargs) if call.kwargs else _NO_KEYWORDS
        mask = 0
        if call.holes:
            positional = list(args)
            for where, skeleton in call.holes:
                html, found = self.fill(skeleton)
                mask |= found
                if isinstance(where, int):
                    positional[where] = Markup(html)
                else:
                    kwargs[where] = Markup(html)
            args = tuple(positional)
        html, found = self.evaluate(call.func, args, kwargs)
        self.texts[number] = html
        self.masks[number] = mask | found
