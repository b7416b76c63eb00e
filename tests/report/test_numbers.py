"""Credits, verdicts, maintenance and incidents: the pure computations, with exact expectations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from slaforge.maintenance import Interval, decode, lay_out, merge_intervals, total_seconds
from slaforge.report.counts import apportion, whole
from slaforge.report.credits import credit_owed, outcome, truncate
from slaforge.report.incidents import merge_firing, time_to_detect
from slaforge.spec.model import CreditTier, Maintenance


def maintenance_windows(windows: list[Maintenance] | tuple[Maintenance, ...], timezone: str, start: datetime,
                        end: datetime) -> list[Interval]:
    """Declared windows on the calendar, as the report lays out an SLA plan's decoded windows."""
    return lay_out([decode(w, timezone) for w in windows], timezone, start, end)

TIERS = (CreditTier(below=99.9, credit=10), CreditTier(below=99.0, credit=25), CreditTier(below=95.0, credit=100))


@pytest.mark.parametrize(
    ("achieved", "credit"),
    [
        (Fraction(100), 0), (Fraction("99.9"), 0), (Fraction("99.8999999999"), 10), (Fraction(99), 10),
        (Fraction("98.99999"), 25), (Fraction(95), 25), (Fraction("94.9"), 100), (Fraction(0), 100),
    ],
)
def test_tier_boundaries_are_exact(achieved: Fraction, credit: float) -> None:
    assert credit_owed(achieved, TIERS)[0] == credit


def test_highest_applicable_tier_wins_whatever_the_order() -> None:
    assert credit_owed(Fraction(50), tuple(reversed(TIERS))) == (100, TIERS[2])
    assert credit_owed(Fraction(50), ()) == (0.0, None)


def test_outcome_from_counts() -> None:
    exactly = outcome("1116", "1116000", 99.9, TIERS)  # 99.9% exactly: met, no credit
    assert (exactly.met, exactly.credit, exactly.budget_spent) == (True, 0, 1)
    just_below = outcome("1117", "1116000", 99.9, TIERS)
    assert (just_below.met, just_below.credit, truncate(just_below.achieved)) == (False, 10, 99.8999)
    assert outcome("3.5e+02", "1e5", 99.5, ()).achieved == Fraction("99.65")


@pytest.mark.parametrize(("bad", "valid"), [("0", "0"), (None, "100"), ("0", None), (None, None)])
def test_no_data_is_no_value(bad: str | None, valid: str | None) -> None:
    result = outcome(bad, valid, 99.9, TIERS)
    assert result.no_data
    assert (result.achieved, result.met, result.credit, result.budget_spent) == (None, None, None, None)


def test_truncation_never_rounds_up_over_a_boundary() -> None:
    assert truncate(Fraction("99.89999")) == 99.8999
    assert truncate(Fraction("99.9")) == 99.9


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def maint(**kind: object) -> Maintenance:
    return Maintenance.model_validate(kind)


def test_weekly_daily_and_once_windows_in_a_timezone() -> None:
    windows = (
        maint(weekly={"day": "sunday", "start": "03:00", "duration": "2h"}),
        maint(once={"start": "2026-10-11T02:00:00", "duration": "2h"}),  # local: overlaps the weekly
    )
    start, end = _utc(2026, 9, 30, 22), _utc(2026, 10, 31, 23)  # October in Berlin
    found = maintenance_windows(windows, "Europe/Berlin", start, end)
    assert found[1] == (_utc(2026, 10, 11, 0), _utc(2026, 10, 11, 3))
    assert found[-1] == (_utc(2026, 10, 25, 2), _utc(2026, 10, 25, 4))  # 03:00 CET, after the change
    assert total_seconds(found) == 4 * 7200 + 3600


def test_windows_straddling_the_period_are_clipped() -> None:
    daily = (maint(daily={"start": "23:00", "duration": "3h"}),)
    start, end = _utc(2026, 10, 1), _utc(2026, 10, 3)
    found = maintenance_windows(daily, "UTC", start, end)
    assert found[0] == (start, _utc(2026, 10, 1, 2))  # opened on Sep 30
    assert found[-1] == (_utc(2026, 10, 2, 23), end)
    assert total_seconds(found) == 2 * 3600 + 3 * 3600 + 3600


def test_wall_clock_windows_across_dst_changes() -> None:
    # 02:30-03:30 local on the day the clock jumps from 02:00 to 03:00: open from the jump to 03:30
    weekly = (maint(weekly={"day": "sunday", "start": "02:30", "duration": "1h"}),)
    found = maintenance_windows(weekly, "Europe/Berlin", _utc(2026, 3, 28), _utc(2026, 3, 30))
    assert found == [(_utc(2026, 3, 29, 1, 0), _utc(2026, 3, 29, 1, 30))]
    # 01:30-03:30 local on the day 02:00-03:00 happens twice: 3 hours
    weekly = (maint(weekly={"day": "sunday", "start": "01:30", "duration": "2h"}),)
    found = maintenance_windows(weekly, "Europe/Berlin", _utc(2026, 10, 24), _utc(2026, 10, 26))
    assert found == [(_utc(2026, 10, 24, 23, 30), _utc(2026, 10, 25, 2, 30))]


MIXED = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: mixed}
spec:
  service: s
  provider: p
  customer: c
  window: 30d
  timezone: Europe/Berlin
  maintenance:
    - weekly: {day: sunday, start: "01:30", duration: 2h}
    - daily: {start: "23:00", duration: 3h}
    - weekly: {day: saturday, start: "22:00", duration: 5h}
    - once: {start: "2026-10-14T10:00:00", duration: 90m}
  probes: [{name: web, url: 'https://example.com/'}]
  objectives: [{name: availability, target: 99.9, sli: {probe: web}}]
"""


@pytest.mark.parametrize("month", [3, 10])
def test_maintenance_seconds_agree_with_the_generated_rules(month: int) -> None:
    """Minute by minute, the rules' own Python mirror of their maintenance PromQL says the same."""
    from slaforge.rules.maintenance import active_at
    from slaforge.spec import load_text

    sla = load_text(MIXED, "mixed.yaml")[0]
    start, end = _utc(2026, month, 1), _utc(2026, month + 1, 1)
    ours = total_seconds(maintenance_windows(sla.spec.maintenance, "Europe/Berlin", start, end))
    t0, t1 = int(start.timestamp()), int(end.timestamp())
    theirs = sum(60 for t in range(t0, t1, 60) if active_at(sla, t))
    assert ours == theirs


def test_merge_intervals() -> None:
    a, b, c, d = (_utc(2026, 1, 1, h) for h in (1, 2, 3, 4))
    assert merge_intervals([(c, d), (a, b), (b, c)]) == [(a, d)]
    assert merge_intervals([]) == []


def test_incidents_merge_and_flags() -> None:
    start, until = _utc(2026, 10, 1), _utc(2026, 11, 1)
    t0 = _utc(2026, 10, 5, 12)
    times = [t0 + timedelta(seconds=30 * i) for i in range(10)]  # 12:00:00 .. 12:04:30
    times += [t0 + timedelta(minutes=9, seconds=30)]  # 5 minutes later: still the same
    times += [t0 + timedelta(minutes=20)]  # more than 5 minutes later: a new one
    times += [start - timedelta(minutes=2), start + timedelta(minutes=1)]  # open at the start
    incidents = merge_firing(reversed(times), start, until)
    assert [(i.start, i.end, i.open_at_start, i.open_at_end) for i in incidents] == [
        (start, start + timedelta(minutes=1), True, False),
        (t0, t0 + timedelta(minutes=9, seconds=30), False, False),
        (t0 + timedelta(minutes=20), t0 + timedelta(minutes=20), False, False),
    ]
    late = merge_firing([until - timedelta(minutes=1)], start, until, seen_until=until + timedelta(minutes=5))
    assert not late[0].open_at_end  # it stopped: nothing in the 5 minutes after the period
    assert merge_firing([until - timedelta(minutes=1)], start, until)[0].open_at_end


def test_whole_counts_add_up() -> None:
    """156.753372 valid probes show as 157; days get whole shares that still add up to it."""
    days = [Fraction("52.251124"), Fraction("52.251124"), Fraction("52.251124")]
    total = whole(sum(days, Fraction(0)))
    assert total == 157
    assert apportion(days, total) == [53, 52, 52]  # ties to the earliest day
    assert sum(apportion([Fraction("0.4")] * 10, 4)) == 4
    assert apportion([Fraction(0), Fraction(0)], 0) == [0, 0]
    assert whole(Fraction("60.5")) == 61 and whole(Fraction("60.499")) == 60


def test_time_to_detect_is_the_run_leading_into_the_page() -> None:
    page = datetime(2026, 10, 5, 12, 5, tzinfo=UTC)
    minute = page.timestamp() - 60 * 20
    burning = [minute + 60 * i for i in range(0, 5)] + [minute + 60 * i for i in range(7, 25)]
    assert time_to_detect(page, burning) == 13 * 60  # from 11:52; the earlier run ended at 11:49
    assert time_to_detect(page, []) is None
    assert time_to_detect(page, [page.timestamp() - 7 * 3600]) is None  # beyond the longest page window
    assert time_to_detect(page, [page.timestamp()]) == 0
