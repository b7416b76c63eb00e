"""The `slaforge` command line: thin click commands that wire files to the pure core.

Each subcommand lives in its own module here and is imported only when it runs, so that
`slaforge validate` never pays for the exporter's or the report's imports.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from slaforge import __version__

# command name -> module under slaforge.cli that defines `command`
COMMANDS = {
    "validate": "validate",
    "explain": "explain",
    "rules": "rules",
    "dashboards": "dashboards",
    "generate": "generate",
    "exporter": "exporter",
    "backfill": "backfill",
    "report": "report",
    "review": "review",
    "schema": "schema",
    "demo-target": "demo_target",
    "import": "import_cmd",
    "export": "export_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        cmd: click.Command = importlib.import_module(f"slaforge.cli.{module}").command
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="slaforge")
def cli() -> None:
    """Turn service level agreements into running monitoring."""


def main(argv: Any = None) -> None:
    cli.main(args=argv, prog_name="slaforge")
