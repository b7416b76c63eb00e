"""The SLI's own series read with exactly the meaning of the recorded 5m pieces. Pure (PromQL text).

For time the recording rules did not cover (before they were loaded, an SLA added mid-period, a
gap while Prometheus was down) the report computes the same numbers from the raw counters:

* a 1m piece stamped ``u`` is ``increase(x[2m]) / 2`` at ``u`` (:func:`slaforge.rules.sli.events`,
  the very expression of the rule), and 0 when a maintenance window was open at any of the 1m
  group's evaluations of ``[u - 2m, u]``, that is for ``u`` in ``[start, end + 2m)`` of a window;
* a 5m piece stamped ``t`` sums the 1m pieces of ``(t - 6m30s, t - 1m30s]``; so the pieces stamped
  in ``(a, b]`` are the 1m pieces of ``(a - 1m30s, b - 1m30s]``: a subquery
  ``sum_over_time((piece)[b-a:1m] offset 1m30s)`` evaluated at ``b`` (range 1 ms short, as
  everywhere in the report, so that the 1m piece at the left edge belongs to the bucket before).

Subqueries evaluate on exact minutes where the rules evaluate at their group's offset within the
minute: a stretch's edges may differ from the recorded pieces' by under a minute.

Maintenance windows come from the SLA file (:mod:`slaforge.report.maintenance`, the same layout as
the rules' ``slaforge:maintenance:active``), written as ``time()`` comparisons: the raw history has
no recorded maintenance state to read.
"""

from __future__ import annotations

from collections.abc import Sequence

from slaforge.report.maintenance import Interval
from slaforge.rules.sli import events
from slaforge.spec.model import SLA, Objective

PIECE_RANGE = "2m"  # as the 1m piece rule
PIECE_DIVIDE = 2
PIECE_SHIFT = 90  # seconds: the 5m piece reads 1m pieces at offset 1m30s
GATE_AFTER = 120  # seconds a window keeps zeroing pieces after it closed (their 2m range)
KIND_LABEL = "slaforge_kind"


def _ms(seconds: float) -> str:
    return f"{max(round(seconds * 1000) - 1, 1)}ms"


def gate(windows: Sequence[Interval]) -> str:
    """A scalar factor that is 0 for 1m pieces that the maintenance gate of the rules zeroes, else 1."""
    factors = [
        f"(1 - (time() >= bool {a.timestamp():.0f}) * (time() < bool {b.timestamp() + GATE_AFTER:.0f}))"
        for a, b in windows
    ]
    return " * ".join(factors)


def raw_sums_query(sla: SLA, objective: Objective, seconds: float, windows: Sequence[Interval] = ()) -> str:
    """Bad and valid events of the 5m pieces that would be stamped in the ``seconds`` before the
    evaluation time, from the SLI's own series; labelled ``slaforge_kind`` like the recorded sums."""
    bad, valid = events(sla, objective).increase(PIECE_RANGE, divide=PIECE_DIVIDE)
    factor = gate(windows)
    parts = []
    for kind, expr in (("bad", bad), ("valid", valid)):
        inner = f"({expr}) * {factor}" if factor else expr
        summed = f"sum_over_time(({inner})[{_ms(seconds)}:1m] offset {PIECE_SHIFT}s)"
        parts.append(f'label_replace({summed}, "{KIND_LABEL}", "{kind}", "", "")')
    return " or ".join(parts)


def windows_near(windows: Sequence[Interval], begin: float, end: float) -> list[Interval]:
    """The windows that can gate a 1m piece read for the pieces stamped in ``(begin, end]``."""
    low, high = begin - PIECE_SHIFT - 60, end
    return [(a, b) for a, b in windows if a.timestamp() <= high and b.timestamp() + GATE_AFTER > low]
