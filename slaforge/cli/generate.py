"""`slaforge generate PATH... -o DIR`: rules, dashboards and Alertmanager routes in one go.

Everything is generated in memory first; then the whole tree is built beside DIR and swapped in
(:func:`slaforge.cli.output.replace_tree`), so a failure at any point leaves DIR as it was, and what
an earlier run wrote for an SLA that is gone is removed, never a file slaforge did not write.
"""

from __future__ import annotations

from pathlib import Path

import click

from slaforge.cli.common import fail, load_or_exit
from slaforge.cli.output import replace_tree
from slaforge.conventions import (
    GENERATE_ALERTMANAGER_DIR,
    GENERATE_GRAFANA_DIR,
    GENERATE_RULES_DIR,
    RULE_TESTS_FILE,
    RULES_FILE,
)
from slaforge.spec.model import SLA


def generate_files(slas: list[SLA]) -> list[tuple[str, str]]:
    """Every generated file as (path relative to DIR, content), in a stable order."""
    from slaforge.alertmanager import render_alertmanager
    from slaforge.grafana import render_dashboards
    from slaforge.rules import render, render_tests

    files = [
        (f"{GENERATE_RULES_DIR}/{RULES_FILE}", render(slas)),
        (f"{GENERATE_RULES_DIR}/{RULE_TESTS_FILE}", render_tests(slas, rule_file=RULES_FILE)),
    ]
    files += [(f"{GENERATE_GRAFANA_DIR}/{rel}", text) for rel, text in render_dashboards(slas)]
    files += [(f"{GENERATE_ALERTMANAGER_DIR}/{rel}", text) for rel, text in render_alertmanager(slas)]
    return files


@click.command(name="generate")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o", "--output", "output", required=True,
    type=click.Path(file_okay=False, path_type=Path), help="folder to write rules/, grafana/, alertmanager/ into",
)
def command(paths: tuple[str, ...], output: Path) -> None:
    """Generate everything: DIR/rules/, DIR/grafana/, DIR/alertmanager/."""
    slas = load_or_exit(paths)
    try:
        files = generate_files(slas)
    except Exception as exc:  # a bug, not bad input: still one line, and nothing is written
        fail(f"generating failed, nothing was written: {type(exc).__name__}: {exc}")
    replace_tree(output, files)
    click.echo(f"wrote {len(files)} files for {len(slas)} SLA(s) into {output}/", err=True)
