"""`slaforge explain PATH...`: error budgets, burn-rate alerts, credit tiers, maintenance and escalation."""

from __future__ import annotations

from datetime import datetime

import click

from slaforge.cli.common import load_or_exit
from slaforge.explain import explain, render_json, render_text


def _instant(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"expected an ISO 8601 time such as 2026-12-01T02:00:00Z, got {value!r}") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"give the offset too, such as {value}Z or {value}+01:00")
    return moment


@click.command(name="explain")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--now", "now", metavar="TIME", callback=_instant,
    help="Lay out the maintenance windows from this ISO 8601 time instead of the current one.",
)
def command(paths: tuple[str, ...], fmt: str, now: datetime | None) -> None:
    """Explain each SLA: budgets, every alert, credits, maintenance windows and escalation."""
    data = explain(load_or_exit(paths), now=now)
    click.echo(render_json(data) if fmt == "json" else render_text(data), nl=False)
