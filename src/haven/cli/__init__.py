"""The `haven` command: the group, and every command registered in one place.

Each topic's commands live in `haven.cli.commands`; what they share (the hub-folder argument,
the output option, the console) in `haven.cli.options`.
"""

from __future__ import annotations

import click

from haven import __version__
from haven.cli.commands.build import build_command, init_command, serve_command
from haven.cli.commands.check import check_command
from haven.cli.commands.edit import edit_command
from haven.cli.commands.opendata import export_group, import_group
from haven.cli.commands.outreach import outreach_command
from haven.cli.commands.print import print_command
from haven.cli.commands.privacy import privacy_command
from haven.cli.commands.translate import translate_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="haven")
def main() -> None:
    """Haven turns a folder of content into a school district's
    protecting-immigrant-families hub: a fast, private website in every language
    the district's families speak.

    Every command works on the hub named, else on the nearest folder upwards with a
    hub.yaml (like git). Start a hub of your own with 'haven init FOLDER'; with no hub,
    'haven build' builds the bundled Hartford example.
    """


for command in (build_command, serve_command, init_command, edit_command, translate_group,
                check_command,
                outreach_command, print_command, privacy_command, export_group, import_group):
    main.add_command(command)
