"""Calendar periods of a report, in an SLA's timezone: pure date arithmetic, no I/O.

A period is a half-open interval ``[start, end)`` of local calendar time. It is *partial* when
the report is made before it ends (the numbers then cover ``[start, now)``) and it is refused
when it has not started yet.

Accepted period names (``--period``):

=================  ====================================================================
``2026-10``        that month
``2026-Q4``        that quarter
``2026``           that year
``last-month``     the previous month (``this-month`` the current one)
``last-quarter``   the previous quarter (``this-quarter`` the current one)
``last``           the previous period of the SLA's own calendar (the default)
``current``        the current period of the SLA's own calendar
=================  ====================================================================

An SLA whose calendar is ``none`` has no reporting period of its own; ``last`` and
``current`` then mean months.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

PERIOD_HELP = "2026-10, 2026-Q4, 2026, last-month, this-month, last-quarter, this-quarter, last, current"

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period name that cannot be used: unknown, or not started yet."""


@dataclass(frozen=True)
class Period:
    """One calendar period of one SLA, as seen at ``now``."""

    label: str  # "2026-10", "2026-Q4", "2026"
    kind: str  # month | quarter | year
    timezone: str
    start: datetime  # UTC (local midnight of the first day)
    end: datetime  # UTC, exclusive
    now: datetime  # UTC; when the report was made

    # All three are kept in UTC: Python subtracts and compares two datetimes of the same
    # ZoneInfo by their wall clocks, which is wrong across a DST change.

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    @property
    def partial(self) -> bool:
        """The period has not ended yet: numbers cover ``[start, until)``."""
        return self.now < self.end

    @property
    def until(self) -> datetime:
        """End of what the report covers: the period's end, or now for a partial period."""
        return min(self.end, self.now)

    @property
    def seconds(self) -> float:
        """Length of the whole period in seconds (DST days count as they are, 23h or 25h)."""
        return (self.end - self.start).total_seconds()

    @property
    def covered_seconds(self) -> float:
        return (self.until - self.start).total_seconds()

    def days(self) -> list[tuple[date, datetime, datetime]]:
        """Each local calendar day of the covered part: (date, start, end) in UTC, clipped to ``until``."""
        return list(_days(self))


@lru_cache(maxsize=256)  # asked per row: 10,000 groups of one period (the bench's grouped report)
def _days(period: Period) -> tuple[tuple[date, datetime, datetime], ...]:
    tz = period.tz
    out: list[tuple[date, datetime, datetime]] = []
    day = period.local(period.start).date()
    until = period.until
    while True:
        begin = local_midnight(day, tz)
        if begin >= until:
            break
        finish = min(local_midnight(day + timedelta(days=1), tz), until)
        out.append((day, begin, finish))
        day += timedelta(days=1)
    return tuple(out)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """Local 00:00 of ``day``, in UTC."""
    naive = datetime(day.year, day.month, day.day)
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def _make(kind: str, year: int, first_month: int, months: int, tz: ZoneInfo, now: datetime) -> Period:
    end_year, end_month = _add_months(year, first_month, months)
    start = local_midnight(date(year, first_month, 1), tz)
    end = local_midnight(date(end_year, end_month, 1), tz)
    if kind == "month":
        label = f"{year:04d}-{first_month:02d}"
    elif kind == "quarter":
        label = f"{year:04d}-Q{(first_month - 1) // 3 + 1}"
    else:
        label = f"{year:04d}"
    return Period(label, kind, tz.key, start, end, now.astimezone(UTC))


def resolve_period(name: str, *, calendar: str, timezone_name: str, now: datetime) -> Period:
    """The period called ``name`` for an SLA with this calendar and timezone, seen at ``now``.

    Raises :class:`PeriodError` for an unknown name or a period that has not started at ``now``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = ZoneInfo(timezone_name)
    local_now = now.astimezone(tz)
    text = name.strip().lower()
    own = "quarter" if calendar == "quarter" else "month"
    if text in ("last", "current"):
        text = f"{'last' if text == 'last' else 'this'}-{own}"

    try:
        period = _named(name, text, tz, local_now, now)
        if period.start.year < 1970:
            raise ValueError("before Prometheus' time")
    except PeriodError:
        raise
    except (ValueError, OverflowError):  # or before year 1 or after year 9999 somewhere in the arithmetic
        raise PeriodError(
            f"period {name!r} is out of the range of dates a report can cover (1970 to 9998)"
        ) from None

    if period.start >= now:
        raise PeriodError(
            f"period {period.label} ({timezone_name}) has not started yet: it starts "
            f"{iso(period.local(period.start))}, and it is now {iso(local_now)}"
        )
    return period


def _named(name: str, text: str, tz: ZoneInfo, local_now: datetime, now: datetime) -> Period:
    period: Period
    if text in ("last-month", "this-month"):
        shift = -1 if text.startswith("last") else 0
        year, month = _add_months(local_now.year, local_now.month, shift)
        period = _make("month", year, month, 1, tz, now)
    elif text in ("last-quarter", "this-quarter"):
        shift = -3 if text.startswith("last") else 0
        first = (local_now.month - 1) // 3 * 3 + 1
        year, month = _add_months(local_now.year, first, shift)
        period = _make("quarter", year, month, 3, tz, now)
    elif match := _MONTH.fullmatch(text):
        period = _make("month", int(match[1]), int(match[2]), 1, tz, now)
    elif match := _QUARTER.fullmatch(text):
        period = _make("quarter", int(match[1]), (int(match[2]) - 1) * 3 + 1, 3, tz, now)
    elif match := _YEAR.fullmatch(text):
        period = _make("year", int(match[1]), 1, 12, tz, now)
    else:
        raise PeriodError(f"unknown period {name!r}; use one of {PERIOD_HELP}")
    return period


def iso(moment: datetime) -> str:
    """ISO 8601 with seconds, ``Z`` for a zero offset: ``2026-10-01T00:00:00Z``."""
    text = moment.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with an offset (``2026-10-15T00:00:00Z``), for ``--now``."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise PeriodError(f"{text!r} is not an ISO 8601 time such as 2026-10-15T00:00:00Z") from None
    if moment.tzinfo is None:
        raise PeriodError(f"{text!r} has no UTC offset; write it like 2026-10-15T00:00:00Z")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not 1970 <= utc.year <= 9998:
        raise PeriodError(f"{text!r} is out of range: --now must be between 1970 and 9998")
    return moment
