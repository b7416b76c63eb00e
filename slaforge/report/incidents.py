"""Incidents: the stretches of time when an objective's page alert was firing. Pure.

Prometheus writes an ``ALERTS{alertstate="firing"}`` sample at every rule evaluation while an
alert fires. The samples of every page alert of one objective (both page burn-rate policies) are
merged: samples no more than ``gap`` apart belong to the same incident.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_GAP = timedelta(minutes=5)


@dataclass(frozen=True)
class Incident:
    start: datetime  # first firing sample
    end: datetime  # last firing sample
    open_at_start: bool  # already firing when the period began
    open_at_end: bool  # still firing when the period (or the report, for a partial one) ended

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


def merge_firing(
    timestamps: Iterable[datetime], period_start: datetime, period_until: datetime,
    gap: timedelta = DEFAULT_GAP, seen_until: datetime | None = None,
) -> list[Incident]:
    """Group firing sample times (any order, duplicates allowed) into incidents within the period.

    Samples up to ``gap`` outside the period may be given: they tell whether an incident was
    already open when the period began, or still open when it ended; incidents are clipped to it.
    ``seen_until`` is the last instant the samples cover (default ``period_until``): an incident
    whose last sample is within ``gap`` of it may still be firing.
    """
    horizon = seen_until if seen_until is not None else period_until
    times = sorted(set(timestamps))
    runs: list[tuple[datetime, datetime]] = []
    for moment in times:
        if runs and moment - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], moment)
        else:
            runs.append((moment, moment))
    incidents: list[Incident] = []
    for begin, end in runs:
        if end < period_start or begin > period_until:
            continue
        incidents.append(
            Incident(
                start=max(begin, period_start),
                end=min(end, period_until),
                open_at_start=begin < period_start,
                open_at_end=end > period_until or horizon - end <= gap,
            )
        )
    return incidents


DETECT_LOOKBACK = timedelta(hours=6)  # the longest page policy's window: burning further back is not this page
DETECT_STEP = 60.0  # the burn is read once a minute


def time_to_detect(start: datetime, burning: list[float]) -> float | None:
    """Seconds from the first minute of the run of burning minutes that led into the page to the
    page's first firing sample; ``burning`` holds the (sorted) minutes whose 5m error ratio was above
    the lowest page threshold. None when no such minute is within :data:`DETECT_LOOKBACK` before it."""
    t = start.timestamp()
    index = bisect.bisect_right(burning, t) - 1
    if index < 0 or t - burning[index] > DETECT_LOOKBACK.total_seconds():
        return None
    first = burning[index]
    while index > 0 and first - burning[index - 1] <= DETECT_STEP * 1.5 and t - burning[index - 1] <= \
            DETECT_LOOKBACK.total_seconds():
        index -= 1
        first = burning[index]
    return t - first
