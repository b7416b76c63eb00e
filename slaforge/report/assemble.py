"""From what Prometheus said (:class:`RawSLA`) and what the SLA declares to the report. Pure."""

from __future__ import annotations

import bisect
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from slaforge.maintenance import Interval, maintenance_windows, total_seconds
from slaforge.report.collect import RAW, RECORDED, Bucket, RawSLA
from slaforge.report.counts import apportion, whole
from slaforge.report.credits import count_problems, exact, outcome
from slaforge.report.groups import Group, rows_of
from slaforge.report.incidents import DEFAULT_GAP, merge_firing, time_to_detect
from slaforge.report.model import DayValue, ObjectiveReport, SLAReport
from slaforge.report.periods import Period
from slaforge.spec.model import SLA, Objective

CURVE_POINTS = 400  # at most this many points of the period-to-date curve


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def assemble_sla(sla: SLA, period: Period, raw: RawSLA, gap: timedelta = DEFAULT_GAP) -> SLAReport:
    windows = maintenance_windows(sla.spec.maintenance, sla.spec.timezone, period.start, period.until)
    maintenance = total_seconds(windows)
    objectives = tuple(
        row
        for objective in sla.spec.objectives
        for row in _rows(objective, period, raw, maintenance, gap, sla)
    )
    return SLAReport(
        sla=sla.name,
        service=sla.spec.service,
        provider=sla.spec.provider,
        customer=sla.spec.customer,
        calendar=sla.spec.calendar,
        period=period,
        maintenance=tuple(windows),
        objectives=objectives,
    )


def _rows(objective: Objective, period: Period, raw: RawSLA, maintenance: float,
          gap: timedelta, sla: SLA) -> list[ObjectiveReport]:
    """One row per group of a grouped objective (one without data when no group was seen)."""
    if objective.group_by:
        rows = rows_of(objective, [*raw.buckets, *raw.firing])
        if rows:
            return [_objective(objective, period, raw, maintenance, gap, sla, key, group) for key, group in rows]
    return [_objective(objective, period, raw, maintenance, gap, sla)]


def _objective(objective: Objective, period: Period, raw: RawSLA, maintenance: float,
               gap: timedelta, sla: SLA, key: str | None = None, group: Group = ()) -> ObjectiveReport:
    key = objective.name if key is None else key
    buckets = raw.buckets.get(key, [])
    bad = sum((exact(b.bad) for b in buckets), Fraction(0)) if buckets else None
    valid = sum((exact(b.valid) for b in buckets), Fraction(0)) if buckets else None
    result = outcome(bad, valid, objective.target, objective.credits)
    days, curve, coverage = _series(period, buckets)
    incidents = merge_firing(
        (_utc(t) for t in raw.firing.get(key, [])),
        period.start, period.until, gap,
        seen_until=_utc(raw.firing_seen_until) if raw.firing_seen_until else None,
    )
    resolve = sla.spec.incidents.resolve_within
    valid_count = None if valid is None else whole(valid)
    bad_count = None if bad is None else whole(bad)  # as counted: more than valid is a data problem, not clamped
    problems = bucket_problems(buckets, raw.step)
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


def bucket_problems(buckets: list[Bucket], step: int) -> tuple[str, ...]:
    """One sentence when some buckets hold counts that cannot be right (negative, more bad than valid)."""
    wrong = [b.end for b in buckets if count_problems(exact(b.bad), exact(b.valid), None, None)]
    if not wrong:
        return ()
    return (
        f"{len(wrong)} of the {step // 60}-minute buckets hold negative counts or more bad than valid "
        f"events (the first ends {_utc(min(wrong)).strftime('%Y-%m-%dT%H:%M:%SZ')}); their days show no value",
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
        if out and out[-1][1] == _utc(b.begin):
            out[-1] = (out[-1][0], _utc(b.end))
        else:
            out.append((_utc(b.begin), _utc(b.end)))
    return tuple(out)


def _series(period: Period, buckets: list[Bucket]) -> tuple[
    tuple[DayValue, ...], tuple[tuple[datetime, float], ...], float | None
]:
    """Per-day counts, the period-to-date achieved curve and the data coverage from the buckets.

    A bucket holds the events of the 5m pieces stamped in ``(begin, end]``: it belongs to the local
    day of ``begin`` (buckets never straddle local midnight). Days are exact sums of the same
    buckets as the totals, so they always add up to them.
    """
    days = period.days()
    starts = [begin.timestamp() for _, begin, _ in days]
    day_bad = [Fraction(0)] * len(days)
    day_valid = [Fraction(0)] * len(days)
    day_raw = [False] * len(days)
    seen = [False] * len(days)
    curve: list[tuple[datetime, float]] = []
    total_bad = total_valid = Fraction(0)
    covered = 0.0
    for b in buckets:
        index = max(bisect.bisect_right(starts, b.begin) - 1, 0)
        v, bad = exact(b.valid), exact(b.bad)
        day_bad[index] += bad
        day_valid[index] += v
        day_raw[index] = day_raw[index] or b.source == RAW
        seen[index] = True
        total_bad += bad
        total_valid += v
        covered += b.end - b.begin
        if total_valid > 0:
            curve.append((_utc(b.end), float((1 - min(total_bad, total_valid) / total_valid) * 100)))
    seconds = period.covered_seconds
    coverage = round(min(covered / seconds, 1.0), 4) if seconds >= 300 else None
    out_days = tuple(
        DayValue(day, day_bad[i], day_valid[i], source=RAW if day_raw[i] else RECORDED)
        for i, (day, _, _) in enumerate(days) if seen[i] and day_valid[i] > 0
    )
    if len(curve) > CURVE_POINTS:
        stride = -(-len(curve) // CURVE_POINTS)
        curve = curve[::stride] + ([curve[-1]] if (len(curve) - 1) % stride else [])
    return out_days, tuple(curve), coverage

