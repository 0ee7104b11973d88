"""`haven edit`: a real `haven edit --no-browser --port N` on a copy of the Hartford example,
driven in real Chromium through Playwright."""

from __future__ import annotations

import datetime as dt
import difflib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from haven.example import example_content
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port
from tests.test_a11y import AXE, axe_violations

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed")

HAVEN = str(Path(sys.executable).parent / "haven")


class Running:
    def __init__(self, root: Path, port: int, url: str, process: subprocess.Popen[str]) -> None:
        self.root = root
        self.port = port
        self.url = url
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.token = url.rsplit("token=", 1)[1]
        self.notes = ""


def editor_process(tmp_path: Path, options: list[str] | None = None,
                   env: dict[str, str] | None = None) -> Iterator[Running]:
    """A real `haven edit` on a copy of the example, with `options` and `env` added to its
    environment (for fixtures)."""
    root = tmp_path / "hub"
    shutil.copytree(example_content(), root)
    port = free_port()
    temporary = tmp_path / "tmp"  # the editor's own: other tests' editors may run meanwhile
    temporary.mkdir()
    process = subprocess.Popen([HAVEN, "edit", str(root), "--no-browser", "--port", str(port),
                                *(options or [])],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               env={**os.environ, **(env or {}), "TMPDIR": str(temporary)})
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
    assert found, line
    running = Running(root, port, found.group(1), process)
    while line and not line.startswith("Only this computer"):  # notes come before this line
        line = process.stderr.readline()
        running.notes += line
    yield running
    process.terminate()
    process.wait(timeout=30)
    assert process.returncode == 0
    left = list(temporary.iterdir())
    assert not left, f"the preview folder is left behind: {left}"


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[Running]:
    yield from editor_process(tmp_path)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, editor: Running) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(editor.url)
    yield page
    context.close()


def _status(url: str, headers: dict[str, str], data: bytes | None = None) -> int:
    request = urllib.request.Request(url, headers=headers, data=data)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _changes(old: str, new: str) -> list[str]:
    """The lines removed (-) and added (+) between two texts."""
    return [line for line in difflib.ndiff(old.splitlines(), new.splitlines())
            if line.startswith(("-", "+"))]


def test_requests_without_the_token_or_from_another_origin_are_refused(editor: Running) -> None:
    hub = (editor.root / "hub.yaml").read_text(encoding="utf-8")
    cookie = {"Cookie": f"haven_edit_{editor.port}={editor.token}"}
    assert _status(editor.base + "/", {}) == 403
    assert _status(editor.base + "/", {"Cookie": f"haven_edit_{editor.port}=wrong"}) == 403
    assert _status(editor.base + "/records", cookie) == 200
    assert _status(editor.base + "/records", {**cookie, "Origin": "http://evil.example"}) == 403
    assert _status(editor.base + "/records", {**cookie, "Host": "evil.example"}) == 403
    form = b"_file=hub.yaml&_path=&district=Evil"
    assert _status(editor.base + "/save", {**cookie, "Origin": "http://evil.example"},
                   form) == 403
    assert _status(editor.base + "/save", {}, form) == 403
    assert (editor.root / "hub.yaml").read_text(encoding="utf-8") == hub


def test_the_token_is_exchanged_for_a_strict_httponly_cookie(editor: Running) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", editor.port, timeout=10)
    try:
        connection.request("GET", f"/?token={editor.token}")
        response = connection.getresponse()
        cookie = response.getheader("Set-Cookie") or ""
        assert response.status == 303 and response.getheader("Location") == "/"
    finally:
        connection.close()
    assert cookie.startswith(f"haven_edit_{editor.port}={editor.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "default-src 'none'" in _headers(editor, "/").get("Content-Security-Policy", "")


def _headers(editor: Running, path: str) -> dict[str, str]:
    request = urllib.request.Request(
        editor.base + path, headers={"Cookie": f"haven_edit_{editor.port}={editor.token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers)


def test_district_name_saved_keeping_comments_and_key_order(page: Any, editor: Running) -> None:
    path = editor.root / "hub.yaml"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{editor.base}/edit?file=hub.yaml&path=")
    # The help text is the schema's, in the words of docs/authoring.md.
    assert page.inner_text("#f-district-help") == "The district's name, as it signs its messages."
    assert page.get_attribute("#f-district", "aria-describedby") == "f-district-help"
    page.fill("#f-district", "Hartford Public Schools District")
    page.click("#save")
    page.wait_for_selector("#saved")
    after = path.read_text(encoding="utf-8")
    assert _changes(before, after) == ["- district: Hartford Public Schools",
                                       "+ district: Hartford Public Schools District"]


def test_phone_change_is_saved_and_the_preview_reloads(page: Any, editor: Running) -> None:
    path = editor.root / "directory" / "hps-welcome-center.yaml"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{editor.base}/edit?file=directory/hps-welcome-center.yaml&path=")
    frame = page.frame_locator("#preview")
    frame.locator("main").wait_for()
    assert "695-8409" not in frame.locator("main").inner_text()
    page.fill("#f-phones-0-number", "860-695-8409")
    page.click("#save")
    page.wait_for_selector("#saved")
    after = path.read_text(encoding="utf-8")
    assert _changes(before, after) == ["-   - number: 860-695-8400", "+   - number: 860-695-8409"]
    version = page.get_attribute("#preview", "data-version")
    page.wait_for_function(
        "v => document.getElementById('preview').getAttribute('data-version') !== v", arg=version,
        timeout=60_000)
    frame.locator("main", has_text="695-8409").wait_for(timeout=30_000)


def test_add_a_service(page: Any, editor: Running) -> None:
    path = editor.root / "directory" / "hps-welcome-center.yaml"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{editor.base}/edit?file=directory/hps-welcome-center.yaml&path=")
    page.click("text=Add: services")
    page.fill("#f-id", "hps-welcome-center-enrollment")
    page.fill("#f-name", "Enrolling your child")
    page.fill("#f-description", "Help to enroll a child in school.")
    page.click("#save")
    page.wait_for_selector("#saved")
    after = path.read_text(encoding="utf-8")
    changes = _changes(before, after)
    assert all(line.startswith("+") for line in changes), changes
    assert changes == ["+   - id: hps-welcome-center-enrollment",
                       "+     name: Enrolling your child",
                       "+     description: Help to enroll a child in school."]
    assert after.index("hps-welcome-center-enrollment") < after.index("\nverification:")
    assert "path=services.1" in page.url


def test_an_invalid_value_is_refused_with_the_builds_message(page: Any, editor: Running) -> None:
    path = editor.root / "hub.yaml"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{editor.base}/edit?file=hub.yaml&path=")
    page.fill("#f-phone", "12")
    message = "'12' is not a valid phone number for US"
    page.locator("#error-list", has_text=message).wait_for()  # checked as you type
    assert page.get_attribute("#f-phone", "aria-invalid") == "true"
    page.click("#save")
    page.locator("#error-summary a[href='#f-phone']", has_text=message).wait_for()
    assert "hub.yaml:" in page.inner_text("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the keyboard follows the problem's link to its field
    assert page.evaluate("document.activeElement.id") == "f-phone"
    assert page.input_value("#f-phone") == "12"
    assert path.read_text(encoding="utf-8") == before


def test_mark_as_checked_writes_todays_date(page: Any, editor: Running) -> None:
    path = editor.root / "documents" / "letter.md"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{editor.base}/edit?file=documents/letter.md&path=")
    page.fill("#checker", "Ana Ruiz")
    page.click("#mark")
    page.wait_for_selector("#saved")
    after = path.read_text(encoding="utf-8")
    today = dt.date.today().isoformat()
    assert _changes(before, after) == ["-   status: needs-review", "+   status: current",
                                       f"+   assured_date: {today}", "+   assurer: Ana Ruiz"]
    assert after.endswith(before.split("\n---\n", 1)[1])  # the body is untouched
    page.goto(editor.base + "/")
    assert page.input_value("#name-1") == "Ana Ruiz"  # the name is kept for the session


def test_markdown_preview_uses_havens_markdown_with_raw_html_off(page: Any,
                                                                   editor: Running) -> None:
    page.goto(f"{editor.base}/edit?file=documents/letter.md&path=")
    page.fill("#f-body", "Some **bold** words.\n\n<script>alert(1)</script>\n\n# A heading")
    page.locator("#md-preview strong", has_text="bold").wait_for()
    assert page.locator("#md-preview script").count() == 0
    assert "<script>alert(1)</script>" in page.inner_text("#md-preview")
    assert page.locator("#md-preview h2", has_text="A heading").count() == 1  # # becomes h2


def test_forms_work_without_a_script(browser: Any, editor: Running) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(editor.url)
        page.goto(f"{editor.base}/edit?file=documents/letter.md&path=")
        assert page.locator("#md-preview p").count() > 3  # rendered by the server too
        page.fill("#f-body", "Some **bold** words.")
        page.click("#show")
        page.locator("#md-preview strong", has_text="bold").wait_for()
        assert "Some **bold** words." in page.input_value("#f-body")
        page.goto(f"{editor.base}/edit?file=hub.yaml&path=")
        page.fill("#f-phone", "12")
        page.click("#save")
        page.locator("#error-summary a[href='#f-phone']").wait_for()
    finally:
        context.close()


def test_add_and_remove_an_organization(page: Any, editor: Running) -> None:
    page.goto(f"{editor.base}/records")
    page.click("text=Add an organization")
    page.fill("#f-id", "new-legal-aid")
    page.fill("#f-name", "New Legal Aid")
    page.fill("#f-verification-assured_date", "2026-11-01")
    page.select_option("#f-verification-status", "current")
    page.fill("#f-phones-new-number", "860-555-0101")
    page.click("#save")
    page.wait_for_selector("#saved")
    path = editor.root / "directory" / "new-legal-aid.yaml"
    assert path.read_text(encoding="utf-8") == (
        "id: new-legal-aid\nname: New Legal Aid\nphones:\n  - number: 860-555-0101\n"
        "verification:\n  status: current\n  assured_date: 2026-11-01\n")
    page.click("#remove-form button")  # not ticked: the browser asks for the tick first
    assert path.exists()
    page.check("#remove-sure")
    page.click("#remove-form button")
    page.wait_for_url("**/records?saved=1")
    assert not path.exists()


def test_a_removal_that_would_break_the_build_is_refused(page: Any, editor: Running) -> None:
    path = editor.root / "topics.yaml"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{editor.base}/edit?file=topics.yaml&path=topics.0")
    page.check("#remove-sure")
    page.click("#remove-form button")
    assert "legal-help" in page.inner_text("main")
    assert "Removing it would break the build" in page.inner_text("main")
    assert path.read_text(encoding="utf-8") == before


def test_start_page_is_the_verification_queue(page: Any, editor: Running) -> None:
    page.goto(editor.base + "/")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() > 20
    first = rows.nth(0).inner_text()
    assert "needs-review" in first or "overdue" in first


def test_translation_saved_through_import(page: Any, editor: Running) -> None:
    page.goto(f"{editor.base}/translations/es?state=machine")
    textarea = page.locator("textarea").first
    name = textarea.get_attribute("name")
    assert name is not None and name.startswith("t:")
    ident = name[2:]
    page.check("#r-1")
    page.click("#save-translations")
    page.locator("#import-report", has_text="1 updated").wait_for()
    po = (editor.root / "translations" / "es.po").read_text(encoding="utf-8")
    entry = po[po.index(f'msgctxt "{ident}"') - 200: po.index(f'msgctxt "{ident}"')]
    assert "#, reviewed" in entry.rsplit("\n\n", 1)[-1]


def test_a_translation_that_fails_the_checks_is_refused(page: Any, editor: Running) -> None:
    path = editor.root / "translations" / "es.po"
    before = path.read_text(encoding="utf-8")
    page.goto(f"{editor.base}/translations/es?state=machine")
    box = page.locator("textarea[name='t:hub:home.first_steps.3']")
    assert "860-695-8400" in box.input_value()
    box.fill("¿Necesita ayuda? Llame al 860-695-8499.")
    page.click("#save-translations")
    report = page.locator("#import-report")
    report.wait_for()
    assert "hub:home.first_steps.3" in report.inner_text()
    assert "860-695-8400" in report.inner_text()  # the check names the number it misses
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed")
@pytest.mark.parametrize("width", [1280, 768])
def test_axe_finds_no_violation(browser: Any, editor: Running, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(editor.url)
    failures = {}
    try:
        for path in ("/", "/records", "/edit?file=hub.yaml&path=",
                     "/edit?file=directory/hps-welcome-center.yaml&path=services.0",
                     "/edit?file=documents/letter.md&path=", "/translations/es"):
            page.goto(editor.base + path)
            found = axe_violations(page)
            if found:
                failures[path] = found
        page.goto(f"{editor.base}/edit?file=hub.yaml&path=")
        page.fill("#f-phone", "12")
        page.click("#save")
        page.wait_for_selector("#error-summary a")
        if found := axe_violations(page):
            failures["refused"] = found
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the page scrolls sideways at {width}px"
    finally:
        context.close()
    assert failures == {}, failures


def test_edit_refuses_the_bundled_example_and_a_folder_without_a_hub(
        cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from haven.cli import main

    result = cli.invoke(main, ["edit", str(example_content()), "--no-browser"])
    assert result.exit_code == 1 and "Haven's own example" in result.output
    assert "Traceback" not in result.output
    monkeypatch.chdir(tmp_path)
    result = cli.invoke(main, ["edit", "--no-browser"])
    assert result.exit_code == 1 and "or any folder above" in result.output


def test_the_hub_is_found_from_a_subfolder(make_hub: Any, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    from haven.locate import locate

    root = make_hub()
    monkeypatch.chdir(root / "documents")
    assert locate(None, "edit").root.resolve() == root.resolve()


def test_a_busy_port_gives_the_next_one(tmp_path: Path) -> None:
    root = tmp_path / "hub"
    shutil.copytree(example_content(), root)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        process = subprocess.Popen([HAVEN, "edit", str(root), "--no-browser", "--port",
                                    str(port)], stderr=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, text=True)
        try:
            assert process.stderr is not None
            first = process.stderr.readline()
            second = process.stderr.readline()
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert first.strip() == f"Port {port} is in use; using {port + 1}."
    assert f"http://127.0.0.1:{port + 1}/?token=" in second
    assert process.returncode == 0


def test_a_file_changed_elsewhere_is_not_overwritten(page: Any, editor: Running) -> None:
    path = editor.root / "hub.yaml"
    page.goto(f"{editor.base}/edit?file=hub.yaml&path=")
    elsewhere = path.read_text(encoding="utf-8").replace("phone_label: HPS Welcome Center",
                                                         "phone_label: The Welcome Center")
    path.write_text(elsewhere, encoding="utf-8")  # a text editor saves meanwhile
    page.fill("#f-district", "Hartford Public Schools District")
    page.click("#save")
    page.locator("#error-summary", has_text="changed elsewhere").wait_for()
    page.click("#save")  # saving again is refused too, until the page is reloaded
    page.locator("#error-summary", has_text="changed elsewhere").wait_for()
    assert path.read_text(encoding="utf-8") == elsewhere
    page.goto(f"{editor.base}/edit?file=hub.yaml&path=")
    page.fill("#f-district", "Hartford Public Schools District")
    page.click("#save")
    page.wait_for_selector("#saved")
    text = path.read_text(encoding="utf-8")
    assert "phone_label: The Welcome Center" in text
    assert "district: Hartford Public Schools District" in text


def test_the_first_location_of_an_organization(editor: Running) -> None:
    file = "directory/connecticut-legal-services.yaml"
    path = editor.root / file
    before = path.read_text(encoding="utf-8")
    assert "\nlocations:" not in before
    headers = {"Cookie": f"haven_edit_{editor.port}={editor.token}", "Origin": editor.base}
    form = urllib.parse.urlencode({"_file": file, "_path": "locations.new", "id": "cls-hartford",
                                   "name": "Hartford office"}).encode()
    assert _status(editor.base + "/save", headers, form) == 200  # after the redirect
    after = path.read_text(encoding="utf-8")
    assert after == before + "locations:\n  - id: cls-hartford\n    name: Hartford office\n"


def test_items_added_and_removed_keep_the_comments_in_place(editor: Running) -> None:
    path = editor.root / "hub.yaml"
    before = path.read_text(encoding="utf-8")
    headers = {"Cookie": f"haven_edit_{editor.port}={editor.token}", "Origin": editor.base}
    form = urllib.parse.urlencode({
        "_file": "hub.yaml", "_path": "", "languages.1.english_name": "Spanish",
        "languages.new.tag": "zu", "interpretation_languages.0._remove": "on",
    }).encode()
    assert _status(editor.base + "/save", headers, form) == 200
    after = path.read_text(encoding="utf-8")
    assert _changes(before, after) == ["-   - es", "+   - tag: es", "+     english_name: Spanish",
                                       "+   - zu", "-   - ak  # Akan"]
    assert "  - tr\n  - zu\n\n# Languages with no pages" in after  # before the next comment
