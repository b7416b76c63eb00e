"""`slaforge review PATH... --prometheus URL`: the last N complete periods side by side, with findings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from slaforge.cli.common import fail, load_or_exit, write_atomically


@click.command(name="review")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--prometheus", "url", required=True, envvar="SLAFORGE_PROMETHEUS_URL", metavar="URL",
              help="Prometheus base URL, e.g. http://prometheus:9090 (env SLAFORGE_PROMETHEUS_URL).")
@click.option("--periods", "count", type=click.IntRange(1, 36), default=6, show_default=True,
              help="How many complete calendar periods (each SLA's calendar), the latest last.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here (atomically) instead of stdout.")
@click.option("--now", "now_text", default=None, metavar="TIME",
              help="Review as if it were TIME (ISO 8601 with offset), for reproducible reviews.")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for each query.")
def command(paths: tuple[str, ...], url: str, count: int, fmt: str, output: Path | None,
            now_text: str | None, timeout: float) -> None:
    """The periodic SLA review: achieved, credit, budget, incidents per period, and findings."""
    from slaforge.report import PeriodError, PrometheusClient, PrometheusError
    from slaforge.report.periods import parse_instant
    from slaforge.report.review import build_review
    from slaforge.report.review_render import render_review

    slas = load_or_exit(paths)
    try:
        now = parse_instant(now_text) if now_text else datetime.now(UTC)
        client = PrometheusClient(url, timeout=timeout)
        review = build_review(slas, client, count, now)
    except (PeriodError, PrometheusError) as exc:
        fail(str(exc))
    text = render_review(review, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text)
