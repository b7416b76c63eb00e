"""The report as data, and its JSON form (the shape is part of the product contract)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from functools import cached_property
from typing import Any

from slaforge.maintenance import Interval
from slaforge.report.credits import Outcome, round_half_up, truncate
from slaforge.report.incidents import Incident
from slaforge.report.periods import Period, iso
from slaforge.spec.model import CreditTier

WORST_DAYS = 5


@dataclass(frozen=True)
class DayValue:
    """Event counts of one local calendar day."""

    day: date
    bad: Fraction
    valid: Fraction
    bad_count: int = 0  # whole-number estimates for display (see slaforge.report.counts)
    valid_count: int = 0
    source: str = "recorded"  # recorded | raw (raw when any of the day came from the SLI's own series)

    @cached_property  # sorted and shown per day: thousands of groups have 30 days each
    def achieved(self) -> Fraction | None:
        if self.valid <= 0 or not 0 <= self.bad <= self.valid:
            return None  # no events, or counts that cannot be right (see ObjectiveReport.data_problems)
        # (1 - bad / valid) * 100 as one fraction (one gcd instead of three: 300,000 days of 10,000 groups)
        bad_n, bad_d = self.bad.numerator, self.bad.denominator
        valid_n, valid_d = self.valid.numerator, self.valid.denominator
        return Fraction((bad_d * valid_n - bad_n * valid_d) * 100, bad_d * valid_n)


@dataclass(frozen=True)
class ObjectiveReport:
    name: str
    description: str | None
    target: float
    tiers: tuple[CreditTier, ...]
    outcome: Outcome
    bad_events: Fraction | None
    valid_events: Fraction | None
    maintenance_seconds: float
    days: tuple[DayValue, ...]
    incidents: tuple[Incident, ...]
    coverage: float | None  # share of the covered time with recorded events
    curve: tuple[tuple[datetime, float], ...]  # period-to-date achieved percent, for the chart
    bad_count: int | None = None  # whole-number estimates of the totals, for display
    valid_count: int | None = None
    source: str | None = None  # recorded | raw (raw when any number came from the SLI's own series)
    raw_stretches: tuple[Interval, ...] = ()  # the time computed from the SLI's own series
    missing: str | None = None  # for no data: what is missing, in words
    resolve_within: float | None = None  # seconds, incidents.resolve_within
    detect: tuple[float | None, ...] = ()  # per incident: seconds from burning above the page threshold to paging
    bucket_problems: tuple[str, ...] = ()  # inconsistent counts in the per-day buckets
    group: tuple[tuple[str, str], ...] = ()  # a grouped objective's group labels and values

    @property
    def title(self) -> str:
        """The objective's name, with its group when grouped: ``availability (customer=acme)``."""
        if not self.group:
            return self.name
        return f"{self.name} ({', '.join(f'{k}={v}' for k, v in self.group)})"

    @property
    def data_problems(self) -> tuple[str, ...]:
        """Counts from Prometheus that cannot be right, as sentences; reported, never clamped away."""
        return self.outcome.problems + self.bucket_problems

    @property
    def incidents_over_target(self) -> int | None:
        """Incidents that lasted longer than ``resolve_within`` (None without that target)."""
        if self.resolve_within is None:
            return None
        return sum(1 for i in self.incidents if i.seconds > self.resolve_within)

    @cached_property
    def worst_days(self) -> list[DayValue]:
        """Up to five days below 100%, lowest first."""
        hurt = [d for d in self.days if d.bad > 0 and d.achieved is not None]  # below 100%
        # the float first (cheap, and never out of the exact order), the exact value for its ties
        return sorted(hurt, key=lambda d: (float(d.achieved or 0), d.achieved, d.day))[:WORST_DAYS]

    @property
    def incident_seconds(self) -> float:
        return sum(i.seconds for i in self.incidents)


@dataclass(frozen=True)
class SLAReport:
    sla: str
    service: str
    provider: str
    customer: str
    calendar: str
    period: Period
    maintenance: tuple[Interval, ...]
    objectives: tuple[ObjectiveReport, ...]

    @property
    def credit(self) -> float:
        """The largest credit owed by any objective (how several objectives combine is the contract's business)."""
        return max((o.outcome.credit or 0.0 for o in self.objectives), default=0.0)


@dataclass(frozen=True)
class Report:
    as_of: datetime
    prometheus: str
    slas: tuple[SLAReport, ...]

    @property
    def period(self) -> dict[str, Any]:
        """The top-level period: the SLAs' own when they all agree, else the span of all of them."""
        periods = [s.period for s in self.slas]
        labels = sorted({p.label for p in periods})
        same = len({(p.start, p.end) for p in periods}) == 1
        first = periods[0]
        start = first.local(first.start) if same else min(p.start for p in periods)
        end = first.local(first.end) if same else max(p.end for p in periods)
        return {
            "label": labels[0] if len(labels) == 1 else ", ".join(labels),
            "start": iso(start),
            "end": iso(end),
            "partial": any(p.partial for p in periods),
        }


# --- JSON -----------------------------------------------------------------------------------


def number(value: Fraction | float | None, decimals: int = 6) -> int | float | None:
    """A count for JSON: an int when whole, else a float rounded to ``decimals``."""
    if value is None:
        return None
    q = Fraction(value) if not isinstance(value, Fraction) else value
    if q.denominator == 1:
        return int(q)
    return round_half_up(q, decimals)


def percent(value: Fraction | None) -> float | None:
    return None if value is None else truncate(value)


def period_json(period: Period) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": period.label,
        "start": iso(period.local(period.start)),
        "end": iso(period.local(period.end)),
        "partial": period.partial,
        "timezone": period.timezone,
    }
    if period.partial:
        out["until"] = iso(period.local(period.until))
    return out


def objective_json(obj: ObjectiveReport) -> dict[str, Any]:
    o = obj.outcome
    grouped = {"group": dict(obj.group)} if obj.group else {}
    out: dict[str, Any] = {
        "objective": obj.name,
        **grouped,
        "target": number(obj.target),
        "achieved": percent(o.achieved),
        "met": o.met,
        "error_budget_spent": None if o.budget_spent is None else round_half_up(o.budget_spent),
        "maintenance_seconds": number(obj.maintenance_seconds),
        "credit": number(o.credit),
        "incidents": [
            {
                "start": iso(i.start),
                "end": iso(i.end),
                "duration_seconds": number(i.seconds),
                "time_to_resolve_seconds": None if i.open_at_end else number(i.seconds),
                "time_to_detect_seconds": number(detect),
                "over_target": None if obj.resolve_within is None else i.seconds > obj.resolve_within,
                "open_at_start": i.open_at_start,
                "open_at_end": i.open_at_end,
            }
            for i, detect in zip(obj.incidents, obj.detect or (None,) * len(obj.incidents), strict=True)
        ],
        "incidents_over_target": obj.incidents_over_target,
        "resolve_within_seconds": number(obj.resolve_within),
        "source": obj.source,
        "raw_stretches": [{"start": iso(a), "end": iso(b)} for a, b in obj.raw_stretches],
        "no_data": o.no_data,
        "no_data_reason": obj.missing,
        "data_problems": list(obj.data_problems),
        "description": obj.description,
        "valid_events": obj.valid_count,
        "bad_events": obj.bad_count,
        "valid_events_exact": number(obj.valid_events),
        "bad_events_exact": number(obj.bad_events),
        "data_coverage": obj.coverage,
        "credit_tier": None if o.tier is None else {"below": number(o.tier.below), "credit": number(o.tier.credit)},
        "credit_tiers": [{"below": number(t.below), "credit": number(t.credit)} for t in obj.tiers],
        "worst_days": [
            {
                "date": d.day.isoformat(),
                "achieved": percent(d.achieved),
                "bad_events": d.bad_count,
                "valid_events": d.valid_count,
                "source": d.source,
            }
            for d in obj.worst_days
        ],
    }
    return out


def report_json(report: Report) -> dict[str, Any]:
    return {
        "period": report.period,
        "as_of": iso(report.as_of),
        "prometheus": report.prometheus,
        "slas": [
            {
                "sla": s.sla,
                "customer": s.customer,
                "provider": s.provider,
                "service": s.service,
                "calendar": s.calendar,
                "period": period_json(s.period),
                "maintenance_windows": [{"start": iso(a), "end": iso(b)} for a, b in s.maintenance],
                "objectives": [objective_json(o) for o in s.objectives],
            }
            for s in report.slas
        ],
    }
