"""Every PromQL expression a generated dashboard runs, and Grafana's variable substitution for tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

LABEL_VALUES = re.compile(r"^label_values\((?P<metric>.+),\s*(?P<label>\w+)\)$")

# What Grafana would put in for its built-in variables, for a dashboard range of a few hours.
BUILTINS = {
    "$__rate_interval": "5m",
    "$__range": "1d",
    "$__interval": "1m",
}


@dataclass(frozen=True)
class Found:
    where: str  # "panel", "annotation" or "variable"
    title: str
    expr: str
    time_from: str | None = None


def find_queries(dashboard: dict[str, Any]) -> Iterator[Found]:
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []) or []:
            if "expr" in target:
                yield Found("panel", panel["title"], target["expr"], panel.get("timeFrom"))
    for item in dashboard.get("annotations", {}).get("list", []):
        if "expr" in item:
            yield Found("annotation", item["name"], item["expr"])
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            query = var["query"] if isinstance(var["query"], str) else var["query"]["query"]
            yield Found("variable", var["name"], query)


def substitute(expr: str, sla: str) -> str:
    """Fill in the template variables as Grafana would; ``sla`` is a name or a regex (overview)."""
    for name, value in BUILTINS.items():
        expr = expr.replace(name, value)
    return expr.replace("${sla}", sla).replace("$sla", sla)


def as_promql(expr: str) -> str:
    """A variable query ``label_values(metric, label)`` runs as a series lookup of ``metric``."""
    match = LABEL_VALUES.match(expr)
    return match.group("metric") if match else expr
