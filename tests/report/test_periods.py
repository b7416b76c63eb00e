"""Period arithmetic: names, timezones, DST, partial and future periods. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from slaforge.report.collect import MAX_POINTS, bucket_step, range_ms, sums_query
from slaforge.report.periods import PeriodError, iso, parse_instant, resolve_period

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def period(name: str, calendar: str = "month", tz: str = "UTC", now: datetime = NOW):  # type: ignore[no-untyped-def]
    return resolve_period(name, calendar=calendar, timezone_name=tz, now=now)


@pytest.mark.parametrize(
    ("name", "label", "start", "end"),
    [
        ("2026-10", "2026-10", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"),
        ("2026-q3", "2026-Q3", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z"),
        ("2025", "2025", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
        ("last-month", "2026-10", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"),
        ("this-month", "2026-11", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
        ("last-quarter", "2026-Q3", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z"),
        ("this-quarter", "2026-Q4", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("last", "2026-10", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"),
        ("current", "2026-11", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
    ],
)
def test_names(name: str, label: str, start: str, end: str) -> None:
    p = period(name)
    assert (p.label, iso(p.start), iso(p.end)) == (label, start, end)


def test_last_and_current_follow_the_calendar() -> None:
    assert period("last", calendar="quarter").label == "2026-Q3"
    assert period("current", calendar="quarter").label == "2026-Q4"
    assert period("last", calendar="none").label == "2026-10"


def test_last_month_in_january_is_last_year() -> None:
    assert period("last-month", now=datetime(2027, 1, 5, tzinfo=UTC)).label == "2026-12"
    assert period("last-quarter", now=datetime(2027, 1, 5, tzinfo=UTC)).label == "2026-Q4"


def test_timezone_and_dst() -> None:
    p = period("2026-10", tz="Europe/Berlin")
    assert (iso(p.local(p.start)), iso(p.local(p.end))) == (
        "2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00"
    )
    assert (iso(p.start), iso(p.end)) == ("2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z")
    assert p.seconds == 745 * 3600
    days = p.days()
    assert len(days) == 31
    change = next(d for d in days if d[0].day == 25)
    assert (change[2] - change[1]).total_seconds() == 25 * 3600
    # "this month" is decided on the local clock: 23:30 UTC on Oct 31 is already November in Berlin
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    assert period("this-month", tz="Europe/Berlin", now=late).label == "2026-11"
    assert period("this-month", tz="UTC", now=late).label == "2026-10"


def test_partial_and_complete() -> None:
    p = period("this-month")
    assert p.partial and p.until == NOW
    assert p.covered_seconds == (21 * 24 + 12) * 3600
    assert len(p.days()) == 22 and p.days()[-1][2] == NOW
    q = period("2026-10")
    assert not q.partial and q.until == q.end


def test_future_and_unknown_periods_are_refused() -> None:
    with pytest.raises(PeriodError, match=r"period 2026-12 \(UTC\) has not started yet: it starts 2026-12-01"):
        period("2026-12")
    with pytest.raises(PeriodError, match="unknown period 'october'"):
        period("october")
    with pytest.raises(PeriodError, match="no UTC offset"):
        parse_instant("2026-10-01T00:00:00")


def test_range_queries_stay_within_the_points_limit() -> None:
    assert bucket_step(31 * 86400) == 900
    assert bucket_step(92 * 86400) == 900  # a quarter at 15m: 8,833 points
    assert bucket_step(366 * 86400) == 3600
    for days in (28, 31, 92, 366, 3000):
        step = bucket_step(days * 86400)
        assert days * 86400 / step + 1 <= MAX_POINTS


def test_sums_query_leaves_out_the_previous_periods_last_sample() -> None:
    assert range_ms(2678400) == "2678399999ms"
    query = sums_query("acme", 900)
    assert 'slaforge:sli_bad_events:increase5m{sla="acme"}[899999ms]' in query
    assert 'slaforge:sli_valid_events:increase5m{sla="acme"}[899999ms]' in query
