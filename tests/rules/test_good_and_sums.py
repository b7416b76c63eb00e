"""The ratio SLI's `good` selector and sums of selectors, through real `promtool test rules`.

bad = total - good, never below zero; a list of selectors adds their events, a selector without
series counting as zero; the generated promtool tests of such SLAs pass too.
"""

from __future__ import annotations

from typing import Any

import pytest

from slaforge.rules.unittests import sla_tests
from slaforge.spec import load_text
from slaforge.spec.model import SLA
from tests.rules.helpers import assert_passes, counter, run_promtool_tests

SLA_TEXT = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: shop}
spec:
  service: shop
  provider: Web Team
  customer: ACME Corp
  window: 30d
  objectives:
    - name: good-ratio
      target: 99
      sli:
        ratio:
          good: http_requests_total{job="shop",code!~"5.."}
          total: http_requests_total{job="shop"}
    - name: good-clamped
      target: 99
      sli:
        ratio:
          good: shop_ok_total
          total: shop_all_total
    - name: summed
      target: 99
      sli:
        ratio:
          errors: [a_errors_total, b_errors_total]
          total: [a_requests_total, b_requests_total]
"""


@pytest.fixture(scope="module")
def shop() -> SLA:
    return load_text(SLA_TEXT, "shop.yaml")[0]


def ratio(window: str, objective: str, minute: int, value: float) -> dict[str, Any]:
    return {
        "expr": f'sum by (objective) (slaforge:sli_errors:ratio_rate{window}{{objective="{objective}"}})',
        "eval_time": f"{minute}m",
        "exp_samples": [{"labels": f'{{objective="{objective}"}}', "value": value}],
    }


def test_good_gives_total_minus_good_never_negative(shop: SLA) -> None:
    series = {
        # 10 requests a minute, 1 of them a 500: error ratio 0.1
        'http_requests_total{job="shop",code="200"}': counter((60, 9)),
        'http_requests_total{job="shop",code="500"}': counter((60, 1)),
        # more good than total events (counters from different sources): 0 bad, not a negative count
        "shop_ok_total": counter((60, 12)),
        "shop_all_total": counter((60, 10)),
        # a: 10 requests, 2 errors; b: 10 requests and no error series at all -> 2 / 20
        "a_requests_total": counter((60, 10)),
        "a_errors_total": counter((60, 2)),
        "b_requests_total": counter((60, 10)),
    }
    checks = [
        ratio("5m", "good-ratio", 30, 0.1),
        ratio("1h", "good-ratio", 59, 0.1),
        ratio("5m", "good-clamped", 30, 0),
        ratio("5m", "summed", 30, 0.1),
    ]
    group = {
        "interval": "1m",
        "input_series": [{"series": k, "values": v} for k, v in series.items()],
        "promql_expr_test": checks,
    }
    assert_passes(run_promtool_tests([shop], [group]))


def test_sum_is_missing_only_when_every_selector_is(shop: SLA) -> None:
    series = {"b_requests_total": counter((60, 10)), "b_errors_total": counter((60, 5))}
    checks = [ratio("5m", "summed", 30, 0.5),
              {"expr": 'slaforge:sli_errors:ratio_rate5m{objective="good-clamped"}', "eval_time": "30m",
               "exp_samples": []}]
    group = {"interval": "1m", "input_series": [{"series": k, "values": v} for k, v in series.items()],
             "promql_expr_test": checks}
    assert_passes(run_promtool_tests([shop], [group]))


def test_generated_promtool_tests_pass(shop: SLA) -> None:
    tests = sla_tests(shop)
    assert all(f'objective="{name}"' in str(tests) for name in ("good-ratio", "good-clamped", "summed"))
    assert_passes(run_promtool_tests([shop], tests))
