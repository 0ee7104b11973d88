"""`haven serve` as staff use it: a real `haven` process on a free 127.0.0.1 port, real
Chromium (Debian's, driven by Playwright) for the live reload, real signals to stop it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest
from click.testing import CliRunner

from haven.cli import main
from haven.example import example_content
from haven.scaffold import create
from haven.serve import preview_policy, problems_page, with_reload
from tests.conftest import HAVEN, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian's chromium is not installed")
PREVIEWING = r"Previewing on (http://127\.0\.0\.1:(\d+))/"
LEFTOVERS = (".haven-new", ".haven-old")


class Haven:
    """A `haven` command in a process group of its own, as a terminal runs it (Ctrl+C
    reaches the whole group), its output read line by line as it comes."""

    def __init__(self, args: list[str], cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            HAVEN + args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        self.ended = False
        self._news = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._news:
                self.lines.append(line.rstrip("\n"))
                self._news.notify_all()
        with self._news:
            self.ended = True
            self._news.notify_all()

    @property
    def output(self) -> str:
        with self._news:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 300) -> re.Match[str]:
        """The first line matching `pattern`, once printed (fails if the command ends first)."""
        deadline = time.monotonic() + timeout
        with self._news:
            while True:
                for line in self.lines:
                    if found := re.search(pattern, line):
                        return found
                left = deadline - time.monotonic()
                if self.ended or left <= 0:
                    raise AssertionError(f"{pattern!r} was never printed:\n" + "\n".join(self.lines))
                self._news.wait(left)

    def count(self, pattern: str) -> int:
        with self._news:
            return sum(1 for line in self.lines if re.search(pattern, line))

    def stop(self, number: int = signal.SIGINT) -> int:
        """Ctrl+C (SIGINT to the whole group, as a terminal sends it) or another signal to
        the command alone; its exit status."""
        if number == signal.SIGINT:
            os.killpg(self.process.pid, number)
        else:
            self.process.send_signal(number)
        status = self.process.wait(timeout=120)
        self._reader.join(timeout=10)
        return status

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=60)


def serve(hub: Path | str, *extra: str, cwd: Path | None = None) -> tuple[Haven, str]:
    run = Haven(["serve", str(hub), "--port", str(free_port()), *extra], cwd=cwd)
    try:
        return run, run.wait_for(PREVIEWING).group(1)
    except BaseException:
        run.__exit__(None, None, None)
        raise


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def raw_status(base: str, target: bytes) -> int:
    """The status of a request line sent as it is (no client would send a raw NUL)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


@pytest.fixture()
def hub(tmp_path: Path) -> Path:
    folder = tmp_path / "hub"
    create(folder)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()


def _text(page: Any) -> str:
    return str(page.evaluate("document.body ? document.body.textContent : ''"))


def wait_for_text(page: Any, text: str, timeout: float = 120) -> None:
    """Until the page shows `text` (without wait_for_function, whose string the pages'
    policy, no eval, refuses)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if text in _text(page):
                return
        except Error:  # the page is reloading
            pass
        assert time.monotonic() < deadline, f"{text!r} never appeared:\n{_text(page)}"
        page.wait_for_timeout(100)


@needs_chromium
def test_the_open_page_reloads_shows_the_problems_and_recovers(hub: Path, tmp_path: Path,
                                                               browser: Any) -> None:
    settings = hub / "hub.yaml"
    original = settings.read_text(encoding="utf-8")
    assert original.count("Every child has the right") == 1
    run, base = serve(hub, "--output", str(tmp_path / "site"), "--no-pdf")
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    try:
        page = context.new_page()
        assert page.goto(f"{base}/en/").status == 200
        assert "Every child has the right" in _text(page)
        page.evaluate("window.notReloaded = true")

        # An edit: the page open in the browser reloads by itself and shows it.
        edited = original.replace("Every child has the right", "Each and every child has the right")
        settings.write_text(edited, encoding="utf-8")
        wait_for_text(page, "Each and every child")
        assert page.evaluate("window.notReloaded") is None

        # A broken edit: the browser shows the problems, file:line, instead of the page.
        lines = edited.splitlines(keepends=True)
        line = next(n for n, text in enumerate(lines, start=1) if text.startswith("phone:"))
        lines[line - 1] = "phone: [860-555-0100\n"
        settings.write_text("".join(lines), encoding="utf-8")
        wait_for_text(page, "could not be rebuilt")
        shown = _text(page)
        assert f"hub.yaml:{line}:" in shown and "never closed" in shown, shown
        status, body = fetch(f"{base}/en/")
        assert status == 503 and f"hub.yaml:{line}:".encode() in body
        assert fetch(f"{base}/sw.js")[0] == 200  # what is not a page still comes

        # The last good page is one click away.
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile("last good version")).click()
        assert page.url == f"{base}/_haven/last-good/en/"
        assert "Each and every child" in _text(page)
        assert page.evaluate("[...document.styleSheets].some(s => s.cssRules.length > 0)")

        # Fixed: the problems page, open again, turns back into the page by itself.
        assert page.goto(f"{base}/en/").status == 503
        settings.write_text(edited.replace("Each and every child", "All children have"),
                            encoding="utf-8")
        wait_for_text(page, "All children have")
        assert "could not be rebuilt" not in _text(page)
        assert requested and all(url.startswith(base + "/") for url in requested), requested
        assert context.cookies() == []
    finally:
        context.close()
        status = run.stop()
    assert status == 130
    assert "Traceback" not in run.output and run.output.rstrip().endswith("Stopped.")


def test_serving_the_content_folder_itself_does_not_rebuild_forever(hub: Path) -> None:
    run, base = serve(".", "--no-pdf", cwd=hub)
    with run:
        assert (hub / "site" / ".haven-site").is_file()
        time.sleep(4)  # idle: the preview's own output is not an edit
        assert run.count("^Rebuilt") == 0, run.output
        # Editors' leftovers and dot folders are not edits either.
        (hub / "hub.yaml~").write_text("backup", encoding="utf-8")
        (hub / ".hub.yaml.swp").write_bytes(b"swap")
        (hub / "documents" / "#welcome.md#").write_text("autosave", encoding="utf-8")
        (hub / ".git").mkdir()
        (hub / ".git" / "index").write_bytes(b"index")
        time.sleep(3)
        assert run.count("^Rebuilt") == 0 and run.count("^Changed") == 0, run.output
        # One edit: one rebuild, then quiet again.
        settings = hub / "hub.yaml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            "Every child has the right", "Each and every child has the right"), encoding="utf-8")
        run.wait_for("^Rebuilt")
        time.sleep(4)
        assert run.count("^Rebuilt") == 1, run.output
        # The reload script is in what the preview sends, never in the site on disk.
        status, page = fetch(f"{base}/en/")
        assert status == 200 and b"Each and every child" in page
        assert b'<script src="/_haven/reload.js"' in page and b"connect-src 'self'" in page
        for file in (hub / "site").rglob("*"):
            if file.is_file():
                data = file.read_bytes()
                assert b"/_haven/" not in data and b"reload.js" not in data, file
        assert b"connect-src 'none'" in (hub / "site" / "en" / "index.html").read_bytes()
        assert run.stop(signal.SIGTERM) == 130
    assert "Traceback" not in run.output
    assert not [p.name for p in hub.iterdir() if p.name.startswith(LEFTOVERS)]


def test_the_preview_answers_bad_requests_and_shows_only_the_site(hub: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "site"
    run, base = serve(hub, "--output", str(out), "--no-pdf")
    with run:
        (out / "es" / ".hidden").write_text("not for the browser", encoding="utf-8")
        for target, expected in [
            (b"/en/", 200), (b"/en", 301), (b"/_haven/last-good/en/", 200),
            (b"/_haven/reload.js", 200), (b"/sw.js", 200),
            (b"/en/%00", 400), (b"/en/\x00", 400), (b"/en/%ff", 400), (b"/en/%zz", 400),
            (b"/en/%", 400), (b"/en/%C0%AF", 400),
            (b"/assets/", 404), (b"/_haven/last-good/assets/", 404),  # no folder listings
            (b"/.haven-site", 404), (b"/%2Ehaven-site", 404), (b"/es/.hidden", 404),
            (b"/_haven/last-good/.haven-site", 404), (b"/_haven/last-good/../hub.yaml", 404),
            (b"/../hub/hub.yaml", 404), (b"/_haven/nothing", 404), (b"/" + b"a" * 5000, 404),
        ]:
            assert raw_status(base, target) == expected, target
        assert b"EventSource('/_haven/events')" in fetch(f"{base}/_haven/reload.js")[1]
        # A missing page gets the site's own 404 page, in the language of its folder.
        def heading(page: bytes) -> bytes:
            return re.search(rb"<h1[^>]*>.*?</h1>", page, re.DOTALL).group(0)  # type: ignore[union-attr]

        status, page = fetch(f"{base}/es/no-such-page/")
        assert status == 404 and b'<html lang="es"' in page and b"/_haven/reload.js" in page
        assert heading(page) == heading((out / "es" / "404.html").read_bytes())
        status, page = fetch(f"{base}/no-such-language/")
        assert status == 404 and heading(page) == heading((out / "404.html").read_bytes())
        assert run.stop() == 130
    assert "Traceback" not in run.output and "Error" not in run.output, run.output


def test_a_busy_port_gives_the_next_free_port(hub: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with Haven(["serve", str(hub), "--port", str(port), "--output", str(tmp_path / "site"),
                    "--no-pdf"]) as run:
            found = run.wait_for(PREVIEWING)
            chosen = int(found.group(2))
            assert chosen != port
            assert (f"Port {port} is already in use (another program, or another preview); "
                    f"using port {chosen} instead.") in run.output
            assert fetch(f"{found.group(1)}/en/")[0] == 200
            assert run.stop() == 130
    assert "Traceback" not in run.output


@pytest.mark.parametrize("port", ["70000", "65536", "-1", "http"])
def test_a_port_out_of_range_is_refused_by_the_command_line(cli: CliRunner, port: str) -> None:
    result = cli.invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("command", ["build", "serve"])
def test_stopping_during_a_build_leaves_nothing_behind(tmp_path: Path, command: str,
                                                       number: int) -> None:
    """Stopped while every language's workers compile PDFs (the Hartford example: 31
    languages on every core): no traceback from the command or its workers, status 130,
    no staging folder, no printer's temporary folder, no half site."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "out" / "site"
    args = [command, str(example_content()), "--output", str(out)]
    if command == "serve":
        args += ["--port", str(free_port())]
    with Haven(args, env=os.environ | {"TMPDIR": str(temp)}) as run:
        deadline = time.monotonic() + 300
        while not any(p.name.startswith("haven-print-") for p in temp.iterdir()):
            assert run.process.poll() is None and time.monotonic() < deadline, run.output
            time.sleep(0.05)
        status = run.stop(number)
    assert status == 130, run.output
    assert "Traceback" not in run.output and "Stopped" in run.output, run.output
    assert list(temp.iterdir()) == []
    assert not out.exists()  # stopped during the first build: nothing was published
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(LEFTOVERS)]


def test_stopping_during_a_rebuild_in_the_preview_leaves_nothing_behind(hub: Path,
                                                                        tmp_path: Path) -> None:
    """A rebuild runs in the preview's own process (the server's threads forbid forking)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = tmp_path / "site"
    with Haven(["serve", str(hub), "--port", str(free_port()), "--output", str(out)],
               env=os.environ | {"TMPDIR": str(temp)}) as run:
        run.wait_for(PREVIEWING)
        before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        settings = hub / "hub.yaml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            "district: Our District Public Schools", "district: Another District"),
            encoding="utf-8")
        deadline = time.monotonic() + 300
        while not any(p.name.startswith("haven-print-") for p in temp.iterdir()):
            assert run.count("^Rebuilt") == 0 and time.monotonic() < deadline, run.output
            time.sleep(0.02)
        status = run.stop(signal.SIGTERM)
    assert status == 130 and "Traceback" not in run.output, run.output
    assert list(temp.iterdir()) == [], run.output
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(LEFTOVERS)]
    if run.count("^Rebuilt") == 0:  # stopped mid-rebuild: the previous site, untouched
        assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} \
            == before


def test_the_problems_page_escapes_what_it_quotes() -> None:
    page = problems_page(["hub.yaml:3: <img src=x onerror=alert(1)> is not a phone — fix it"],
                         "/en/<b>/")
    assert b"<img" not in page and b"&lt;img src=x onerror=alert(1)&gt;" in page
    assert b'href="/_haven/last-good/en/%3Cb%3E/"' in page
    assert b"No build has worked yet" in problems_page(["x"], None)


def test_the_reload_script_is_allowed_only_what_it_needs() -> None:
    policy = ("default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'none'; "
              "object-src 'none'; base-uri 'none'; form-action 'none'")
    assert preview_policy(policy) == policy.replace("connect-src 'none'", "connect-src 'self'")
    assert preview_policy("default-src 'none'") == (
        "default-src 'none'; script-src 'self'; connect-src 'self'")
    page = with_reload(f'<html><head><meta http-equiv="Content-Security-Policy" '
                       f'content="{policy}"></head><body></body></html>'.encode(), "b-1")
    assert page.count(b"<script") == 1
    assert b'<script src="/_haven/reload.js" data-build="b-1" defer></script>\n</head>' in page
    assert b"connect-src 'self'" in page and b"connect-src 'none'" not in page


def test_a_missing_content_folder_is_a_message(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, ["serve", str(tmp_path / "nowhere"), "--port", str(free_port())])
    assert result.exit_code == 1
    assert "nowhere is not a folder — name the folder that holds hub.yaml" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_preview_warms_up_after_its_first_build(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The first build forks its workers, which remember nothing in the preview's process;
    `warm_up` builds once more in the process, nothing changed, so that the first edit is as
    quick as the next: afterwards every language's view is remembered, and the site is what
    it was."""
    import haven.i18n.translate
    import haven.workers
    from haven.build import build
    from haven.serve import warm_up
    from tests.test_shared_pages import _synthetic

    hub = _synthetic(tmp_path / "hub", languages=4, organizations=6)
    site = tmp_path / "site"
    build(hub, site, pdf=False)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    monkeypatch.setattr(haven.i18n.translate, "_VIEWS", {})
    monkeypatch.setattr(haven.workers, "_CHECKS", {})
    monkeypatch.setattr(haven.workers, "_DONE", {})  # (when the first build ran here: a thread)
    warm_up(hub, site, pdf=False)
    assert set(haven.i18n.translate._VIEWS) == {"en", "es", "fr", "pt"}
    # and each translation's checks, although the first build found them (in its workers)
    assert set(haven.workers._CHECKS) == {"es", "fr", "pt"}
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
