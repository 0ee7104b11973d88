"""The `haven` command: the group, and every command registered in one place.

Each topic's commands live in `haven.cli.commands`; what they share (the hub-folder argument,
the output option, the console) in `haven.cli.options`.
"""

from __future__ import annotations

import importlib

import click

from haven import __version__

COMMANDS = {
    "build": "haven.cli.commands.build:build_command",
    "serve": "haven.cli.commands.build:serve_command",
    "init": "haven.cli.commands.build:init_command",
    "edit": "haven.cli.commands.edit:edit_command",
    "translate": "haven.cli.commands.translate:translate_group",
    "check": "haven.cli.commands.check:check_command",
    "outreach": "haven.cli.commands.outreach:outreach_command",
    "print": "haven.cli.commands.print:print_command",
    "privacy": "haven.cli.commands.privacy:privacy_command",
    "export": "haven.cli.commands.opendata:export_group",
    "import": "haven.cli.commands.opendata:import_group",
}
"""Every command, and where it is: a command's module is imported only when it runs (or
`--help` lists it), so `haven build` does not load the web client, the editor or the crawler."""


class Commands(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, _, name = where.partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="haven")
def main() -> None:
    """Haven turns a folder of content into a school district's
    protecting-immigrant-families hub: a fast, private website in every language
    the district's families speak.

    Every command works on the hub named, else on the nearest folder upwards with a
    hub.yaml (like git). Start a hub of your own with 'haven init FOLDER'; with no hub,
    'haven build' builds the bundled Hartford example.
    """
