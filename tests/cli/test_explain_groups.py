"""`slaforge explain` shows a grouped objective's grouping (text and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from slaforge.cli import cli

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "multi-customer-api.yaml")


def test_explain_names_the_groups() -> None:
    text = CliRunner().invoke(cli, ["explain", EXAMPLE])
    assert text.exit_code == 0, text.output
    assert "per group of customer: each value has its own SLI, budget, alerts and credit" in text.output
    assert "at most 500 groups" in text.output
    # a grouped objective escalates each burning group on its own, so the count is per group too
    assert "one SLAEscalation per step, objective and group" in text.output


def test_explain_ungrouped_escalation_is_per_objective() -> None:
    example = str(Path(EXAMPLE).with_name("payments-api.yaml"))
    text = CliRunner().invoke(cli, ["explain", example])
    assert text.exit_code == 0, text.output
    assert "one SLAEscalation per step and objective)" in text.output


def test_explain_json_has_group_by() -> None:
    result = CliRunner().invoke(cli, ["explain", "--format", "json", EXAMPLE])
    assert result.exit_code == 0, result.output
    objectives = {o["objective"]: o for o in json.loads(result.output)["slas"][0]["objectives"]}
    assert objectives["tenant-availability"]["group_by"] == ["customer"]
    assert objectives["tenant-availability"]["max_groups"] == 500
    assert objectives["tenant-latency"]["max_groups"] == 1000
