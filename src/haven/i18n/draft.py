"""Machine drafts: `haven translate draft LANG --provider libretranslate --url URL`.

Fills only the segments that have no translation at all, through a machine translation
provider, and marks each draft `#, machine` with the provider in an extracted comment
(`#. machine: libretranslate https://…`), so that pages label it and people know what to
review. Translated, reviewed, outdated and earlier machine entries are never touched.

A provider is anything with a `name` and `translate(texts, source, target)` (`Provider`);
LibreTranslate, the common self-hosted engine, is built in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from haven.content.validate import Content
from haven.errors import HavenError
from haven.i18n.catalog import (
    MACHINE,
    _write,
    read_babel,
    update_catalog,
)
from haven.i18n.exchange import check_language
from haven.i18n.segments import Segment
from haven.i18n.status import catalog_path
from haven.i18n.translate import bundled_catalog, content_segments


class Provider(Protocol):
    """A machine translation service."""

    name: str

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """The translations of `texts`, in order; a HavenError says what to do if it fails."""
        ...


class ProviderError(HavenError):
    """The machine translation service failed; drafts made before the failure are kept."""


# -- keeping placeholders, links and code out of the machine's hands ------------------------

_PROTECTED = re.compile(
    r"\{[^{}\s]*\}"  # {date}, {phone}: filled in by Haven
    r"|(?<=\])\([^()\s]*\)"  # the target of a Markdown link: [words](https://…)
    r"|<(?:https?://|mailto:)[^>\s]+>"  # autolinks
    r"|`[^`\n]+`"  # inline code
    r"|https?://[^\s)>\]]+"  # bare addresses
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
)
_TOKEN = re.compile(r"⟦\s*(\d+)\s*⟧")


def protect(text: str) -> tuple[str, list[str]]:
    """`text` with every placeholder, link target and code span replaced by ⟦n⟧."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"⟦{len(kept) - 1}⟧"

    return _PROTECTED.sub(keep, text), kept


def restore(text: str, kept: list[str]) -> str | None:
    """Put the protected pieces back; None when the machine lost or duplicated one."""
    found = [int(n) for n in _TOKEN.findall(text)]
    if sorted(found) != list(range(len(kept))):
        return None
    return _TOKEN.sub(lambda m: kept[int(m.group(1))], text)


# -- LibreTranslate ------------------------------------------------------------------------

# Codes LibreTranslate has used for languages whose tags differ (older servers: zh, zt).
LIBRETRANSLATE_CODES: dict[str, tuple[str, ...]] = {
    "zh-Hans": ("zh-Hans", "zh"),
    "zh-Hant": ("zh-Hant", "zt"),
    "pt-BR": ("pt-BR", "pb", "pt"),
    "fil": ("fil", "tl"),
    "tl": ("tl", "fil"),
}


class LibreTranslate:
    """The LibreTranslate API: `POST /translate`, `GET /languages`."""

    name = "libretranslate"

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 60.0,
                 batch_size: int = 20, transport: httpx.BaseTransport | None = None) -> None:
        if not re.match(r"^https?://[^\s/]+", url):
            raise HavenError(
                f"{url!r} is not a web address — give the LibreTranslate server's address, "
                "like --url http://127.0.0.1:5000"
            )
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.batch_size = batch_size
        self.label = f"libretranslate {self.url}"
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=10.0), transport=transport,
            follow_redirects=False, trust_env=False,
        )
        self._codes: dict[str, set[str]] | None = None

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        where = f"LibreTranslate at {self.url}"
        try:
            response = self._client.request(method, self.url + path, **kwargs)
        except httpx.TimeoutException:
            raise ProviderError(
                f"{where} did not answer in time — check that it is running and not overloaded, "
                "then run the command again (nothing already drafted is lost)"
            ) from None
        except httpx.HTTPError as exc:
            raise ProviderError(
                f"cannot reach {where} ({exc}) — check the address and that the server is "
                "running"
            ) from None
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code != 200:
            said = data.get("error") if isinstance(data, dict) else None
            hint = {
                400: "the server did not accept the request",
                403: "check the API key (--api-key), or ask the server's administrator for one",
                429: "the server limits how fast it translates: wait a minute and run the "
                     "command again (drafts already made are kept)",
            }.get(response.status_code, "check the address and the server's log")
            raise ProviderError(
                f"{where} answered {response.status_code}"
                + (f" ({said})" if said else "") + f" — {hint}"
            )
        if data is None:
            raise ProviderError(
                f"{where} did not answer like a LibreTranslate server — check the address "
                "(it should be the server's root, like http://127.0.0.1:5000)"
            )
        return data

    def languages(self) -> dict[str, set[str]]:
        """Source code → the target codes the server offers (empty if it does not say)."""
        if self._codes is None:
            data = self._call("GET", "/languages")
            codes: dict[str, set[str]] = {}
            if isinstance(data, list):
                for item in data:
                    if isinstance(item, dict) and isinstance(item.get("code"), str):
                        targets = item.get("targets")
                        codes[item["code"]] = set(targets) if isinstance(targets, list) else set()
            self._codes = codes
        return self._codes

    def code(self, tag: str) -> str | None:
        """The server's code for a language tag, or None when it does not offer it."""
        known = self.languages()
        candidates = LIBRETRANSLATE_CODES.get(tag, (tag, tag.split("-")[0]))
        return next((c for c in candidates if c in known), None)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        src, tgt = self.code(source), self.code(target)
        if src is None or tgt is None:
            missing = target if tgt is None else source
            offered = ", ".join(sorted(self.languages())) or "none"
            raise ProviderError(
                f"LibreTranslate at {self.url} does not translate {missing} (it offers: "
                f"{offered}) — this language needs a human translator; nothing was drafted"
            )
        targets = self.languages().get(src)
        if targets and tgt not in targets:
            raise ProviderError(
                f"LibreTranslate at {self.url} does not translate from {source} into {target} "
                "— this language needs a human translator; nothing was drafted"
            )
        result: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start:start + self.batch_size])
            payload: dict[str, Any] = {"q": chunk, "source": src, "target": tgt,
                                       "format": "text"}
            if self.api_key:
                payload["api_key"] = self.api_key
            data = self._call("POST", "/translate", json=payload)
            translated = data.get("translatedText") if isinstance(data, dict) else None
            if isinstance(translated, str) and len(chunk) == 1:
                translated = [translated]
            if not (isinstance(translated, list) and len(translated) == len(chunk)
                    and all(isinstance(t, str) for t in translated)):
                raise ProviderError(
                    f"LibreTranslate at {self.url} answered without one translation per text — "
                    "check that the address is a LibreTranslate server"
                )
            result.extend(translated)
        return result


PROVIDERS: dict[str, Callable[..., Provider]] = {"libretranslate": LibreTranslate}


# -- drafting ------------------------------------------------------------------------------


@dataclass
class DraftReport:
    language: str
    provider: str
    drafted: list[str] = field(default_factory=list)
    lost_placeholder: list[str] = field(default_factory=list)
    """Segments whose machine translation dropped a placeholder or link: left missing."""
    kept: int = 0
    """Segments that already had a translation (of any kind) and were not touched."""


def draft(content: Content, lang: str, provider: Provider, batch_size: int = 50) -> DraftReport:
    """Fill the missing segments of `lang` with labelled machine drafts, saving as it goes."""
    check_language(content, lang)
    segments = content_segments(content)
    path = catalog_path(content, lang)
    update_catalog(path, lang, segments)
    catalog = read_babel(path)
    label = str(getattr(provider, "label", provider.name))
    report = DraftReport(lang, label)
    bundled = bundled_catalog(lang)
    todo: list[Segment] = []
    for segment in segments:
        message = catalog.get(segment.source, context=segment.id)
        if message is None:
            continue
        if message.string or (segment.kind == "ui" and segment.id in bundled
                              and bundled[segment.id].text):
            report.kept += 1  # translated, reviewed, outdated, a draft, or Haven ships it
            continue
        todo.append(segment)
    source = content.hub.source_language
    for start in range(0, len(todo), batch_size):
        chunk = todo[start:start + batch_size]
        protected = [protect(s.source) for s in chunk]
        try:
            answers = provider.translate([p[0] for p in protected], source, lang)
        except HavenError as exc:
            if report.drafted:
                _write(path, lang, catalog, catalog)
                saved = f" ({len(report.drafted)} drafts made before this were saved)"
                raise type(exc)(exc.format_message() + saved) from None
            raise
        if len(answers) != len(chunk):
            raise ProviderError(
                f"{provider.name} answered {len(answers)} translations for {len(chunk)} texts — "
                "check the provider; nothing from this batch was used"
            )
        for segment, (_, kept), answer in zip(chunk, protected, answers, strict=True):
            text = restore(answer, kept)
            if text is None or not text.strip():
                report.lost_placeholder.append(segment.id)
                continue
            message = catalog.get(segment.source, context=segment.id)
            assert message is not None
            message.string = text
            message.flags.add(MACHINE)
            message.auto_comments = [c for c in message.auto_comments
                                     if not c.startswith("machine:")] + [f"machine: {label}"]
            report.drafted.append(segment.id)
    if report.drafted:
        _write(path, lang, catalog, catalog)
    return report
