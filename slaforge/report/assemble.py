"""From what Prometheus said (:class:`RawSLA`) and what the SLA declares to the report. Pure."""

from __future__ import annotations

import bisect
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, Inexact, Rounded
from fractions import Fraction

from slaforge.maintenance import Interval, lay_out, total_seconds
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.report.collect import RAW, RECORDED, Bucket, RawSLA
from slaforge.report.counts import apportion, whole
from slaforge.report.credits import count_problems, outcome
from slaforge.report.groups import Group, rows_of
from slaforge.report.incidents import DEFAULT_GAP, merge_firing, time_to_detect
from slaforge.report.model import DayValue, ObjectiveReport, SLAReport
from slaforge.report.periods import Period
from slaforge.timezones import utc

CURVE_POINTS = 400  # at most this many points of the period-to-date curve
# The buckets' counts are summed as decimals, exactly: this context never rounds (it would raise).
# Thousands of buckets per objective; as Fractions each sum would cost a gcd (issue 17, the bench).
EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])
Counts = list[tuple[Decimal, Decimal]]  # (bad, valid) of each bucket, exact


def assemble_sla(sla: SLAPlan, period: Period, raw: RawSLA, gap: timedelta = DEFAULT_GAP) -> SLAReport:
    windows = lay_out(sla.windows, sla.timezone, period.start, period.until)
    maintenance = total_seconds(windows)
    objectives = tuple(
        row
        for objective in sla.objectives
        for row in _rows(objective, period, raw, maintenance, gap, sla)
    )
    return SLAReport(
        sla=sla.name,
        service=sla.service,
        provider=sla.provider,
        customer=sla.customer,
        calendar=sla.calendar,
        period=period,
        maintenance=tuple(windows),
        objectives=objectives,
    )


def _rows(objective: ObjectivePlan, period: Period, raw: RawSLA, maintenance: float,
          gap: timedelta, sla: SLAPlan) -> list[ObjectiveReport]:
    """One row per group of a grouped objective (one without data when no group was seen)."""
    if objective.group_by:
        rows = rows_of(objective, [*raw.buckets, *raw.firing])
        if rows:
            return [_objective(objective, period, raw, maintenance, gap, sla, key, group) for key, group in rows]
    return [_objective(objective, period, raw, maintenance, gap, sla)]


def _objective(objective: ObjectivePlan, period: Period, raw: RawSLA, maintenance: float,
               gap: timedelta, sla: SLAPlan, key: str | None = None, group: Group = ()) -> ObjectiveReport:
    key = objective.name if key is None else key
    buckets = raw.buckets.get(key, [])
    counts = [(Decimal(b.bad), Decimal(b.valid)) for b in buckets]
    days, curve, coverage, (total_bad, total_valid) = _series(period, buckets, counts)
    if not raw.days:
        days = ()  # whole periods (the review): no day breakdown to show
    bad = Fraction(total_bad) if buckets else None
    valid = Fraction(total_valid) if buckets else None
    result = outcome(bad, valid, objective.target, objective.credits)
    incidents = merge_firing(
        (utc(t) for t in raw.firing.get(key, [])),
        period.start, period.until, gap,
        seen_until=utc(raw.firing_seen_until) if raw.firing_seen_until else None,
    )
    resolve = sla.resolve_within
    valid_count = None if valid is None else whole(valid)
    bad_count = None if bad is None else whole(bad)  # as counted: more than valid is a data problem, not clamped
    problems = bucket_problems(buckets, counts, raw.step)
    if days and bad_count is not None and valid_count is not None and not problems and not result.problems:
        day_bad = apportion([d.bad for d in days], bad_count)
        day_valid = apportion([d.valid for d in days], valid_count)
        days = tuple(replace(d, bad_count=b, valid_count=v) for d, b, v in zip(days, day_bad, day_valid, strict=True))
    uses_raw = any(b.source == RAW for b in buckets)
    return ObjectiveReport(
        name=objective.name,
        description=objective.description,
        target=objective.target,
        tiers=objective.credits,
        outcome=result,
        bad_events=bad,
        valid_events=valid,
        maintenance_seconds=maintenance,
        days=days,
        incidents=tuple(incidents),
        coverage=coverage,
        curve=curve,
        bad_count=bad_count,
        valid_count=valid_count,
        source=(RAW if uses_raw else RECORDED) if buckets else None,
        raw_stretches=_stretches(buckets),
        missing=None if not result.no_data else missing_reason(objective.name, raw, key),
        resolve_within=None if resolve is None else resolve.seconds,
        detect=tuple(None if i.open_at_start else time_to_detect(i.start, sorted(raw.burning.get(key, [])))
                     for i in incidents),
        bucket_problems=problems,
        group=group,
    )


def bucket_problems(buckets: list[Bucket], counts: Counts, step: int) -> tuple[str, ...]:
    """One sentence when some buckets hold counts that cannot be right (negative, more bad than valid)."""
    wrong = [b.end for b, (bad, valid) in zip(buckets, counts, strict=True) if count_problems(bad, valid, None, None)]
    if not wrong:
        return ()
    return (
        f"{len(wrong)} of the {step // 60}-minute buckets hold negative counts or more bad than valid "
        f"events (the first ends {utc(min(wrong)).strftime('%Y-%m-%dT%H:%M:%SZ')}); their days show no value",
    )


def missing_reason(objective: str, raw: RawSLA, key: str | None = None) -> str:
    """What is missing when an objective (or one group of it, ``key``) has no data, in words (for the
    report and the warning)."""
    row = objective if key is None else key
    if row in raw.pieces_seen or row in raw.raw_seen:
        return "no valid events: the SLI's series were there but counted no event (no traffic, or all in maintenance)"
    if raw.rules_loaded is not None and objective in raw.rules_loaded:
        return ("the slaforge recording rules are loaded but had not recorded a 5m piece for it yet (the first "
                "comes within about 7 minutes of loading them), and the SLI's own series have no samples")
    return ("neither the slaforge recording rules (no slaforge:objective:ratio series for it) nor the SLI's own "
            "series (no samples of its valid-events selector) are in this Prometheus for the period")


def _stretches(buckets: list[Bucket]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    for b in buckets:
        if b.source != RAW:
            continue
        if out and out[-1][1] == utc(b.begin):
            out[-1] = (out[-1][0], utc(b.end))
        else:
            out.append((utc(b.begin), utc(b.end)))
    return tuple(out)


def _series(period: Period, buckets: list[Bucket], counts: Counts) -> tuple[
    tuple[DayValue, ...], tuple[tuple[datetime, float], ...], float | None, tuple[Decimal, Decimal]
]:
    """Per-day counts, the period-to-date achieved curve and the data coverage from the buckets.

    A bucket holds the events of the 5m pieces stamped in ``(begin, end]``: it belongs to the local
    day of ``begin`` (buckets never straddle local midnight). Days are exact sums of the same
    buckets as the totals, so they always add up to them (the totals are returned too, exact).
    """
    days = period.days()
    starts = [begin.timestamp() for _, begin, _ in days]
    zero = Decimal(0)
    day_bad = [zero] * len(days)
    day_valid = [zero] * len(days)
    day_raw = [False] * len(days)
    seen = [False] * len(days)
    running: list[tuple[float, Decimal, Decimal]] = []  # bucket end, totals so far (valid > 0)
    total_bad = total_valid = zero
    covered = 0.0
    add = EXACT.add
    for b, (bad, v) in zip(buckets, counts, strict=True):
        index = max(bisect.bisect_right(starts, b.begin) - 1, 0)
        day_bad[index] = add(day_bad[index], bad)
        day_valid[index] = add(day_valid[index], v)
        day_raw[index] = day_raw[index] or b.source == RAW
        seen[index] = True
        total_bad = add(total_bad, bad)
        total_valid = add(total_valid, v)
        covered += b.end - b.begin
        if total_valid > 0:
            running.append((b.end, total_bad, total_valid))
    seconds = period.covered_seconds
    coverage = round(min(covered / seconds, 1.0), 4) if seconds >= 300 else None
    out_days = tuple(
        DayValue(day, Fraction(day_bad[i]), Fraction(day_valid[i]), source=RAW if day_raw[i] else RECORDED)
        for i, (day, _, _) in enumerate(days) if seen[i] and day_valid[i] > 0
    )
    if len(running) > CURVE_POINTS:
        stride = -(-len(running) // CURVE_POINTS)
        running = running[::stride] + ([running[-1]] if (len(running) - 1) % stride else [])
    curve = tuple((utc(end), _achieved_percent(tb, tv)) for end, tb, tv in running)
    return out_days, curve, coverage, (total_bad, total_valid)


def _achieved_percent(bad: Decimal, valid: Decimal) -> float:
    """``(1 - min(bad, valid) / valid) * 100`` correctly rounded to a float (as ``float(Fraction)``), in
    integers: one curve point per day and row, thousands of rows."""
    good_n, good_d = EXACT.subtract(valid, min(bad, valid)).as_integer_ratio()
    valid_n, valid_d = valid.as_integer_ratio()
    return (good_n * 100 * valid_d) / (good_d * valid_n)
