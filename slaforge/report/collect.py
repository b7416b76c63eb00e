"""What the report asks Prometheus: the PromQL (pure) and the queries per SLA (I/O).

Per SLA, whatever its number of objectives and the period's length:

1. sums: one query of the bad and valid sums of the recorded 5m pieces (``BAD_EVENTS_5M`` /
   ``VALID_EVENTS_5M``, maintenance already excluded) per local day (for the review, which needs no
   days: over the whole period), with the number of pieces and the lowest piece of each
   (:mod:`slaforge.report.spans`): a range query with a step of a day when the days are equally
   long, else one instant query of each day ``@`` its end (a DST day is 23 or 25 hours);
2. tail: for a partial period, one instant query of the same sums over the day in progress, up to
   now; the totals are the sums of the days (and buckets) and of the tail, so that the days always
   add up to them;
3. incidents: one instant query of the raw ``ALERTS`` samples of the SLA's page alerts over the
   period (a range vector: no points limit, and only firing samples exist).

SLAs whose periods have the same bounds, timezone and group labels share queries 1 and 3
(``sla=~"a|b|..."``, summed ``by (sla, ...)``, :mod:`slaforge.report.batch`).

Then, only where needed:

4. for days whose pieces are neither all there and sound nor all missing, one range query of the
   15-minute sums (a coarser step for periods so long that 15m would exceed Prometheus' 11,000
   points) from the first such day to the last, and one instant query for the tail;
5. per objective with days (or buckets) the pieces do not cover at all, one query of the SLI's own
   series over those days (:mod:`slaforge.report.raw`, with the count of its 1m pieces: a day they
   do not fully cover is asked in buckets, as in 4) and one for the tail; per objective with
   buckets partly covered, one range query from the first such bucket to the last and one for the
   tail; and per SLA one instant query reading when its pieces are stamped;
6. when an objective has no data at all, one instant query telling whether the SLA's rules were
   loaded, to say what is missing; when it paged, one for the time to detect.

A sample of the 5m counts stamped ``t`` counts the events of ``(t-5m, t]``; so a period
``[start, end)`` is the samples stamped in ``(start, end]``: ranges end 1ms short of their
length so that the sample stamped exactly at ``start`` (the previous period's last) is left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from itertools import pairwise

from slaforge.conventions import (
    ALERT_BURN,
    BAD_EVENTS_5M,
    LABEL_OBJECTIVE,
    LABEL_SEVERITY,
    LABEL_SLA,
    OBJECTIVE_RATIO,
    SEVERITY_PAGE,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
    error_ratio_rule,
)
from slaforge.maintenance import Interval, lay_out
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.promql_text import quote
from slaforge.report.client import MAX_POINTS, PrometheusClient, Series, is_number
from slaforge.report.daily import Top, answered, daily_answer, daily_query
from slaforge.report.groups import row_key, rows_of
from slaforge.report.incidents import DEFAULT_GAP, DETECT_LOOKBACK
from slaforge.report.periods import Period
from slaforge.report.raw import KIND_LABEL, Offsets, raw_sums_query, windows_near
from slaforge.report.spans import (
    EMPTY,
    END_LABEL,
    FULL,
    PARTIAL,
    classify_raw,
    classify_recorded,
    coarse_spans,
    raw_span_query,
    recorded_span_query,
    sla_matcher,
)
from slaforge.spec.promql import Matcher

PIECE = 300  # seconds between two recorded 5m pieces
# Bucket steps, finest first; all are multiples of 15m, so with every real UTC offset a bucket
# never straddles local midnight.
STEPS = (900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)

RECORDED, RAW = "recorded", "raw"
DETECT_WINDOW = "5m"  # the error ratio compared with the page threshold for the time to detect


def range_ms(seconds: float) -> str:
    """A range selector duration 1ms short of ``seconds`` (see the module docstring)."""
    return f"{max(round(seconds * 1000) - 1, 1)}ms"


def sums_query(sla: str, seconds: float, groups: tuple[str, ...] = (), only: str = "") -> str:
    """Bad and valid event sums per objective (and group) over the ``seconds`` before the evaluation
    time, and the number of 5m pieces they add up (``slaforge_kind="pieces"``)."""
    by = ", ".join((LABEL_OBJECTIVE, *groups))
    parts = []
    for kind, function, metric in (("bad", "sum_over_time", BAD_EVENTS_5M),
                                   ("valid", "sum_over_time", VALID_EVENTS_5M),
                                   ("pieces", "count_over_time", VALID_EVENTS_5M)):
        inner = f"{function}({metric}{{{LABEL_SLA}={quote(sla)}{only}}}[{range_ms(seconds)}])"
        parts.append(
            f'label_replace(sum by ({by}) ({inner}), "{KIND_LABEL}", "{kind}", "", "")'
        )
    return " or ".join(parts)


def firing_query(names: Sequence[str], seconds: float, only: str = "") -> str:
    """Raw firing samples of the SLAs' page alerts over the ``seconds`` before the evaluation time."""
    selector = (
        f'ALERTS{{alertname="{ALERT_BURN}",alertstate="firing",'
        f'{LABEL_SEVERITY}="{SEVERITY_PAGE}",{sla_matcher(names)}{only}}}'
    )
    return f"{selector}[{range_ms(seconds)}]"


def rules_query(sla: str, seconds: float) -> str:
    """Which objectives of the SLA had their rules loaded at some time in the ``seconds`` before."""
    selector = f"{OBJECTIVE_RATIO}{{{LABEL_SLA}={quote(sla)}}}"
    return f"count by ({LABEL_OBJECTIVE}) (count_over_time({selector}[{range_ms(seconds)}]))"


def burning_query(sla: SLAPlan, seconds: float, only: str = "") -> str | None:
    """The whole minutes of the ``seconds`` before the evaluation time when each objective's 5m
    error ratio was above its lowest page threshold (for the time to detect); None without pages."""
    parts = []
    for objective in sla.objectives:
        # the page alerts the rules generate: the SLA's own policies, paging on, applicable
        thresholds = [a.threshold for a in objective.alerts_of(SEVERITY_PAGE)]
        if thresholds:
            selector = (f"{error_ratio_rule(DETECT_WINDOW)}{{{LABEL_SLA}={quote(sla.name)},"
                        f"{LABEL_OBJECTIVE}={quote(objective.name)}{only}}}")
            parts.append(f"{selector} > {min(thresholds)!r}")
    if not parts:
        return None
    return f"({' or '.join(parts)})[{range_ms(seconds)}:1m]"


def offsets_query(sla: str) -> str:
    """When the SLA's latest 5m and 1m pieces were stamped (for :class:`~slaforge.report.raw.Offsets`)."""
    parts = []
    for kind, metric in (("five", VALID_EVENTS_5M), ("one", VALID_EVENTS_1M)):
        inner = f"max(timestamp({metric}{{{LABEL_SLA}={quote(sla)}}}))"
        parts.append(f'label_replace({inner}, "{KIND_LABEL}", "{kind}", "", "")')
    return " or ".join(parts)


def bucket_step(seconds: float) -> int:
    """The finest bucket step that keeps a range query over ``seconds`` within the points limit."""
    for step in STEPS:
        if seconds / step + 1 <= MAX_POINTS:
            return step
    return math.ceil(seconds / (MAX_POINTS - 1) / 86400) * 86400


@dataclass(frozen=True)
class Bucket:
    """The events of the 5m pieces stamped in ``(begin, end]`` (unix seconds), as Prometheus wrote them."""

    begin: float
    end: float
    bad: str
    valid: str
    source: str  # recorded | raw


@dataclass
class RawSLA:
    """What Prometheus said about one SLA over one period; values kept as Prometheus wrote them."""

    buckets: dict[str, list[Bucket]] = field(default_factory=dict)  # objective -> buckets in time order
    step: int = STEPS[0]
    firing: dict[str, list[float]] = field(default_factory=dict)  # objective -> sample times
    firing_seen_until: float = 0.0
    burning: dict[str, list[float]] = field(default_factory=dict)  # objective -> minutes above the page threshold
    pieces_seen: set[str] = field(default_factory=set)  # objectives with at least one recorded 5m piece
    raw_seen: set[str] = field(default_factory=set)  # objectives whose SLI series answered
    rules_loaded: set[str] | None = None  # objectives whose rules were loaded (asked only when needed)
    days: bool = True  # buckets never straddle a local day (False: whole periods, for the review)


@dataclass
class _Side:
    """One source's answer for one objective: bucket end -> (bad, valid, pieces)."""

    values: dict[float, dict[str, str]] = field(default_factory=dict)


def _by_objective(series: list[Series], at: float | None = None, groups: tuple[str, ...] = (),
                  objective: str | None = None) -> dict[str, _Side]:
    """Series by row key (:func:`~slaforge.report.groups.row_key`: the objective's name, with its
    group for a grouped objective); ``objective`` names the series that carry no objective label."""
    out: dict[str, _Side] = {}
    for item in series:
        name = item.labels.get(LABEL_OBJECTIVE, "") if objective is None else objective
        kind = item.labels.get(KIND_LABEL)
        if not kind or (objective is not None and LABEL_OBJECTIVE in item.labels):
            continue  # the raw sums carry no objective label
        side = out.setdefault(row_key(name, item.labels, groups), _Side())
        for t, v in item.samples:
            if is_number(v):
                side.values.setdefault(at if at is not None else t, {})[kind] = v
    return out


def _grid(period: Period, step: int) -> tuple[list[float], float]:
    """Ends of the whole buckets of the covered part, and where the tail after them ends."""
    first = period.start.timestamp() + step
    count = math.floor((period.until.timestamp() - period.start.timestamp()) / step)
    return [first + i * step for i in range(count)], period.until.timestamp()


def _expected(begin: float, end: float) -> int:
    return math.floor((end - begin) / PIECE + 1e-9)


def _row_keys(objective: ObjectivePlan, keys: Iterable[str]) -> list[str]:
    """The objective's rows among ``keys``: its name, or for a grouped objective each group seen."""
    if not objective.group_by:
        return [objective.name]
    return [key for key, _ in rows_of(objective, keys)]


@dataclass(frozen=True)
class Ahead:
    """What was asked for several SLAs together (:mod:`slaforge.report.batch`): this SLA's share."""

    top: dict[str, dict[float, dict[str, str]]]  # the coarse spans' sums, as _spans_answer gives them
    firing: list[Series]  # its ALERTS samples


def collect(client: PrometheusClient, sla: SLAPlan, period: Period, gap: timedelta = DEFAULT_GAP,
            only: str = "", whole_period: bool = False, ahead: Ahead | None = None,
            group: Mapping[str, str] | None = None) -> RawSLA:
    """Run the queries for one SLA (``only``: extra matchers selecting one group, see
    :func:`~slaforge.report.groups.group_matchers`; ``group`` the same group, for the SLI's own
    series). Raises :class:`~slaforge.report.client.PrometheusError`.

    The sums are asked per local day (per period with ``whole_period``, for the review, which
    needs no days), and in buckets only over the days that need it (:mod:`slaforge.report.spans`).
    A grouped objective's rows are keyed by :func:`~slaforge.report.groups.row_key`; each group's
    buckets fall back to the raw history where that group's pieces do not cover them."""
    name = sla.name
    groups = sla.group_labels
    raw = RawSLA(step=bucket_step(period.covered_seconds), days=not whole_period)
    step = raw.step
    ends, until = _grid(period, step)
    start = period.start.timestamp()
    last = ends[-1] if ends else start
    tail = until - last
    fine_spans = [(t - step, t) for t in ends] + ([(last, until)] if tail > 0 else [])
    windows = lay_out(sla.windows, sla.timezone,
                                  period.start - timedelta(days=1), period.until + timedelta(days=1))
    coarse = coarse_spans(period, step, whole_period) or []
    objectives = sla.objectives

    # 1. the coarse spans' sums; a row partly recorded in a span has that span refined
    if ahead is not None:
        top = ahead.top
    elif coarse:
        top = recorded_top(client, [name], {name} if reads_days(sla, whole_period) else set(), groups, only,
                           coarse, last)[name]
    else:
        top = {}
    rows = {o.name: _row_keys(o, top) for o in objectives}
    state = {key: {span: classify_recorded(span, top.get(key, {}).get(span[1])) for span in coarse}
             for keys in rows.values() for key in keys}
    refined = {span for per_key in state.values() for span, st in per_key.items() if st == PARTIAL}
    if whole_period and refined:
        return _by_days(client, sla, period, gap, only, group)
    if not coarse:
        refined = {(start, until)}
    # 2. the buckets of the refined spans
    recorded: dict[str, _Side] = {}
    fine: list[tuple[float, float]] = []
    fine = _refine(client, name, groups, only, fine_spans, refined, step, last, until, recorded, fine)
    rows = {o.name: _row_keys(o, [*top, *recorded]) for o in objectives}
    # 3. what the pieces miss: coarse spans without any piece, buckets short of pieces
    kept = [span for span in coarse if span not in refined]
    empty = {o.name: [span for span in kept
                      if not rows[o.name] or any(state.get(key, {}).get(span) == EMPTY for key in rows[o.name])]
             for o in objectives}
    row_missing, missing = _missing(objectives, rows, recorded, fine)
    offsets = Offsets()
    if any(empty.values()) or any(missing.values()):
        full = [span[1] for per_key in state.values() for span, st in per_key.items() if st == FULL]
        full += [e for b, e in fine if any(float(side.values.get(e, {}).get("pieces", "0")) >= _expected(b, e) > 0
                                           for side in recorded.values())]
        offsets = _offsets(client, name, max(full) if full else None)
    # 4. the empty coarse spans from the SLI's own series; spans it covers only partly are refined
    back_top: dict[str, dict[str, dict[float, dict[str, str]]]] = {}
    more: set[tuple[float, float]] = set()
    for target in objectives:
        if not empty[target.name]:
            continue
        answer = _spans_answer(client, partial(raw_span_query, sla, target, windows, offsets, narrow(target, group)),
                               empty[target.name], last, tuple(sorted(target.group_by)), objective=target.name)[""]
        back_top[target.name] = answer
        for key in {*answer, *rows[target.name]}:
            for span in empty[target.name]:
                if state.get(key, {}).get(span, EMPTY) == EMPTY and \
                        classify_raw(span, answer.get(key, {}).get(span[1]), offsets) == PARTIAL:
                    more.add(span)
    if more and whole_period:
        return _by_days(client, sla, period, gap, only, group)
    if more:
        refined |= more
        fine = _refine(client, name, groups, only, fine_spans, more, step, last, until, recorded, fine)
        rows = {o.name: _row_keys(o, [*top, *recorded]) for o in objectives}
        row_missing, missing = _missing(objectives, rows, recorded, fine)
    kept = [span for span in coarse if span not in refined]
    # 5. the buckets the pieces miss, from the SLI's own series
    every = set(fine)
    for target in objectives:
        fallback = _raw(client, sla, target, missing[target.name], step, last, windows, offsets,
                        narrow(target, group))
        answer = back_top.get(target.name, {})
        keys = rows[target.name] if not target.group_by else sorted({*rows[target.name], *fallback, *answer})
        for key in keys:
            got = recorded.get(key, _Side()).values
            coarse_got = top.get(key, {})
            if any(float(v.get("pieces", "0")) > 0 for v in (*got.values(), *coarse_got.values())):
                raw.pieces_seen.update((key, target.name))
            back = fallback.get(key, {})
            if any("valid" in v for v in (*back.values(), *answer.get(key, {}).values())):
                raw.raw_seen.update((key, target.name))
            gaps = row_missing.get(key, every)
            buckets = []
            for span in kept:
                b, e = span
                st = state.get(key, {}).get(span, EMPTY)
                v = coarse_got.get(e, {})
                back_v = answer.get(key, {}).get(e)
                if st == FULL:
                    buckets.append(Bucket(b, e, v.get("bad", "0"), v["valid"], RECORDED))
                elif back_v is not None and classify_raw(span, back_v, offsets) == FULL:
                    buckets.append(Bucket(b, e, back_v.get("bad", "0"), back_v["valid"], RAW))
            for b, e in fine:
                if (b, e) in gaps and "valid" in back.get(e, {}):
                    v = back[e]
                    buckets.append(Bucket(b, e, v.get("bad", "0"), v["valid"], RAW))
                elif "valid" in got.get(e, {}):
                    v = got[e]
                    buckets.append(Bucket(b, e, v.get("bad", "0"), v["valid"], RECORDED))
            buckets.sort(key=lambda bucket: bucket.end)
            raw.buckets[key] = buckets

    # Look `gap` beyond the period on both sides (when that is already in the past) to tell
    # whether an incident was open at its edges.
    seen_until = min(period.until + gap, period.now)
    look = (seen_until - period.start).total_seconds() + gap.total_seconds()
    series = ahead.firing if ahead is not None else \
        client.query(firing_query([name], look, only), seen_until, expect="matrix")[1]
    for item in series:
        objective_name = item.labels.get(LABEL_OBJECTIVE)
        if objective_name:
            key = row_key(objective_name, item.labels, groups)
            raw.firing.setdefault(key, []).extend(t for t, _ in item.samples)
    raw.firing_seen_until = seen_until.timestamp()
    if any(raw.firing.values()):
        look_back = look + DETECT_LOOKBACK.total_seconds()
        query = burning_query(sla, look_back, only)
        if query is not None:
            _, series = client.query(query, seen_until, expect="matrix")
            for item in series:
                objective_name = item.labels.get(LABEL_OBJECTIVE)
                if objective_name:
                    key = row_key(objective_name, item.labels, groups)
                    raw.burning.setdefault(key, []).extend(t for t, _ in item.samples)

    if any(not any(float(b.valid) > 0 for key in _row_keys(o, raw.buckets) for b in raw.buckets.get(key, []))
           for o in sla.objectives):
        _, series = client.query(rules_query(name, period.covered_seconds), period.until, expect="vector")
        raw.rules_loaded = {item.labels.get(LABEL_OBJECTIVE, "") for item in series}
    return raw


Span = tuple[float, float]


def _by_days(client: PrometheusClient, sla: SLAPlan, period: Period, gap: timedelta, only: str,
             group: Mapping[str, str] | None) -> RawSLA:
    """A period not taken as a whole, asked per day (and in buckets where the days need it)."""
    raw = collect(client, sla, period, gap, only, group=group)
    raw.days = False
    return raw


def _missing(objectives: Iterable[ObjectivePlan], rows: dict[str, list[str]], recorded: dict[str, _Side],
             fine: list[Span]) -> tuple[dict[str, set[Span]], dict[str, list[Span]]]:
    """Per row, the buckets its pieces do not cover; per objective, those some group's pieces miss (all
    of them when no group was recorded)."""
    row_missing = {
        key: {(b, e) for b, e in fine
              if float(recorded.get(key, _Side()).values.get(e, {}).get("pieces", "0")) < _expected(b, e)}
        for keys in rows.values() for key in keys
    }
    missing = {}
    for o in objectives:
        gaps = set().union(*(row_missing[key] for key in rows[o.name])) if rows[o.name] else set(fine)
        missing[o.name] = [span for span in fine if span in gaps]
    return row_missing, missing


def _refine(client: PrometheusClient, name: str, groups: tuple[str, ...], only: str, fine_spans: list[Span],
            spans: set[Span], step: int, last: float, until: float, recorded: dict[str, _Side],
            fine: list[Span]) -> list[Span]:
    """Ask the buckets of ``spans`` (one range query from the first whole bucket to the last, one
    instant query for the tail after them); adds them to ``recorded``, returns all buckets asked."""
    if not spans:
        return fine
    wanted = [(b, e) for b, e in fine_spans if any(lo <= b and e <= hi for lo, hi in spans)]
    whole = [(b, e) for b, e in wanted if e - b == step and e <= last]
    if whole:
        keep = {e for _, e in whole}
        answer = client.query_range(sums_query(name, step, groups, only), whole[0][1], whole[-1][1], step)
        for key, side in _by_objective(answer, groups=groups).items():
            recorded.setdefault(key, _Side()).values.update({t: v for t, v in side.values.items() if t in keep})
    for b, e in wanted:
        if (b, e) not in whole:  # at most the tail of a partial period
            _, series = client.query(sums_query(name, e - b, groups, only), until, expect="vector")
            for key, side in _by_objective(series, at=until, groups=groups).items():
                recorded.setdefault(key, _Side()).values.update(side.values)
    return sorted({*fine, *wanted}, key=lambda span: span[1])


def _spans_answer(client: PrometheusClient, make: Callable[[list[Span], bool], str], spans: list[Span],
                  last: float, groups: tuple[str, ...], objective: str | None = None,
                  split: bool = False) -> dict[str, dict[str, dict[float, dict[str, str]]]]:
    """The sums of the whole spans in one query (a range query when they are as long as each other, an
    instant query of each span ``@`` its end otherwise), a partial last one in another; by SLA (with
    ``split``, else all under ""), row key, then span end. ``objective`` names the series that carry
    no objective label (the raw sums)."""
    out: dict[str, dict[str, dict[float, dict[str, str]]]] = {}
    by_end = {f"{e:.3f}": e for _, e in spans}
    ends = {e for _, e in spans}
    for part in ([s for s in spans if s[1] <= last], [s for s in spans if s[1] > last]):
        if not part:
            continue
        contiguous = all(b == e for (_, e), (b, _) in pairwise(part))
        if len(part) > 1 and contiguous and len({round(e - b, 3) for b, e in part}) == 1:
            length = part[0][1] - part[0][0]
            series = client.query_range(make(part, False), part[0][1], part[-1][1], length)
        else:
            series = client.query(make(part, True), part[-1][1], expect="vector")[1]
        for item in series:
            kind = item.labels.get(KIND_LABEL)
            name = item.labels.get(LABEL_OBJECTIVE, "") if objective is None else objective
            if not kind or (objective is not None and LABEL_OBJECTIVE in item.labels):
                continue
            pinned = by_end.get(item.labels.get(END_LABEL, ""))
            owner = out.setdefault(item.labels.get(LABEL_SLA, "") if split else "", {})
            values = owner.setdefault(row_key(name, item.labels, groups), {})
            for t, v in item.samples:
                end = t if END_LABEL not in item.labels else pinned
                if end in ends and is_number(v):
                    values.setdefault(end, {})[kind] = v
    out.setdefault("", {})
    return out


def reads_days(sla: SLAPlan, whole_period: bool) -> bool:
    """The report reads this SLA's days from the daily sums its rules write (the review, which reads
    whole periods, does not)."""
    return sla.records_days and not whole_period


def recorded_top(client: PrometheusClient, names: list[str], daily: set[str], groups: tuple[str, ...], only: str,
                 coarse: list[Span], last: float) -> dict[str, Top]:
    """Each SLA's sums of the coarse spans: for the SLAs in ``daily`` first from the daily sums the
    rules wrote (:mod:`slaforge.report.daily`, one query), then from the 5m pieces for the spans
    those do not answer (one query per set of such spans: usually none, or the day in progress)."""
    out: dict[str, Top] = {name: {} for name in names}
    with_days = [name for name in names if name in daily]
    if with_days:
        query, at = daily_query(with_days, only, coarse)
        for name, rows in daily_answer(client.query(query, at, expect="matrix")[1], coarse, groups).items():
            if name in out:
                out[name] = rows
    pending: dict[tuple[Span, ...], list[str]] = {}
    for name in names:
        done = answered(out[name])
        rest = tuple(span for span in coarse if span[1] not in done)
        if rest:
            pending.setdefault(rest, []).append(name)
    for rest, members in pending.items():
        answer = _spans_answer(client, partial(recorded_span_query, members, groups, only), list(rest), last,
                               groups, split=True)
        for name in members:
            for key, values in answer.get(name if len(members) > 1 else "", {}).items():
                out[name].setdefault(key, {}).update(values)
    return out


def spans_of(period: Period, whole_period: bool) -> tuple[list[Span], float]:
    """The coarse spans :func:`collect` asks first (none: buckets only), and the end of the last whole bucket."""
    step = bucket_step(period.covered_seconds)
    ends, _ = _grid(period, step)
    return coarse_spans(period, step, whole_period) or [], ends[-1] if ends else period.start.timestamp()


def ask_together(client: PrometheusClient, names: list[str], period: Period, groups: tuple[str, ...],
                 gap: timedelta, only: str, whole_period: bool, daily: set[str] | None = None) -> dict[str, Ahead]:
    """The first two queries of :func:`collect` (the coarse sums, the ALERTS samples) for several SLAs
    with the same period, timezone and group labels at once, each SLA's share by name (``daily``:
    the SLAs whose days are read from their daily sums first, :func:`reads_days`)."""
    coarse, last = spans_of(period, whole_period)
    top = recorded_top(client, names, daily or set(), groups, only, coarse, last) if coarse else {}
    seen_until = min(period.until + gap, period.now)
    look = (seen_until - period.start).total_seconds() + gap.total_seconds()
    firing: dict[str, list[Series]] = {}
    for item in client.query(firing_query(names, look, only), seen_until, expect="matrix")[1]:
        firing.setdefault(item.labels.get(LABEL_SLA, ""), []).append(item)
    return {name: Ahead(top.get(name, {}), firing.get(name, [])) for name in names}


def _offsets(client: PrometheusClient, sla: str, at: float | None) -> Offsets:
    """The groups' evaluation offsets, read at the end of the latest fully recorded span (``at``)."""
    if at is None:
        return Offsets()
    _, series = client.query(offsets_query(sla), at, expect="vector")
    stamps = {item.labels.get(KIND_LABEL): float(item.value) for item in series if is_number(item.value)}
    return Offsets.from_stamps(stamps.get("five"), stamps.get("one"))


def narrow(objective: ObjectivePlan, group: Mapping[str, str] | None) -> tuple[Matcher, ...]:
    """Matchers selecting one group (``--group``) among the SLI's own series of a grouped objective."""
    return tuple(Matcher(k, "=", v) for k, v in sorted((group or {}).items()) if k in objective.group_by)


def _raw(client: PrometheusClient, sla: SLAPlan, target: ObjectivePlan, missing: list[tuple[float, float]], step: int,
         last: float, windows: list[Interval], offsets: Offsets,
         extra: tuple[Matcher, ...] = ()) -> dict[str, dict[float, dict[str, str]]]:
    """The missing buckets from the SLI's own series, by row key (summed by the objective's group
    labels): one range query over the whole buckets from the first missing to the last, one
    instant query for a missing tail."""
    if not missing:
        return {}
    out: dict[str, dict[float, dict[str, str]]] = {}
    keys = tuple(sorted(target.group_by))
    whole = [(b, e) for b, e in missing if e - b == step and e <= last]
    if whole:
        first, final = whole[0][1], whole[-1][1]
        query = raw_sums_query(sla, target, step, windows_near(windows, first - step, final), offsets, extra)
        wanted = {e for _, e in whole}
        answer = client.query_range(query, first, final, step)
        for key, side in _by_objective(answer, groups=keys, objective=target.name).items():
            out.setdefault(key, {}).update({t: v for t, v in side.values.items() if t in wanted})
    rest = [(b, e) for b, e in missing if (b, e) not in whole]
    for b, e in rest:  # at most the tail of a partial period
        query = raw_sums_query(sla, target, e - b, windows_near(windows, b, e), offsets, extra)
        _, series = client.query(query, e, expect="vector")
        for key, side in _by_objective(series, at=e, groups=keys, objective=target.name).items():
            out.setdefault(key, {}).update(side.values)
    return out
