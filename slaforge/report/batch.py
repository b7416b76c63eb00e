"""SLAs asked together: those whose periods have the same bounds, timezone and group labels share
their first two queries (the coarse sums, the ``ALERTS`` samples), ``sla=~"a|b|..."`` summed
``by (sla, ...)``, in chunks. Every further query (buckets, raw history, time to detect) stays per
SLA. Asking a thousand SLAs one by one cost Prometheus three times the work of asking them in
chunks of a hundred (each query has its own overhead), and the client as much again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from slaforge.plan import SLAPlan
from slaforge.report.client import PrometheusClient
from slaforge.report.collect import Ahead, ask_together
from slaforge.report.periods import Period
from slaforge.report.workers import each

CHUNK = 100  # SLAs per query
GROUPED_CHUNK = 10  # SLAs per query when they group by labels: each brings a series per group (often 100s)
AT_LEAST = 8  # fewer SLAs sharing a period are asked one by one (each query then reads as one SLA's)


def ask_ahead(client: PrometheusClient, pairs: Sequence[tuple[SLAPlan, Period]], gap: timedelta, only: str,
              whole_period: bool) -> list[Ahead | None]:
    """For each (SLA, period), its share of the queries asked together, or None (asked on its own)."""
    alike: dict[tuple[object, ...], list[int]] = {}
    for index, (sla, period) in enumerate(pairs):
        key = (period.start, period.until, period.now, period.timezone, sla.group_labels)
        alike.setdefault(key, []).append(index)
    chunks = [indices[i:i + size] for key, indices in alike.items() if len(indices) >= AT_LEAST
              for size in (GROUPED_CHUNK if key[-1] else CHUNK,) for i in range(0, len(indices), size)]
    out: list[Ahead | None] = [None] * len(pairs)

    def ask(chunk: list[int]) -> dict[str, Ahead]:
        sla, period = pairs[chunk[0]]
        names = [pairs[i][0].name for i in chunk]
        return ask_together(client, names, period, sla.group_labels, gap, only, whole_period)

    for chunk, answers in zip(chunks, each(ask, chunks), strict=True):
        for i in chunk:
            out[i] = answers[pairs[i][0].name]
    return out
