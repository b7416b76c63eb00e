"""`slaforge export openslo PATH...`: the SLAs as another tool's documents."""

from __future__ import annotations

from pathlib import Path

import click

from slaforge.cli.common import load_or_exit
from slaforge.cli.output import write_file


@click.group(name="export")
def command() -> None:
    """Export SLAs to other tools' formats."""


@command.command(name="openslo")
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
def openslo(paths: tuple[str, ...], output: str | None) -> None:
    """The SLAs in PATHS as OpenSLO v1 documents (Service, DataSource, SLO with its SLI inline).

    What OpenSLO cannot express (credits, maintenance, escalation, probes, provider and customer)
    is named on stderr, one line per SLA.
    """
    from slaforge.importers.openslo_export import export_openslo

    slas = load_or_exit(paths)
    text, notes = export_openslo(slas)
    for note in notes:
        click.echo(note, err=True)
    if output:
        write_file(Path(output), text)
        click.echo(f"wrote {len(slas)} SLA(s) as OpenSLO to {output}", err=True)
    else:
        click.echo(text, nl=False)
