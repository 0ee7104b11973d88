"""The `haven edit` command."""

from __future__ import annotations

import signal
import webbrowser
from pathlib import Path
from types import FrameType

import click

from haven.cli.options import content_argument
from haven.errors import HavenError
from haven.locate import inside_package, locate


@click.command("edit")
@content_argument
@click.option("--port", "-p", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
def edit_command(content_dir: Path | None, port: int, no_browser: bool) -> None:
    """Edit the hub in CONTENT_DIR (default: this folder) in your browser.

    Forms for every record, checked as you type by the build itself; saving keeps your
    files' comments and layout; the verification queue and the translations; a live
    preview. Only this computer can open it. Stop it with Ctrl+C.
    """
    from haven.editor.server import make_server

    root = locate(content_dir, "edit").root
    if inside_package(root):
        raise HavenError(f"{root} is Haven's own example, inside the installed program: changes "
                         "there would be lost — copy it first ('cp -r' it, or 'haven init "
                         "our-hub') and edit the copy")
    server = editor = None
    for candidate in [port] if port == 0 else range(port, port + 10):
        try:
            server, editor = make_server(root, candidate)
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
