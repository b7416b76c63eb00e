"""The one place where other tools' burn-rate alerts become alerting.policies: the grid, and what is left out."""

from __future__ import annotations

import pytest

from slaforge.importers.model import AlertingDraft, ObjectiveDraft, Place, PolicyDraft, SLADraft
from slaforge.importers.policies import from_factor, gridded, on_grid, settle
from slaforge.spec.durations import Duration

PLACE = Place("x.yaml", 3, 5, "spec.alerting")
D = Duration.parse


@pytest.mark.parametrize(
    ("given", "expected"),
    [("5m", "5m"), ("64m", "1h5m"), ("59m20s", "59m"), ("59m40s", "1h"), ("30s", "1m"), ("0s", "1m"),
     ("6h26m", "6h25m"), ("6h28m", "6h30m"), ("1d", "1d")],
)
def test_on_grid(given: str, expected: str) -> None:
    assert on_grid(D(given)).prom == expected


def test_budget_from_factor_and_back() -> None:
    policy = from_factor("page", 14.4, D("1h"), D("5m"), D("30d"), "p", PLACE)
    assert policy.budget_spent == pytest.approx(2)
    moved, warning = gridded(from_factor("page", 14, D("64m"), D("5m"), D("30d"), "pyrra", PLACE), D("30d"), "Pyrra")
    assert (moved.long.prom, moved.short.prom) == ("1h5m", "5m")
    assert moved.budget_spent / 100 * D("30d").ms / moved.long.ms == pytest.approx(14)  # the same factor
    assert warning is not None and warning.format().startswith("x.yaml:3:5: spec.alerting: pyrra: Pyrra's windows")


def _draft(window: str, target: float, *policies: PolicyDraft) -> SLADraft:
    return SLADraft("a", "a", {}, AlertingDraft(policies=list(policies)),
                    [ObjectiveDraft("o", target, {"ratio": {"errors": "e_total", "total": "t_total"}})], window=window)


def test_settle_leaves_out_what_could_never_fire_and_keeps_the_first_of_duplicates() -> None:
    def p(severity: str, budget: float, long: str, short: str, name: str) -> PolicyDraft:
        return PolicyDraft(severity, budget, D(long), D(short), name, PLACE)
    draft = _draft("7d", 99, p("page", 2, "1h", "5m", "fast"), p("ticket", 10, "14d", "1d", "too long"),
                   p("page", 400, "1d", "2h", "over budget"), p("page", 1, "1h", "5m", "lower"),
                   p("page", 10, "1h", "1h", "no short"))
    warnings = {w.message.split(" is not carried: ")[0]: w.message for w in settle(draft)}
    assert [x.source for x in draft.alerting.policies or []] == ["lower"]
    assert "longer than the SLO window 7d" in warnings["too long"]
    assert "more than the whole error budget" in warnings["over budget"]
    assert "fast has the same severity and windows" not in warnings.get("lower", "")
    assert "lower has the same severity and windows and fires first" in warnings["fast"]
    assert "not shorter than its long window" in warnings["no short"]


def test_settle_switches_alerts_off_when_none_could_fire() -> None:
    # 90% over 30d: 2% of the budget within 1h is a burn of 14.4x, 144% errors
    draft = _draft("30d", 90, PolicyDraft("page", 2, D("1h"), D("5m"), "fast", PLACE))
    [warning] = settle(draft)
    assert "even a total outage" in warning.message
    assert draft.alerting.policies is None and not draft.alerting.page and not draft.alerting.ticket
