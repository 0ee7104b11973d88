"""Machine drafts through the LibreTranslate API, against a real HTTP server on 127.0.0.1.

The server below speaks LibreTranslate's API (`GET /languages`, `POST /translate` with q,
source, target, format, api_key → {"translatedText": …}) and translates deterministically:
"[cy] " followed by the text with its letter case swapped.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from haven.cli import main
from haven.errors import HavenError
from haven.i18n.catalog import State, read_catalog
from haven.i18n.draft import LibreTranslate, ProviderError, draft, protect, restore
from tests.conftest import MakeHub
from tests.test_translate_workflow import (
    content_of,
    fill,
    hub_with,
    msgfmt_check,
    needs_msgfmt,
    update,
)


def machine(text: str, target: str) -> str:
    return f"[{target}] {text.swapcase()}"


@dataclass
class Server:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    api_key: str | None = None
    mangle: bool = False
    """Drop every ⟦n⟧ token, as a careless engine might."""


@pytest.fixture
def libretranslate() -> Iterator[Server]:
    state = Server("")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path != "/languages":
                self._send(404, {"error": "Not found"})
                return
            codes = ["en", "es", "cy", "fr"]
            self._send(200, [{"code": c, "name": c, "targets": [t for t in codes if t != c]}
                             for c in codes])

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            state.requests.append(body)
            if self.path != "/translate":
                self._send(404, {"error": "Not found"})
                return
            if state.api_key and body.get("api_key") != state.api_key:
                self._send(403, {"error": "Invalid API key"})
                return
            q = body["q"]
            texts = q if isinstance(q, list) else [q]
            out = [machine(t, body["target"]) for t in texts]
            if state.mangle:
                out = [o.replace("⟦", "").replace("⟧", "") for o in out]
            self._send(200, {"translatedText": out if isinstance(q, list) else out[0]})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_protect_and_restore_keep_placeholders_links_and_code() -> None:
    text = "Call {phone} or read [the guide](https://example.org/a) and `code`, mail a@b.org"
    sent, kept = protect(text)
    assert "{phone}" not in sent and "https://" not in sent and "a@b.org" not in sent
    assert "[the guide]⟦1⟧" in sent
    assert restore(sent, kept) == text
    assert restore(sent.replace("⟦1⟧", ""), kept) is None


@needs_msgfmt
def test_draft_fills_only_missing_text_and_labels_it(make_hub: MakeHub, cli: CliRunner,
                                                     libretranslate: Server) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    update(cli, root)
    po = root / "translations" / "cy.po"
    fill(po, {"hub:name": ("Ein Ardal", "reviewed"), "hub:phone_label": ("Canolfan", ""),
              "hub:interpretation": ("Hen ddrafft", "machine")})
    hub = root / "hub.yaml"
    hub.write_text(hub.read_text().replace("You are welcome here.", "Welcome."))
    fill(po, {"hub:home.intro": ("Mae gan bob plentyn yr hawl.", "")})  # then outdated
    update(cli, root)
    result = cli.invoke(main, ["translate", "draft", "cy", str(root), "--provider",
                               "libretranslate", "--url", libretranslate.url])
    assert result.exit_code == 0, result.output
    msgfmt_check(po)
    entries = read_catalog(po)
    assert (entries["hub:name"].text, entries["hub:name"].state) == ("Ein Ardal", State.REVIEWED)
    assert (entries["hub:phone_label"].text, entries["hub:phone_label"].state) == (
        "Canolfan", State.TRANSLATED)
    assert entries["hub:interpretation"].text == "Hen ddrafft"
    assert entries["hub:home.intro"].state is State.OUTDATED  # outdated is not missing
    assert entries["hub:home.intro"].text == "Mae gan bob plentyn yr hawl."
    step = entries["hub:home.first_steps.0"]
    assert step.state is State.MACHINE
    assert step.text == machine("Our schools do not ask about immigration status.", "cy")
    # Placeholders survive the round trip through the engine.
    assert entries["ui:last_checked"].text == "[cy] lAST CHECKED {date}"
    catalog = read_po(po.open("rb"))
    message = catalog.get("Our schools do not ask about immigration status.",
                          context="hub:home.first_steps.0")
    assert message is not None and "machine" in message.flags
    assert f"machine: libretranslate {libretranslate.url}" in message.auto_comments
    # Every request was plain text, never HTML, and never carried a placeholder.
    assert libretranslate.requests
    assert all(r["format"] == "text" and r["source"] == "en" and r["target"] == "cy"
               for r in libretranslate.requests)
    assert not any("{date}" in t for r in libretranslate.requests for t in r["q"])
    assert "machine draft(s)" in result.output
    # A second run finds nothing left to draft.
    before = po.read_bytes()
    libretranslate.requests.clear()
    assert draft(content_of(root), "cy", LibreTranslate(libretranslate.url)).drafted == []
    assert libretranslate.requests == [] and po.read_bytes() == before


def test_a_lost_placeholder_leaves_the_text_missing(make_hub: MakeHub, cli: CliRunner,
                                                    libretranslate: Server) -> None:
    libretranslate.mangle = True
    root = hub_with(make_hub, languages="  - es\n  - cy")
    report = draft(content_of(root), "cy", LibreTranslate(libretranslate.url))
    assert "ui:last_checked" in report.lost_placeholder
    entries = read_catalog(root / "translations" / "cy.po")
    assert entries["ui:last_checked"].state is State.MISSING
    assert entries["hub:home.first_steps.0"].state is State.MACHINE


def test_the_api_key_is_sent_and_a_wrong_one_explained(make_hub: MakeHub, cli: CliRunner,
                                                       libretranslate: Server) -> None:
    libretranslate.api_key = "s3cret"
    root = hub_with(make_hub, languages="  - es\n  - cy")
    result = cli.invoke(main, ["translate", "draft", "cy", str(root), "--url", libretranslate.url,
                               "--api-key", "wrong"])
    assert result.exit_code == 1
    assert "answered 403 (Invalid API key)" in result.output and "--api-key" in result.output
    assert "Traceback" not in result.output
    result = cli.invoke(main, ["translate", "draft", "cy", str(root), "--url", libretranslate.url,
                               "--api-key", "s3cret"])
    assert result.exit_code == 0, result.output
    assert libretranslate.requests[-1]["api_key"] == "s3cret"


def test_a_language_the_engine_lacks_is_refused(make_hub: MakeHub, cli: CliRunner,
                                                libretranslate: Server) -> None:
    root = hub_with(make_hub, languages="  - es\n  - tag: ksw\n    name: ကညီကျိာ်\n"
                                        "    english_name: S'gaw Karen")
    result = cli.invoke(main, ["translate", "draft", "ksw", str(root), "--url",
                               libretranslate.url])
    assert result.exit_code == 1
    assert "does not translate ksw" in result.output and "human translator" in result.output
    assert not libretranslate.requests
    entries = read_catalog(root / "translations" / "ksw.po")
    assert all(e.state is not State.MACHINE for e in entries.values())


def test_an_unreachable_server_is_a_clear_error(make_hub: MakeHub, cli: CliRunner) -> None:
    with socket.socket() as sock:  # a port on this computer that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    root = hub_with(make_hub, languages="  - es\n  - cy")
    result = cli.invoke(main, ["translate", "draft", "cy", str(root), "--url",
                               f"http://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert "cannot reach LibreTranslate" in result.output and "Traceback" not in result.output
    with pytest.raises(HavenError, match="not a web address"):
        LibreTranslate("127.0.0.1:5000")


class Failing:
    """A provider that fails on its second batch, after a first one succeeded."""

    name = "failing"

    def __init__(self) -> None:
        self.calls = 0

    def translate(self, texts: Any, source: str, target: str) -> list[str]:
        self.calls += 1
        if self.calls > 1:
            raise ProviderError("the service stopped answering — try again later")
        return [f"X {t}" for t in texts]


def test_drafts_made_before_a_failure_are_kept(make_hub: MakeHub) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    with pytest.raises(ProviderError, match="drafts made before this were saved"):
        draft(content_of(root), "cy", Failing(), batch_size=5)
    entries = read_catalog(root / "translations" / "cy.po")
    assert sum(e.state is State.MACHINE for e in entries.values()) == 5


def test_other_providers_plug_in(make_hub: MakeHub) -> None:
    root = hub_with(make_hub, languages="  - es\n  - cy")
    provider = Failing()
    report = draft(content_of(root), "cy", provider, batch_size=1000)
    assert report.provider == "failing" and len(report.drafted) > 0
    po = root / "translations" / "cy.po"
    assert "#. machine: failing" in po.read_text()
