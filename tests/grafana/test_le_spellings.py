"""The dashboards pick a histogram's bucket with the same regex as the rules (slaforge.promql_text),
so that a dashboard never shows 0% good where the rules count: Prometheus 2 keeps the exposition's
spelling of le (1, 1.0, 0.30, 3e-01)."""

from __future__ import annotations

import re

import pytest

from slaforge.grafana.queries import latency_good_share
from slaforge.spec.model import Objective


@pytest.mark.parametrize(("threshold", "spellings"), [(1, ["1", "1.0", "1e+00"]), (0.3, ["0.3", "0.30", "3e-01"])])
def test_good_share_matches_every_spelling(threshold: float, spellings: list[str]) -> None:
    objective = Objective.model_validate(
        {"name": "lat", "target": 99, "sli": {"latency": {"histogram": 'h_seconds{job="a"}', "threshold": threshold}}}
    )
    expr = latency_good_share(objective)
    regex = re.search(r'le=~"([^"]*)"', expr)
    assert regex is not None, expr
    for spelling in spellings:
        assert re.fullmatch(regex.group(1).replace("\\\\", "\\"), spelling), (spelling, regex.group(1))
