"""Recording rules of one SLA: static series, maintenance state and per-minute event pieces.

These are the only recording rules written per objective: they read the SLA's own selectors
(raw counters). Everything built from the pieces (5m pieces, window ratios, budget, burn
conditions) is one rule for all the SLAs of the file, in :mod:`slaforge.rules.fleet`.

No rule evaluates ``rate()`` over more than 2m of raw samples: long windows cost one
``sum_over_time`` over recorded pieces instead of a rate over days of raw samples.
"""

from __future__ import annotations

from functools import lru_cache

from slaforge.conventions import (
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
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
)
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.promql_text import num
from slaforge.rules.maintenance import active_expr
from slaforge.rules.model import RecordingRule, record
from slaforge.rules.sli import plan_events
from slaforge.spec.durations import Duration

FAST = Duration.parse(FAST_STEP)
SLOW = Duration.parse(EVENTS_STEP)
# the 1m pieces read 2m of raw samples (so that a 1m scrape interval still has two samples)
FAST_RANGE = Duration.parse("2m")
# windows up to this length are sums of 1m pieces (fast group); longer ones of 5m pieces
LONGEST_FAST_WINDOW = Duration.parse("1h")
# series of the 5m group are read through last_over_time over this range: a reader evaluated just
# before the 5m group's next run would otherwise find the last sample outside the 5m lookback
LONG_READ = Duration.parse("10m")


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


def pieces_for(window: Duration) -> tuple[str, str, str]:
    """What a window's sums read: (bad pieces, valid pieces, range) -- the 1m pieces up to 1h, the 5m
    pieces beyond. The window ratios, the burn conditions' min_events clause and the vmalert layout all
    read windows through this one decision."""
    if window <= LONGEST_FAST_WINDOW:
        return BAD_EVENTS_1M, VALID_EVENTS_1M, range_of(window, FAST)
    return BAD_EVENTS_5M, VALID_EVENTS_5M, range_of(window, SLOW)


def piece_labels(objective: ObjectivePlan) -> dict[str, str]:
    """Pieces carry sla and objective (and a grouped objective's group labels, from its ``sum by``)
    only: a change of metadata.labels never splits a window."""
    return {LABEL_OBJECTIVE: objective.name, LABEL_SLA: objective.sla}


def _gate(expr: str, plan: SLAPlan, grouped: bool = False) -> str:
    """Zero the piece when maintenance was active at any point of its range (t - 2m, t].

    Reads the maintenance series recorded just before, so that the (possibly long) time-zone
    arithmetic is written once per SLA; without that series (never yet evaluated) the piece
    counts normally.
    """
    if not plan.windows:
        return expr
    active = f"max_over_time({plan.maintenance_selector}[{prom(FAST_RANGE)}])"
    join = "* on() group_left ()" if grouped else "* on()"
    return f"({expr})\n{join} ((1 - {active}) or on() vector(1))\n"


def pieces(plan: SLAPlan, objective: ObjectivePlan) -> list[RecordingRule]:
    """Bad and valid events per minute (increase over 2m, halved), maintenance excluded."""
    by = objective.group_labels
    bad, valid = plan_events(objective.sli).increase(prom(FAST_RANGE), divide=FAST_RANGE.ms // FAST.ms, by=by)
    labels = piece_labels(objective)
    return [
        record(BAD_EVENTS_1M, _gate(bad, plan, bool(by)), labels),
        record(VALID_EVENTS_1M, _gate(valid, plan, bool(by)), labels),
    ]


def maintenance_rule(plan: SLAPlan) -> RecordingRule:
    """The SLA's maintenance state (SLAs without windows get theirs from one shared rule)."""
    active = active_expr(plan)
    assert active is not None, "only for SLAs with maintenance windows"
    return record(MAINTENANCE_ACTIVE, active, {LABEL_SLA: plan.name})


def static_rules(plan: SLAPlan, objective: ObjectivePlan) -> list[RecordingRule]:
    labels = objective.labels
    info = {
        **labels,
        LABEL_SERVICE: plan.service,
        LABEL_PROVIDER: plan.provider,
        LABEL_CUSTOMER: plan.customer,
        LABEL_WINDOW: prom(plan.window),
    }
    return [
        record(OBJECTIVE_RATIO, f"vector({num(objective.ratio)})", labels),
        record(SLA_INFO, "vector(1)", info),
    ]


def sla_recording_rules(plan: SLAPlan) -> list[RecordingRule]:
    """Per objective: the static series and the 1m pieces; first the SLA's maintenance state when
    it declares windows (the pieces read it)."""
    rules: list[RecordingRule] = []
    if plan.windows:
        rules.append(maintenance_rule(plan))
    for objective in plan.objectives:
        rules += static_rules(plan, objective)
        rules += pieces(plan, objective)
    return rules
