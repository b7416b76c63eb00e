"""From what Prometheus said (:class:`RawSLA`) and what the SLA declares to the report. Pure."""

from __future__ import annotations

import bisect
from datetime import UTC, datetime, timedelta

from slaforge.report.collect import RawSLA
from slaforge.report.credits import count_problems, exact, outcome
from slaforge.report.groups import Group, rows_of
from slaforge.report.incidents import DEFAULT_GAP, merge_firing
from slaforge.report.maintenance import maintenance_windows, total_seconds
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
        for row in _rows(objective, period, raw, maintenance, gap)
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
          gap: timedelta) -> list[ObjectiveReport]:
    """One row per group of a grouped objective (one without data when no group was seen)."""
    if objective.group_by:
        rows = rows_of(objective, [*raw.totals, *raw.buckets, *raw.firing])
        if rows:
            return [_objective(objective, period, raw, maintenance, gap, key, group) for key, group in rows]
    return [_objective(objective, period, raw, maintenance, gap)]


def _objective(objective: Objective, period: Period, raw: RawSLA, maintenance: float,
               gap: timedelta, key: str | None = None, group: Group = ()) -> ObjectiveReport:
    key = objective.name if key is None else key
    totals = raw.totals.get(key, {})
    bad, valid = totals.get("bad"), totals.get("valid")
    result = outcome(bad, valid, objective.target, objective.credits)
    buckets = raw.buckets.get(key, {})
    bad_buckets, valid_buckets = buckets.get("bad", {}), buckets.get("valid", {})
    days, curve, coverage = _series(period, bad_buckets, valid_buckets, raw.step)
    incidents = merge_firing(
        (_utc(t) for t in raw.firing.get(key, [])),
        period.start, period.until, gap,
        seen_until=_utc(raw.firing_seen_until) if raw.firing_seen_until else None,
    )
    return ObjectiveReport(
        name=objective.name,
        description=objective.description,
        target=objective.target,
        tiers=objective.credits,
        outcome=result,
        bad_events=None if bad is None else exact(bad),
        valid_events=None if valid is None else exact(valid),
        maintenance_seconds=maintenance,
        days=days,
        incidents=tuple(incidents),
        coverage=coverage,
        curve=curve,
        bucket_problems=bucket_problems(bad_buckets, valid_buckets, raw.step),
        group=group,
    )


def bucket_problems(bad: dict[float, str], valid: dict[float, str], step: int) -> tuple[str, ...]:
    """One sentence when some buckets hold counts that cannot be right (negative, more bad than valid)."""
    wrong = sorted(
        t for t in set(bad) | set(valid)
        if count_problems(exact(bad.get(t, "0")), exact(valid.get(t, "0")), None, None)
    )
    if not wrong:
        return ()
    return (
        f"{len(wrong)} of the {step // 60}-minute buckets hold negative counts or more bad than valid "
        f"events (the first ends {_utc(wrong[0]).strftime('%Y-%m-%dT%H:%M:%SZ')}); their days show no value",
    )


def _series(period: Period, bad: dict[float, str], valid: dict[float, str], step: int) -> tuple[
    tuple[DayValue, ...], tuple[tuple[datetime, float], ...], float | None
]:
    """Per-day counts, the period-to-date achieved curve and the data coverage from the buckets.

    The bucket stamped ``t`` holds the events of ``(t - step, t]``: it belongs to the local day of
    ``t - step``.
    """
    days = period.days()
    starts = [begin.timestamp() for _, begin, _ in days]
    # Floats here (exact for whole counts below 2**53): per-day and curve values are for display;
    # the verdict and the credit come from the exact totals.
    day_bad = [0.0] * len(days)
    day_valid = [0.0] * len(days)
    curve: list[tuple[datetime, float]] = []
    total_bad = total_valid = 0.0
    stamps = sorted(valid)
    for t in stamps:
        index = bisect.bisect_right(starts, t - step) - 1
        if index < 0:
            continue
        v = float(valid[t])
        b = float(bad.get(t, 0.0))
        day_bad[index] += b
        day_valid[index] += v
        total_bad += b
        total_valid += v
        if total_valid > 0:
            curve.append((_utc(t), (1 - min(total_bad, total_valid) / total_valid) * 100))
    expected = int(period.covered_seconds // step)
    coverage = round(min(len(stamps) / expected, 1.0), 4) if expected else None
    out_days = tuple(
        DayValue(day, exact(day_bad[i]), exact(day_valid[i])) for i, (day, _, _) in enumerate(days) if day_valid[i] > 0
    )
    if len(curve) > CURVE_POINTS:
        stride = -(-len(curve) // CURVE_POINTS)
        curve = curve[::stride] + ([curve[-1]] if (len(curve) - 1) % stride else [])
    return out_days, tuple(curve), coverage
