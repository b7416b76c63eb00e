"""The plan: every decision the generators share, made once per SLA (slaforge.plan)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from slaforge.burnrate import POLICIES
from slaforge.conventions import (
    ERROR_BUDGET_REMAINING,
    PROBE_DURATION,
    PROBE_FAILURES_TOTAL,
    PROBES_TOTAL,
    SEVERITY_PAGE,
    SEVERITY_TICKET,
)
from slaforge.maintenance import DAY, WEEK, Once, Recurring, lay_out
from slaforge.plan import build_plan, fleet_group_labels, plan_for, sli_plan
from slaforge.spec import load_text
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA, SLI

SLA_TEXT = """\
apiVersion: slaforge/v1
kind: SLA
metadata: {name: shop, labels: {team: web}}
spec:
  service: shop
  provider: P
  customer: C
  window: 7d
  calendar: month
  timezone: Europe/Berlin
  maintenance:
    - weekly: {day: sunday, start: "02:30", duration: 2h}
    - daily: {start: "23:00", duration: 15m}
    - once: {start: "2026-12-24T18:00:00", duration: 1h}
  escalation:
    - {after: 0m, receiver: oncall}
    - {after: 30m, receiver: lead}
  alerting:
    ticket: {enabled: false}
    min_events: 10
    policies:
      - {severity: page, budget_spent: 2, long: 1h, short: 5m}
      - {severity: page, budget_spent: 50, long: 2h, short: 10m}
      - {severity: ticket, budget_spent: 10, long: 3d, short: 6h}
  probes: [{name: home, url: "https://example.com/"}]
  objectives:
    - name: avail
      target: 99.9
      sli: {probe: home}
      credits: [{below: 99.9, credit: 10}, {below: 99, credit: 25}]
    - name: low
      target: 90
      group_by: [region, customer]
      sli: {ratio: {errors: 'e_total{job="a"}', total: ['t_total{job="a"}', 'u_total']}}
"""


@pytest.fixture(scope="module")
def sla() -> SLA:
    return load_text(SLA_TEXT, "shop.yaml")[0]


def test_plan_is_built_once_per_sla_object(sla: SLA) -> None:
    assert plan_for(sla) is plan_for(sla)
    assert build_plan(sla) == plan_for(sla)


def test_generated_alerts_are_enabled_and_applicable(sla: SLA) -> None:
    plan = plan_for(sla)
    avail, low = plan.objectives
    # the ticket severity is off: none, though its policy applies
    assert [(a.severity, a.long_window.prom) for a in avail.alerts] == [("page", "1h"), ("page", "2h")]
    assert avail.alerts_of(SEVERITY_TICKET) == ()
    ticket = next(b for b in avail.burns if b.alert.severity == SEVERITY_TICKET)
    assert ticket.fits and ticket.reachable and not ticket.enabled and not ticket.generated
    # target 90%: the 2h policy's threshold (factor 42 x budget 0.1) is above an error ratio of 1
    assert [a.long_window.prom for a in low.alerts] == ["1h"]
    assert not next(b for b in low.burns if b.alert.long_window.prom == "2h").reachable
    # the recorded conditions: per SLA, enabled and fitting (the threshold is per objective)
    assert [p.long_window.prom for p in plan.condition_policies(SEVERITY_PAGE)] == ["1h", "2h"]
    assert plan.condition_policies(SEVERITY_TICKET) == ()
    assert plan.escalates


def test_default_policies_and_a_window_they_do_not_fit() -> None:
    text = SLA_TEXT.replace("  window: 7d", "  window: 2d").split("  alerting:")[0]
    text += "  objectives:\n    - {name: a, target: 99.9, sli: {ratio: {errors: e_total, total: t_total}}}\n"
    plan = plan_for(load_text(text, "x.yaml")[0])
    assert plan.policies == POLICIES
    (objective,) = plan.objectives
    # the 3d ticket does not fit in 2d
    assert [(a.severity, a.long_window.prom) for a in objective.alerts] == [("page", "1h"), ("page", "6h")]
    assert not next(b for b in objective.burns if b.alert.severity == SEVERITY_TICKET).fits
    assert plan.ratio_windows[-1] == Duration.parse("3d")


def test_maintenance_as_recurrences_and_utc_bounds(sla: SLA) -> None:
    weekly, daily, once = plan_for(sla).windows
    # 1970-01-11 was a Sunday: day 10 of the local epoch
    assert weekly == Recurring(WEEK, 10 * DAY + 2 * 3600 + 30 * 60, Duration.parse("2h"))
    assert daily == Recurring(DAY, 23 * 3600, Duration.parse("15m"))
    assert isinstance(once, Once)
    start = int(datetime(2026, 12, 24, 17, 0, tzinfo=UTC).timestamp())  # 18:00 CET
    assert once.bounds() == (start, start + 3600)


def test_decoded_windows_lay_out_as_the_declared_ones(sla: SLA) -> None:
    plan = plan_for(sla)
    begin, end = datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)  # across the DST change
    laid = lay_out(plan.windows, plan.timezone, begin, end)
    # Sunday 29 March 2026: 02:30 CET does not exist, the window opens at 03:00 CEST (01:00 UTC)
    sunday = [i for i in laid if i[0].date() == datetime(2026, 3, 29).date() and i[0].hour < 3]
    assert sunday == [(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, 30, tzinfo=UTC))]


def test_group_labels_credits_selectors_and_escalation(sla: SLA) -> None:
    plan = plan_for(sla)
    avail, low = plan.objectives
    assert low.group_by == ("region", "customer") and low.group_labels == ("customer", "region")
    assert plan.group_labels == ("customer", "region") == fleet_group_labels([plan, plan])
    assert [(b.tier.below, b.floor) for b in avail.bands] == [(99.9, 99), (99, None)]
    assert avail.credit_at_risk and not low.credit_at_risk
    assert plan.credit_objectives == (avail,)
    budget = 'slaforge:error_budget_remaining:ratio{sla="shop",objective="avail"}'
    assert avail.selector(ERROR_BUDGET_REMAINING) == budget
    assert plan.maintenance_selector == 'slaforge:maintenance:active{sla="shop"}'
    assert avail.labels == {"objective": "avail", "sla": "shop", "team": "web"}
    assert [(s.level, s.receiver, s.when) for s in plan.escalation] == [(1, "oncall", "immediately"),
                                                                          (2, "lead", "after 30m")]


@pytest.mark.parametrize(
    ("sli", "valid", "bad", "good", "summary"),
    [
        ({"probe": "home"}, (f'{PROBES_TOTAL}{{sla="s",probe="home"}}',),
         (f'{PROBE_FAILURES_TOTAL}{{sla="s",probe="home"}}',), None, "probe success ratio of home"),
        ({"probe_latency": {"probe": "home", "threshold": "300ms"}},
         (f'{PROBE_DURATION}_count{{sla="s",probe="home"}}',), None,
         (f'{PROBE_DURATION}_bucket{{sla="s",probe="home",le=~"0\\\\.30*|3(\\\\.0*)?[eE]-0*1"}}',),
         "share of home probes faster than 300ms"),
        ({"ratio": {"good": "ok_total", "total": ["a_total", "b_total"]}}, ("a_total", "b_total"), None,
         ("ok_total",), "ok_total / a_total + b_total"),
        ({"ratio": {"errors": 'e_total{x="1"}', "total": "t_total"}}, ("t_total",), ('e_total{x="1"}',), None,
         '1 - e_total{x="1"} / t_total'),
        ({"latency": {"histogram": 'h_seconds_bucket{job="a"}', "threshold": 1}},
         ('h_seconds_count{job="a"}',), None, ('h_seconds_bucket{job="a",le=~"1(\\\\.0*)?|1(\\\\.0*)?[eE][+]?0*0"}',),
         'share of h_seconds{job="a"} faster than 1s'),
    ],
    ids=["probe", "probe_latency", "ratio-good", "ratio-errors", "latency"],
)
def test_the_sli_kind_table(sli: dict[str, object], valid: tuple[str, ...], bad: tuple[str, ...] | None,
                            good: tuple[str, ...] | None, summary: str) -> None:
    row = sli_plan("s", SLI.model_validate(sli))
    assert (row.valid, row.bad, row.good, row.summary) == (valid, bad, good, summary)
    assert row.kind == next(iter(sli))
    assert (row.own_histogram is not None) == (row.kind == "latency")
    assert (row.counters is not None) == (row.kind == "ratio")
