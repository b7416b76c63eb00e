"""The grouped case of the report benchmark (issue 15): 100 SLAs x 100 customers, ``group_by: [customer]``.

SLA ``g`` (``grp-NNN``, UTC) has one ratio objective ``availability`` (99.9%, credit tiers) grouped by
``customer`` (``c-000`` ... ``c-099``); its recorded 5m pieces carry the ``customer`` label: about 30
valid events per piece, fractional as ``increase()`` makes them, a few bad ones scattered, and for
customer ``g % 100`` a 3-hour outage on one day (that customer alone breaches 99.9%).

Like the rules of an SLA with credit tiers, the storage also holds each month day's four daily
series (:func:`write_daily`: bad and valid sums, piece count, lowest piece), stamped at the rules'
first evaluation of the next day, which the report reads instead of the day's pieces
(:mod:`slaforge.report.daily`).
"""

from __future__ import annotations

from typing import Any, TextIO

import yaml

from bench.report_scale.data import METRIC, PIECE, _stamps
from slaforge.conventions import (
    BAD_EVENTS_1D,
    BAD_EVENTS_5M,
    LOWEST_PIECE_1D,
    PIECES_1D,
    VALID_EVENTS_1D,
    VALID_EVENTS_5M,
)

VERSION = 1
DAILY_VERSION = 1
DAY = 86400
# The pieces are stamped on the 5m grid; the rules' daily numbers are stamped at their first
# evaluation after midnight, which must not be midnight itself (slaforge.report.daily): 37 s after.
DAILY_PHASE = 37


def name(g: int) -> str:
    return f"grp-{g:03d}"


def customer(c: int) -> str:
    return f"c-{c:03d}"


def sla_document(g: int) -> dict[str, Any]:
    selector = f'{METRIC}{{job="grp-{g:03d}"'
    spec: dict[str, Any] = {
        "service": f"grp-{g:03d}",
        "provider": "Bench Provider",
        "customer": "every customer",
        "window": "30d",
        "calendar": "month",
        "timezone": "UTC",
        "objectives": [{
            "name": "availability",
            "target": 99.9,
            "group_by": ["customer"],
            "sli": {"ratio": {"errors": selector + ',code="500"}', "total": selector + "}"}},
            "credits": [{"below": 99.9, "credit": 10}, {"below": 98.9, "credit": 25}],
        }],
        "escalation": [{"after": "0m", "receiver": "oncall"}],
    }
    return {"apiVersion": "slaforge/v1", "kind": "SLA", "metadata": {"name": name(g)}, "spec": spec}


def write_slas(path: Any, slas: int) -> None:
    path.write_text(yaml.safe_dump_all([sla_document(g) for g in range(slas)], sort_keys=False))


def write_window(out: TextIO, slas: int, customers: int, first: int, last: int, lo: int, hi: int) -> int:
    """The pieces of every (SLA, customer) stamped in ``[lo, hi)`` within ``[first, last]``."""
    start, end = max(lo, first), min(hi, last + 1)
    if start >= end:
        return 0
    stamps = list(_stamps(start, end, PIECE))
    count = 0
    for metric in (BAD_EVENTS_5M, VALID_EVENTS_5M):
        is_bad = metric == BAD_EVENTS_5M
        for g in range(slas):
            for c in range(customers):
                labels = f'{metric}{{customer="{customer(c)}",objective="availability",sla="{name(g)}"}} '
                seed = g * 131 + c * 7
                if is_bad:
                    outage = c == g % customers
                    lines = [f"{labels}{_bad(t // PIECE, seed, outage)} {t}\n" for t in stamps]
                else:
                    lines = [f"{labels}{_valid_text(t // PIECE, seed)} {t}\n" for t in stamps]
                out.writelines(lines)
                count += len(lines)
    return count


def _bad(slot: int, seed: int, outage: bool) -> str:
    if outage and (slot // 36) % (30 * 8) == seed % 200:  # 3 hours, one day a month or so
        return "15"
    return "1" if (slot + seed) % 211 == 0 else "0"


def _valid_text(slot: int, seed: int) -> str:
    return f"{30 + ((slot * 37 + seed) % 101 - 50) / 300:.9g}"


def _valid(slot: int, seed: int) -> float:
    return float(_valid_text(slot, seed))  # the piece as Prometheus reads it back


def write_daily(out: TextIO, slas: int, customers: int, month_start: int, month_end: int) -> int:
    """The four daily series of every (SLA, customer) and day of the month, from the pieces of
    :func:`write_window` stamped in the day ``(begin, end]``; returns the samples written."""
    per_day = DAY // PIECE
    valid_of: dict[int, tuple[float, float]] = {}  # the valid pieces of a day depend on (slot * 37 + seed) % 101
    rows: dict[str, list[str]] = {BAD_EVENTS_1D: [], VALID_EVENTS_1D: [], PIECES_1D: [], LOWEST_PIECE_1D: []}
    for g in range(slas):
        for c in range(customers):
            seed = g * 131 + c * 7
            labels = f'{{customer="{customer(c)}",objective="availability",period="0",sla="{name(g)}"}}'
            for begin in range(month_start, month_end, DAY):
                first = begin // PIECE + 1
                key = (first * 37 + seed) % 101
                if key not in valid_of:
                    values = [_valid(first + k, seed) for k in range(per_day)]
                    valid_of[key] = (sum(values), min(values))
                valid, low_valid = valid_of[key]
                bad_values = [int(_bad(first + k, seed, c == g % customers)) for k in range(per_day)]
                at = begin + DAY + DAILY_PHASE
                rows[BAD_EVENTS_1D].append(f"{BAD_EVENTS_1D}{labels} {sum(bad_values)} {at}\n")
                rows[VALID_EVENTS_1D].append(f"{VALID_EVENTS_1D}{labels} {valid!r} {at}\n")
                rows[PIECES_1D].append(f"{PIECES_1D}{labels} {per_day} {at}\n")
                rows[LOWEST_PIECE_1D].append(f"{LOWEST_PIECE_1D}{labels} {min(min(bad_values), low_valid)!r} {at}\n")
    for metric, lines in rows.items():
        out.write(f"# TYPE {metric} gauge\n")
        out.writelines(lines)
    return sum(len(lines) for lines in rows.values())
