"""The editor's HTTP server: 127.0.0.1 only, one secret token per session, no other host.

Safety: the address printed carries a random token, exchanged on first use for an HttpOnly,
SameSite=Strict cookie; every request without that cookie (or the token) is refused, and so
is every request whose Host is not this server's own address or whose Origin, when sent, is
not this server (DNS rebinding, other sites' forms and scripts). Pages allow no script,
style, frame or connection from anywhere but this server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import mimetypes
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from jinja2 import Environment
from markupsafe import Markup
from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from haven.build import build
from haven.content.schema import ID_PATTERN, Document, Organization
from haven.content.source import SourceSyntaxError, parse_markdown, parse_yaml
from haven.editor import queue as queue_module
from haven.editor import translations as tr
from haven.editor.files import (
    Source,
    append_item,
    apply_form,
    new_record,
    parse_path,
    write_atomic,
)
from haven.editor.forms import FILE_MODELS, FormField, build_form, record_model, walk
from haven.editor.i18n import EditorCatalog, _, editor_catalog, ngettext, use
from haven.editor.validation import check
from haven.errors import HavenError, Problem
from haven.localserver import LocalServer
from haven.markdown import render_markdown
from haven.templating import environment

HOST = "127.0.0.1"
MAX_BODY = 5_000_000
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")


class Preview:
    """Builds the site into a temporary folder with Haven's own build(), after each save."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix="haven-edit-preview-"))
        self.site = self.folder / "site"
        self.version = 0
        self.error = ""
        self.building = False
        self._wanted = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.request()

    def request(self) -> None:
        self.building = True
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._stop:
                return
            self._wanted.clear()
            try:
                build(self.root, self.site, pdf=False)
                self.error = ""
            except HavenError as exc:
                self.error = exc.format_message()
            except Exception as exc:  # noqa: BLE001 - the preview must outlive any build bug
                self.error = f"the preview could not be built ({exc!r})"
            self.version += 1
            self.building = self._wanted.is_set()

    def close(self) -> None:
        self._stop = True
        self._wanted.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Session:
    token: str
    name: str = ""
    """Who is checking: asked once, kept in this session only (for verification.assurer)."""


@dataclass
class Editor:
    root: Path
    port: int
    session: Session
    preview: Preview
    language: str = "en"
    """The language of the editor's own interface (`haven edit --language`)."""
    env: Environment = field(init=False)
    catalog: EditorCatalog = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)
    """One change at a time: two tabs saving at once cannot undo each other's work."""

    def __post_init__(self) -> None:
        self.env = environment("haven.editor", extensions=["jinja2.ext.i18n"])
        self.env.install_gettext_callables(_, ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals["_"] = _
        self.catalog = editor_catalog(self.language)
        lang, direction = self.catalog.page_language()
        self.env.globals["interface_lang"] = lang
        self.env.globals["interface_dir"] = direction

    @property
    def origins(self) -> tuple[str, ...]:
        return (f"http://{HOST}:{self.port}", f"http://localhost:{self.port}")

    def render(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(session=self.session,
                                                     preview_version=self.preview.version,
                                                     **values)


@dataclass
class Record:
    """The record a form edits: a file, a path in it, its model and its data."""

    file: str
    path: str
    model: type[BaseModel]
    source: Source
    new: bool
    """A new item of a list (path ends with `.new`), or a new file."""

    @property
    def steps(self) -> tuple[str | int, ...]:
        return parse_path(self.path.removesuffix(".new").removesuffix("new"))

    def data(self) -> Any:
        if self.new:
            return None
        return self.source.node(self.steps)


def open_record(root: Path, file: str, path: str, new_kind: str = "") -> Record:
    """The record at `path` of `file`; a HavenError for anything that does not exist."""
    if new_kind in ("organization", "document"):
        model: type[BaseModel] = Organization if new_kind == "organization" else Document
        folder = "directory" if new_kind == "organization" else "documents"
        return Record(f"{folder}/", "", model, Source.new(root, f"{folder}/new"), True)
    if not _known_file(root, file):
        raise HavenError(f"{file}: no such file in the hub")
    source = Source(root, file)
    new = path.endswith(".new") or path == "new"
    steps = parse_path(path.removesuffix(".new").removesuffix("new"))
    lookup = (*steps, 0) if new else steps
    found = record_model(file, lookup)
    if found is None:
        raise HavenError(f"{file}: no record at {path or 'the top'}")
    if not new:
        try:
            source.node(steps)
        except (KeyError, IndexError, TypeError):
            raise HavenError(f"{file}: no record at {path}") from None
    return Record(file, path, found, source, new)


def _known_file(root: Path, file: str) -> bool:
    if file in FILE_MODELS:
        return (root / file).is_file()
    parts = file.split("/")
    return (len(parts) == 2 and parts[0] in ("directory", "documents")
            and not parts[1].startswith(".") and (root / file).is_file()
            and (root / file).resolve().is_relative_to(root.resolve()))


@dataclass
class Outcome:
    """What a form would write: the file's new text, and the build's problems with it."""

    file: str
    text: str
    problems: list[Problem]
    lines: dict[int, str]
    """Line of the file → the form field written on it."""


def apply(editor: Editor, record: Record, form: dict[str, str]) -> Outcome:
    """The record's file with the form applied (in memory), checked by the build."""
    source = record.source
    file = record.file
    changes: dict[str, str | None] = {}
    opened = form.get("_digest", "")
    stale = bool(opened) and not record.file.endswith("/") and opened != digest(source.text)
    if record.new and file.endswith("/"):
        ident = form.get("id", "").strip()
        suffix = ".md" if file == "documents/" else ".yaml"
        name = ident if ID_PATTERN.match(ident) else "new-record"
        file = f"{file}{name}{suffix}"
        source = Source.new(editor.root, file)
        source.data = new_record(record.model, form)
        if record.model is Document:
            source.body = _body(form.get("body", ""))
        text = source.dump()
        changes[file] = text
    else:
        if record.new:
            try:
                parent = source.node(record.steps) if record.steps else source.data
            except (KeyError, IndexError, TypeError):
                parent = None  # the first of its kind: the list is made below
            item = new_record(record.model, form)
            key = record.steps[-1] if record.steps else None
            if isinstance(parent, CommentedSeq):
                append_item(parent, item)
            elif key is not None:
                holder = source.node(record.steps[:-1])
                holder[key] = CommentedSeq([item])
        else:
            node = source.node(record.steps)
            if isinstance(node, CommentedMap):
                apply_form(record.model, node, form)
            if record.model is Document and "body" in form:
                new_body = _body(form["body"])
                if new_body.strip() != source.body.strip():
                    source.body = new_body
        text = source.dump()
        changes[file] = text
    problems = check(editor.root, changes)
    if stale:
        problems.insert(0, Problem(file, 0, _("the file was changed elsewhere since this form "
                                              "was opened, so saving could undo that change"),
                                   _("copy what you wrote, reload the page and write it again")))
    if record.new and file.endswith((".yaml", ".md")) and (editor.root / file).exists() \
            and record.file.endswith("/"):
        problems.insert(0, Problem(file, 0, _("a file with this id already exists"),
                                   _("choose another id")))
    return Outcome(file, text, problems, _field_lines(record, file, text))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _body(text: str) -> str:
    text = text.replace("\r\n", "\n")
    return text if text.endswith("\n") else text + "\n"


def _field_lines(record: Record, file: str, text: str) -> dict[int, str]:
    """Where each field of the record is written in the new text."""
    try:
        if file.endswith(".md"):
            located = parse_markdown(text).meta
        else:
            located = parse_yaml(text)
    except SourceSyntaxError:
        return {}
    base: tuple[str | int, ...] = record.steps
    if record.new and not record.file.endswith("/"):
        parent: Any = located.data
        for step in base:
            parent = parent[step] if isinstance(parent, (dict, list)) else None  # type: ignore[index]
        base = (*base, len(parent) - 1) if isinstance(parent, list) else base
    lines: dict[int, str] = {}
    for key, number in sorted(located.lines.items(), key=lambda kv: -len(kv[0])):
        if key[: len(base)] == base and len(key) > len(base):
            name = ".".join(str(step) for step in key[len(base):])
            lines.setdefault(number + located.line_offset, name)
    return lines


def problem_links(outcome: Outcome, fields: list[FormField]) -> list[dict[str, str]]:
    """Each problem with the form field it is about, when it is about one of the form's."""
    ids = {f.name: f.id for f in walk(fields)}
    result = []
    for problem in outcome.problems:
        target = ""
        if problem.file == outcome.file:
            name = outcome.lines.get(problem.line, "")
            while name and name not in ids:
                name = name.rpartition(".")[0]
            target = ids.get(name, "")
        result.append({"text": str(problem), "field": target})
    return result


def mark_checked(record: Record, name: str, today: dt.date) -> None:
    """verification: assured today by `name`; unverified or needs-review becomes current."""
    node = record.source.node(record.steps)
    check_block = node.get("verification")
    if not isinstance(check_block, CommentedMap):
        check_block = CommentedMap()
        node["verification"] = check_block
    if check_block.get("status") in (None, "unverified", "needs-review"):
        check_block["status"] = "current"
    check_block["assured_date"] = today
    check_block["assurer"] = name


# -- HTTP -----------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    editor: Editor
    server_version = "haven-edit"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """No log of requests."""

    def handle(self) -> None:
        with use(self.editor.catalog):  # each request has its own thread
            super().handle()

    # -- safety --
    def _allowed(self) -> bool:
        editor = self.editor
        host = self.headers.get("Host", "")
        if f"http://{host}" not in editor.origins:
            return False
        origin = self.headers.get("Origin")
        return origin is None or origin in editor.origins

    def _token_ok(self, query: dict[str, str]) -> bool:
        token = self.editor.session.token
        given = query.get("token")
        if given is not None:
            return hmac.compare_digest(given.encode(), token.encode())
        cookie = SimpleCookie(self.headers.get("Cookie", ""))
        morsel = cookie.get(self._cookie_name)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(), token.encode())

    @property
    def _cookie_name(self) -> str:
        return f"haven_edit_{self.editor.port}"

    def _refuse(self) -> None:
        body = _("Refused: open the address that 'haven edit' printed.").encode()
        self.send_response(HTTPStatus.FORBIDDEN)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._common_headers()
        self.end_headers()
        self.wfile.write(body)

    def _common_headers(self, preview: bool = False) -> None:
        self.send_header("Cache-Control", "no-store")
        # same-origin, not no-referrer: with no-referrer the browser sends `Origin: null` on
        # the editor's own form posts, which would then be refused.
        self.send_header("Referrer-Policy", "same-origin")
        self.send_header("X-Content-Type-Options", "nosniff")
        if preview:
            self.send_header("Content-Security-Policy", "frame-ancestors 'self'")
            self.send_header("X-Frame-Options", "SAMEORIGIN")
        else:
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Frame-Options", "DENY")

    def _split(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        return parts.path, query

    # -- methods --
    def do_GET(self) -> None:
        path, query = self._split()
        if not self._allowed() or not self._token_ok(query):
            self._refuse()
            return
        if "token" in query:
            rest = {k: v for k, v in query.items() if k != "token"}
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Set-Cookie", f"{self._cookie_name}={self.editor.session.token}; "
                             "HttpOnly; SameSite=Strict; Path=/")
            self.send_header("Location", path + ("?" + urlencode(rest) if rest else ""))
            self.send_header("Content-Length", "0")
            self._common_headers()
            self.end_headers()
            return
        try:
            self._get(path, query)
        except HavenError as exc:
            self._page(self.editor.render("message.html", title=_("This page cannot be shown"),
                                          message=exc.format_message()), HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if not self._allowed() or not self._token_ok({}):
            self._refuse()
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        try:
            with self.editor.lock:
                self._post(path, form)
        except HavenError as exc:
            self._page(self.editor.render("message.html", title=_("Not saved"),
                                          message=exc.format_message()),
                       HTTPStatus.UNPROCESSABLE_ENTITY)

    # -- responses --
    def _send(self, body: bytes, content_type: str, status: int = 200,
              preview: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self._common_headers(preview)
        self.end_headers()
        self.wfile.write(body)

    def _page(self, html: str, status: int = 200) -> None:
        self._send(html.encode(), "text/html; charset=utf-8", status)

    def _json(self, value: Any) -> None:
        self._send(json.dumps(value).encode(), "application/json")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self._common_headers()
        self.end_headers()

    # -- GET routes --
    def _get(self, path: str, query: dict[str, str]) -> None:
        editor = self.editor
        if path == "/":
            today = dt.date.today()
            items = queue_module.verification_queue(editor.root, today)
            self._page(editor.render("queue.html", items=items, today=today,
                                     saved=query.get("saved")))
        elif path == "/records":
            self._page(editor.render("records.html", groups=record_groups(editor.root),
                                     saved=query.get("saved")))
        elif path == "/edit":
            record = open_record(editor.root, query.get("file", ""), query.get("path", ""),
                                 query.get("new", ""))
            self._form(record, None, saved=bool(query.get("saved")))
        elif path == "/translations":
            content = tr.hub_content(editor.root)
            self._page(editor.render("languages.html", languages=tr.languages(content)))
        elif path.startswith("/translations/"):
            self._translations(path.removeprefix("/translations/"), query, None)
        elif path == "/api/preview":
            preview = editor.preview
            self._json({"version": preview.version, "building": preview.building,
                        "error": preview.error})
        elif path.startswith("/static/") and path.count("/") == 2:
            name = path.removeprefix("/static/")
            resource = resources.files("haven.editor") / "static" / name
            if name.startswith(".") or not resource.is_file():
                raise HavenError(f"{name}: no such file")
            kind = "text/css" if name.endswith(".css") else "text/javascript"
            self._send(resource.read_bytes(), f"{kind}; charset=utf-8")
        elif path.startswith("/preview/") or path == "/preview":
            self._preview(path.removeprefix("/preview"))
        else:
            raise HavenError(f"{path}: no such page")

    def _preview(self, rest: str) -> None:
        site = self.editor.preview.site.resolve()
        target = (site / rest.lstrip("/")).resolve()
        if any(part.startswith(".") for part in rest.split("/")) or rest.endswith("/sw.js") \
                or not target.is_relative_to(site):
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if target.is_dir():
            if not rest.endswith("/"):
                self._redirect(f"/preview{rest}/")
                return
            target = target / "index.html"
        if not target.is_file():
            message = self.editor.preview.error or _("The preview is being built…")
            self._send(self.editor.render("preview_missing.html", message=message).encode(),
                       "text/html; charset=utf-8", HTTPStatus.NOT_FOUND, preview=True)
            return
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self._send(target.read_bytes(), kind, preview=True)

    def _form(self, record: Record, outcome: Outcome | None, form: dict[str, str] | None = None,
              saved: bool = False, status: int = 200) -> None:
        editor = self.editor
        data = record.data()
        if form is not None and outcome is not None:
            # Show what the person wrote, not the file: re-read the changed text.
            changed = Source(editor.root, outcome.file, outcome.text) if not record.new else None
            if changed is not None:
                try:
                    data = changed.node(record.steps)
                except (KeyError, IndexError, TypeError):
                    pass
        fields = build_form(record.model, data, "", record.path)
        if form is not None:
            _refill(fields, form)
        problems = problem_links(outcome, fields) if outcome is not None else []
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            if problem["field"]:
                by_field.setdefault(problem["field"], []).append(problem["text"])
        body = None
        if record.model is Document:
            body = form.get("body") if form is not None else record.source.body
        rendered = Markup(render_markdown(body or ""))  # Haven's own setup: raw HTML off
        verification = (not record.new and "verification" in record.model.model_fields)
        self._page(editor.render(
            "record.html", record=record, fields=fields, problems=problems, by_field=by_field,
            saved=saved, body=body, rendered=rendered, verification=verification,
            title=record_title(record),
            # After a refusal the form keeps the digest it was opened with: a file changed
            # elsewhere stays refused until the page is reloaded.
            digest=(form or {}).get("_digest") or digest(record.source.text),
            preview_path=preview_path(record, _source_language(editor.root))), status)

    def _translations(self, tag: str, query: dict[str, str], report: Any,
                      status: int = 200) -> None:
        content = tr.hub_content(self.editor.root)
        if tag not in tr.languages(content):
            raise HavenError(f"{tag}: not a language this hub translates into")
        try:
            page = int(query.get("page", "1"))
        except ValueError:
            page = 1
        view = tr.language_view(content, tag, query.get("state", ""), page)
        self._page(self.editor.render("translations.html", view=view, report=report,
                                      state=query.get("state", ""),
                                      states=list(view.counts)), status)

    # -- POST routes --
    def _post(self, path: str, form: dict[str, str]) -> None:
        editor = self.editor
        if path in ("/save", "/api/check"):
            record = open_record(editor.root, form.pop("_file", ""), form.pop("_path", ""),
                                 form.pop("_new", ""))
            if "_show" in form:  # how the text will look, without a script
                self._form(record, None, form)
                return
            outcome = apply(editor, record, form)
            if path == "/api/check":
                fields = build_form(record.model, None, "", record.path)
                self._json({"problems": problem_links(outcome, fields)})
                return
            if outcome.problems:
                self._form(record, outcome, form, status=HTTPStatus.UNPROCESSABLE_ENTITY)
                return
            write_atomic(editor.root / outcome.file, outcome.text)
            editor.preview.request()
            target_path = record.path
            if record.new and record.file.endswith("/"):
                target_path = ""
            elif record.new:
                steps = record.steps
                parent = Source(editor.root, outcome.file).node(steps)
                target_path = ".".join(str(s) for s in (*steps, len(parent) - 1))
            self._redirect("/edit?" + urlencode({"file": outcome.file, "path": target_path,
                                                 "saved": "1"}))
        elif path == "/api/markdown":
            self._json({"html": render_markdown(form.get("text", ""))})
        elif path == "/remove":
            if form.get("sure") != "on":
                raise HavenError(_("Nothing was removed: tick 'Yes, remove it from the hub' "
                                   "to remove the record."))
            record = open_record(editor.root, form.get("_file", ""), form.get("_path", ""))
            if record.steps:
                parent = record.source.node(record.steps[:-1])
                del parent[record.steps[-1]]
                changes: dict[str, str | None] = {record.file: record.source.dump()}
            else:
                changes = {record.file: None}
            problems = check(editor.root, changes)
            if problems:
                self._page(editor.render("message.html", title=_("Not removed"),
                                         message=_("Removing it would break the build:"),
                                         problems=[str(p) for p in problems]),
                           HTTPStatus.UNPROCESSABLE_ENTITY)
                return
            text = changes[record.file]
            if text is None:
                (editor.root / record.file).unlink()
            else:
                write_atomic(editor.root / record.file, text)
            editor.preview.request()
            self._redirect("/records?saved=1")
        elif path == "/checked":
            name = " ".join(form.get("name", "").split())
            if not name:
                raise HavenError(_("Write your name: it is kept as who checked the record."))
            editor.session.name = name
            record = open_record(editor.root, form.get("_file", ""), form.get("_path", ""))
            mark_checked(record, name, dt.date.today())
            text = record.source.dump()
            problems = check(editor.root, {record.file: text})
            if problems:
                self._page(editor.render("message.html", title=_("Not saved"),
                                         message=_("The build refuses this change:"),
                                         problems=[str(p) for p in problems]),
                           HTTPStatus.UNPROCESSABLE_ENTITY)
                return
            write_atomic(editor.root / record.file, text)
            editor.preview.request()
            back = form.get("_back", "/")
            self._redirect(back if back.startswith("/") and not back.startswith("//") else "/")
        elif path.startswith("/translations/"):
            tag = path.removeprefix("/translations/")
            content = tr.hub_content(editor.root)
            if tag not in tr.languages(content):
                raise HavenError(f"{tag}: not a language this hub translates into")
            if form.get("translator", "").strip():
                editor.session.name = " ".join(form["translator"].split())
            report = tr.save(content, tag, form, editor.session.name)
            if report.new or report.updated:
                editor.preview.request()
            query = {"state": form.get("_state", ""), "page": form.get("_page", "1")}
            self._translations(tag, query, report,
                               HTTPStatus.UNPROCESSABLE_ENTITY if report.refused else 200)
        else:
            raise HavenError(f"{path}: no such action")


def _refill(fields: list[FormField], form: dict[str, str]) -> None:
    """Put back what the person wrote, after a refusal."""
    for form_field in walk(fields):
        if form_field.kind == "checkbox":
            if f"{form_field.name}._present" in form:
                form_field.value = form.get(form_field.name) == "on"
        elif form_field.name in form and form_field.kind not in ("group", "items", "records"):
            form_field.value = form[form_field.name]


def record_title(record: Record) -> str:
    if record.new:
        return _("New {kind}").format(kind=_kind_label(record.model))
    data = record.data()
    name = ""
    if isinstance(data, dict):
        name = str(data.get("name") or data.get("title") or data.get("id") or "")
    return f"{_kind_label(record.model)}: {name}" if name else _kind_label(record.model)


def _kind_label(model: type[BaseModel]) -> str:
    names = {"Hub": _("Hub settings"), "Topics": _("Topics"), "Audiences": _("Audiences"),
             "Resources": _("Resources"), "Reporting": _("Reporting discrimination"),
             "Channel": _("Way to report"), "Organization": _("Organization"),
             "Service": _("Service"), "Location": _("Location"), "Topic": _("Topic"),
             "Audience": _("Audience"), "Resource": _("Resource"), "Document": _("Document")}
    return names.get(model.__name__, model.__name__)


def _source_language(root: Path) -> str:
    try:
        tag = Source(root, "hub.yaml").data.get("source_language")
    except (HavenError, OSError, AttributeError):
        return "en"
    return quote(str(tag)) if tag else "en"


def preview_path(record: Record, lang: str = "en") -> str:
    """The preview page that shows the record best, in the source language."""
    return lang + _page_of(record).removeprefix("en")


def _page_of(record: Record) -> str:
    data = record.data()
    ident = str(data.get("id", "")) if isinstance(data, dict) else ""
    model = record.model.__name__
    if model == "Organization" and ident:
        return f"en/help/org/{quote(ident)}/"
    if model == "Document" and ident:
        return f"en/{quote(ident)}/"
    if model == "Resource" and ident:
        return f"en/resources/{quote(ident)}/"
    if model in ("Reporting", "Channel"):
        return "en/report/"
    if model == "Topic" and ident:
        return f"en/help/{quote(ident)}/"
    return "en/"


def record_groups(root: Path) -> list[dict[str, Any]]:
    """Every record of the hub, by kind, for the list page."""
    groups: list[dict[str, Any]] = [{"title": _("Hub settings"), "items": [
        (_("Hub settings"), "hub.yaml", "")], "add": None}]
    for file, key, title, add in (
            ("topics.yaml", "topics", _("Topics"), _("Add a topic")),
            ("audiences.yaml", "audiences", _("Audiences"), _("Add an audience")),
            ("resources.yaml", "resources", _("Resources"), _("Add a resource")),
            ("reporting.yaml", "channels", _("Reporting discrimination"),
             _("Add a way to report"))):
        if not (root / file).is_file():
            continue
        data = Source(root, file).data
        items = [(_("How to report (intro)"), file, "")] if file == "reporting.yaml" else []
        for index, item in enumerate(data.get(key) or []):
            label = str(item.get("name") or item.get("title") or item.get("id") or index)
            items.append((label, file, f"{key}.{index}"))
        groups.append({"title": title, "items": items,
                       "add": (add, f"/edit?{urlencode({'file': file, 'path': key + '.new'})}")})
    for folder, pattern, name_key, title, add, kind in (
            ("documents", "*.md", "title", _("Documents"), _("Add a document"), "document"),
            ("directory", "*.yaml", "name", _("Directory: organizations"),
             _("Add an organization"), "organization")):
        records = []
        for path in sorted((root / folder).glob(pattern)):
            file = f"{folder}/{path.name}"
            try:
                data = Source(root, file).data
            except HavenError:
                data = {}
            records.append((str(data.get(name_key) or path.stem), file, ""))
        groups.append({"title": title, "items": records, "add": (add, f"/edit?new={kind}")})
    return groups


def make_server(root: Path, port: int, token: str | None = None, interface: str = "en"
                ) -> tuple[ThreadingHTTPServer, Editor]:
    """The editor's server on 127.0.0.1:`port` (0: a free port), its interface in the
    language `interface`."""
    server = LocalServer((HOST, port), Handler)
    server.daemon_threads = True
    session = Session(token or secrets.token_urlsafe(24))
    editor = Editor(root.resolve(), server.server_port, session, Preview(root.resolve()),
                    interface)
    handler = type("BoundHandler", (Handler,), {"editor": editor})
    server.RequestHandlerClass = handler
    return server, editor

