"""`slaforge report PATH... --prometheus URL`: compliance report with the credits owed."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import click

from slaforge.cli.common import fail, load_or_exit
from slaforge.cli.output import write_file


@click.command(name="report")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--prometheus", "url", required=True, envvar="SLAFORGE_PROMETHEUS_URL", metavar="URL",
              help="Prometheus base URL, e.g. http://prometheus:9090 (env SLAFORGE_PROMETHEUS_URL).")
@click.option("--period", default="last", show_default=True, metavar="PERIOD",
              help="2026-10, 2026-Q4, 2026, last-month, this-month, last-quarter, this-quarter; "
                   "'last'/'current' follow each SLA's calendar.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here (atomically) instead of stdout.")
@click.option("--now", "now_text", default=None, metavar="TIME",
              help="Report as if it were TIME (ISO 8601 with offset), for reproducible reports.")
@click.option("--timeout", "timeout_text", default="30", show_default=True, metavar="SECONDS",
              help="Seconds each query may take in all, from connecting to the last byte of the answer.")
@click.option("--max-answer-mb", "max_mb_text", default="32", show_default=True, metavar="MB",
              help="Refuse an answer of Prometheus larger than this many MiB (memory stays bounded).")
@click.option("--group", "groups", multiple=True, metavar="LABEL=VALUE",
              help="Only this group of grouped objectives (group_by), e.g. customer=acme: one customer's report.")
def command(paths: tuple[str, ...], url: str, period: str, fmt: str, output: Path | None,
            now_text: str | None, timeout_text: str, max_mb_text: str, groups: tuple[str, ...]) -> None:
    """Compliance report per SLA and objective over a calendar period, with the credits owed."""
    from slaforge.report import (
        PeriodError,
        PrometheusClient,
        PrometheusError,
        build_report,
        render,
    )
    from slaforge.report.periods import parse_instant

    timeout = _positive("--timeout", timeout_text)
    max_bytes = round(_positive("--max-answer-mb", max_mb_text) * 1024 * 1024)
    from slaforge.plan import plan_for
    from slaforge.report.groups import parse_selection

    try:
        wanted = parse_selection(groups)
    except ValueError as exc:
        fail(str(exc))
    slas = load_or_exit(paths)
    if wanted and not any(set(wanted) <= set(plan_for(s).group_labels) for s in slas):
        fail(f"--group: no SLA groups its objectives by {', '.join(sorted(wanted))} (group_by)")
    try:
        now = parse_instant(now_text) if now_text else datetime.now(UTC)
        client = PrometheusClient(url, timeout=timeout, max_bytes=max_bytes)
        report = build_report(slas, client, period, now, group=wanted)
    except (PeriodError, PrometheusError) as exc:
        fail(str(exc))
    for s in report.slas:
        for o in s.objectives:
            if o.outcome.no_data:
                click.echo(f"slaforge: warning: {s.sla}/{o.title}: no data in {s.period.label}: {o.missing}",
                           err=True)
            for problem in o.data_problems:
                click.echo(f"slaforge: warning: {s.sla}/{o.title}: data problem in {s.period.label}: {problem}",
                           err=True)
    text = render(report, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(output, text)


def _positive(option: str, text: str) -> float:
    """A finite number above 0 given to ``option``, or a one-line error."""
    try:
        value = float(text)
    except ValueError:
        fail(f"{option} {text!r}: expected a number")
    if not (math.isfinite(value) and value > 0):
        fail(f"{option} {text!r}: expected a number above 0")
    return value
