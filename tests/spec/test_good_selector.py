"""The ratio SLI's `good` selector and lists of selectors in the SLA file."""

from __future__ import annotations

import pytest

from slaforge.plan import plan_for
from slaforge.spec import SpecError, load_text

BASE = """apiVersion: slaforge/v1
kind: SLA
metadata: {name: shop}
spec:
  service: shop
  provider: P
  customer: C
  window: 30d
  objectives:
    - name: api
      target: 99
      sli:
        ratio:
"""


def problems(body: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_text(BASE + body, "shop.yaml")
    return [p.format() for p in info.value.problems]


def test_good_and_lists_load() -> None:
    sla = load_text(BASE + "          good: [a_ok_total, b_ok_total]\n          total: [a_total, b_total]\n")[0]
    ratio = sla.spec.objectives[0].sli.ratio
    assert ratio is not None and ratio.errors is None
    assert [s.metric for s in ratio.good_selectors] == ["a_ok_total", "b_ok_total"]
    assert plan_for(sla).objectives[0].sli.summary == "a_ok_total + b_ok_total / a_total + b_total"


def test_exactly_one_of_errors_and_good() -> None:
    both = problems("          errors: a_err_total\n          good: a_ok_total\n          total: a_total\n")
    assert any("shop.yaml:14:" in p and "exactly one of errors and good" in p for p in both)
    neither = problems("          total: a_total\n")
    assert any("exactly one of errors and good" in p for p in neither)


def test_bad_selectors_in_a_list_are_located() -> None:
    found = problems("          good: [a_ok_total, 'rate(x[5m])']\n          total: a_total\n")
    assert any(p.startswith("shop.yaml:14:") and "good" in p for p in found), found
    assert any("good" in p for p in problems("          good: []\n          total: a_total\n"))


def test_good_same_series_as_total() -> None:
    found = problems("          good: a_total\n          total: a_total\n")
    assert any("good and total select the same series" in p for p in found)
