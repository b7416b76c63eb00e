"""`slaforge validate PATH...`: silent and exit 0 when valid; every located problem and exit 1 when not."""

from __future__ import annotations

import click

from slaforge.cli.common import load_or_exit


@click.command(name="validate")
@click.argument("paths", nargs=-1, required=True)
def command(paths: tuple[str, ...]) -> None:
    """Check SLA files (files, folders, multi-document YAML)."""
    load_or_exit(paths)
