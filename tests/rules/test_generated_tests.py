"""`slaforge rules --tests` output passes real `promtool test rules` for every example and fixture:
a total outage pages (or tickets), a healthy service stays silent, maintenance is respected."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from slaforge.rules import render_tests
from tests.rules.conftest import generated_suites
from tests.rules.helpers import fixture


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(generated_suites()))
def test_generated_unit_tests_pass(name: str, generated_runs: dict[str, subprocess.Popen[str]]) -> None:
    proc = generated_runs[name]
    output, _ = proc.communicate()
    assert proc.returncode == 0, output


def test_generated_tests_cover_the_three_promises() -> None:
    doc = yaml.safe_load(render_tests([fixture("all-kinds")]))
    names = [t["name"] for t in doc["tests"]]
    assert names == [
        "shop: a healthy service stays silent",
        "shop: a total outage alerts (page)",
        "shop: a total outage during maintenance stays silent",
    ]
    # every SLI kind got synthetic series
    series = " ".join(s["series"] for s in doc["tests"][0]["input_series"])
    for metric in ("slaforge_probes_total", "slaforge_probe_duration_seconds_bucket",
                   "http_requests_total", "http_request_duration_seconds_count"):
        assert metric in series


def test_generated_tests_cover_credit_at_risk_and_escalation_stopping() -> None:
    from slaforge.spec import load_slas
    from tests.rules.helpers import EXAMPLES

    doc = yaml.safe_load(render_tests(load_slas([str(EXAMPLES / "payments-api.yaml")])))
    outage = next(t for t in doc["tests"] if "total outage alerts" in t["name"])
    credit = [c for c in outage["promql_expr_test"] if "SLACreditAtRisk" in c["expr"]]
    assert [c["exp_samples"] for c in credit] == [[{"labels": '{credit="10",objective="api-errors"}', "value": 1}]]
    stopped = [c for c in outage["promql_expr_test"] if "SLAEscalation" in c["expr"] and not c["exp_samples"]]
    assert len(stopped) == 1
