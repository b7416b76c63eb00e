"""The product's outside (the contract): command names, metric, rule, alert and label names.

These are copied here on purpose: a change to slaforge/conventions.py that renames a public name
must fail this test, because users' dashboards, routes and tests depend on the names.
"""

from __future__ import annotations

import re
from typing import Any

from click.testing import CliRunner

from slaforge import conventions as c
from slaforge.cli import cli
from slaforge.rules import generate_rule_file
from slaforge.spec import load_slas
from tests.conftest import EXAMPLES

COMMANDS = {"validate", "explain", "rules", "dashboards", "generate", "exporter", "report", "schema"}
EXPORTER_METRICS = {
    "PROBE_SUCCESS": "slaforge_probe_success",
    "PROBE_LAST_DURATION": "slaforge_probe_last_duration_seconds",
    "PROBES_TOTAL": "slaforge_probes_total",
    "PROBE_FAILURES_TOTAL": "slaforge_probe_failures_total",
    "PROBE_DURATION": "slaforge_probe_duration_seconds",
    "PROBE_HTTP_STATUS": "slaforge_probe_http_status_code",
    "PROBE_TLS_EXPIRY": "slaforge_probe_tls_cert_expiry_timestamp_seconds",
    "SLI_RATIO": "slaforge_sli_ratio",
}
RECORDING = {
    "OBJECTIVE_RATIO": "slaforge:objective:ratio",
    "ERROR_BUDGET_REMAINING": "slaforge:error_budget_remaining:ratio",
    "MAINTENANCE_ACTIVE": "slaforge:maintenance:active",
    "SLA_INFO": "slaforge_sla_info",
}
ALERTS = {
    "ALERT_BURN": "SLAErrorBudgetBurn",
    "ALERT_EXHAUSTED": "SLAErrorBudgetExhausted",
    "ALERT_ABSENT": "SLASLIAbsent",
    "ALERT_ESCALATION": "SLAEscalation",
}
SHORT_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")


def test_conventions_hold_the_contract_names() -> None:
    for table in (EXPORTER_METRICS, RECORDING, ALERTS):
        for constant, name in table.items():
            assert getattr(c, constant) == name
    assert c.FAILURE_REASONS == ("timeout", "connect", "tls", "status", "body", "other")
    assert c.SLI_RATIO_WINDOWS == ("5m", "1h", "1d")
    assert c.error_ratio_rule("30d") == "slaforge:sli_errors:ratio_rate30d"
    assert c.ERROR_RATIO_WINDOWS == SHORT_WINDOWS


def test_cli_has_every_contract_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed >= COMMANDS


def _rules(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [rule for group in doc["groups"] for rule in group["rules"]]


def _selected(rule: dict[str, Any]) -> set[str]:
    """SLAs a rule for all the SLAs of a file reads (its ``sla="x"`` / ``sla=~"a|b"`` matchers)."""
    return {name for found in re.findall(r'\{sla=~?"([a-z0-9|-]+)"\}', rule["expr"]) for name in found.split("|")}


def test_every_example_gets_every_contract_rule_and_alert() -> None:
    slas = load_slas([EXAMPLES, EXAMPLES / "demo"])
    rules = _rules(generate_rule_file(slas))
    for sla in slas:
        own = [r for r in rules if r.get("labels", {}).get("sla") == sla.name]
        shared = [r for r in rules if "labels" not in r and sla.name in _selected(r)]
        mine = own + shared
        for objective in sla.spec.objectives:
            recorded = {
                r["record"] for r in own
                if "record" in r and r.get("labels", {}).get("objective") == objective.name
            } | {r["record"] for r in shared if "record" in r}
            windows = {*SHORT_WINDOWS, sla.spec.window.prom}
            expected = {f"slaforge:sli_errors:ratio_rate{w}" for w in windows}
            expected |= {"slaforge:objective:ratio", "slaforge:error_budget_remaining:ratio", "slaforge_sla_info"}
            assert expected <= recorded, (sla.name, objective.name, expected - recorded)
        maintenance = [r for r in mine if r.get("record") == "slaforge:maintenance:active"]
        assert len(maintenance) == 1
        assert maintenance[0].get("labels", {}).get("objective") is None
        alerts = {r["alert"] for r in mine if "alert" in r}
        assert {"SLAErrorBudgetExhausted", "SLASLIAbsent"} <= alerts
        if sla.spec.alerting.page.enabled:
            assert "SLAErrorBudgetBurn" in alerts
        if sla.spec.escalation:
            steps = [r for r in mine if r.get("alert") == "SLAEscalation"]
            receivers = {r["labels"]["receiver"] for r in steps}
            assert receivers == {step.receiver for step in sla.spec.escalation}
            assert all({"sla", "level", "receiver"} <= set(r["labels"]) for r in steps)
        for rule in mine:
            if "alert" in rule:
                assert rule["labels"]["sla"] == sla.name
                for key, value in sla.metadata.labels.items():
                    assert rule["labels"][key] == value
