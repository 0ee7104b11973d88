"""The `haven edit` command."""

from __future__ import annotations

import re
import signal
import webbrowser
from pathlib import Path
from types import FrameType
from urllib.parse import unquote

import click

from haven.cache import tidy_cache
from haven.cli.options import content_argument
from haven.errors import HavenError
from haven.locate import inside_package, locate

_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def interface_language(given: str | None, source: str) -> str:
    """The editor's language: the one asked for, else the hub's source language."""
    tag = given if given is not None else unquote(source)
    if not _TAG.fullmatch(tag):
        if given is None:
            return "en"
        raise HavenError(f"--language {given}: not a language tag — give one like es, ar "
                         "or zh-Hans")
    return tag


@click.command("edit")
@content_argument
@click.option("--port", "-p", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
@click.option("--language", "interface", metavar="TAG", default=None,
              help="Language of the editor's own buttons and labels, like es or ar "
                   "[default: the hub's source language]. Strings not yet translated "
                   "stay in English.")
def edit_command(content_dir: Path | None, port: int, no_browser: bool,
                 interface: str | None) -> None:
    """Edit the hub in CONTENT_DIR (default: this folder) in your browser.

    Forms for every record, checked as you type by the build itself; saving keeps your
    files' comments and layout; the verification queue and the translations; a live
    preview. Only this computer can open it. Stop it with Ctrl+C.
    """
    from haven.editor.server import _source_language, make_server

    root = locate(content_dir, "edit").root
    if inside_package(root):
        raise HavenError(f"{root} is Haven's own example, inside the installed program: changes "
                         "there would be lost — copy it first ('cp -r' it, or 'haven init "
                         "our-hub') and edit the copy")
    interface = interface_language(interface, _source_language(root))
    tidy_cache()
    server = editor = None
    for candidate in [port] if port == 0 else range(port, port + 10):
        try:
            server, editor = make_server(root, candidate, interface=interface)
            break
        except OSError as exc:
            problem = exc.strerror
    if server is None or editor is None:
        raise HavenError(f"port {port} and the nine after it cannot be used ({problem}) — "
                         "choose another with --port, like --port 8111")
    url = f"http://127.0.0.1:{editor.port}/?token={editor.session.token}"

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # stop as Ctrl+C does: the preview folder is removed
    try:
        if editor.port != port and port != 0:
            click.echo(f"Port {port} is in use; using {editor.port}.", err=True)
        click.echo(f"Editing {root} at {url}", err=True)
        if editor.catalog.empty and interface != "en":
            click.echo(f"The editor has no translation into {interface} yet: it is shown in "
                       "English.", err=True)
        click.echo("Only this computer can open it. Stop with Ctrl+C.", err=True)
        editor.preview.start()
        if not no_browser:
            webbrowser.open(url)
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()
        editor.preview.close()
