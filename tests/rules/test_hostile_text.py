"""SLA text is data (issue 12, item 2): what the SLA author writes reaches Prometheus, vmalert
and promtool as literal text, never as template code, and never breaks a file."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from slaforge.conventions import ALERT_ABSENT, SLA_INFO
from slaforge.escaping import template_literal
from slaforge.rules import render, render_tests
from slaforge.spec.model import SLA
from tests.rules.helpers import assert_passes, run_promtool_tests
from tests.support.prometheus import PrometheusServer, binary, promtool

PROVIDER = 'prov {{ query "up" }}'
CUSTOMER = "ACME {{ Corp"
SERVICE = "svc {{ .Labels }} $value `x` }}"
TEAM = "pay {{ (query `up`) | first | value }}"
OWNER = 'ops {{ $labels.sla }} "q" \\ {'
RECEIVER = 'on-call "x" {{ y'
ERRORS = 'req_total{job="a\\"b\\\\c {{ z",code=~"5.."}'
TOTAL = 'req_total{job="a\\"b\\\\c {{ z"}'


def hostile(**spec: Any) -> SLA:
    raw: dict[str, Any] = {
        "apiVersion": "slaforge/v1",
        "kind": "SLA",
        "metadata": {"name": "hostile", "labels": {"team": TEAM}},
        "spec": {
            "service": SERVICE,
            "provider": PROVIDER,
            "customer": CUSTOMER,
            "window": "30d",
            "objectives": [{"name": "errors", "target": 99, "sli": {"ratio": {"errors": ERRORS, "total": TOTAL}}}],
            "alerting": {
                "labels": {"owner": OWNER},
                "annotations": {"runbook_url": 'https://runbooks.example/{{ "checkout" | toUpper }}'},
            },
            "escalation": [{"after": "0m", "receiver": RECEIVER}],
            **spec,
        },
    }
    return SLA.model_validate(raw)


def expand(template: str) -> str:
    """What Go's text/template makes of escaped text, for the one construct the escaping uses."""
    return template.replace('{{ "{" }}', "{")


@pytest.mark.parametrize("text", ["", "{", "{{", "a{", "{{{", "}}{{", "x{{y}}z{", "{{- x -}}", "`{{`"])
def test_template_literal_expands_to_itself(text: str) -> None:
    escaped = template_literal(text)
    assert expand(escaped) == text
    # no action can start anywhere but at the escape itself, also after concatenation
    assert "{{" not in escaped.replace('{{ "{" }}', "")
    assert not escaped.endswith("{")


def test_promtool_and_vmalert_accept_the_file(tmp_path: Path) -> None:
    """`ACME {{ Corp` used to make promtool reject the whole rule file (every SLA in it)."""
    path = tmp_path / "rules.yml"
    path.write_text(render([hostile()]))
    check = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # vmalert expands recording-rule labels as templates too
    dry = subprocess.run([binary("vmalert"), "-dryRun", f"-rule={path}"], capture_output=True, text=True)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    doc = yaml.safe_load(path.read_text())
    rules = [r for g in doc["groups"] for r in g["rules"]]
    info = next(r for r in rules if r.get("record") == SLA_INFO)
    assert "{{" not in str(info["labels"]), "a label with {{ is set by the expression, not by labels:"
    escalation = next(r for r in rules if r.get("alert") == "SLAEscalation")
    assert expand(escalation["labels"]["receiver"]) == RECEIVER


def test_prometheus_alert_and_series_carry_the_literal_text(tmp_path: Path) -> None:
    """A real Prometheus fires SLASLIAbsent (no data at all) and records slaforge_sla_info:
    every piece of SLA text comes out as written; only the author's annotation is expanded."""
    doc = yaml.safe_load(render([hostile()]))
    for group in doc["groups"]:
        group["interval"] = "1s"  # fire on the first evaluations rather than within 5 minutes
    rule_file = tmp_path / "rules.yml"
    rule_file.write_text(yaml.safe_dump(doc, sort_keys=False))
    with PrometheusServer(tmp_path / "prom", rule_files=[rule_file], evaluation_interval="1s") as prom:
        prom.wait_for(f'ALERTS{{alertname="{ALERT_ABSENT}",alertstate="firing"}}', timeout=90, interval=0.5)
        alerts = [a for a in prom.api("alerts")["alerts"] if a["labels"]["alertname"] == ALERT_ABSENT]
        info = prom.wait_for(SLA_INFO, timeout=60, interval=0.5)
    assert len(alerts) == 1
    labels, annotations = alerts[0]["labels"], alerts[0]["annotations"]
    assert labels["team"] == TEAM and labels["owner"] == OWNER
    description = annotations["description"]
    assert f"({SERVICE}, {PROVIDER} for {CUSTOMER})" in description
    assert "req_total{job=" in description and "{{ z" in description
    assert annotations["runbook_url"] == "https://runbooks.example/CHECKOUT"
    series = info[0]["metric"]
    assert (series["provider"], series["customer"], series["service"], series["team"]) == (
        PROVIDER, CUSTOMER, SERVICE, TEAM)


def test_generated_tests_pass_with_template_text(tmp_path: Path) -> None:
    """promtool runs the alerts (page and escalation to receiver `on-call "x" {{ y`): the
    expected labels are the literal text, as the escaped rules give them."""
    sla = hostile()
    text = render_tests([sla], rule_file="rules.yml")
    assert "a total outage alerts (page)" in text
    assert_passes(run_promtool_tests([sla], text, workdir=tmp_path))
