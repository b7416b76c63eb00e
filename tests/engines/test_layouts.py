"""`slaforge rules --engine ... --max-rules-per-group N`: layouts for other rule engines, same results.

The split keeps every rule, in order, in groups of at most N with the group's interval; the
vmalert layout changes only burn alerts' expressions; the thanos layout only adds
partial_response_strategy. Each output passes `promtool check rules`, and the generated promtool
unit tests (outage pages, escalations, maintenance) pass against the vmalert and split layouts.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.rules import EngineOptions, generate_rule_file, render, render_tests
from slaforge.rules.engines import MIMIR_DEFAULT_LIMIT, cut_points, split_groups
from slaforge.rules.model import RecordingRule, RuleGroup
from slaforge.spec import load_slas
from slaforge.spec.model import SLA
from tests.rules.helpers import EXAMPLES, FIXTURES, only
from tests.support.prometheus import promtool


def fleet() -> list[SLA]:
    return load_slas([str(p) for p in sorted(EXAMPLES.glob("*.yaml"))] + [str(FIXTURES)])


def flat(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for g in document["groups"] for r in g["rules"]]


def check_rules(text: str, tmp_path: Path, name: str = "rules.yml") -> None:
    path = tmp_path / name
    path.write_text(text)
    result = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("limit", [1, 2, 7, 20, 50])
def test_split_keeps_every_rule_in_order_within_the_limit(limit: int) -> None:
    slas = fleet()
    base = generate_rule_file(slas)
    split = generate_rule_file(slas, EngineOptions(max_rules_per_group=limit))
    # the split layout computes burn alerts from the pieces; everything else is the same rule
    assert [r.get("record") or r.get("alert") for r in flat(split)] == \
        [r.get("record") or r.get("alert") for r in flat(base)]
    inline = flat(generate_rule_file(slas, EngineOptions("vmalert")))
    assert flat(split) == inline
    assert all(len(g["rules"]) <= limit for g in split["groups"])
    names = [g["name"] for g in split["groups"]]
    assert len(set(names)) == len(names)
    for original in base["groups"]:
        parts = [g for g in split["groups"] if g["name"] == original["name"] or
                 (g["name"].startswith(original["name"] + "-") and g["name"][len(original["name"]) + 1:].isdigit())]
        assert {g["interval"] for g in parts} == {original["interval"]}
        assert sum(len(g["rules"]) for g in parts) == len(original["rules"])


def test_no_split_when_the_groups_fit() -> None:
    slas = load_slas([str(FIXTURES / "short-window.yaml")])
    big = 10_000
    assert generate_rule_file(slas, EngineOptions(max_rules_per_group=big)) == generate_rule_file(slas)


def test_cuts_avoid_separating_a_rule_from_its_readers() -> None:
    rules = (
        RecordingRule("a", "x"), RecordingRule("b", "y"),
        RecordingRule("c", "a + b"), RecordingRule("d", "c"),
        RecordingRule("e", "z"), RecordingRule("f", "e"),
    )
    # after d nothing reads the first chunk: clean
    assert cut_points(rules, 4) == [4]
    # the limit 5 would cut between e and f (f reads e): the cut moves back to after d
    assert cut_points(rules, 5) == [4]
    # 3: every cut within the limit separates a reader (c after a or b, d after c): at the limit
    assert cut_points(rules, 3) == [3]
    assert [len(g.rules) for g in split_groups([RuleGroup("g", "1m", rules)], 4)] == [4, 2]


def test_cut_before_the_fleet_chain_when_it_fits() -> None:
    """With room for the 1m group's file-wide chain (ratios, budget, page condition), the chunk ends
    before it rather than inside it."""
    slas = fleet()
    document = generate_rule_file(slas, EngineOptions(max_rules_per_group=MIMIR_DEFAULT_LIMIT))
    fast = [g for g in document["groups"] if g["interval"] == "1m"]
    for group in fast:
        names = [r.get("record") for r in group["rules"]]
        if "slaforge:page_burn_rate:ratio" in names:
            assert "slaforge:sli_errors:ratio_rate1h" in names and "slaforge:sli_errors:ratio_rate5m" in names


def test_mimir_defaults_to_its_limit_and_outputs_pass_promtool(tmp_path: Path) -> None:
    slas = fleet()
    mimir = generate_rule_file(slas, EngineOptions("mimir"))
    assert max(len(g["rules"]) for g in mimir["groups"]) == MIMIR_DEFAULT_LIMIT
    check_rules(render(slas, engine=EngineOptions("mimir")), tmp_path, "mimir.yml")
    check_rules(render(slas, engine=EngineOptions("vmalert")), tmp_path, "vmalert.yml")


def test_thanos_adds_only_the_partial_response_strategy(tmp_path: Path) -> None:
    slas = fleet()
    thanos = generate_rule_file(slas, EngineOptions("thanos"))
    assert {g["partial_response_strategy"] for g in thanos["groups"]} == {"abort"}
    stripped = {"groups": [{k: v for k, v in g.items() if k != "partial_response_strategy"} for g in thanos["groups"]]}
    assert stripped == generate_rule_file(slas)
    # promtool (Prometheus's own schema) does not know Thanos's field: checked without it
    check_rules(render(slas), tmp_path)


def test_vmalert_layout_changes_only_burn_alert_expressions() -> None:
    slas = fleet()
    base, vm = flat(generate_rule_file(slas)), flat(generate_rule_file(slas, EngineOptions("vmalert")))
    assert len(base) == len(vm)
    changed = [(a, b) for a, b in zip(base, vm, strict=True) if a != b]
    assert changed
    for a, b in changed:
        assert a.get("alert") in {"SLAErrorBudgetBurn", "SLAEscalation"}
        assert {k: v for k, v in a.items() if k != "expr"} == {k: v for k, v in b.items() if k != "expr"}
        assert "burn_rate:ratio" in a["expr"] and "burn_rate:ratio" not in b["expr"]


@pytest.mark.slow
@pytest.mark.parametrize("options", [EngineOptions("vmalert"), EngineOptions(max_rules_per_group=5)],
                         ids=["vmalert", "split-5"])
def test_generated_unit_tests_pass_on_other_layouts(options: EngineOptions, tmp_path: Path) -> None:
    """The promtool tests written for the Prometheus layout (outage pages within the detection
    time, escalations, healthy silent, maintenance respected) pass unchanged on the other layouts."""
    # two objectives of the fixture (promtool time): daily maintenance, two escalation steps
    slas = [only(load_slas([str(FIXTURES / "all-kinds.yaml")])[0], "availability", "api-latency")]
    (tmp_path / "slaforge.rules.yaml").write_text(render(slas, engine=options))
    (tmp_path / "slaforge.tests.yml").write_text(render_tests(slas))
    result = subprocess.run([promtool(), "test", "rules", str(tmp_path / "slaforge.tests.yml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_cli_flags(tmp_path: Path) -> None:
    path = str(FIXTURES / "all-kinds.yaml")
    runner = CliRunner()
    result = runner.invoke(cli, ["rules", path, "--max-rules-per-group", "10", "--engine", "thanos"])
    assert result.exit_code == 0, result.output
    assert "partial_response_strategy: abort" in result.output
    assert "name: slaforge-2" in result.output
    bad = runner.invoke(cli, ["rules", path, "--max-rules-per-group", "0"])
    assert bad.exit_code != 0
    tests = runner.invoke(cli, ["rules", path, "--tests", "--engine", "vmalert"])
    assert tests.exit_code == 1 and "--tests" in tests.output
