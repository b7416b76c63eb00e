"""`slaforge explain PATH...`: error budgets, burn-rate alerts and credit tiers, in time."""

from __future__ import annotations

import click

from slaforge.cli.common import load_or_exit
from slaforge.explain import explain, render_json, render_text


@click.command(name="explain")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(paths: tuple[str, ...], fmt: str) -> None:
    """Explain what each objective's budget, alerts and credits mean."""
    data = explain(load_or_exit(paths))
    click.echo(render_json(data) if fmt == "json" else render_text(data), nl=False)
