"""What the report asks Prometheus: the PromQL (pure) and the three queries per SLA (I/O).

Per SLA, whatever its number of objectives, and whatever the period's length:

1. totals: one instant query at the end of the period summing the recorded 5m event counts
   (``BAD_EVENTS_5M`` / ``VALID_EVENTS_5M``, maintenance already excluded) over the period, for
   every objective at once;
2. buckets: one range query of the same sums per 15 minutes (a coarser step for periods so long
   that 15m would exceed Prometheus' 11,000 points), for the days and the chart;
3. incidents: one instant query of the raw ``ALERTS`` samples of the SLA's page alerts over the
   period (a range vector: no points limit, and only firing samples exist).

A sample of the 5m counts stamped ``t`` counts the events of ``(t-5m, t]``; so a period
``[start, end)`` is the samples stamped in ``(start, end]``: ranges end 1ms short of their
length so that the sample stamped exactly at ``start`` (the previous period's last) is left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

from slaforge.conventions import (
    ALERT_BURN,
    BAD_EVENTS_5M,
    LABEL_OBJECTIVE,
    LABEL_SEVERITY,
    LABEL_SLA,
    SEVERITY_PAGE,
    VALID_EVENTS_5M,
)
from slaforge.promql_text import quote
from slaforge.report.client import MAX_POINTS, PrometheusClient, is_number
from slaforge.report.groups import row_key
from slaforge.report.incidents import DEFAULT_GAP
from slaforge.report.periods import Period

KIND_LABEL = "slaforge_kind"  # added by the report's own queries to tell bad from valid sums
# Bucket steps, finest first; all are multiples of 15m, so with every real UTC offset a bucket
# never straddles local midnight.
STEPS = (900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def range_ms(seconds: float) -> str:
    """A range selector duration 1ms short of ``seconds`` (see the module docstring)."""
    return f"{max(round(seconds * 1000) - 1, 1)}ms"


def sums_query(sla: str, seconds: float, groups: tuple[str, ...] = (), only: str = "") -> str:
    """Bad and valid event sums per objective (and group) over the ``seconds`` before the evaluation time."""
    by = ", ".join((LABEL_OBJECTIVE, *groups))
    parts = []
    for kind, metric in (("bad", BAD_EVENTS_5M), ("valid", VALID_EVENTS_5M)):
        inner = f"sum_over_time({metric}{{{LABEL_SLA}={quote(sla)}{only}}}[{range_ms(seconds)}])"
        parts.append(
            f'label_replace(sum by ({by}) ({inner}), "{KIND_LABEL}", "{kind}", "", "")'
        )
    return " or ".join(parts)


def firing_query(sla: str, seconds: float, only: str = "") -> str:
    """Raw firing samples of the SLA's page alerts over the ``seconds`` before the evaluation time."""
    selector = (
        f'ALERTS{{alertname="{ALERT_BURN}",alertstate="firing",'
        f'{LABEL_SEVERITY}="{SEVERITY_PAGE}",{LABEL_SLA}={quote(sla)}{only}}}'
    )
    return f"{selector}[{range_ms(seconds)}]"


def bucket_step(seconds: float) -> int:
    """The finest bucket step that keeps a range query over ``seconds`` within the points limit."""
    for step in STEPS:
        if seconds / step + 1 <= MAX_POINTS:
            return step
    return math.ceil(seconds / (MAX_POINTS - 1) / 86400) * 86400


@dataclass
class RawSLA:
    """What Prometheus said about one SLA over one period; values kept as Prometheus wrote them."""

    # keys: the objective's name, or for a grouped objective its row key (report.groups.row_key)
    totals: dict[str, dict[str, str]] = field(default_factory=dict)  # objective -> kind -> sum
    buckets: dict[str, dict[str, dict[float, str]]] = field(default_factory=dict)  # obj -> kind -> t -> v
    step: int = STEPS[0]
    firing: dict[str, list[float]] = field(default_factory=dict)  # objective -> sample times
    firing_seen_until: float = 0.0


def collect(client: PrometheusClient, sla: str, period: Period, gap: timedelta = DEFAULT_GAP,
            groups: tuple[str, ...] = (), only: str = "") -> RawSLA:
    """Run the three queries for one SLA (``groups``: its objectives' group labels; ``only``: extra
    matchers selecting one group, see :func:`~slaforge.report.groups.group_matchers`). Raises
    :class:`~slaforge.report.client.PrometheusError`."""
    raw = RawSLA()
    covered = period.covered_seconds
    _, series = client.query(sums_query(sla, covered, groups, only), period.until, expect="vector")
    for item in series:
        objective, kind = item.labels.get(LABEL_OBJECTIVE), item.labels.get(KIND_LABEL)
        if objective and kind and is_number(item.value):
            raw.totals.setdefault(row_key(objective, item.labels, groups), {})[kind] = item.value

    raw.step = bucket_step(covered)
    first = period.start.timestamp() + raw.step
    last = first + math.floor((period.until.timestamp() - first) / raw.step) * raw.step
    if last >= first:
        for item in client.query_range(sums_query(sla, raw.step, groups, only), first, last, raw.step):
            objective, kind = item.labels.get(LABEL_OBJECTIVE), item.labels.get(KIND_LABEL)
            if objective and kind:
                values = {t: v for t, v in item.samples if is_number(v)}
                raw.buckets.setdefault(row_key(objective, item.labels, groups), {})[kind] = values

    # Look `gap` beyond the period on both sides (when that is already in the past) to tell
    # whether an incident was open at its edges.
    seen_until = min(period.until + gap, period.now)
    look = (seen_until - period.start).total_seconds() + gap.total_seconds()
    _, series = client.query(firing_query(sla, look, only), seen_until, expect="matrix")
    for item in series:
        objective = item.labels.get(LABEL_OBJECTIVE)
        if objective:
            raw.firing.setdefault(row_key(objective, item.labels, groups), []).extend(t for t, _ in item.samples)
    raw.firing_seen_until = seen_until.timestamp()
    return raw
