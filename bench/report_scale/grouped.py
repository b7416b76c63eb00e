"""The grouped case of the report benchmark (issue 15): 100 SLAs x 100 customers, ``group_by: [customer]``.

SLA ``g`` (``grp-NNN``, UTC) has one ratio objective ``availability`` (99.9%, credit tiers) grouped by
``customer`` (``c-000`` ... ``c-099``); its recorded 5m pieces carry the ``customer`` label: about 30
valid events per piece, fractional as ``increase()`` makes them, a few bad ones scattered, and for
customer ``g % 100`` a 3-hour outage on one day (that customer alone breaches 99.9%).
"""

from __future__ import annotations

from typing import Any, TextIO

import yaml

from bench.report_scale.data import METRIC, PIECE, _stamps
from slaforge.conventions import BAD_EVENTS_5M, VALID_EVENTS_5M

VERSION = 1


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
                    lines = [f"{labels}{30 + ((t // PIECE * 37 + seed) % 101 - 50) / 300:.9g} {t}\n" for t in stamps]
                out.writelines(lines)
                count += len(lines)
    return count


def _bad(slot: int, seed: int, outage: bool) -> str:
    if outage and (slot // 36) % (30 * 8) == seed % 200:  # 3 hours, one day a month or so
        return "15"
    return "1" if (slot + seed) % 211 == 0 else "0"
