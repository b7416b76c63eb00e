"""promtool unit tests generated per SLA: a total outage pages, a healthy service stays silent,
maintenance is respected.

The input series are synthesised from each SLI's selectors (raw counters at 60 events/minute);
promtool starts its clock at the Unix epoch, so maintenance is tested on the first recurring window
after the warm-up (one-off windows far from 1970 cannot be reached and are not tested).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slaforge.burnrate import BurnAlert
from slaforge.conventions import (
    ALERT_BURN,
    ALERT_CREDIT_AT_RISK,
    ALERT_ESCALATION,
    LABEL_LEVEL,
    LABEL_OBJECTIVE,
    LABEL_PROBE,
    LABEL_RECEIVER,
    LABEL_SEVERITY,
    LABEL_SLA,
    PROBE_FAILURES_TOTAL,
    PROBES_TOTAL,
    SEVERITY_PAGE,
    SEVERITY_TICKET,
)
from slaforge.plan import ObjectivePlan, SLAPlan, as_plan, plan_for
from slaforge.promql_text import le_value, quote
from slaforge.rules.credit import credit_text
from slaforge.rules.maintenance import active_at, next_window, offset_steps
from slaforge.spec.model import SLA
from slaforge.spec.promql import Matcher, Selector

RATE = 60  # valid events per minute in every generated series
WARMUP_MIN = 180  # healthy minutes before anything happens
MARGIN_MIN = 10  # detection margin on top of the theoretical time to fire
# Longest test: promtool evaluates every group each minute and refuses a query that loads more
# than 10,000 samples of one series, so a window of 5m pieces (recorded every minute there) may
# not cover more than 9,999 minutes of test time.
LIMIT_MIN = 9000
RECOVERY_MIN = 15  # after an outage, every escalation step has stopped by then (5m window + 5m hold)
PIECE_LAG_MIN = 7  # the 5m pieces trail real time by 1m30s to 6m30s

Labels = dict[str, str]


@dataclass(frozen=True)
class Series:
    labels: str  # promtool series notation: name{a="b"}
    healthy: int  # increase per minute while healthy
    outage: int  # increase per minute during a total outage


def _labels(labels: Labels) -> str:
    """promtool series notation of a label set: ``{a="b",c="d"}``, sorted."""
    return "{" + ",".join(f"{k}={quote(v)}" for k, v in sorted(labels.items())) + "}"


def _series(metric: str, labels: Labels) -> str:
    return metric + _labels(labels)


def _candidates(matcher: Matcher) -> list[str]:
    if matcher.op == "=":
        return [matcher.value, "other", ""]  # another value too: a series outside `errors{result="error"}`
    out = [matcher.value] if matcher.op == "!=" else []
    if matcher.op in ("=~", "!~"):
        for alt in re.split(r"\|", matcher.value.strip("()")):
            out.append(re.sub(r"[\\^$()]", "", alt).replace(".", "0").replace("*", "").replace("+", ""))
    return [*out, "500", "200", "x", "0", ""]


def _matches(sel: Selector, metric: str, labels: Labels) -> bool:
    if sel.metric != metric:
        return False
    for m in sel.matchers:
        value = labels.get(m.name, "")
        hit = value == m.value if m.op in ("=", "!=") else re.fullmatch(m.value, value) is not None
        if hit != (m.op in ("=", "=~")):
            return False
    return True


def _solve(want: Sequence[Selector], avoid: Sequence[Selector], metric: str) -> Labels | None:
    """Labels of one series of ``metric`` matching every ``want`` and no ``avoid`` selector."""
    matchers = [m for s in (*want, *avoid) for m in s.matchers]
    names = sorted({m.name for m in matchers})
    options = [list(dict.fromkeys(c for m in matchers if m.name == n for c in _candidates(m))) for n in names]
    for combo in itertools.product(*options):
        labels = {n: v for n, v in zip(names, combo, strict=True) if v != ""}
        if all(_matches(s, metric, labels) for s in want) and not any(_matches(s, metric, labels) for s in avoid):
            return labels
    return None


def synthesise(objective: ObjectivePlan) -> list[Series] | None:
    """Series that make this objective healthy or totally failing; None if not synthesisable.

    Read from the plan's SLI (:mod:`slaforge.plan.sli`): a histogram (either latency kind) gets its
    count and its bucket at the threshold; the exporter's probe counters get a failure reason; the
    author's counters get series solved from their selectors."""
    sli = objective.sli
    if sli.histogram is not None and sli.threshold is not None:
        sel = sli.histogram
        count = Selector(f"{sel.metric}_count", sel.matchers)
        labels = _solve([count], [], count.metric)
        if labels is None:
            return None
        le = le_value(sli.threshold)
        return [
            Series(_series(count.metric, labels), RATE, RATE),
            Series(_series(f"{sel.metric}_bucket", {**labels, "le": le}), RATE, 0),
        ]
    if sli.probe is not None:
        base = {LABEL_SLA: objective.sla, LABEL_PROBE: sli.probe}
        return [
            Series(_series(PROBES_TOTAL, base), RATE, RATE),
            Series(_series(PROBE_FAILURES_TOTAL, {**base, "reason": "timeout"}), 0, RATE),
        ]
    assert sli.counters is not None
    return _ratio_plan(sli.counters.errors, sli.counters.good, sli.counters.total)


def _ratio_plan(errors: Sequence[Selector], good: Sequence[Selector],
                total: Sequence[Selector]) -> list[Series] | None:
    """Series for the first selector of each list, kept out of the other selectors (no double count).

    ``marked`` are the errors (healthy 0, outage RATE) or the good events (healthy RATE, outage 0).
    """
    marked = errors or good
    mark, first = marked[0], total[0]
    others = [*marked[1:], *total[1:]]
    on, off = (0, RATE) if errors else (RATE, 0)
    if mark.metric == first.metric:
        inside = _solve([mark, first], others, first.metric)
        outside = _solve([first], [*marked, *total[1:]], first.metric)
        if inside is None or outside is None:
            return None
        return [
            Series(_series(first.metric, inside), on, off),
            Series(_series(first.metric, outside), off, on),
        ]
    inside = _solve([mark], [*others, first], mark.metric)
    valid = _solve([first], [*others, mark], first.metric)
    if inside is None or valid is None:
        return None
    return [Series(_series(mark.metric, inside), on, off), Series(_series(first.metric, valid), RATE, RATE)]


def _values(series: Series, timeline: Sequence[tuple[int, bool]]) -> str:
    """promtool expanding notation for consecutive segments of (minutes, failing)."""
    parts = []
    value = 0
    first = True
    for minutes, failing in timeline:
        step = series.outage if failing else series.healthy
        if first:
            parts.append(f"{value}+{step}x{minutes}")
            value += step * minutes
            first = False
        else:
            value += step
            parts.append(f"{value}+{step}x{minutes - 1}")
            value += step * (minutes - 1)
    return " ".join(parts)


def _inputs(plans: dict[str, list[Series]], timeline: Sequence[tuple[int, bool]]) -> list[dict[str, str]]:
    return [
        {"series": s.labels, "values": _values(s, timeline)}
        for name in sorted(plans)
        for s in plans[name]
    ]


def _minutes(ms: int) -> int:
    return -(-ms // 60_000)


def _firing(sla: SLAPlan, alertname: str, by: str, extra: tuple[Matcher, ...] = ()) -> str:
    sel = Selector(
        "ALERTS",
        (Matcher("alertname", "=", alertname), Matcher("alertstate", "=", "firing"),
         Matcher(LABEL_SLA, "=", sla.name), *extra),
    ).render()
    return f"count by ({by}) ({sel})"


def _objectives_filter(sla: SLAPlan, names: Sequence[str]) -> str:
    return Selector(
        "ALERTS",
        (Matcher(LABEL_SLA, "=", sla.name), Matcher("alertstate", "=", "firing"),
         Matcher(LABEL_OBJECTIVE, "=~", "|".join(re.escape(n) for n in names))),
    ).render()


def _time_to_fire(alerts: Sequence[BurnAlert]) -> int:
    return min(_minutes(a.time_to_fire_on_outage.ms) for a in alerts if a.time_to_fire_on_outage)


def _clear_of_maintenance(sla: SLAPlan, first: int, minutes: int) -> int | None:
    """The first minute at or after ``first`` that starts ``minutes`` without maintenance.

    None when there is none within a week and a day (a weekly window leaves almost no time free).
    An outage that overlapped a window would rightly stay silent, so the outage test needs one.
    """
    start = first * 60
    stop = start + 8 * 86400
    while start < stop:
        if active_at(sla, start):
            start = _end_of_window(sla, start, stop)
            continue
        window = next_window(sla, start, horizon=minutes * 60)
        if window is None or window[0] >= start + minutes * 60:
            return start // 60
        start = _end_of_window(sla, window[0], stop)
    return None


def _end_of_window(sla: SLAPlan, t: int, stop: int) -> int:
    while t < stop and active_at(sla, t):
        t += 60
    return t
def projected_credit(sla: SLAPlan, objective: ObjectivePlan, outage: tuple[int, int], at: int,
                     shift: int = 0) -> float | None:
    """Python mirror of SLACreditAtRisk for a total outage (minutes since the epoch, traffic from
    minute 0 on): the credit the alert shows at minute ``at`` (0 for none), or None before any
    traffic in the period. ``shift`` moves the counted events by that many minutes (piece lag)."""
    timezone = sla.timezone
    now = at * 60
    local = datetime.fromtimestamp(now + offset_steps(timezone).at(now), UTC)
    first_month = local.month if sla.calendar == "month" else 3 * ((local.month - 1) // 3) + 1
    start = local.replace(month=first_month, day=1, hour=0, minute=0, second=0, microsecond=0)
    months = 1 if sla.calendar == "month" else 3
    year, month = divmod(start.month - 1 + months, 12)
    end = start.replace(year=start.year + year, month=month + 1)
    elapsed = (local - start).total_seconds() / (end - start).total_seconds()
    period_start = max(0, int((start.timestamp() - (local.timestamp() - now)) // 60))
    counted_until = at - shift
    valid = counted_until - period_start
    bad = max(0, min(outage[1], counted_until) - max(outage[0], period_start))
    if valid <= 0 or elapsed <= 0:
        return None
    achieved = (1 - bad / (valid / elapsed)) * 100
    for band in objective.bands:
        if achieved < band.tier.below and (band.floor is None or achieved >= band.floor):
            return band.tier.credit
    return 0


def _credit_checks(sla: SLAPlan, plans: dict[str, list[Series]], start: int, end: int, at: int) -> list[dict[str, Any]]:
    """SLACreditAtRisk at minute ``at`` of a total outage from ``start`` to ``end``, for the
    objectives whose expected credit does not depend on the few minutes the pieces lag."""
    expected: list[tuple[str, float]] = []
    for objective in sla.credit_objectives:
        if objective.name not in plans:
            continue
        outcomes = {projected_credit(sla, objective, (start, end), at, shift) for shift in (0, PIECE_LAG_MIN)}
        if len(outcomes) != 1:
            continue
        credit = outcomes.pop()
        if credit is None:
            continue
        expected.append((objective.name, credit))
    if not expected:
        return []
    names = [name for name, _ in expected]
    sel = Selector(
        "ALERTS",
        (Matcher("alertname", "=", ALERT_CREDIT_AT_RISK), Matcher("alertstate", "=", "firing"),
         Matcher(LABEL_SLA, "=", sla.name), Matcher(LABEL_OBJECTIVE, "=~", "|".join(re.escape(n) for n in names))),
    ).render()
    return [{
        "expr": f"count by ({LABEL_OBJECTIVE}, credit) ({sel})",
        "eval_time": f"{at}m",
        "exp_samples": [
            {"labels": f'{{credit="{credit_text(credit)}",objective="{name}"}}', "value": 1}
            for name, credit in sorted(expected) if credit
        ],
    }]


def sla_tests(spec: SLA | SLAPlan) -> list[dict[str, Any]]:
    sla = as_plan(spec)
    plans = {o.name: p for o in sla.objectives if (p := synthesise(o)) is not None}
    if not plans:
        return []
    names = sorted(plans)
    silent = _objectives_filter(sla, names)
    tests: list[dict[str, Any]] = []

    # 1. healthy: three hours of clean traffic, nothing fires
    tests.append({
        "name": f"{sla.name}: a healthy service stays silent",
        "interval": "1m",
        "input_series": _inputs(plans, [(WARMUP_MIN + 30, False)]),
        "promql_expr_test": [{"expr": silent, "eval_time": f"{WARMUP_MIN + 30}m", "exp_samples": []}],
    })

    # 2. total outage: the burn alert (page, or ticket when paging is off) fires, then escalates
    severity = SEVERITY_PAGE if sla.enabled[SEVERITY_PAGE] else SEVERITY_TICKET
    fire_at: dict[str, int] = {}
    for o in sla.objectives:
        conditions = o.alerts_of(severity)
        if o.name in plans and conditions:
            fire_at[o.name] = _time_to_fire(conditions) + MARGIN_MIN
    detect = max(fire_at.values(), default=0)
    steps = sla.escalation if severity == SEVERITY_PAGE else ()
    outage = detect + max([_minutes(s.after.ms) for s in steps], default=0) + 30
    begin = _clear_of_maintenance(sla, WARMUP_MIN, outage) if fire_at else None
    if begin is not None and begin + outage + RECOVERY_MIN + 1 > LIMIT_MIN:
        begin = None
    if begin is not None:
        checks: list[dict[str, Any]] = [{
            "expr": _firing(sla, ALERT_BURN, f"{LABEL_OBJECTIVE}, severity", (Matcher("severity", "=", severity),)),
            "eval_time": f"{begin + detect}m",
            "exp_samples": [
                {"labels": _labels({LABEL_OBJECTIVE: n, LABEL_SEVERITY: severity}), "value": 1} for n in sorted(fire_at)
            ],
        }]
        for step in steps:
            level = step.level
            checks.append({
                "expr": _firing(sla, ALERT_ESCALATION, f"{LABEL_OBJECTIVE}, level, receiver"),
                "eval_time": f"{begin + detect + _minutes(step.after.ms)}m",
                "exp_samples": [
                    {"labels": _labels({LABEL_LEVEL: str(lv), LABEL_OBJECTIVE: n, LABEL_RECEIVER: s.receiver}),
                     "value": 1}
                    for lv, s in enumerate(steps[:level], start=1)
                    for n in sorted(fire_at)
                ],
            })
        end = begin + outage
        credits = _credit_checks(sla, plans, begin, end, end - 1)
        checks += credits
        if steps:
            # once the errors stop, every step stops within 15 minutes while the page may go on
            checks.append({"expr": _firing(sla, ALERT_ESCALATION, LABEL_OBJECTIVE),
                           "eval_time": f"{end + RECOVERY_MIN}m", "exp_samples": []})
        tests.append({
            "name": f"{sla.name}: a total outage alerts ({severity})",
            "interval": "1m",
            "input_series": _inputs(plans, [(begin, False), (outage, True), (RECOVERY_MIN + 1, False)]),
            "promql_expr_test": checks,
        })

    # 3. maintenance: a total outage inside the first maintenance window stays silent; the outage
    # ends with the window, or earlier when the window lasts longer than promtool can follow
    window = next_window(sla, WARMUP_MIN * 60, horizon=8 * 86400)
    if window is not None and window[0] // 60 + MARGIN_MIN + 60 <= LIMIT_MIN:
        start, end = window[0] // 60, min(window[1] // 60, LIMIT_MIN - 60)
        timeline = [(start, False), (end - start, True), (60, False)]
        times = sorted({start + 5, (start + end) // 2, end - 1, end + 1, end + 15, end + 59})
        tests.append({
            "name": f"{sla.name}: a total outage during maintenance stays silent",
            "interval": "1m",
            "input_series": _inputs(plans, timeline),
            "promql_expr_test": [{"expr": silent, "eval_time": f"{t}m", "exp_samples": []} for t in times],
        })
    return tests


def tests_document(slas: Sequence[SLA], rule_file: str) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for sla in sorted(slas, key=lambda s: s.name):
        tests += sla_tests(plan_for(sla))
    return {"rule_files": [rule_file], "evaluation_interval": "1m", "tests": tests}
