"""Every alert through real `promtool test rules`: fires when it should, resolves, stays silent.

Time in promtool starts at the Unix epoch; the `shop` fixture's daily maintenance is 01:00-02:00
UTC, i.e. minutes 60-120 of each test.
"""

from __future__ import annotations

from typing import Any

import pytest

from slaforge.rules import EngineOptions, render
from slaforge.spec.model import SLA
from tests.rules.helpers import assert_passes, counter, expect, fixture, group, only, run_promtool_tests

SHOP = 'sla="shop"'
PROBES = 'slaforge_probes_total{sla="shop",probe="home"}'
FAILURES = 'slaforge_probe_failures_total{sla="shop",probe="home",reason="status"}'


def firing(alertname: str, *matchers: str, by: str = "objective") -> str:
    extra = "".join(f",{m}" for m in matchers)
    return f'count by ({by}) (ALERTS{{alertname="{alertname}",alertstate="firing",{SHOP}{extra}}})'


@pytest.fixture(scope="module")
def shop() -> SLA:
    return fixture("all-kinds")


def test_outage_pages_escalates_and_resolves(shop: SLA) -> None:
    # healthy 150m, total outage 60m (minutes 150-210), healthy again
    series = {PROBES: counter((300, 4)), FAILURES: counter((150, 0), (60, 4), (90, 0))}
    avail = ('{objective="availability"}', 1)
    page = firing("SLAErrorBudgetBurn", 'severity="page"', 'objective="availability"')
    esc = firing("SLAEscalation", 'objective="availability"', by="level, receiver")
    checks = [
        expect(page, 149),
        expect(firing("SLAErrorBudgetBurn", 'objective="availability"'), 149),
        expect(page, 154, avail),
        expect(esc, 154, ('{level="1",receiver="shop-oncall"}', 1)),
        # level 2 after 30m of continuous paging, not before
        expect(esc, 178, ('{level="1",receiver="shop-oncall"}', 1)),
        expect(esc, 186, ('{level="1",receiver="shop-oncall"}', 1), ('{level="2",receiver="shop-lead"}', 1)),
        # the window's ratio is now far over budget
        expect(firing("SLAErrorBudgetExhausted", 'objective="availability"'), 200, avail),
        # after recovery the page resets within its short windows (5m, 30m)
        expect(page, 209, avail),
        expect(page, 245),
        expect(esc, 245),
    ]
    assert_passes(run_promtool_tests([only(shop, "availability")], [group(series, checks)]))


def test_maintenance_silences_and_excludes(shop: SLA) -> None:
    # outage from minute 30 to 90: pages, is silenced at 01:00, and the errors inside the window
    # never count; the 30 minutes before it do (exhausted after the window)
    series = {PROBES: counter((200, 4)), FAILURES: counter((30, 0), (60, 4), (110, 0))}
    anything = (
        f'count by (alertname, severity) (ALERTS{{alertstate="firing",{SHOP},objective="availability"}})'
    )
    page = firing("SLAErrorBudgetBurn", 'severity="page"', 'objective="availability"')
    checks = [
        expect(page, 40, ('{objective="availability"}', 1)),
        expect(anything, 61),
        expect(anything, 90),
        expect(anything, 119),
        expect('slaforge:maintenance:active{sla="shop"}', 61, ('slaforge:maintenance:active{sla="shop"}', 1)),
        expect('slaforge:maintenance:active{sla="shop"}', 120, ('slaforge:maintenance:active{sla="shop"}', 0)),
        # after the window: the 30 bad minutes before it still count (ticket and exhausted), the
        # short windows only see clean traffic (no page)
        expect(anything, 125, ('{alertname="SLAErrorBudgetExhausted",severity="ticket"}', 1),
               ('{alertname="SLAErrorBudgetBurn",severity="ticket"}', 1)),
        # the short ratios after the window see only the clean traffic
        expect('slaforge:sli_errors:ratio_rate30m{sla="shop",objective="availability"}', 150,
               ('slaforge:sli_errors:ratio_rate30m{objective="availability",sla="shop",team="web",tier="1"}', 0)),
        # 2h ratio: 30 bad minutes out of the 60 non-maintenance minutes in (30, 150]
        expect('round(slaforge:sli_errors:ratio_rate2h{sla="shop",objective="availability"}, 0.1)', 150,
               ('{objective="availability",sla="shop",team="web",tier="1"}', 0.5)),
    ]
    assert_passes(run_promtool_tests([only(shop, "availability")], [group(series, checks)]))


def test_slow_burn_tickets_but_does_not_page(shop: SLA) -> None:
    total = 'http_requests_total{job="shop",code="200"}'
    errors = 'http_requests_total{job="shop",code="503"}'
    series = {total: counter((70, 995)), errors: counter((70, 5))}  # 0.5% errors = 5x the budget
    checks = [
        expect(firing("SLAErrorBudgetBurn", 'objective="api-errors"', by="severity"), 55,
               ('{severity="ticket"}', 1)),
    ]
    assert_passes(run_promtool_tests([only(shop, "api-errors")], [group(series, checks)]))


def test_absent_and_zero_traffic(shop: SLA) -> None:
    absent = firing("SLASLIAbsent", 'objective="availability"')
    burn = firing("SLAErrorBudgetBurn", 'objective="availability"')
    # series stop at minute 30 (missing); a 10-minute gap does not fire (no flapping)
    gone = {PROBES: counter((30, 4)), FAILURES: counter((30, 0))}
    gap = {
        PROBES: counter((30, 4)) + " _x10 " + "124+4x40",
        FAILURES: counter((80, 0)),
    }
    # zero traffic: the counter is there but flat, the error ratio is NaN
    flat = {PROBES: counter((20, 4), (40, 0)), FAILURES: counter((60, 0))}
    avail = ('{objective="availability"}', 1)
    groups = [
        group(gone, [expect(absent, 25), expect(absent, 44), expect(absent, 47, avail), expect(burn, 47)]),
        group(gap, [expect(absent, m) for m in (35, 40, 42, 45, 50, 70)]),
        group(flat, [expect(absent, 30), expect(absent, 37, avail), expect(burn, 37), expect(burn, 55)]),
    ]
    assert_passes(run_promtool_tests([only(shop, "availability")], groups))


def test_latency_buckets_any_spelling(shop: SLA) -> None:
    """le="0.30" (some Prometheus 2 expositions) and le="0.3" (Prometheus 3) both match 0.3."""
    groups = []
    for le in ("0.3", "0.30", "3e-01"):
        series = {
            'http_request_duration_seconds_count{job="shop"}': counter((40, 100)),
            f'http_request_duration_seconds_bucket{{job="shop",le="{le}"}}': counter((40, 90)),
            'http_request_duration_seconds_bucket{job="shop",le="1"}': counter((40, 100)),
        }
        ratio = 'slaforge:sli_errors:ratio_rate30m{sla="shop",objective="api-latency"}'
        labels = '{objective="api-latency",sla="shop",team="web",tier="1"}'
        groups.append(group(series, [expect(f"round({ratio}, 0.0001)", 39, (labels, 0.1))]))
    assert_passes(run_promtool_tests([only(shop, "api-latency")], groups))


def test_short_window_exhausted_and_recovers() -> None:
    batch = fixture("short-window")
    series = {
        'batch_requests_total{job="batch"}': counter((200, 100)),
        'batch_errors_total{job="batch"}': counter((60, 2), (140, 0)),  # 2% errors for an hour
    }
    exhausted = 'count by (objective) (ALERTS{alertname="SLAErrorBudgetExhausted",alertstate="firing"})'
    remaining = 'round(slaforge:error_budget_remaining:ratio{sla="batch"}, 0.01)'
    checks = [
        expect(exhausted, 59, ('{objective="errors"}', 1)),
        expect(remaining, 59, ('{objective="errors",sla="batch"}', -1)),
        expect(exhausted, 125),
        expect(remaining, 125, ('{objective="errors",sla="batch"}', 1)),
    ]
    assert_passes(run_promtool_tests([batch], [group(series, checks)]))


def test_diurnal_window_ratio_is_traffic_weighted() -> None:
    """12h at 1000 req/min with 0.05% errors, 12h at 10 req/min with 20%: truth 0.002475.

    (Averaging the 5m ratios, as Sloth does, gives about 0.1.) Ours must be within 1%.
    """
    sla = SLA.model_validate({
        "apiVersion": "slaforge/v1", "kind": "SLA", "metadata": {"name": "diurnal"},
        "spec": {
            "service": "d", "provider": "p", "customer": "c", "window": "1d",
            "objectives": [{"name": "errors", "target": 99.9, "sli": {"ratio": {
                "errors": 'req_total{job="d",code="500"}', "total": 'req_total{job="d"}'}}}],
        },
    })
    truth = (720 * 1000 * 0.0005 + 720 * 10 * 0.2) / (720 * 1000 + 720 * 10)
    series = {
        'req_total{job="d",code="500"}': counter((720, 0.5), (720, 2)),
        'req_total{job="d",code="200"}': counter((720, 999.5), (720, 8)),
    }
    within = f'abs(slaforge:sli_errors:ratio_rate1d{{sla="diurnal"}} / {truth!r} - 1) < bool 0.01'
    checks = [expect(within, 1440, ('{objective="errors",sla="diurnal"}', 1))]
    # evaluated every 5m, as the long group is in production (promtool ignores group intervals)
    assert_passes(run_promtool_tests([sla], [group(series, checks)], evaluation_interval="5m"))


def test_escalation_stops_soon_after_recovery(shop: SLA) -> None:
    # total outage of 40 minutes (minutes 150-190): the page fires at once, level 2 (after 30m)
    # while the outage goes on; after recovery the page waits for its 30m window to clear, the
    # escalation stops once the 5m burn rate is under 1 (held 5 more minutes against flapping)
    series = {PROBES: counter((300, 4)), FAILURES: counter((150, 0), (40, 4), (110, 0))}
    avail = ('{objective="availability"}', 1)
    page = firing("SLAErrorBudgetBurn", 'severity="page"', 'objective="availability"')
    esc = firing("SLAEscalation", 'objective="availability"', by="level, receiver")
    one = ('{level="1",receiver="shop-oncall"}', 1)
    two = ('{level="2",receiver="shop-lead"}', 1)
    checks = [
        expect(esc, 154, one),
        expect(esc, 180, one),
        expect(esc, 186, one, two),
        expect(esc, 190, one, two),
        # 12 minutes after recovery: the page still fires (6h/30m pair), no escalation
        expect(page, 202, avail),
        expect(esc, 202),
        expect(esc, 230),
    ]
    assert_passes(run_promtool_tests([only(shop, "availability")], [group(series, checks)]))


def test_escalation_does_not_flap_on_a_noisy_sli(shop: SLA) -> None:
    # an outage that comes and goes: 6 bad minutes, 6 clean, from minute 150 to 222; the 5m burn
    # rate dips under 1 for a minute or two in each clean stretch, the escalation stays up
    segments: list[tuple[int, float]] = [(150, 0)]
    for _ in range(6):
        segments += [(6, 4), (6, 0)]
    segments.append((78, 0))
    series = {PROBES: counter((300, 4)), FAILURES: counter(*segments)}
    esc = firing("SLAEscalation", 'objective="availability"', 'level="1"', by="level")
    checks = [expect(esc, minute, ('{level="1"}', 1)) for minute in range(156, 224)]
    assert_passes(run_promtool_tests([only(shop, "availability")], [group(series, checks)]))


def with_alerting(sla: SLA, **fields: Any) -> SLA:
    """The SLA without maintenance windows and with these alerting fields (validated like a file)."""
    raw = sla.model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["spec"]["maintenance"] = []
    raw["spec"]["alerting"].update(fields)
    return SLA.model_validate(raw)


@pytest.mark.parametrize("engine", [None, EngineOptions("vmalert")], ids=["prometheus", "vmalert"])
def test_custom_policy_pages_on_a_burn_the_defaults_only_ticket(shop: SLA, engine: EngineOptions | None) -> None:
    total = 'http_requests_total{job="shop",code="200"}'
    errors = 'http_requests_total{job="shop",code="503"}'
    series = {total: counter((70, 996)), errors: counter((70, 4))}  # 0.4% errors = 4x the budget
    by_severity = firing("SLAErrorBudgetBurn", 'objective="api-errors"', by="severity")
    defaults = with_alerting(only(shop, "api-errors"))
    assert_passes(run_promtool_tests([defaults], [group(series, [
        expect(by_severity, 40, ('{severity="ticket"}', 1)), expect(by_severity, 65, ('{severity="ticket"}', 1)),
    ])], engine=engine))
    # 10% of the 30d budget within 1d (2h): factor 3, so a 4x burn pages
    policies = [
        {"severity": "page", "budget_spent": "2%", "long": "1h", "short": "5m"},
        {"severity": "page", "budget_spent": "10%", "long": "1d", "short": "2h"},
        {"severity": "ticket", "budget_spent": "10%", "long": "3d", "short": "6h"},
    ]
    custom = with_alerting(only(shop, "api-errors"), policies=policies)
    assert_passes(run_promtool_tests([custom], [group(series, [
        expect(by_severity, 40, ('{severity="page"}', 1), ('{severity="ticket"}', 1)),
        expect(by_severity, 65, ('{severity="page"}', 1), ('{severity="ticket"}', 1)),
    ])], engine=engine))


@pytest.mark.parametrize("engine", [None, EngineOptions("vmalert")], ids=["prometheus", "vmalert"])
def test_min_events_keeps_a_low_traffic_service_quiet(shop: SLA, engine: EngineOptions | None) -> None:
    # 2 probes a minute, 3 failures in one minute (minute 400, after 6h40m of clean traffic: the
    # 1h/5m pair pages, 3/720 over 6h stays under the 6h/30m pair's 0.6%)
    series = {PROBES: counter((460, 2)), FAILURES: counter((400, 0), (1, 3), (59, 0))}
    page = firing("SLAErrorBudgetBurn", 'severity="page"', 'objective="availability"')
    avail = ('{objective="availability"}', 1)
    plain = with_alerting(only(shop, "availability"))
    assert_passes(run_promtool_tests([plain], [group(series, [expect(page, 399), expect(page, 404, avail)])],
                                     engine=engine))
    # 200 events: more than the 1h window holds at 2 a minute (120)
    quiet = with_alerting(only(shop, "availability"), min_events=200)
    assert_passes(run_promtool_tests([quiet], [group(series, [expect(page, m) for m in range(399, 460, 2)])],
                                     engine=engine))


def with_credits(sla: SLA, **alerting: Any) -> SLA:
    """Only availability, no maintenance, with the contract's three credit tiers (calendar month, UTC)."""
    raw = with_alerting(only(sla, "availability"), **alerting).model_dump(mode="json", by_alias=True,
                                                                          exclude_none=True)
    raw["spec"]["objectives"][0]["credits"] = [
        {"below": 99.9, "credit": 10}, {"below": 99.0, "credit": 25}, {"below": 95.0, "credit": 100},
    ]
    return SLA.model_validate(raw)


def test_credit_at_risk_after_a_long_outage_on_the_first_day(shop: SLA) -> None:
    # promtool's clock starts on 1 January 1970 (a 31-day month); a total outage from 01:00 to
    # 11:00: at 11:20, 600 bad minutes of 44,640 is 98.66% even if nothing else fails: 25% credit
    series = {PROBES: counter((700, 4)), FAILURES: counter((60, 0), (600, 4), (40, 0))}
    credit = f'count by (credit) (ALERTS{{alertname="SLACreditAtRisk",alertstate="firing",{SHOP}}})'
    projected = 'round(slaforge:period_projected:ratio{sla="shop",objective="availability"}, 0.001)'
    checks = [
        expect(credit, 55),
        # an hour in: 60 bad minutes of 44,640 already make 99.87% (tier 99.9: 10%)
        expect(credit, 125, ('{credit="10"}', 1)),
        expect(credit, 680, ('{credit="25"}', 1)),
        # 1 - 600 / (674 x 44,640 / 680): the pieces trail real time by a few minutes
        expect(projected, 680, ('{objective="availability",sla="shop"}', 0.986)),
    ]
    assert_passes(run_promtool_tests([with_credits(shop)], [group(series, checks)]))
    healthy = {PROBES: counter((700, 4)), FAILURES: counter((700, 0))}
    quiet = [expect(credit, m) for m in (60, 300, 680)]
    assert_passes(run_promtool_tests([with_credits(shop)], [group(healthy, quiet)]))
    # switched off: no rule reads the period
    off = render([with_credits(shop, credit_at_risk={"enabled": False})])
    assert "SLACreditAtRisk" not in off and "period_to_date" not in off


def test_credit_at_risk_counts_whole_days_and_starts_over_each_month(shop: SLA) -> None:
    # In America/New_York (UTC-5 in 1970 as in the rules: the 2020 offset applies before 2020)
    # promtool's clock starts on 31 December 1969, 19:00; January starts at minute 300. Evaluated
    # every 5 minutes (promtool otherwise runs the 5m group every minute, and writes each day's sum
    # five times).
    raw = with_credits(shop).model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["spec"]["timezone"] = "America/New_York"
    sla = SLA.model_validate(raw)
    series = {
        PROBES: counter((2100, 4)),
        # December: 20:00-23:00 local; January 1st: 01:40-06:40 local (300 minutes)
        FAILURES: counter((60, 0), (180, 4), (160, 0), (300, 4), (1400, 0)),
    }
    credit = f'count by (credit) (ALERTS{{alertname="SLACreditAtRisk",alertstate="firing",{SHOP}}})'
    projected = 'round(slaforge:period_projected:ratio{sla="shop",objective="availability"}, 0.001)'
    avail = '{objective="availability",sla="shop"}'
    checks = [
        # 31 December: the rules have seen only 4 hours of December, 3 of them bad
        expect(credit, 250, ('{credit="100"}', 1)),
        # 1 January: a new period, nothing bad yet
        expect(credit, 330),
        expect(projected, 330, (avail, 1)),
        # 300 bad minutes on 1 January: 99.33% at the month's end, and still on the 2nd (the 1st's
        # daily sum, written at midnight, carries them)
        expect(credit, 1500, ('{credit="10"}', 1)),
        expect(projected, 1500, (avail, 0.993)),
        expect(credit, 2050, ('{credit="10"}', 1)),
        expect(projected, 2050, (avail, 0.993)),
    ]
    assert_passes(run_promtool_tests([sla], [group(series, checks)], evaluation_interval="5m"))


def test_credit_at_risk_is_silent_during_maintenance(shop: SLA) -> None:
    # the shop's maintenance is 01:00-02:00 (minutes 60-120); 50 bad minutes before it already
    # cross the 99.9% tier of January (99.888%); errors inside the window never count
    raw = with_credits(shop).model_dump(mode="json", by_alias=True, exclude_none=True)
    raw["spec"]["maintenance"] = [{"daily": {"start": "01:00", "duration": "1h"}}]
    sla = SLA.model_validate(raw)
    series = {PROBES: counter((150, 4)), FAILURES: counter((5, 0), (50, 4), (95, 4))}
    credit = f'count by (credit) (ALERTS{{alertname="SLACreditAtRisk",alertstate="firing",{SHOP}}})'
    checks = [expect(credit, 59, ('{credit="10"}', 1)), expect(credit, 62), expect(credit, 118),
              expect(credit, 125, ('{credit="10"}', 1))]
    assert_passes(run_promtool_tests([sla], [group(series, checks)]))


def test_each_day_closes_with_its_sums_piece_count_and_lowest_piece(shop: SLA) -> None:
    # what the report reads instead of a day's 288 pieces (slaforge.report.daily): written once, at
    # the first 5m evaluation of the next day (promtool evaluates at minute 0, 5, ...: the day
    # 1970-01-02 is minutes 1440-2880, its pieces stamped 1440 ... 2875)
    series = {PROBES: counter((3000, 4)), FAILURES: counter((3000, 1))}

    def closed(metric: str, value: float) -> dict[str, Any]:
        return expect(f'{metric}{{sla="shop"}}', 2880, (f'{metric}{{objective="availability",period="0",sla="shop"}}',
                                                         value))

    checks = [
        closed("slaforge:sli_pieces:count1d", 288),
        # each 5m piece of this probe objective counts 4 valid events, 1 of them bad
        closed("slaforge:sli_valid_events:increase1d", 288 * 4),
        closed("slaforge:sli_bad_events:increase1d", 288 * 1),
        closed("slaforge:sli_pieces:min1d", 1),
        # only then: the evaluation at 2885 writes none (the sample of 2880 is stale at 2886)
        expect('slaforge:sli_pieces:count1d{sla="shop"}', 2886),
    ]
    assert_passes(run_promtool_tests([with_credits(shop)], [group(series, checks)], evaluation_interval="5m"))
