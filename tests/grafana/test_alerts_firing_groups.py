"""The detail dashboard's "Alerts firing" stat of a grouped objective counts the chosen group's alerts and the
objective's own (no group label), never another group's: evaluated by promtool on ALERTS series."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from slaforge.grafana import render_dashboards
from slaforge.spec import load_slas
from tests.grafana.dashboard_queries import find_queries, substitute
from tests.support.prometheus import promtool

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multi-customer-api.yaml"


def _alerts_firing_expr() -> str:
    files = dict(render_dashboards(load_slas([str(EXAMPLE)])))
    detail = next(json.loads(text) for path, text in files.items()
                  if path.endswith(".json") and "overview" not in path)
    found = [f.expr for f in find_queries(detail) if f.title == "Alerts firing" and "tenant-availability" in f.expr]
    assert len(found) == 1, found
    return found[0]


def test_counts_the_chosen_group_and_the_objective_own_alerts(tmp_path: Path) -> None:
    expr = substitute(_alerts_firing_expr(), "tenant-api").replace("$group_customer", "acme")
    base = 'ALERTS{sla="tenant-api",objective="tenant-availability",alertstate="firing"'
    series = {
        base + ',alertname="SLAErrorBudgetBurn",severity="page",customer="acme"}': "1x10",
        base + ',alertname="SLAErrorBudgetBurn",severity="ticket",customer="acme"}': "_x5 1x5",
        base + ',alertname="SLAErrorBudgetBurn",severity="page",customer="globex"}': "1x10",
        base + ',alertname="SLAGroupsExceeded",severity="ticket"}': "_x8 1x2",
    }
    tests = {
        "rule_files": [],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": [{"series": k, "values": v} for k, v in series.items()],
            "promql_expr_test": [
                # acme's page only (globex's page is another group's)
                {"expr": expr, "eval_time": "2m", "exp_samples": [{"labels": "{}", "value": 1}]},
                # acme's page and ticket
                {"expr": expr, "eval_time": "6m", "exp_samples": [{"labels": "{}", "value": 2}]},
                # and the objective's own SLAGroupsExceeded
                {"expr": expr, "eval_time": "9m", "exp_samples": [{"labels": "{}", "value": 3}]},
            ],
        }],
    }
    (tmp_path / "tests.yml").write_text(yaml.safe_dump(tests, sort_keys=False))
    result = subprocess.run([promtool(), "test", "rules", str(tmp_path / "tests.yml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
