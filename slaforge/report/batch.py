"""SLAs asked together: those whose periods have the same bounds, timezone and group labels share
their first two queries (the coarse sums, the ``ALERTS`` samples), ``sla=~"a|b|..."`` summed
``by (sla, ...)``, in chunks. Every further query (buckets, raw history, time to detect) stays per
SLA. Asking a thousand SLAs one by one cost Prometheus three times the work of asking them in
chunks of a hundred (each query has its own overhead), and the client as much again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from slaforge.plan import SLAPlan
from slaforge.report.client import PrometheusClient
from slaforge.report.collect import Ahead, ask_together, reads_days
from slaforge.report.periods import Period
from slaforge.report.workers import each

CHUNK = 100  # SLAs per query
GROUPED_CHUNK = 10  # SLAs per query when they group by labels: each brings a series per group (often 100s)
AT_LEAST = 8  # fewer SLAs sharing a period are asked one by one (each query then reads as one SLA's)

Out = TypeVar("Out")


def _chunks(pairs: Sequence[tuple[SLAPlan, Period]]) -> tuple[list[list[int]], list[int]]:
    """The indices of the SLAs asked together, chunk by chunk, and those asked on their own."""
    alike: dict[tuple[object, ...], list[int]] = {}
    for index, (sla, period) in enumerate(pairs):
        key = (period.start, period.until, period.now, period.timezone, sla.group_labels)
        alike.setdefault(key, []).append(index)
    chunks = [indices[i:i + size] for key, indices in alike.items() if len(indices) >= AT_LEAST
              for size in (GROUPED_CHUNK if key[-1] else CHUNK,) for i in range(0, len(indices), size)]
    together = {i for chunk in chunks for i in chunk}
    return chunks, [i for i in range(len(pairs)) if i not in together]


def _ask(client: PrometheusClient, pairs: Sequence[tuple[SLAPlan, Period]], chunk: list[int], gap: timedelta,
         only: str, whole_period: bool) -> dict[str, Ahead]:
    sla, period = pairs[chunk[0]]
    names = [pairs[i][0].name for i in chunk]
    daily = {pairs[i][0].name for i in chunk if reads_days(pairs[i][0], whole_period)}
    return ask_together(client, names, period, sla.group_labels, gap, only, whole_period, daily)


def ask_ahead(client: PrometheusClient, pairs: Sequence[tuple[SLAPlan, Period]], gap: timedelta, only: str,
              whole_period: bool) -> list[Ahead | None]:
    """For each (SLA, period), its share of the queries asked together, or None (asked on its own)."""
    chunks, _ = _chunks(pairs)
    out: list[Ahead | None] = [None] * len(pairs)
    answered = each(lambda chunk: _ask(client, pairs, chunk, gap, only, whole_period), chunks)
    for chunk, answers in zip(chunks, answered, strict=True):
        for i in chunk:
            out[i] = answers[pairs[i][0].name]
    return out


def each_ahead(client: PrometheusClient, pairs: Sequence[tuple[SLAPlan, Period]], gap: timedelta, only: str,
               whole_period: bool, then: Callable[[int, Ahead | None], Out]) -> list[Out]:
    """``then(i, ahead)`` for each (SLA, period), in order, with its share as :func:`ask_ahead` gives it.

    The SLAs of a chunk that groups by labels are taken right after the chunk's answer, in the
    thread that asked it, while other chunks are still being asked: the client adds up one chunk's
    groups while Prometheus evaluates the next (10,000 groups would otherwise all wait for the last
    chunk). Those chunks go first, then the other SLAs, a few at a time (:mod:`.workers`)."""
    chunks, _ = _chunks(pairs)
    grouped = [chunk for chunk in chunks if pairs[chunk[0]][0].group_labels]
    inline = {i for chunk in grouped for i in chunk}
    rest = [(sla, period) if i not in inline else None for i, (sla, period) in enumerate(pairs)]
    kept = [i for i, pair in enumerate(rest) if pair is not None]
    ahead = ask_ahead(client, [pairs[i] for i in kept], gap, only, whole_period)
    share = dict(zip(kept, ahead, strict=True))

    def task(item: list[int] | int) -> list[tuple[int, Out]]:
        if isinstance(item, int):
            return [(item, then(item, share[item]))]
        answers = _ask(client, pairs, item, gap, only, whole_period)
        return [(i, then(i, answers[pairs[i][0].name])) for i in item]

    items: list[list[int] | int] = [*grouped, *kept]
    done: dict[int, Out] = {}
    for results in each(task, items):
        done.update(results)
    return [done[i] for i in range(len(pairs))]
