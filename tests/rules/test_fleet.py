"""Rules shared by every SLA of a file, through real `promtool test rules`: each SLA keeps its own
labels, window, budget, factors and maintenance; the file never records another file's SLAs; the
joins survive duplicated static series; the 5m pieces tile time.
"""

from __future__ import annotations

from typing import Any

import pytest

from slaforge.spec.model import SLA
from tests.rules.helpers import assert_passes, counter, run_promtool_tests


def sla(name: str, window: str, target: float, labels: dict[str, str], **spec: Any) -> SLA:
    return SLA.model_validate({
        "apiVersion": "slaforge/v1",
        "kind": "SLA",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "service": name, "provider": "P", "customer": "C", "window": window,
            "objectives": [{
                "name": "requests",
                "target": target,
                "sli": {"ratio": {"errors": f'requests_total{{job="{name}",code="500"}}',
                                  "total": f'requests_total{{job="{name}"}}'}},
            }],
            **spec,
        },
    })


@pytest.fixture(scope="module")
def slas() -> list[SLA]:
    return [
        # 30d, 99.9%: page factor 14.4 (1h) and 6 (6h)
        sla("alpha", "30d", 99.9, {"team": "a", "tier": "1"}),
        # 7d, 99%: page factor 3.36 (1h); maintenance 01:00-02:00 UTC = minutes 60-120 in promtool
        sla("beta", "7d", 99, {"team": "b"},
            maintenance=[{"daily": {"start": "01:00", "duration": "1h"}}]),
    ]


V5 = "slaforge:sli_valid_events:increase5m"


def check(expr: str, minute: int, *samples: tuple[str, float]) -> dict[str, Any]:
    return {"expr": expr, "eval_time": f"{minute}m",
            "exp_samples": [{"labels": labels, "value": value} for labels, value in samples]}


def firing(name: str) -> str:
    return f'count by (sla) (ALERTS{{alertname="SLAErrorBudgetBurn",severity="page",alertstate="firing",sla="{name}"}})'


def test_each_sla_keeps_its_labels_budget_factors_and_maintenance(slas: list[SLA]) -> None:
    series = {
        # alpha: 60 requests a minute, healthy for 100 minutes, then a total outage
        'requests_total{job="alpha",code="200"}': counter((100, 60), (80, 0)),
        'requests_total{job="alpha",code="500"}': counter((100, 0), (80, 60)),
        # beta: 10% errors all along (burn rate 10 on a 1% budget)
        'requests_total{job="beta",code="200"}': counter((180, 54)),
        'requests_total{job="beta",code="500"}': counter((180, 6)),
        # a stale duplicate of alpha's static series (labels and target changed a minute ago)
        'slaforge_sla_info{sla="alpha",objective="requests",team="old"}': "1x180",
        'slaforge:objective:ratio{sla="alpha",objective="requests",team="old"}': "0.5x180",
        # another rule file's SLA: this file must not record anything for it
        'slaforge:sli_valid_events:increase1m{sla="gamma",objective="x"}': "60x180",
        'slaforge:sli_bad_events:increase1m{sla="gamma",objective="x"}': "0x180",
    }
    r5m = "slaforge:sli_errors:ratio_rate5m"
    checks = [
        # metadata labels copied from each SLA's info series; exactly one series for alpha
        check(f'count by (sla, team, tier) ({r5m}{{sla="beta"}})', 50, ('{sla="beta",team="b"}', 1)),
        check(f'count by (sla) ({r5m}{{sla="alpha"}})', 50, ('{sla="alpha"}', 1)),
        check(f'round({r5m}{{sla="beta"}}, 0.0001)', 50,
              ('{objective="requests",sla="beta",team="b"}', 0.1)),
        check(f'count({r5m}{{sla="gamma"}}) or count(slaforge:sli_errors:ratio_rate1h{{sla="gamma"}})', 50),
        # budget left over each SLA's own window and target: alpha healthy, beta 10 budgets spent
        check('round(slaforge:error_budget_remaining:ratio{sla="beta"}, 0.0001)', 50,
              ('{objective="requests",sla="beta",team="b"}', -9)),
        check('count by (sla) (slaforge:error_budget_remaining:ratio{sla="alpha"})', 90, ('{sla="alpha"}', 1)),
        check('max by (sla) (slaforge:error_budget_remaining:ratio{sla="alpha"})', 90, ('{sla="alpha"}', 1)),
        # the 7d window's factor (3.36) pages beta; alpha is healthy
        check(firing("beta"), 50, ('{sla="beta"}', 1)),
        check(firing("alpha"), 90),
        # beta's maintenance silences beta only; alpha's outage pages on 30d's factor
        check(firing("beta"), 110),
        check(firing("alpha"), 110, ('{sla="alpha"}', 1)),
        check(firing("beta"), 135, ('{sla="beta"}', 1)),
        # the 5m pieces: five 1m pieces each (promtool runs the 5m group every minute too)
        check(f'{V5}{{sla="alpha"}}', 50, (f'{{__name__="{V5}",objective="requests",sla="alpha"}}', 300)),
        # maintenance pieces are zero: beta's 5m piece of 01:25-01:30 counts nothing
        check(f'{V5}{{sla="beta"}}', 92, (f'{{__name__="{V5}",objective="requests",sla="beta"}}', 0)),
        check('sum by (sla) (slaforge:maintenance:active)', 90, ('{sla="alpha"}', 0), ('{sla="beta"}', 1)),
    ]
    test = {"interval": "1m", "input_series": [{"series": k, "values": v} for k, v in series.items()],
            "promql_expr_test": checks}
    assert_passes(run_promtool_tests(slas, [test]))
