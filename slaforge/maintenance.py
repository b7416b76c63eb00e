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
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from slaforge.spec.durations import Duration
from slaforge.spec.model import WEEKDAYS, Maintenance
from slaforge.timezones import offset_changes
from slaforge.timezones import utc as _utc

Interval = tuple[datetime, datetime]
_EPOCH = datetime(1970, 1, 1)
DAY = 86400
WEEK = 7 * DAY
# 1970-01-05 was a Monday: day number of a weekday in "local seconds since the epoch".
_FIRST_MONDAY = 4


# --- the one decoder of a declared window ---------------------------------------------------


@dataclass(frozen=True)
class Recurring:
    """A weekly or daily window on the SLA's wall clock: open while ``(local - start) mod period <
    duration``, local time being wall-clock seconds since the local epoch."""

    period: int  # seconds: DAY or WEEK
    start: int  # one start, in local wall-clock seconds since the local epoch
    duration: Duration

    @property
    def seconds(self) -> int:
        return int(self.duration.seconds)


@dataclass(frozen=True)
class Once:
    """A one-off window: an absolute start (read in the SLA's timezone when written without an
    offset) and a length in elapsed time."""

    start: datetime  # aware
    duration: Duration

    def bounds(self) -> tuple[int, int]:
        """UTC start and end in whole seconds (as the rules compare them with ``time()``)."""
        begin = int(self.start.timestamp())
        return begin, begin + int(self.duration.seconds)


Window = Recurring | Once


def decode(window: Maintenance, timezone: str) -> Window:
    """A declared window as a recurrence on the wall clock or an absolute interval."""
    if window.weekly is not None:
        w = window.weekly
        start = (_FIRST_MONDAY + WEEKDAYS.index(w.day)) * DAY + w.start.hour * 3600 + w.start.minute * 60
        return Recurring(WEEK, start, w.duration)
    if window.daily is not None:
        d = window.daily
        return Recurring(DAY, d.start.hour * 3600 + d.start.minute * 60, d.duration)
    assert window.once is not None
    begin = window.once.start
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=ZoneInfo(timezone))
    return Once(begin, window.once.duration)


# --- laid out on the calendar ---------------------------------------------------------------


def offset_segments(tz: ZoneInfo, t0: int, t1: int) -> list[tuple[int, int, int]]:
    """``[(from, to, offset)]``: the UTC offset as constant pieces covering ``[t0, t1)`` (unix seconds)."""
    base, changes = offset_changes(tz, t0, t1)
    bounds = [t0, *(instant for instant, _ in changes), t1]
    offsets = [base, *(value for _, value in changes)]
    return [(bounds[i], bounds[i + 1], offsets[i]) for i in range(len(offsets))]


def _wall_seconds(moment: datetime) -> int:
    """A naive local wall-clock time as seconds since the local epoch."""
    return int((moment - _EPOCH).total_seconds())


def lay_out(windows: Sequence[Window], timezone_name: str, start: datetime, end: datetime) -> list[Interval]:
    """The decoded windows overlapping ``[start, end)``, clipped to it, merged, in UTC, in order."""
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
        if isinstance(window, Once):
            begin = window.start.astimezone(UTC)
            raw.append((begin, begin + timedelta(seconds=length)))
            continue
        day = first_day
        while day <= last_day:
            wall = _wall_seconds(datetime.combine(day, time())) + window.start % DAY
            if (wall - window.start) % window.period == 0:
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
