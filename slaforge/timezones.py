"""UTC offsets of a time zone over time, from the tz database.

Maintenance windows are wall-clock times in the SLA's time zone. The rules generator encodes a zone's
offset changes in PromQL and the report lays windows out on the calendar; both find the changes here,
so the time the rules exclude and the time the report shows are the same.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# Offsets never change twice within six hours, so sampling this often finds every change.
SAMPLE_SECONDS = 6 * 3600


def utc(seconds: float) -> datetime:
    """A unix time as an aware datetime in UTC."""
    return datetime.fromtimestamp(seconds, tz=UTC)


def utc_offset(zone: ZoneInfo, instant: int) -> int:
    """The zone's UTC offset in seconds at a unix instant."""
    delta = utc(instant).astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def offset_changes(
    zone: ZoneInfo, t0: int, t1: int, step: int = SAMPLE_SECONDS
) -> tuple[int, list[tuple[int, int]]]:
    """The offset at ``t0`` and each change in ``(t0, t1]`` as (first unix second of it, new offset).

    The range is sampled every ``step`` seconds and each change is bisected to the second.
    """
    base = previous = utc_offset(zone, t0)
    changes: list[tuple[int, int]] = []
    t = t0
    while t < t1:
        nxt = min(t + step, t1)
        value = utc_offset(zone, nxt)
        if value != previous:
            lo, hi = t, nxt  # offset(lo) == previous != offset(hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if utc_offset(zone, mid) == previous:
                    lo = mid
                else:
                    hi = mid
            changes.append((hi, value))
            previous = value
        t = nxt
    return base, changes


def offset_text(moment: datetime) -> str:
    """The UTC offset of an aware datetime as ``+02:00``."""
    delta = moment.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def wall_clock(moment: datetime, zone: ZoneInfo) -> str:
    """A local time that carries its zone: ``2026-10-04 02:00 +02:00`` (unambiguous across DST)."""
    local = moment.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M} {offset_text(local)}"


def utc_clock(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
