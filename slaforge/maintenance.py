"""Declared maintenance windows laid out on the calendar: pure computation, no query needed.

The same semantics as the generated rules (:mod:`slaforge.rules.maintenance`), so that the time
reported as maintenance is the time the rules excluded:

* weekly and daily windows are wall-clock intervals of the SLA's timezone: open while the local
  clock reads between the start and start + duration. Across a DST change such a window is an hour
  shorter (spring) or longer (autumn) in elapsed time, and one starting in a skipped hour opens
  when the clock jumps;
* ``once`` windows are absolute: start (read in the SLA's timezone when it has no offset) plus
  the duration in elapsed time.

Overlapping windows count once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slaforge.spec.model import WEEKDAYS, Maintenance
from slaforge.timezones import offset_changes
from slaforge.timezones import utc as _utc

Interval = tuple[datetime, datetime]
_EPOCH = datetime(1970, 1, 1)


def offset_segments(tz: ZoneInfo, t0: int, t1: int) -> list[tuple[int, int, int]]:
    """``[(from, to, offset)]``: the UTC offset as constant pieces covering ``[t0, t1)`` (unix seconds)."""
    base, changes = offset_changes(tz, t0, t1)
    bounds = [t0, *(instant for instant, _ in changes), t1]
    offsets = [base, *(value for _, value in changes)]
    return [(bounds[i], bounds[i + 1], offsets[i]) for i in range(len(offsets))]


def _wall_seconds(moment: datetime) -> int:
    """A naive local wall-clock time as seconds since the local epoch."""
    return int((moment - _EPOCH).total_seconds())


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
    last_day = (end.astimezone(tz) + timedelta(days=2)).date()
    t0 = int(start.timestamp()) - longest // 1000 - 3 * 86400
    t1 = int(end.timestamp()) + 3 * 86400
    segments = offset_segments(tz, t0, t1)
    raw: list[Interval] = []
    for window in windows:
        length = window.duration.ms / 1000
        if window.once is not None:
            begin = window.once.start
            if begin.tzinfo is None:
                begin = begin.replace(tzinfo=tz)
            raw.append((begin.astimezone(UTC), begin.astimezone(UTC) + timedelta(seconds=length)))
            continue
        clock: time = window.weekly.start if window.weekly is not None else window.daily.start  # type: ignore[union-attr]
        weekday = WEEKDAYS.index(window.weekly.day) if window.weekly is not None else None
        day: date = first_day
        while day <= last_day:
            if weekday is None or day.weekday() == weekday:
                wall = _wall_seconds(datetime.combine(day, clock))
                # the UTC instants whose local wall clock reads within [wall, wall + length)
                for seg_from, seg_to, offset in segments:
                    lo, hi = max(seg_from, wall - offset), min(seg_to, wall + length - offset)
                    if lo < hi:
                        raw.append((_utc(lo), _utc(hi)))
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
