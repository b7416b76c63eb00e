"""Dashboards of a grouped objective: a variable per group label, panels of the chosen group, and
the overview's worst-groups table (only when some objective is grouped)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import promql_parser

from slaforge.grafana import render_dashboards
from slaforge.spec import load_slas
from tests.grafana.dashboard_queries import as_promql, find_queries, substitute

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def rendered(name: str) -> dict[str, dict[str, Any]]:
    files = dict(render_dashboards(load_slas([str(EXAMPLES / name)])))
    return {path: json.loads(text) for path, text in files.items() if path.endswith(".json")}


def test_detail_has_a_variable_per_group_label_and_its_panels_select_it() -> None:
    boards = rendered("multi-customer-api.yaml")
    detail = next(b for p, b in boards.items() if "overview" not in p)
    variables = {v["name"]: v for v in detail["templating"]["list"]}
    assert variables["group_customer"]["label"] == "customer"
    assert variables["group_customer"]["query"] == (
        'label_values(slaforge:sli_valid_events:increase1m{sla="tenant-api"}, customer)'
    )
    budget = [f.expr for f in find_queries(detail) if "slaforge:error_budget_remaining:ratio{" in f.expr]
    assert budget and all('customer="$group_customer"' in e for e in budget)
    for found in find_queries(detail):
        promql_parser.parse(as_promql(substitute(found.expr, "tenant-api")))


def test_overview_lists_the_worst_groups_first_only_when_grouped() -> None:
    overview = next(b for p, b in rendered("multi-customer-api.yaml").items() if "overview" in p)
    table = next(p for p in overview["panels"] if p.get("title", "").startswith("Groups, worst first"))
    expr = table["targets"][0]["expr"]
    assert expr.startswith("sort(bottomk(25, max by (sla, objective, customer)")
    assert 'slaforge:error_budget_remaining:ratio{sla=~"$sla",customer!=""}' in expr
    promql_parser.parse(as_promql(substitute(expr, ".*")))
    plain = next(b for p, b in rendered("payments-api.yaml").items() if "overview" in p)
    assert not any(p.get("title", "").startswith("Groups") for p in plain["panels"])
