"""Recording rules of one SLA: pieces, window ratios, objective, budget, maintenance, info.

Two groups per SLA:

* the fast group (every 1m): maintenance state, per-minute event pieces, the 5m..6h ratios as sums
  of pieces, static series, then the alerts (which read the fresh values of the same cycle);
* the long group (every 5m): non-overlapping 5m event pieces, and the 1d, 3d and SLA-window ratios
  as sums of those pieces, then the error budget left.

No rule evaluates ``rate()`` over more than 5m of raw samples: long windows cost one
``sum_over_time`` over one recorded series per side instead of a rate over days of raw samples.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from slaforge.conventions import (
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
    ERROR_BUDGET_REMAINING,
    ERROR_RATIO_WINDOWS,
    EVENTS_STEP,
    FAST_STEP,
    LABEL_CUSTOMER,
    LABEL_OBJECTIVE,
    LABEL_PROVIDER,
    LABEL_SERVICE,
    LABEL_SLA,
    LABEL_WINDOW,
    MAINTENANCE_ACTIVE,
    OBJECTIVE_RATIO,
    SLA_INFO,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
    error_ratio_rule,
)
from slaforge.rules.maintenance import active_expr
from slaforge.rules.sli import events
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA, Objective
from slaforge.spec.promql import Matcher, Selector

Rule = dict[str, Any]

FAST = Duration.parse(FAST_STEP)
SLOW = Duration.parse(EVENTS_STEP)
# the 1m pieces read 2m of raw samples (so that a 1m scrape interval still has two samples)
FAST_RANGE = Duration.parse("2m")
# windows up to this length are sums of 1m pieces (fast group); longer ones of 5m pieces
LONGEST_FAST_WINDOW = Duration.parse("1h")
# series of the 5m group are read through last_over_time over this range: a reader evaluated just
# before the 5m group's next run would otherwise find the last sample outside the 5m lookback
LONG_READ = Duration.parse("10m")


def num(value: float) -> str:
    """A float as PromQL text, free of binary noise (0.0144, not 0.014400000000000001)."""
    return format(value, ".12g")


def objective_selector(metric: str, sla: SLA, objective: Objective) -> str:
    return _objective_selector(metric, sla.name, objective.name)


@lru_cache(maxsize=65536)
def _objective_selector(metric: str, sla: str, objective: str) -> str:
    return Selector(metric, (Matcher(LABEL_SLA, "=", sla), Matcher(LABEL_OBJECTIVE, "=", objective))).render()


def maintenance_selector(sla: SLA) -> str:
    return Selector(MAINTENANCE_ACTIVE, (Matcher(LABEL_SLA, "=", sla.name),)).render()


def objective_labels(sla: SLA, objective: Objective) -> dict[str, str]:
    """metadata.labels, then sla and objective (which nobody may override)."""
    labels = dict(sla.metadata.labels)
    labels[LABEL_SLA] = sla.name
    labels[LABEL_OBJECTIVE] = objective.name
    return dict(sorted(labels.items()))


STANDARD_WINDOWS = frozenset(Duration.parse(w) for w in ERROR_RATIO_WINDOWS)


def windows(sla: SLA) -> list[Duration]:
    """The contract's windows plus the SLA window, shortest first, without duplicates."""
    return sorted(STANDARD_WINDOWS | {sla.spec.window})


@lru_cache(maxsize=1024)
def prom(duration: Duration) -> str:
    """Duration.prom, cached (called for every rule of every SLA)."""
    return duration.prom


def range_of(window: Duration, step: Duration) -> str:
    """Range selecting exactly window/step pieces spaced ``step`` apart.

    Pieces are written at exact multiples of the group interval; Prometheus 2 includes both ends
    of a range, Prometheus 3 only the right one, so one second less than the window gives the same
    count of pieces on both. A window that is not a multiple of the step is rounded up to one.
    """
    pieces = -(-window.ms // step.ms)
    return Duration(pieces * step.ms - 1000).prom


def _record(name: str, expr: str, labels: Mapping[str, str]) -> Rule:
    return {"record": name, "expr": expr, "labels": dict(sorted(labels.items()))}


def _gate(expr: str, sla: SLA, rng: Duration) -> str:
    """Zero the piece when maintenance was active at any point of its range (t - rng, t].

    Reads the maintenance series recorded first in the fast group, so that the (possibly long)
    time-zone arithmetic is written once per SLA; without that series (never yet evaluated) the
    piece counts normally.
    """
    if not sla.spec.maintenance:
        return expr
    active = f"max_over_time({maintenance_selector(sla)}[{prom(rng)}])"
    return f"({expr})\n* on() ((1 - {active}) or on() vector(1))\n"


def pieces(sla: SLA, objective: Objective, step: Duration) -> list[Rule]:
    """Bad and valid event counts per ``step``, maintenance excluded (0 while a window is open)."""
    ev = events(sla, objective)
    labels = objective_labels(sla, objective)
    if step == FAST:
        bad, valid = ev.increase(prom(FAST_RANGE), divide=FAST_RANGE.ms // FAST.ms)
        names = (BAD_EVENTS_1M, VALID_EVENTS_1M)
    else:
        bad, valid = ev.increase(prom(step))
        names = (BAD_EVENTS_5M, VALID_EVENTS_5M)
    return [
        _record(names[0], _gate(bad, sla, FAST_RANGE if step == FAST else step), labels),
        _record(names[1], _gate(valid, sla, FAST_RANGE if step == FAST else step), labels),
    ]


def ratio_rule(sla: SLA, objective: Objective, window: Duration) -> Rule:
    """Traffic-weighted error ratio: sum of bad events / sum of valid events over the window."""
    fast = window <= LONGEST_FAST_WINDOW
    bad_name, valid_name = (BAD_EVENTS_1M, VALID_EVENTS_1M) if fast else (BAD_EVENTS_5M, VALID_EVENTS_5M)
    rng = range_of(window, FAST if fast else SLOW)
    bad = objective_selector(bad_name, sla, objective)
    valid = objective_selector(valid_name, sla, objective)
    # sum(): pieces written before a change of metadata.labels still count, as one series
    expr = f"sum(sum_over_time({bad}[{rng}]))\n/\nsum(sum_over_time({valid}[{rng}]))\n"
    return _record(error_ratio_rule(prom(window)), expr, objective_labels(sla, objective))


def window_ratio(sla: SLA, objective: Objective, window: Duration) -> str:
    """PromQL reading a window's error ratio from any group (long-group series via last_over_time)."""
    sel = objective_selector(error_ratio_rule(prom(window)), sla, objective)
    if window <= LONGEST_FAST_WINDOW:
        return sel
    return f"last_over_time({sel}[{prom(LONG_READ)}])"


def budget_rule(sla: SLA, objective: Objective) -> Rule:
    ratio = window_ratio(sla, objective, sla.spec.window)
    return _record(
        ERROR_BUDGET_REMAINING,
        f"1 - {ratio} / {num(objective.error_budget)}",
        objective_labels(sla, objective),
    )


def maintenance_rule(sla: SLA) -> Rule:
    active = active_expr(sla)
    return _record(MAINTENANCE_ACTIVE, active or "vector(0)", {LABEL_SLA: sla.name})


def static_rules(sla: SLA, objective: Objective) -> list[Rule]:
    labels = objective_labels(sla, objective)
    spec = sla.spec
    info = {
        **labels,
        LABEL_SERVICE: spec.service,
        LABEL_PROVIDER: spec.provider,
        LABEL_CUSTOMER: spec.customer,
        LABEL_WINDOW: prom(spec.window),
    }
    return [
        _record(OBJECTIVE_RATIO, f"vector({num(objective.ratio)})", labels),
        _record(SLA_INFO, "vector(1)", info),
    ]


def fast_recording_rules(sla: SLA) -> list[Rule]:
    rules: list[Rule] = [maintenance_rule(sla)]
    for objective in sla.spec.objectives:
        rules += static_rules(sla, objective)
        rules += pieces(sla, objective, FAST)
        rules += [ratio_rule(sla, objective, w) for w in windows(sla) if w <= LONGEST_FAST_WINDOW]
        rules.append(budget_rule(sla, objective))
    return rules


def long_recording_rules(sla: SLA) -> list[Rule]:
    rules: list[Rule] = []
    for objective in sla.spec.objectives:
        rules += pieces(sla, objective, SLOW)
        rules += [ratio_rule(sla, objective, w) for w in windows(sla) if w > LONGEST_FAST_WINDOW]
    return rules
