"""`slaforge report PATH... --prometheus URL`: compliance report with the credits owed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from slaforge.cli.common import fail, load_or_exit, write_atomically


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
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for each query.")
def command(paths: tuple[str, ...], url: str, period: str, fmt: str, output: Path | None,
            now_text: str | None, timeout: float) -> None:
    """Compliance report per SLA and objective over a calendar period, with the credits owed."""
    from slaforge.report import (
        PeriodError,
        PrometheusClient,
        PrometheusError,
        build_report,
        render,
    )
    from slaforge.report.periods import parse_instant

    slas = load_or_exit(paths)
    try:
        now = parse_instant(now_text) if now_text else datetime.now(UTC)
        client = PrometheusClient(url, timeout=timeout)
        report = build_report(slas, client, period, now)
    except (PeriodError, PrometheusError) as exc:
        fail(str(exc))
    for s in report.slas:
        for o in s.objectives:
            if o.outcome.no_data:
                click.echo(f"slaforge: warning: {s.sla}/{o.name}: no data in {s.period.label}: {o.missing}", err=True)
    text = render(report, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
