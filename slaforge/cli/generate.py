"""`slaforge generate` (not built yet)."""

from __future__ import annotations

import click

from slaforge.cli.common import not_built_yet


@click.command(
    name="generate",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    help="Not built yet.",
)
def command() -> None:
    not_built_yet("generate")
