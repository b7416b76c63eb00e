"""`slaforge import sloth|openslo|pyrra FILE`: turn another tool's SLO files into slaforge SLA YAML."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from slaforge.cli.common import fail
from slaforge.cli.output import write_file
from slaforge.importers.model import Imported
from slaforge.spec import SpecError
from slaforge.spec.durations import parse_duration


@click.group(name="import")
def command() -> None:
    """Import SLO definitions from other tools as slaforge SLA YAML.

    Every SLO that has a slaforge meaning is converted; each one that has not is named on stderr
    with FILE:LINE:COLUMN and the reason, and left out. Exit status 0 when at least one SLO was
    converted, 1 when none was. Fields with no slaforge meaning are warnings.
    """


_OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
_PROVIDER = click.option("--provider", help="Who promises the SLAs (default: a TODO placeholder to fill in).")
_CUSTOMER = click.option("--customer", help="To whom they are promised (default: a TODO placeholder to fill in).")
_FILE = click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))


def _run(file: str, output: str | None, convert: Callable[[str, str], Imported]) -> None:
    name = "<stdin>" if file == "-" else file
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}")
    try:
        imported = convert(text, name)
    except SpecError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        sys.exit(1)
    for problem in imported.skipped:
        click.echo(problem.format(), err=True)
    for warning in imported.warnings:
        click.echo(f"{warning.file}:{warning.line}:{warning.column}: {warning.path}: warning: {warning.message}",
                   err=True)
    if imported.skipped:
        click.echo(f"{name}: {len(imported.skipped)} problem(s) above: those SLOs were left out", err=True)
    if output:
        write_file(Path(output), imported.yaml)
        click.echo(f"wrote {len(imported.slas)} SLA(s) to {output}: {', '.join(imported.slas)}", err=True)
    else:
        click.echo(imported.yaml, nl=False)


@command.command(name="sloth")
@_FILE
@_OUTPUT
@click.option("--window", default="30d", show_default=True,
              help="SLO window of the imported SLAs (Sloth's --default-slo-period).")
@_PROVIDER
@_CUSTOMER
def sloth(file: str, output: str | None, window: str, provider: str | None, customer: str | None) -> None:
    """Convert a Sloth spec (version: prometheus/v1, or a PrometheusServiceLevel) to an SLA file.

    Event SLIs that add up counters (sum(rate(SELECTOR[{{.window}}])), several of them, total minus
    good, or a raw ratio of two such sums) become ratio SLIs, and Sloth's count-minus-bucket latency
    queries become latency SLIs. OpenSLO documents in the file are read as `import openslo` does.
    Lines marked REVIEW in the output need a person's judgment.
    """
    from slaforge.importers.sloth import import_sloth

    try:
        parse_duration(window)
    except ValueError as exc:
        fail(f"--window: {exc}")
    _run(file, output, lambda text, name: import_sloth(text, name, window=window, provider=provider,
                                                        customer=customer))


@command.command(name="openslo")
@_FILE
@_OUTPUT
@_PROVIDER
@_CUSTOMER
def openslo(file: str, output: str | None, provider: str | None, customer: str | None) -> None:
    """Convert OpenSLO v1 (or v1alpha) documents to an SLA file.

    SLOs with a ratioMetric of Prometheus counters and Occurrences budgeting convert; rolling and
    calendar (1M, 1Q) windows both map. Alert policies are named as warnings.
    """
    from slaforge.importers.openslo import import_openslo

    _run(file, output, lambda text, name: import_openslo(text, name, provider=provider, customer=customer))


@command.command(name="pyrra")
@_FILE
@_OUTPUT
@_PROVIDER
@_CUSTOMER
def pyrra(file: str, output: str | None, provider: str | None, customer: str | None) -> None:
    """Convert Pyrra ServiceLevelObjective resources to an SLA file.

    Ratio and latency indicators convert; grouping, bool_gauge and latencyNative are refused with
    the reason.
    """
    from slaforge.importers.pyrra import import_pyrra

    _run(file, output, lambda text, name: import_pyrra(text, name, provider=provider, customer=customer))
