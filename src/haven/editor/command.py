"""The `haven edit` command."""

from __future__ import annotations

import signal
import webbrowser
from pathlib import Path
from types import FrameType

import click

from haven.errors import HavenError


@click.command("edit")
@click.argument("content_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", "-p", default=8001, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
def edit_command(content_dir: Path | None, port: int, no_browser: bool) -> None:
    """Edit the hub in CONTENT_DIR (default: this folder) in your browser.

    Forms for every record, checked as you type by the build itself; saving keeps your
    files' comments and layout; the verification queue and the translations; a live
    preview. Only this computer can open it. Stop it with Ctrl+C.
    """
    from haven.editor.server import make_server

    root = content_dir or Path.cwd()
    if not (root / "hub.yaml").is_file():
        raise HavenError(f"{root}: there is no hub.yaml here — name the hub's folder, like "
                         "'haven edit our-hub', or make one with 'haven init our-hub'")
    try:
        server, editor = make_server(root, port)
    except OSError as exc:
        raise HavenError(f"port {port} cannot be used ({exc.strerror}) — choose another "
                         "with --port, like --port 8011") from None
    url = f"http://127.0.0.1:{editor.port}/?token={editor.session.token}"
    click.echo(f"Editing {root} at {url}", err=True)
    click.echo("Only this computer can open it. Stop with Ctrl+C.", err=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # stop as Ctrl+C does: the preview folder is removed
    editor.preview.start()
    if not no_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    finally:
        server.server_close()
        editor.preview.close()
