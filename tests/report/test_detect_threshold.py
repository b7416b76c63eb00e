"""The time to detect compares the 5m error ratio with the page thresholds the rules really generate:
the SLA's own `alerting.policies`, and none when paging is off (it used the default policies always)."""

from __future__ import annotations

from slaforge.plan import plan_for
from slaforge.report.collect import burning_query
from slaforge.spec import load_text
from tests.report.data import acme_yaml
from tests.rules.helpers import only


def _query(alerting: str) -> str | None:
    # acme's objectives are 99.9% over 30d, one of them is enough
    text = acme_yaml() + alerting + "\n"
    if "enabled: false" in alerting:  # escalation follows the page: none without paging
        text = text.replace("  escalation:\n    - {after: 0m, receiver: acme-oncall}\n", "")
    sla = load_text(text, "acme.yaml")[0]
    return burning_query(plan_for(only(sla, "met")), 86400)


def test_default_policies_detect_at_the_lowest_default_page_threshold() -> None:
    query = _query("")
    assert query is not None
    # pages at 14.4x and 6x a 0.001 budget: the lowest is 0.006
    assert "> 0.006" in query and "0.0144" not in query


def test_own_policies_detect_at_their_own_threshold() -> None:
    query = _query("  alerting:\n    policies:\n"
                   "      - {severity: page, budget_spent: 5%, long: 1d, short: 2h}\n"
                   "      - {severity: ticket, budget_spent: 10%, long: 3d, short: 6h}")
    assert query is not None
    # 5% of a 30d budget in 1d: 1.5 times the sustainable rate, 0.0015 (the defaults said 0.006)
    assert "> 0.0015" in query and "> 0.006" not in query


def test_no_detection_without_paging() -> None:
    assert _query("  alerting:\n    page: {enabled: false}") is None
