"""Generated rule files: golden files, promtool check, structure, the CLI."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from slaforge import conventions as c
from slaforge.cli import cli
from slaforge.promql_text import le_regex
from slaforge.rules import generate_rule_file, render, render_tests
from slaforge.spec import load_slas
from slaforge.spec.model import SLA
from tests.rules.helpers import EXAMPLES, FIXTURES, GOLDEN, fixture, fixture_names
from tests.support.prometheus import promtool

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def all_slas() -> list[SLA]:
    return load_slas([str(FIXTURES)]) + load_slas([str(EXAMPLES)])


def promtool_check(text: str, tmp_path: Path, name: str = "rules.yml") -> None:
    path = tmp_path / name
    path.write_text(text)
    result = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", fixture_names())
def test_golden(name: str) -> None:
    """UPDATE_GOLDEN=1 pytest tests/rules rewrites the golden files; review the diff."""
    text = render([fixture(name)])
    golden = GOLDEN / f"{name}.rules.yml"
    if UPDATE or not golden.exists():
        golden.write_text(text)
    assert text == golden.read_text(), f"{golden} differs: rerun with UPDATE_GOLDEN=1 and review"


def test_golden_tests_file() -> None:
    text = render_tests([fixture("all-kinds")])
    golden = GOLDEN / "all-kinds.tests.yml"
    if UPDATE or not golden.exists():
        golden.write_text(text)
    assert text == golden.read_text()


def test_promtool_accepts_everything(tmp_path: Path) -> None:
    slas = all_slas()
    assert {s.name for s in load_slas([str(EXAMPLES)])}, "no examples found"
    promtool_check(render(slas), tmp_path)
    for sla in slas:
        promtool_check(render([sla]), tmp_path, f"{sla.name}.yml")


def test_operator_format(tmp_path: Path) -> None:
    slas = all_slas()
    doc = yaml.safe_load(render(slas, "operator"))
    assert doc["apiVersion"] == "monitoring.coreos.com/v1"
    assert doc["kind"] == "PrometheusRule"
    assert doc["metadata"]["name"] == c.OPERATOR_RULE_NAME
    assert doc["spec"] == generate_rule_file(slas)
    promtool_check(yaml.safe_dump(doc["spec"]), tmp_path)


def test_deterministic_and_order_independent() -> None:
    slas = all_slas()
    assert render(slas) == render(list(reversed(slas)))
    assert render_tests(slas) == render_tests(list(reversed(slas)))


def test_names_and_labels() -> None:
    doc = generate_rule_file(all_slas())
    records = {r["record"] for g in doc["groups"] for r in g["rules"] if "record" in r}
    alerts = {r["alert"] for g in doc["groups"] for r in g["rules"] if "alert" in r}
    expected = {c.error_ratio_rule(w) for w in c.ERROR_RATIO_WINDOWS} | {
        c.OBJECTIVE_RATIO, c.ERROR_BUDGET_REMAINING, c.MAINTENANCE_ACTIVE, c.SLA_INFO,
        c.BAD_EVENTS_5M, c.VALID_EVENTS_5M, c.BAD_EVENTS_1M, c.VALID_EVENTS_1M, c.TIMEZONE_OFFSET,
    }
    assert expected <= records
    assert {c.error_ratio_rule("30d"), c.error_ratio_rule("28d"), c.error_ratio_rule("7d")} <= records
    assert alerts == {
        c.ALERT_BURN, c.ALERT_EXHAUSTED, c.ALERT_ABSENT, c.ALERT_ESCALATION, c.ALERT_CREDIT_AT_RISK, c.ALERT_GROUPS,
    }
    # rules for all the SLAs at once carry no labels (their series keep sla and objective)
    shared = {c.error_ratio_rule(w) for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "7d", "28d", "30d")} | {
        c.BAD_EVENTS_5M, c.VALID_EVENTS_5M, c.ERROR_BUDGET_REMAINING, c.PAGE_BURN_RATE, c.TICKET_BURN_RATE,
        c.PAGE_ACTIVE_SINCE, c.PAGE_ESCALATING, c.BAD_EVENTS_DAY5M, c.VALID_EVENTS_DAY5M, c.BAD_EVENTS_1D,
        c.VALID_EVENTS_1D, c.PIECES_1D, c.LOWEST_PIECE_1D, c.BAD_EVENTS_PERIOD, c.VALID_EVENTS_PERIOD,
        c.PERIOD_PROJECTED,
    }
    for group in doc["groups"]:
        for rule in group["rules"]:
            if rule.get("record") in shared:
                assert "labels" not in rule and re.search(r'\{sla=~?"[a-z0-9|-]+"\}', rule["expr"])
                continue
            if rule.get("record") == c.MAINTENANCE_ACTIVE and "labels" not in rule:
                # 0 for every SLA without windows: one rule, series labelled by sla
                assert rule["expr"].startswith("0 * group by (sla) (slaforge_sla_info{sla=~")
                continue
            labels = rule["labels"]
            if rule.get("record") == c.MAINTENANCE_ACTIVE:
                assert set(labels) == {c.LABEL_SLA}
            elif rule.get("record") in (c.CALENDAR_NOW, c.CALENDAR_DAY_CLOSED):
                # one per (calendar, timezone), shared by the SLAs of that class
                assert set(labels) == {c.LABEL_CALENDAR, c.LABEL_TIMEZONE}
            elif rule.get("record") != c.TIMEZONE_OFFSET:
                assert {c.LABEL_SLA, c.LABEL_OBJECTIVE} <= set(labels)
            if "alert" in rule:
                assert rule["annotations"]["summary"] and rule["annotations"]["description"]
    # one rule per recorded name and labels (promtool's duplicate lint)
    keys = [(r.get("record"), tuple(sorted(r.get("labels", {}).items())))
            for g in doc["groups"] for r in g["rules"] if "record" in r]
    assert len(keys) == len(set(keys))


def test_user_labels_and_annotations() -> None:
    doc = generate_rule_file([fixture("all-kinds")])
    alerts = [r for g in doc["groups"] for r in g["rules"] if "alert" in r]
    for rule in alerts:
        assert rule["labels"]["team"] == "web" and rule["labels"]["route"] == "shop"
        assert rule["annotations"]["runbook_url"] == "https://runbooks.example.com/shop"
    escalations = [r for r in alerts if r["alert"] == c.ALERT_ESCALATION]
    # the steps count the page's age (no `for:`, no keep_firing_for: the hold is in the series)
    assert [(r["labels"]["level"], r["labels"]["receiver"], r["expr"], r.get("for"), r.get("keep_firing_for"))
            for r in escalations[:2]] == [
        ("1", "shop-oncall", 'slaforge:page_escalating:seconds{sla="shop",objective="availability"}', None, None),
        ("2", "shop-lead", 'slaforge:page_escalating:seconds{sla="shop",objective="availability"} >= 1800',
         None, None),
    ]


def test_no_long_raw_ranges() -> None:
    """Cheap by design: raw counters are never read over more than 15m (SLASLIAbsent)."""
    doc = generate_rule_file(all_slas())
    recorded = (c.RULE_PREFIX,)
    for group in doc["groups"]:
        for rule in group["rules"]:
            for call in re.finditer(r"(\w+)\((\w[^\[()]*)\[([0-9a-z]+)\]\)", rule["expr"]):
                fn, series, rng = call.groups()
                if not series.startswith(recorded):
                    assert rng in ("2m", "5m", "15m"), (fn, series, rng)


def test_long_windows_from_5m_pieces_in_slow_group() -> None:
    doc = generate_rule_file([fixture("all-kinds")])
    assert [(g["name"], g["interval"]) for g in doc["groups"]] == [(c.RULE_GROUP, "1m"), (c.RULE_GROUP_LONG, "5m")]
    slow = doc["groups"][1]
    records = [r for r in slow["rules"] if "record" in r]
    windows = {r["record"] for r in records if "ratio_rate" in r["record"]}
    assert windows == {c.error_ratio_rule(w) for w in ("2h", "6h", "1d", "3d", "30d")}
    assert all(c.BAD_EVENTS_5M in r["expr"] for r in records if r["record"] in windows)
    # the 5m pieces: first in the 5m group, from the 1m pieces (old enough to be written)
    fives = [r for r in slow["rules"] if r.get("record") in (c.BAD_EVENTS_5M, c.VALID_EVENTS_5M)]
    assert slow["rules"][:2] == fives
    assert all("increase1m" in r["expr"] and "[5m] offset 1m30s" in r["expr"] for r in fives)
    # the alerts that read only slow windows run there too; the page and escalations every minute
    slow_alerts = {(r["alert"], r["labels"].get("severity")) for r in slow["rules"] if "alert" in r}
    assert slow_alerts == {(c.ALERT_BURN, "ticket"), (c.ALERT_EXHAUSTED, "ticket"), (c.ALERT_ABSENT, "ticket")}


def test_rules_for_all_slas_are_one_rule_each() -> None:
    """1,000 SLAs: the window ratios, budget and burn conditions are still one rule each; per
    objective only the static series, the 1m pieces and the alerts."""
    from bench.rules_eval.data import slas

    doc = generate_rule_file(slas(1000))
    fast, slow = doc["groups"]
    per_name: dict[str, int] = {}
    for group in (fast, slow):
        for rule in group["rules"]:
            name = rule.get("record") or rule["alert"]
            per_name[name] = per_name.get(name, 0) + 1
    assert per_name[c.error_ratio_rule("5m")] == per_name[c.error_ratio_rule("30d")] == 1
    assert per_name[c.PAGE_BURN_RATE] == per_name[c.TICKET_BURN_RATE] == per_name[c.ERROR_BUDGET_REMAINING] == 1
    assert per_name[c.MAINTENANCE_ACTIVE] == 1  # none of them has maintenance windows
    assert per_name[c.BAD_EVENTS_1M] == per_name[c.SLA_INFO] == per_name[c.OBJECTIVE_RATIO] == 1000
    assert per_name[c.ALERT_ESCALATION] == 2000


def test_non_applicable_conditions_left_out() -> None:
    """80% target: page thresholds (14.4 x 0.2, 6 x 0.2) exceed 1, so no page and no escalation."""
    doc = generate_rule_file([fixture("low-target")])
    alerts = [r for g in doc["groups"] for r in g["rules"] if "alert" in r]
    assert not [r for r in alerts if r["labels"].get("severity") == "page"]
    assert not [r for r in alerts if r["alert"] == c.ALERT_ESCALATION]
    # a 1h window keeps only the 1h/5m page
    doc = generate_rule_file([fixture("short-window")])
    burns = [r for g in doc["groups"] for r in g["rules"] if r.get("alert") == c.ALERT_BURN]
    assert len(burns) == 1 and "ratio_rate6h" not in burns[0]["expr"]


@pytest.mark.parametrize(
    ("threshold", "matching", "other"),
    [
        (0.3, ["0.3", "0.30", "0.300", "3e-01"], ["0.03", "3", "0.31", "1"]),
        (1.0, ["1", "1.0", "1.00", "1e+00"], ["10", "0.1", "1.5"]),
        (0.005, ["0.005", "0.0050", "5e-03"], ["0.05", "0.0051"]),
        (2.5, ["2.5", "2.50"], ["25", "0.25"]),
    ],
)
def test_le_regex(threshold: float, matching: list[str], other: list[str]) -> None:
    pattern = le_regex(threshold)
    for text in matching:
        assert re.fullmatch(pattern, text), (pattern, text)
    for text in other:
        assert not re.fullmatch(pattern, text), (pattern, text)


def test_threshold_outside_the_declared_buckets_is_refused_before_generation(tmp_path: Path) -> None:
    raw = yaml.safe_load((FIXTURES / "all-kinds.yaml").read_text())
    raw["spec"]["objectives"][3]["sli"]["latency"]["threshold"] = 0.25
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw, sort_keys=False))
    out = tmp_path / "rules.yml"
    result = CliRunner().invoke(cli, ["rules", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "spec.objectives[3].sli.latency.threshold: the threshold 0.25 is not one of" in result.output
    assert not out.exists()


def test_cli_stdout_file_operator_and_tests(tmp_path: Path) -> None:
    runner = CliRunner()
    src = str(FIXTURES / "all-kinds.yaml")
    out = runner.invoke(cli, ["rules", src])
    assert out.exit_code == 0, out.output
    assert out.output == render([fixture("all-kinds")])
    target = tmp_path / "sub" / "rules.yml"
    res = runner.invoke(cli, ["rules", src, "-o", str(target), "--format", "operator"])
    assert res.exit_code == 0, res.output
    assert res.output == ""
    assert yaml.safe_load(target.read_text())["kind"] == "PrometheusRule"
    assert [p.name for p in target.parent.iterdir()] == ["rules.yml"]  # no temporary left behind
    res = runner.invoke(cli, ["rules", src, "--tests", "--rule-file", "x.yml"])
    assert res.exit_code == 0 and yaml.safe_load(res.output)["rule_files"] == ["x.yml"]


def test_cli_rejects_threshold_off_bucket(tmp_path: Path) -> None:
    raw = (FIXTURES / "all-kinds.yaml").read_text().replace("threshold: 0.3", "threshold: 0.25")
    src = tmp_path / "bad.yaml"
    src.write_text(raw)
    target = tmp_path / "rules.yml"
    res = CliRunner().invoke(cli, ["rules", str(src), "-o", str(target)])
    assert res.exit_code == 1
    assert "threshold" in res.output and not target.exists()


def test_yaml_round_trip() -> None:
    """The fast emitter writes YAML that reads back as exactly the generated data."""
    from slaforge.rules import operator_document
    from slaforge.rules.render import dump
    from slaforge.rules.unittests import tests_document

    slas = all_slas()
    for doc in (generate_rule_file(slas), operator_document(slas), tests_document(slas, "x.yml")):
        assert yaml.safe_load(dump(doc)) == doc
    tricky = ["1", "yes", "No", "~", "a: b", "x #y", "", "  lead", "-x", "multi\nline", "multi\n  in\n",
              " lead\nx", "tab\there", "ü", "x\n\n", "02:00", "1:30", "1e3", "0x1f", ".inf", "1m", "1h30m",
              "1_000", "(a: b)", "a\\b", True, 1.5, None, {}, []]
    assert yaml.safe_load(dump({"a": tricky})) == {"a": tricky}


def test_odd_strings_survive(tmp_path: Path) -> None:
    """Quotes, colons, hashes, YAML words and non-ASCII in user text: promtool still accepts it."""
    raw = yaml.safe_load((FIXTURES / "all-kinds.yaml").read_text())
    raw["metadata"]["labels"] = {"team": "yes", "cost_center": "1.0", "note": "a: b #c"}
    raw["spec"]["customer"] = "O'Brien \"Ltd\" Zürich"
    raw["spec"]["provider"] = "- [x]: {y} % @"
    raw["spec"]["alerting"]["annotations"] = {"runbook_url": "https://x/#frag", "dashboard": "no"}
    sla = SLA.model_validate(raw)
    text = render([sla])
    promtool_check(text, tmp_path)
    doc = yaml.safe_load(text)
    info = next(r for g in doc["groups"] for r in g["rules"] if r.get("record") == c.SLA_INFO)
    assert info["labels"]["customer"] == "O'Brien \"Ltd\" Zürich" and info["labels"]["team"] == "yes"


def test_an_escalation_step_after_0m_is_worded_as_immediate() -> None:
    """`after: 0m` escalates together with the page: the texts say so rather than "firing for 0s"."""
    rules = [r for g in generate_rule_file(load_slas([str(EXAMPLES)]))["groups"] for r in g["rules"]
             if r.get("alert") == c.ALERT_ESCALATION and r["labels"]["sla"] == "payments-api"
             and r["labels"]["objective"] == "api-errors"]
    assert [r["annotations"]["summary"] for r in rules] == [
        "payments-api/api-errors: page firing, escalating to payments-oncall (level 1)",
        "payments-api/api-errors: page firing for 30m, escalating to payments-lead (level 2)",
        "payments-api/api-errors: page firing for 2h, escalating to payments-director (level 3)",
    ]
    assert "The error-budget page is firing (for" in rules[0]["annotations"]["description"]
    assert "for 0s" not in render(all_slas())
