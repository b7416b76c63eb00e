"""Declared maintenance windows laid out on the calendar: pure computation, no query needed.

Weekly and daily windows start at a local wall-clock time in the SLA's timezone and last their
duration in elapsed time (a 2h window across a DST change is still 2h). A local start time that
does not exist on a DST change day (02:30 when clocks jump from 02:00 to 03:00) is read with the
offset in force before the change, so it begins at the same instant as 03:30 after it; an
ambiguous one (clocks going back) means its first occurrence. ``once`` windows without an
offset are read in the SLA's timezone. Overlapping windows count once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slaforge.spec.model import WEEKDAYS, Maintenance

Interval = tuple[datetime, datetime]


def _local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    naive = datetime.combine(day, clock)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def maintenance_windows(
    windows: Sequence[Maintenance], timezone_name: str, start: datetime, end: datetime
) -> list[Interval]:
    """Every declared window overlapping ``[start, end)``, clipped to it, merged, in UTC, in order."""
    if end <= start or not windows:
        return []
    tz = ZoneInfo(timezone_name)
    longest = max(w.duration.ms for w in windows)
    # Windows that began before `start` may still be open at it: look back far enough.
    first_day = (start.astimezone(tz) - timedelta(milliseconds=longest) - timedelta(days=2)).date()
    last_day = (end.astimezone(tz) + timedelta(days=1)).date()
    raw: list[Interval] = []
    for window in windows:
        length = timedelta(milliseconds=window.duration.ms)
        if window.once is not None:
            begin = window.once.start
            if begin.tzinfo is None:
                begin = begin.replace(tzinfo=tz)
            begin = begin.astimezone(UTC)
            raw.append((begin, begin + length))
            continue
        clock = window.weekly.start if window.weekly is not None else window.daily.start  # type: ignore[union-attr]
        weekday = WEEKDAYS.index(window.weekly.day) if window.weekly is not None else None
        day = first_day
        while day <= last_day:
            if weekday is None or day.weekday() == weekday:
                begin = _local(day, clock, tz)
                raw.append((begin, begin + length))
            day += timedelta(days=1)
    return merge_intervals(_clip(raw, start.astimezone(UTC), end.astimezone(UTC)))


def _clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    out = []
    for begin, finish in intervals:
        begin, finish = max(begin, start), min(finish, end)
        if begin < finish:
            out.append((begin, finish))
    return out


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of intervals: sorted, overlapping or touching ones joined."""
    merged: list[Interval] = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            if finish > merged[-1][1]:
                merged[-1] = (merged[-1][0], finish)
        else:
            merged.append((begin, finish))
    return merged


def total_seconds(intervals: Iterable[Interval]) -> float:
    return sum((finish - begin).total_seconds() for begin, finish in intervals)
