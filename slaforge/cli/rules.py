"""`slaforge rules`: one Prometheus rule file (or PrometheusRule, or promtool tests) for the SLAs."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from slaforge.cli.common import fail, load_or_exit
from slaforge.cli.output import write_file
from slaforge.conventions import RULES_FILE


@click.command(name="rules")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="write to FILE (atomically) instead of stdout")
@click.option("--format", "fmt", type=click.Choice(["prometheus", "operator"]), default="prometheus",
              show_default=True, help="plain rule file, or a monitoring.coreos.com/v1 PrometheusRule")
@click.option("--tests", is_flag=True,
              help="emit promtool unit tests (outage pages, healthy is silent, maintenance respected) "
              "instead of the rules; run them with `promtool test rules FILE`")
@click.option("--rule-file", default=None, metavar="NAME",
              help="with --tests: the rule file the tests load, relative to the test file "
              f"(default: {RULES_FILE}, the name `generate` writes)")
@click.option("--engine", type=click.Choice(["prometheus", "vmalert", "thanos", "mimir"]), default="prometheus",
              show_default=True,
              help="lay the rules out for this rule engine (same results; see docs/deploying.md): vmalert "
              "computes each burn alert from the pieces, thanos sets partial_response_strategy, mimir "
              "splits groups at its default limit of 20 rules")
@click.option("--max-rules-per-group", type=click.IntRange(min=1), default=None, metavar="N",
              help="split each group into consecutive groups of at most N rules (Mimir, Cortex, Thanos limits)")
def command(paths: tuple[str, ...], output: Path | None, fmt: str, tests: bool, rule_file: str | None,
            engine: str, max_rules_per_group: int | None) -> None:
    """Generate recording rules and burn-rate alerts for the SLAs in PATHS."""
    from slaforge.rules import EngineOptions, render, render_tests
    from slaforge.rules.engines import Engine

    slas = load_or_exit(paths)
    if tests:
        if engine != "prometheus" or max_rules_per_group is not None:
            fail("--tests writes promtool tests for the Prometheus layout; drop --engine and --max-rules-per-group")
        if fmt != "prometheus":
            fail("--tests writes promtool tests; it cannot be combined with --format operator")
        text = render_tests(slas, rule_file or RULES_FILE)
    else:
        if rule_file is not None:
            fail("--rule-file only applies with --tests")
        options = EngineOptions(cast(Engine, engine), max_rules_per_group)
        text = render(slas, "operator" if fmt == "operator" else "prometheus", options)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(output, text)
