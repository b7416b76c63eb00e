"""Maintenance windows as pure PromQL time arithmetic (no external state).

Recurring windows (weekly, daily) are written in the SLA's local time. PromQL only knows UTC, so
the local time is ``time() + offset(time())`` where the UTC offset is a step function: the zone's
offset on 1 January of :data:`TZ_FIRST_YEAR` plus one ``delta * (time() >= bool T)`` term per
change (DST or legislation) up to the end of :data:`TZ_LAST_YEAR`, taken from the tz database at
generation time. Zones without changes (UTC, Asia/Kolkata...) need no terms at all. The output
therefore does not depend on the day it is generated (deterministic), and is exact between those
years; before them the first offset applies, after them the last.

A window's length is wall-clock time: a window that spans a DST change is one hour shorter
(spring) or longer (autumn), and a window starting in a skipped hour opens when the clock jumps.
One-off windows are absolute instants (a start without an offset is read in the SLA's timezone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from slaforge.conventions import LABEL_TIMEZONE, TIMEZONE_OFFSET
from slaforge.maintenance import DAY, Recurring
from slaforge.plan import SLAPlan, as_plan
from slaforge.rules.model import RecordingRule, record
from slaforge.spec.model import SLA
from slaforge.spec.promql import Matcher, Selector
from slaforge.timezones import offset_changes

TZ_FIRST_YEAR = 2020
TZ_LAST_YEAR = 2050


@dataclass(frozen=True)
class OffsetSteps:
    """UTC offset (seconds) as a step function of UTC time."""

    base: int
    changes: tuple[tuple[int, int], ...]  # (UTC instant, offset from then on)

    def at(self, t: float) -> int:
        offset = self.base
        for instant, value in self.changes:
            if t >= instant:
                offset = value
        return offset


@lru_cache(maxsize=64)
def offset_steps(timezone: str) -> OffsetSteps:
    """The zone's offset changes between TZ_FIRST_YEAR and TZ_LAST_YEAR (scanned daily, then bisected)."""
    start = int(datetime(TZ_FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(TZ_LAST_YEAR + 1, 1, 1, tzinfo=UTC).timestamp())
    base, changes = offset_changes(ZoneInfo(timezone), start, end, step=DAY)
    return OffsetSteps(base, tuple(changes))


def offset_expr(timezone: str) -> str:
    """Scalar PromQL: the zone's UTC offset in seconds at time() (a step function)."""
    steps = offset_steps(timezone)
    terms = [str(steps.base)]
    previous = steps.base
    for instant, value in steps.changes:
        delta = value - previous
        previous = value
        sign = "+" if delta > 0 else "-"
        terms.append(f"{sign} {abs(delta)} * (time() >= bool {instant})")
    return " ".join(terms)


def offset_rule(timezone: str) -> RecordingRule:
    """Recording rule of a zone's offset, shared by every SLA in that zone (evaluated once)."""
    return record(TIMEZONE_OFFSET, f"vector({offset_expr(timezone)})", {LABEL_TIMEZONE: timezone})


def zones_needing_offset(plans: Sequence[SLAPlan]) -> list[str]:
    """Zones with offset changes used by recurring windows: they get a shared offset rule."""
    zones = {
        plan.timezone
        for plan in plans
        if any(isinstance(w, Recurring) for w in plan.windows) and offset_steps(plan.timezone).changes
    }
    return sorted(zones)


def local_time_expr(timezone: str) -> tuple[str, bool]:
    """PromQL of the local wall-clock time as seconds since the local epoch, and whether it is a
    vector (zones with offset changes read the shared offset series) rather than a scalar."""
    steps = offset_steps(timezone)
    if steps.changes:
        sel = Selector(TIMEZONE_OFFSET, (Matcher(LABEL_TIMEZONE, "=", timezone),)).render()
        return f"{sel} + time()", True
    if steps.base:
        return f"time() + {steps.base}".replace("+ -", "- "), False
    return "time()", False


def active_expr(sla: SLA | SLAPlan) -> str | None:
    """Vector PromQL without labels: 1 while a maintenance window is open, else 0; None without
    windows. Empty (not 0) while a DST zone's shared offset series is missing."""
    plan = as_plan(sla)
    if not plan.windows:
        return None
    terms: list[str] = []
    for window in plan.windows:
        if isinstance(window, Recurring):
            period, ref = window.period, window.start
            local, is_vector = local_time_expr(plan.timezone)
            # (local - ref) mod period, kept non-negative for any t >= 0 whatever the offset
            shift = (-ref) % period + period
            term = f"({local} + {shift}) % {period} < bool {window.seconds}"
            terms.append(f"max({term})" if is_vector else f"vector({term})")
        else:
            begin, end = window.bounds()
            terms.append(f"vector((time() >= bool {begin}) * (time() < bool {end}))")
    if len(terms) == 1:
        return terms[0]
    return "(" + " + ".join(terms) + ") > bool 0"


def active_at(sla: SLA | SLAPlan, t: float) -> bool:
    """Python mirror of :func:`active_expr`, for tests and for placing test cases."""
    plan = as_plan(sla)
    for window in plan.windows:
        if isinstance(window, Recurring):
            local = t + offset_steps(plan.timezone).at(t)
            if (local - window.start) % window.period < window.seconds:
                return True
        else:
            begin, end = window.bounds()
            if begin <= t < end:
                return True
    return False


def next_window(sla: SLA | SLAPlan, after: float, horizon: float = 30 * DAY, step: int = 60) -> tuple[int, int] | None:
    """First maintenance window (start, end) in UTC seconds opening at or after ``after`` (minute steps)."""
    t = int(after) // step * step
    stop = after + horizon
    while t < stop:
        if active_at(sla, t) and not active_at(sla, t - step):
            end = t
            while active_at(sla, end) and end < t + horizon:
                end += step
            return t, end
        t += step
    return None

