"""`slaforge schema`: the JSON Schema of the SLA file."""

from __future__ import annotations

from pathlib import Path

import click

from slaforge.cli.output import write_file
from slaforge.spec.schema import render_schema


@click.command(name="schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write to FILE")
def command(output: Path | None) -> None:
    """Print the JSON Schema of SLA files (for yaml-language-server and editors)."""
    text = render_schema()
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(output, text)
