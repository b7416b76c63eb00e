"""SLACreditAtRisk: the current calendar period would end below a credit tier.

PromQL has no "since the start of the month" range, so the period-to-date sums are built from
pieces, all in the 5m group, once per (calendar, timezone) for every SLA that needs them:

* ``slaforge:calendar_period:elapsed_ratio{calendar, timezone, day, period}``: the share of the
  current period elapsed (wall clock of the SLA's timezone), labelled with the number of the
  current local day and period, each counted mod 3;
* ``slaforge:calendar_day:closed{..., day, period}``: the same numbers for yesterday, present only
  at the first evaluation of a new local day;
* ``slaforge:sli_{bad,valid}_events:day5m``: each 5m piece, labelled with its local day's number;
* ``slaforge:sli_{bad,valid}_events:increase1d``: at the first evaluation of a day, the sum of
  yesterday's 5m pieces (``[26h]``: a day lasts 23 to 25 hours), labelled with yesterday's period;
  beside them ``slaforge:sli_pieces:count1d`` and ``slaforge:sli_pieces:min1d``, how many pieces
  yesterday had and the lowest of them, so that the report can take the day's sums as they are
  (:mod:`slaforge.report.daily`) instead of reading its 288 pieces again;
* ``slaforge:sli_{bad,valid}_events:period_to_date``: the daily sums of the current period
  (``[31d]`` or ``[92d]``) plus today's 5m pieces (``[25h]``);
* ``slaforge:period_projected:ratio``: ``1 - bad / (valid / elapsed_ratio)``, the achieved value
  at the period's end if no further error occurs and traffic goes on at the period's average rate;
  absent while the SLA's maintenance window is open (the alerts just select it).

Every sum keeps the group labels of grouped objectives (``by (objective, sla, <group labels>)``,
:func:`slaforge.rules.groups.by_clause`): each group's period to date, projection and
SLACreditAtRisk are its own, as its credit in the report is.

Counting days and periods mod 3 is what makes fixed ranges work: a range as long as the longest
day or period reaches back at most into the one before, which has another number, never into one
with the same number (three periods back). Each 5m read is at most 25h of one objective's pieces,
and the daily sums at most 92 samples: cheap next to the 30d window's 8,640.
"""

from __future__ import annotations

from collections.abc import Sequence

from slaforge.conventions import (
    ALERT_CREDIT_AT_RISK,
    BAD_EVENTS_1D,
    BAD_EVENTS_5M,
    BAD_EVENTS_DAY5M,
    BAD_EVENTS_PERIOD,
    CALENDAR_DAY_CLOSED,
    CALENDAR_NOW,
    LABEL_CALENDAR,
    LABEL_CREDIT,
    LABEL_DAY,
    LABEL_PERIOD,
    LABEL_SEVERITY,
    LABEL_SLA,
    LABEL_TIMEZONE,
    LOWEST_PIECE_1D,
    MAINTENANCE_ACTIVE,
    PERIOD_PROJECTED,
    PIECES_1D,
    SEVERITY_TICKET,
    TIMEZONE_OFFSET,
    VALID_EVENTS_1D,
    VALID_EVENTS_5M,
    VALID_EVENTS_DAY5M,
    VALID_EVENTS_PERIOD,
)
from slaforge.plan import CreditBand, ObjectivePlan, SLAPlan
from slaforge.promql_text import num
from slaforge.rules.fleet import select as _select
from slaforge.rules.groups import by_clause
from slaforge.rules.maintenance import offset_steps
from slaforge.rules.model import RecordingRule, record
from slaforge.rules.recording import SLOW
from slaforge.spec.model import CreditTier
from slaforge.spec.promql import Matcher, Selector

Calendar = tuple[str, str]  # (calendar, timezone)

DAY = 86400
# ranges that hold the longest local day and the longest period
DAY_RANGE = "25h"
CLOSE_RANGE = "26h"
PERIOD_RANGES = {"month": "31d", "quarter": "92d"}
PERIOD_WORDS = {"month": "calendar month", "quarter": "calendar quarter"}


def calendar_classes(slas: Sequence[SLAPlan]) -> list[tuple[Calendar, list[SLAPlan]]]:
    """SLAs needing period-to-date rules, by (calendar, timezone), sorted."""
    out: dict[Calendar, list[SLAPlan]] = {}
    for plan in slas:
        if plan.records_days:
            out.setdefault((plan.calendar, plan.timezone), []).append(plan)
    return sorted(out.items(), key=lambda item: item[0])


def credit_zones(slas: Sequence[SLAPlan]) -> set[str]:
    """Zones with DST whose offset series the period rules read."""
    return {tz for (_, tz), _ in calendar_classes(slas) if offset_steps(tz).changes}


def calendar_selector(metric: str, cal: Calendar) -> str:
    return Selector(metric, (Matcher(LABEL_CALENDAR, "=", cal[0]), Matcher(LABEL_TIMEZONE, "=", cal[1]))).render()


def local_time(timezone: str) -> str:
    """Scalar PromQL: seconds since the epoch on the zone's wall clock."""
    steps = offset_steps(timezone)
    if steps.changes:
        sel = Selector(TIMEZONE_OFFSET, (Matcher(LABEL_TIMEZONE, "=", timezone),)).render()
        return f"(scalar({sel}) + time())"
    if steps.base:
        return f"(time() + {steps.base})".replace("+ -", "- ")
    return "time()"


def _day_number(local: str) -> str:
    # (n % 3 + 3) % 3: PromQL's % keeps the sign, and local time is negative just before 1970
    return f"(floor(vector({local} / {DAY})) % 3 + 3) % 3"


def _period_number(calendar: str, local: str) -> str:
    month = f"month(vector({local}))"
    if calendar == "month":
        return f"({month} - 1) % 3"  # 12 months a year: (12 x year + month - 1) mod 3
    return f"(year(vector({local})) + floor(({month} - 1) / 3)) % 3"


def elapsed_ratio(calendar: str, local: str) -> str:
    """Vector PromQL (no labels): share of the current period elapsed, on the wall clock."""
    dom = f"day_of_month(vector({local}))"
    into_day = f"{local} % {DAY}"
    if calendar == "month":
        return f"(({dom} - 1) * {DAY} + {into_day}) / (days_in_month(vector({local})) * {DAY})"
    month = f"month(vector({local}))"
    year = f"year(vector({local}))"
    leap = f"({year} % 4 == bool 0) * (({year} % 100 != bool 0) + ({year} % 400 == bool 0))"
    before = " + ".join(
        f"({month} == bool {m}) * {days}"
        for m, days in ((2, "31"), (3, f"(59 + {leap})"), (5, "30"), (6, "61"), (8, "31"), (9, "62"),
                        (11, "31"), (12, "61"))
    )
    length = f"(90 + ({month} >= bool 4) + ({month} >= bool 7) + ({month} <= bool 3) * {leap})"
    return f"(({before} + {dom} - 1) * {DAY} + {into_day}) / ({length} * {DAY})"


def _switch(label: str, number: str, value: str) -> str:
    """``value`` labelled ``label="<number>"`` (number is 0, 1 or 2)."""
    return "\nor ".join(
        f'label_replace({value}, "{label}", "{k}", "", "") and on () ({number} == {k})' for k in range(3)
    )


def _numbered(calendar: str, local: str, value: str) -> str:
    day = _switch(LABEL_DAY, _day_number(local), value)
    period = _switch(LABEL_PERIOD, _period_number(calendar, local), "vector(1)")
    return f"(\n{day}\n)\n* on () group_left ({LABEL_PERIOD}) (\n{period}\n)"


def period_rules(slas: Sequence[SLAPlan]) -> list[RecordingRule]:
    """The period-to-date rules of every (calendar, timezone) class, for the 5m group (after the
    5m pieces)."""
    rules: list[RecordingRule] = []
    for cal, members in calendar_classes(slas):
        calendar, timezone = cal
        local = local_time(timezone)
        by = by_clause(members)  # a grouped objective's sums stay one per group
        labels = {LABEL_CALENDAR: calendar, LABEL_TIMEZONE: timezone}
        now = calendar_selector(CALENDAR_NOW, cal)
        closed = calendar_selector(CALENDAR_DAY_CLOSED, cal)
        rules.append(record(CALENDAR_NOW, _numbered(calendar, local, elapsed_ratio(calendar, local)) + "\n", labels))
        yesterday = f"({local} - {DAY})"
        first = f"vector({local} % {DAY}) < {SLOW.seconds:g}"
        rules.append(record(
            CALENDAR_DAY_CLOSED, f"(\n{_numbered(calendar, yesterday, 'vector(1)')}\n)\nand on () ({first})\n", labels
        ))
        sides = ((BAD_EVENTS_5M, BAD_EVENTS_DAY5M, BAD_EVENTS_1D, BAD_EVENTS_PERIOD),
                 (VALID_EVENTS_5M, VALID_EVENTS_DAY5M, VALID_EVENTS_1D, VALID_EVENTS_PERIOD))
        for five, day5m, _, _ in sides:
            rules.append(record(
                day5m, f"{_select(five, members)}\n* on () group_left ({LABEL_DAY}) group by ({LABEL_DAY}) ({now})\n"
            ))
        for _, day5m, daily, _ in sides:
            per_day = f"sum by ({by}, {LABEL_DAY}) (sum_over_time({_select(day5m, members)}[{CLOSE_RANGE}]))"
            rules.append(record(daily, _yesterday("sum", by, per_day, closed)))
        rules += day_checks(members, by, closed)
        for _, day5m, daily, to_date in sides:
            rules.append(record(to_date, (
                f"sum by ({by}) (\n"
                f"  sum_over_time({_select(daily, members)}[{PERIOD_RANGES[calendar]}]) and on ({LABEL_PERIOD}) {now}\n"
                f"  or\n"
                f"  sum_over_time({_select(day5m, members)}[{DAY_RANGE}]) and on ({LABEL_DAY}) {now}\n)\n"
            )))
        # absent during maintenance: the alerts then just select their series (one lookup each)
        rules.append(record(PERIOD_PROJECTED, (
            f"(\n1 - {_select(BAD_EVENTS_PERIOD, members)}\n"
            f"/ ({_select(VALID_EVENTS_PERIOD, members)} / on () group_left () {now})\n)\n"
            f"unless on ({LABEL_SLA}) ({MAINTENANCE_ACTIVE} == 1)\n"
        )))
    return rules


def _yesterday(aggregate: str, by: str, per_day: str, closed: str) -> str:
    """``per_day`` (by day number) kept for yesterday's number only, labelled with its period: a
    daily rule, present at the first evaluation of a local day."""
    return (f"{aggregate} by ({by}, {LABEL_PERIOD}) (\n"
            f"  {per_day}\n"
            f"  * on ({LABEL_DAY}) group_left ({LABEL_PERIOD}) {closed}\n)\n")


def day_checks(members: Sequence[SLAPlan], by: str, closed: str) -> list[RecordingRule]:
    """Next to each daily sum: how many 5m pieces the day had and the lowest of them (bad or valid),
    which tell the report that the day's sums are whole and sound (:mod:`slaforge.report.daily`)."""
    bad, valid = (f"{_select(day5m, members)}[{CLOSE_RANGE}]" for day5m in (BAD_EVENTS_DAY5M, VALID_EVENTS_DAY5M))
    count = f"sum by ({by}, {LABEL_DAY}) (count_over_time({valid}))"
    # the two sides told apart by a label, so that `or` keeps both before the min
    lowest = (f"min by ({by}, {LABEL_DAY}) (\n    min_over_time({bad})\n"
              f'    or label_replace(min_over_time({valid}), "slaforge_side", "valid", "", "")\n  )')
    return [record(PIECES_1D, _yesterday("sum", by, count, closed)),
            record(LOWEST_PIECE_1D, _yesterday("min", by, lowest, closed))]


def credit_text(credit: float) -> str:
    """The ``credit`` label: a plain number, ``25`` or ``12.5``."""
    return num(credit)


def at_risk_expr(objective: ObjectivePlan, band: CreditBand) -> str:
    cond = f"{objective.selector(PERIOD_PROJECTED)} < {num(band.tier.below / 100)}"
    if band.floor is not None:
        cond += f" >= {num(band.floor / 100)}"
    return cond


def credit_labels(tier: CreditTier) -> dict[str, str]:
    return {LABEL_SEVERITY: SEVERITY_TICKET, LABEL_CREDIT: credit_text(tier.credit)}


__all__ = [
    "ALERT_CREDIT_AT_RISK",
    "PERIOD_WORDS",
    "at_risk_expr",
    "calendar_classes",
    "calendar_selector",
    "credit_labels",
    "credit_zones",
    "period_rules",
]
