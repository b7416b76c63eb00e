"""An SLA's maintenance windows and escalation path as people read them.

Shared by `slaforge explain`, the exporter's status page, the Alertmanager file and the alert texts,
so that they all say the same. Nothing is decided here that the rules decide: the windows are laid
out by :func:`slaforge.maintenance.lay_out` (the report's calendar, which has the
semantics of the generated rules: wall-clock weekly and daily windows in the SLA's timezone,
absolute ``once`` windows, overlaps counted once); the escalation steps are the plan's
(:class:`slaforge.plan.Step`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from slaforge.maintenance import Interval, Once, Window, decode, lay_out
from slaforge.spec.durations import Duration
from slaforge.spec.model import Maintenance
from slaforge.timezones import wall_clock

# how many windows ahead explain and the status page list, and how far ahead they look
UPCOMING = 3
LOOKAHEAD = timedelta(days=400)


# --- wording --------------------------------------------------------------------------------


def after_text(after: Duration) -> str:
    """When an escalation step notifies: ``immediately`` for ``after: 0m``, else ``after 30m``."""
    return "immediately" if after.ms == 0 else f"after {after.human()}"


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def recurrence_text(window: Maintenance) -> str | None:
    """When a recurring window opens: ``every sunday 02:00``, ``every day 02:00``; None for ``once``."""
    if window.weekly is not None:
        return f"every {window.weekly.day} {window.weekly.start:%H:%M}"
    if window.daily is not None:
        return f"every day {window.daily.start:%H:%M}"
    return None


def describe_window(window: Maintenance, timezone: str) -> str:
    """One declared window in words: ``every sunday 02:00 for 2h``, ``once 2026-12-01 02:00 +00:00 for 4h``."""
    when = recurrence_text(window) or f"once {wall_clock(once_start(window, timezone), ZoneInfo(timezone))}"
    text = f"{when} for {window.duration.human()}"
    return f"{text} ({window.description})" if window.description else text


def once_start(window: Maintenance, timezone: str) -> datetime:
    """The start of a ``once`` window (read in the SLA's timezone when it has no offset)."""
    decoded = decode(window, timezone)
    assert isinstance(decoded, Once)
    return decoded.start


# --- maintenance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MaintenanceOutlook:
    """The maintenance windows around ``now``: the one open (if any) and the next ones."""

    now: datetime
    open_now: Interval | None
    upcoming: tuple[Interval, ...]


def outlook(
    windows: Sequence[Window], timezone: str, now: datetime, count: int = UPCOMING, lookahead: timedelta = LOOKAHEAD
) -> MaintenanceOutlook:
    """The window open at ``now`` and the next ``count`` to open after it within ``lookahead``."""
    if not windows:
        return MaintenanceOutlook(now, None, ())
    # a window open at `now` began at most its duration earlier; a day more for merged neighbours
    lookback = timedelta(milliseconds=sum(w.duration.ms for w in windows)) + timedelta(days=1)
    laid_out = lay_out(windows, timezone, now - lookback, now + lookahead)
    open_now = next((i for i in laid_out if i[0] <= now < i[1]), None)
    upcoming = tuple(i for i in laid_out if i[0] > now)[:count]
    return MaintenanceOutlook(now, open_now, upcoming)
