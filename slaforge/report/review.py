"""The periodic SLA review: the last N complete calendar periods side by side, and findings.

Each period's numbers are the report's own (:func:`slaforge.report.collect.collect` and
:func:`slaforge.report.assemble.assemble_sla`, unchanged), so a review never says something a
report of the same period does not. The findings are pure functions of those numbers.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

from slaforge.plan import SLAPlan, plan_for
from slaforge.report.assemble import assemble_sla
from slaforge.report.batch import ask_ahead
from slaforge.report.client import PrometheusClient
from slaforge.report.collect import collect
from slaforge.report.credits import outcome, round_half_up, truncate
from slaforge.report.groups import Group
from slaforge.report.incidents import DEFAULT_GAP
from slaforge.report.model import ObjectiveReport, SLAReport
from slaforge.report.periods import Period, resolve_period
from slaforge.report.workers import each
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA

DEFAULT_PERIODS = 6
# breached-repeatedly: missed in at least this share of the periods
BREACHED_SHARE = Fraction(1, 2)
# target-too-loose: never more than this share of the budget spent, in every period (all with data)
LOOSE_BUDGET = Fraction(1, 10)
# noisy-paging: a period that met its target having spent at most this share of its budget still paged
SPARE_BUDGET = Fraction(1, 2)
WEEK = 7 * 86400

CODES = ("breached-repeatedly", "target-too-loose", "slow-resolution", "noisy-paging", "no-data")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass(frozen=True)
class PeriodNumbers:
    """One objective over one period, as the report computed it."""

    period: Period
    report: ObjectiveReport

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def durations(self) -> list[float]:
        return [i.seconds for i in self.report.incidents]

    @property
    def longest(self) -> float:
        return max(self.durations, default=0.0)

    @property
    def median(self) -> float:
        return float(statistics.median(self.durations)) if self.durations else 0.0

    @property
    def pages_per_week(self) -> float:
        return round(len(self.report.incidents) * WEEK / self.period.covered_seconds, 2)


@dataclass(frozen=True)
class ObjectiveReview:
    name: str
    target: float
    resolve_within: float | None
    periods: tuple[PeriodNumbers, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class SLAReview:
    sla: str
    service: str
    provider: str
    customer: str
    objectives: tuple[ObjectiveReview, ...]


@dataclass(frozen=True)
class Review:
    as_of: datetime
    prometheus: str
    count: int
    slas: tuple[SLAReview, ...]

    @property
    def labels(self) -> list[str]:
        """The periods reviewed, oldest first (every SLA's, when their calendars differ)."""
        seen: dict[str, None] = {}
        for s in self.slas:
            for o in s.objectives[:1]:
                for p in o.periods:
                    seen.setdefault(p.label, None)
        return list(seen)


def last_periods(sla: SLAPlan, count: int, now: datetime) -> list[Period]:
    """The SLA's last ``count`` complete calendar periods (its calendar, its timezone), oldest first."""
    out: list[Period] = []
    moment = now
    for _ in range(count):
        period = resolve_period("last", calendar=sla.calendar, timezone_name=sla.timezone, now=moment)
        out.append(replace(period, now=now))
        moment = period.start
    return out[::-1]


def build_review(slas: Sequence[SLA], client: PrometheusClient, count: int, now: datetime) -> Review:
    plans = [plan_for(s) for s in slas]
    asked = [(sla, p) for sla in plans for p in last_periods(sla, count, now)]
    ahead = ask_ahead(client, asked, DEFAULT_GAP, "", whole_period=True)

    def report(index: int) -> SLAReport:
        sla, period = asked[index]
        return assemble_sla(sla, period, collect(client, sla, period, whole_period=True, ahead=ahead[index]))

    done = iter(each(report, range(len(asked))))
    reviews = []
    for sla in plans:
        reports = [(p, next(done)) for p in last_periods(sla, count, now)]
        objectives = []
        resolve = sla.resolve_within
        seconds = None if resolve is None else resolve.seconds
        for objective in sla.objectives:
            # one review per group of a grouped objective, over the periods in which it has a row
            groups = list(dict.fromkeys(o.group for _, r in reports for o in r.objectives if o.name == objective.name))
            for group in groups:
                rows = tuple(PeriodNumbers(p, _row(r, objective.name, group)) for p, r in reports)
                title = rows[0].report.title
                objectives.append(ObjectiveReview(title, objective.target, seconds, rows,
                                                  tuple(findings(objective.target, seconds, rows))))
        reviews.append(SLAReview(sla.name, sla.service, sla.provider, sla.customer,
                                 tuple(objectives)))
    return Review(as_of=now, prometheus=client.shown_url, count=count, slas=tuple(reviews))


def _row(report: SLAReport, name: str, group: Group) -> ObjectiveReport:
    """The objective's row for ``group`` in one period's report; no data when that group had none."""
    rows = [o for o in report.objectives if o.name == name]
    for row in rows:
        if row.group == group:
            return row
    some = rows[0]
    return replace(some, outcome=outcome(None, None, some.target, some.tiers), bad_events=None, valid_events=None,
                   days=(), incidents=(), coverage=None, curve=(), bad_count=None, valid_count=None, source=None,
                   raw_stretches=(), detect=(), bucket_problems=(), group=group,
                   missing="no series of this group in the period")


# --- findings ---------------------------------------------------------------------------------


def _pct(value: Fraction | float) -> str:
    return f"{truncate(Fraction(value) if not isinstance(value, Fraction) else value, 4):g}%"


def _spent(value: Fraction) -> str:
    return f"{round_half_up(value * 100, 1):g}%"


def _human(seconds: float) -> str:
    return Duration.of_seconds(seconds).human() if seconds > 0 else "0s"


def findings(target: float, resolve_within: float | None, rows: Sequence[PeriodNumbers]) -> list[Finding]:
    """What a review meeting should discuss, in the order of :data:`CODES`."""
    out: list[Finding] = []
    total = len(rows)
    with_data = [r for r in rows if not r.report.outcome.no_data]
    missed = [r for r in with_data if r.report.outcome.met is False]
    if total and missed and Fraction(len(missed), total) >= BREACHED_SHARE:
        values = ", ".join(f"{r.label}: {_pct(r.report.outcome.achieved or 0)}" for r in missed)
        out.append(Finding("breached-repeatedly",
                           f"missed the {target:g}% target in {len(missed)} of {total} periods ({values})"))
    if with_data and len(with_data) == total:
        spent = [r.report.outcome.budget_spent or Fraction(0) for r in with_data]
        if max(spent) <= LOOSE_BUDGET:
            worst = max(with_data, key=lambda r: r.report.outcome.budget_spent or 0)
            out.append(Finding("target-too-loose",
                               f"spent at most {_spent(max(spent))} of the error budget in any of the {total} "
                               f"periods ({worst.label}), never more than {_spent(LOOSE_BUDGET)}: the customer "
                               f"could be promised more than {target:g}%"))
    if resolve_within is not None:
        slow = [(r.label, s) for r in rows for s in r.durations if s > resolve_within]
        count = sum(len(r.durations) for r in rows)
        if slow:
            label, longest = max(slow, key=lambda item: item[1])
            out.append(Finding("slow-resolution",
                               f"{len(slow)} of {count} page incidents lasted longer than the "
                               f"{_human(resolve_within)} resolution target (longest {_human(longest)}, in {label})"))
    noisy = [r for r in with_data if r.report.outcome.met and r.report.incidents
             and (r.report.outcome.budget_spent or Fraction(0)) <= SPARE_BUDGET]
    if noisy:
        pages = sum(len(r.report.incidents) for r in noisy)
        detail = ", ".join(f"{r.label}: {len(r.report.incidents)} page{'s' if len(r.report.incidents) != 1 else ''}, "
                           f"{_spent(r.report.outcome.budget_spent or Fraction(0))} of the budget spent" for r in noisy)
        out.append(Finding("noisy-paging",
                           f"paged {pages} time{'s' if pages != 1 else ''} in periods that met the target with at "
                           f"least {_spent(1 - SPARE_BUDGET)} of the budget to spare ({detail}): the page policy "
                           "may be more sensitive than the agreement needs"))
    empty = [r for r in rows if r.report.outcome.no_data]
    if empty:
        reason = empty[-1].report.missing or "no valid events"
        out.append(Finding("no-data",
                           f"no data in {len(empty)} of {total} periods ({', '.join(r.label for r in empty)}): "
                           f"{reason}"))
    return out
