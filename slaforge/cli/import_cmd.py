"""`slaforge import sloth FILE`: turn another tool's SLO files into slaforge SLA YAML."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from slaforge.cli.common import fail
from slaforge.cli.output import write_file
from slaforge.spec import SpecError, load_text
from slaforge.spec.durations import parse_duration


@click.group(name="import")
def command() -> None:
    """Import SLO definitions from other tools as slaforge SLA YAML."""


@command.command(name="sloth")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--window", default="30d", show_default=True,
              help="SLO window of the imported SLAs (Sloth's --default-slo-period).")
@click.option("--provider", help="Who promises the SLAs (default: a TODO placeholder to fill in).")
@click.option("--customer", help="To whom they are promised (default: a TODO placeholder to fill in).")
def sloth(file: str, output: str | None, window: str, provider: str | None, customer: str | None) -> None:
    """Convert a Sloth spec (version: prometheus/v1, or a PrometheusServiceLevel) to an SLA file.

    Event SLIs written as sum(rate(SELECTOR[{{.window}}])) become ratio SLIs, and Sloth's
    count-minus-bucket latency queries become latency SLIs; anything else is reported with its
    location. Lines marked REVIEW in the output need a person's judgment.
    """
    from slaforge.importers.sloth import import_sloth

    try:
        parse_duration(window)
    except ValueError as exc:
        fail(f"--window: {exc}")
    name = "<stdin>" if file == "-" else file
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}")
    try:
        imported = import_sloth(text, name, window=window, provider=provider, customer=customer)
        load_text(imported.yaml, output or "<imported>")  # never hand out a file slaforge would refuse
    except SpecError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        sys.exit(1)
    for warning in imported.warnings:
        click.echo(f"{warning.file}:{warning.line}:{warning.column}: {warning.path}: warning: {warning.message}",
                   err=True)
    if output:
        write_file(Path(output), imported.yaml)
        click.echo(f"wrote {len(imported.slas)} SLA(s) to {output}: {', '.join(imported.slas)}", err=True)
    else:
        click.echo(imported.yaml, nl=False)
