"""Synthetic SLAs and their backfilled history for the report benchmark, streamed to OpenMetrics text.

SLA ``i`` (``sla-NNNN``, UTC) has the objective ``availability`` (99.9%), and ``latency`` (99%)
when ``i % 3 == 0``; credit tiers when ``i`` is even; a weekly maintenance window (Sunday 02:00, 2h)
when ``i % 5 == 0``. Its SLI is a ratio of the raw counter ``bench_requests_total{job, objective, code}``.

The recorded 5m pieces (``BAD_EVENTS_5M`` / ``VALID_EVENTS_5M``, labels ``sla`` and ``objective``)
count about 300 valid events per piece, fractional as ``increase()`` makes them (0 during
maintenance), a few bad ones scattered, and a 2h outage
on one day for ``i % 11 == 0`` (which breaches 99.9%). For the raw subset (``i % 10 == 5``) the
first ``raw_days`` of the report month have **no pieces**, only the raw counters every 30 s: the
report computes that stretch from the SLI's own series.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from slaforge.conventions import BAD_EVENTS_5M, VALID_EVENTS_5M

VERSION = 2  # of the data below: a kept backfill is reused only for the same version and layout
METRIC = "bench_requests_total"
PIECE = 300
RAW_STEP = 30
WEEK = 7 * 86400
# 1970-01-01 was a Thursday: Sunday 02:00 UTC is 3 days 2 hours into the epoch's week
SUNDAY_2AM = 3 * 86400 + 2 * 3600
MAINTENANCE_SECONDS = 2 * 3600


def name(i: int) -> str:
    return f"sla-{i:04d}"


def objectives(i: int) -> list[str]:
    return ["availability", "latency"] if i % 3 == 0 else ["availability"]


def is_raw(i: int) -> bool:
    return i % 10 == 5


def has_maintenance(i: int) -> bool:
    return i % 5 == 0


def sla_document(i: int) -> dict[str, Any]:
    svc = f"svc-{i:04d}"
    objs = []
    for obj in objectives(i):
        target = 99.9 if obj == "availability" else 99.0
        selector = f'{METRIC}{{job="{svc}",objective="{obj}"'
        entry: dict[str, Any] = {
            "name": obj,
            "target": target,
            "sli": {"ratio": {"errors": selector + ',code="500"}', "total": selector + "}"}},
        }
        if i % 2 == 0:
            entry["credits"] = [{"below": target, "credit": 10}, {"below": target - 1, "credit": 25}]
        objs.append(entry)
    spec: dict[str, Any] = {
        "service": svc,
        "provider": "Bench Provider",
        "customer": f"Customer {i % 37}",
        "window": "30d",
        "calendar": "month",
        "timezone": "UTC",
        "objectives": objs,
        "escalation": [{"after": "0m", "receiver": "oncall"}],
    }
    if has_maintenance(i):
        spec["maintenance"] = [{"weekly": {"day": "sunday", "start": "02:00", "duration": "2h"}}]
    return {"apiVersion": "slaforge/v1", "kind": "SLA", "metadata": {"name": name(i)}, "spec": spec}


def write_slas(path: Path, indices: list[int]) -> None:
    path.write_text(yaml.safe_dump_all([sla_document(i) for i in indices], sort_keys=False))


def in_maintenance(i: int, slot_start: int) -> bool:
    return has_maintenance(i) and (slot_start - SUNDAY_2AM) % WEEK < MAINTENANCE_SECONDS


def bad(i: int, slot: int) -> str:
    """Bad events of the 5m piece numbered ``slot`` (its stamp / 300), fractional as ``increase()`` gives them."""
    if i % 11 == 0 and (slot // 24) % (30 * 12) == (i * 7) % 300:  # a 2h outage, one day a month or so
        return f"{150 + (slot % 7) / 3:.9g}"
    return f"{3 + (slot % 5) / 7:.9g}" if (slot + i * 7) % 97 == 0 else "0"


def valid(i: int, slot: int) -> str:
    """Valid events of that piece: about one a second, fractional (``increase()`` extrapolates)."""
    return f"{PIECE + ((slot * 37 + i) % 101 - 50) / 300:.9g}"


@dataclass(frozen=True)
class Layout:
    """Which series exist when, in seconds (stamps of 5m pieces and raw samples)."""

    month_start: int  # the report month
    month_end: int
    review_start: int  # the first of the review's months (for the first ``review_slas`` SLAs)
    review_slas: int
    slas: int
    raw_days: float
    margin: int = 3600

    @property
    def raw_end(self) -> int:
        return self.month_start + int(self.raw_days * 86400)

    def first(self, i: int) -> int:
        return (self.review_start if i < self.review_slas else self.month_start) - self.margin

    @property
    def last(self) -> int:
        return self.month_end + self.margin


def _stamps(start: int, end: int, step: int) -> range:
    """Multiples of ``step`` in ``[start, end)``."""
    return range(start + (-start) % step, end, step)


def write_window(out: TextIO, layout: Layout, lo: int, hi: int) -> int:
    """Every sample with a timestamp in ``[lo, hi)``, grouped by metric family; returns the count."""
    count = 0
    for metric in (BAD_EVENTS_5M, VALID_EVENTS_5M):
        is_bad = metric == BAD_EVENTS_5M
        for i in range(layout.slas):
            start, end = max(lo, layout.first(i)), min(hi, layout.last + 1)
            if start >= end:
                continue
            for obj in objectives(i):
                labels = f'{metric}{{objective="{obj}",sla="{name(i)}"}} '
                lines = []
                for t in _stamps(start, end, PIECE):
                    if is_raw(i) and layout.month_start < t <= layout.raw_end:
                        continue  # the raw stretch: no pieces
                    off = in_maintenance(i, t - PIECE)
                    value = "0" if off else bad(i, t // PIECE) if is_bad else valid(i, t // PIECE)
                    lines.append(f"{labels}{value} {t}\n")
                out.writelines(lines)
                count += len(lines)
    count += _write_raw(out, layout, lo, hi)
    return count


def _write_raw(out: TextIO, layout: Layout, lo: int, hi: int) -> int:
    """The raw counters of the raw subset over its stretch (plus 10 minutes either side)."""
    start = max(lo, layout.month_start - 600)
    end = min(hi, layout.raw_end + 600)
    if start >= end:
        return 0
    count = 0
    origin = layout.month_start - 3600
    for code in ("200", "500"):
        for i in range(layout.slas):
            if not is_raw(i):
                continue
            for obj in objectives(i):
                labels = f'{METRIC}{{code="{code}",job="svc-{i:04d}",objective="{obj}"}} '
                lines = []
                for t in _stamps(start, end, RAW_STEP):
                    elapsed = t - origin  # one request a second; bad ones as in the pieces, roughly
                    errors = elapsed // (97 * PIECE) * 3
                    value = errors if code == "500" else elapsed - errors
                    lines.append(f"{labels}{value} {t}\n")
                out.writelines(lines)
                count += len(lines)
    return count


def windows(layout: Layout, block: int) -> Iterator[tuple[int, int]]:
    """Block-aligned ``[lo, hi)`` stretches covering all the data (one promtool pass each)."""
    lo = min(layout.first(0), layout.month_start - 600) // block * block
    while lo <= layout.last:
        yield lo, lo + block
        lo += block
