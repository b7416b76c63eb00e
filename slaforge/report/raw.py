"""The SLI's own series read with exactly the meaning of the recorded 5m pieces. Pure (PromQL text).

For time the recording rules did not cover (before they were loaded, an SLA added mid-period, a
gap while Prometheus was down) the report computes the same numbers from the raw counters:

* a 1m piece stamped ``u`` is ``increase(x[2m]) / 2`` at ``u`` (:func:`slaforge.rules.sli.plan_events`,
  the very expression of the rule), and 0 when a maintenance window was open at any of the 1m
  group's evaluations of ``[u - 2m, u]``, that is for ``u`` in ``[start, end + 2m)`` of a window;
* a 5m piece stamped ``t`` sums the 1m pieces of ``(t - 6m30s, t - 1m30s]``; so the pieces stamped
  in ``(a, b]`` are the 1m pieces of ``(a - 1m30s, b - 1m30s]``: a subquery
  ``sum_over_time((piece)[b-a:1m] offset 1m30s)`` evaluated at ``b`` (range 1 ms short, as
  everywhere in the report, so that the 1m piece at the left edge belongs to the bucket before).

Prometheus evaluates each rule group at a fixed offset within its interval (hashed from the group
and the file): 5m pieces are stamped ``o5`` after the 5-minute marks, 1m pieces ``o1`` after the
minutes. When the SLA has recorded pieces, the report reads both offsets (:class:`Offsets`, from the
pieces' timestamps) and shifts the subquery so that a raw bucket adds up exactly the 1m pieces the
recorded one would have: no piece is counted twice or left out where recorded and raw stretches
meet. Subqueries evaluate on whole minutes, so each 1m piece is read ``60 - o1`` seconds before one
(an ``offset`` inside the piece): its ``increase()`` then sees the same scrapes as the rule did.
Without recorded pieces the offsets are taken as 0 (pieces stamped on the 5-minute marks and on
the minutes).

Maintenance windows come from the SLA file (:mod:`slaforge.maintenance`, the same layout as
the rules' ``slaforge:maintenance:active``), written as ``time()`` comparisons: the raw history has
no recorded maintenance state to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slaforge.maintenance import Interval
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.rules.sli import Events, plan_events
from slaforge.spec.promql import Matcher, Selector

PIECE_RANGE = "2m"  # as the 1m piece rule
PIECE_DIVIDE = 2
PIECE_SHIFT = 90  # seconds: the 5m piece reads 1m pieces at offset 1m30s
PIECE_READ = 300 + PIECE_SHIFT  # ... over [5m]: a 5m piece stamped t reads back to t - 6m30s
GATE_AFTER = 120  # seconds a window keeps zeroing pieces after it closed (their 2m range)
KIND_LABEL = "slaforge_kind"


def _ms(seconds: float) -> str:
    return f"{max(round(seconds * 1000) - 1, 1)}ms"


@dataclass(frozen=True)
class Offsets:
    """Where in their intervals the two groups evaluate (seconds; 0 when unknown)."""

    five: float = 0.0  # 5m pieces are stamped this long after the 5-minute marks, in [0, 300)
    one: float = 0.0  # 1m pieces this long after the minutes, in [0, 60)

    @classmethod
    def from_stamps(cls, five: float | None, one: float | None) -> Offsets:
        return cls(round(five % 300, 3) if five is not None else 0.0, round(one % 60, 3) if one is not None else 0.0)

    @property
    def delay(self) -> float:
        """How long before each whole minute the subquery's 1m piece is taken: ``60 - one`` seconds,
        so that it reads the same scrapes as the rule evaluated at ``one`` past the previous minute."""
        return 60.0 - self.one

    @property
    def shift(self) -> float:
        """The subquery's offset: the pieces stamped in ``(T - step, T]`` read the 1m pieces of
        ``(T - step - s, T - s]`` with ``s = 6m30s - (last 5m stamp before T, past T - 5m)``; the
        subquery evaluates ``delay`` after each of them."""
        last_piece = self.five if self.five > 0 else 300.0  # the last 5m stamp <= T is T - 300 + that
        return PIECE_READ - last_piece - self.delay


def gate(windows: Sequence[Interval], delay: float = 60.0) -> str:
    """A scalar factor that is 0 for the 1m pieces that the maintenance gate of the rules zeroes (a
    piece ``u`` in ``[start, end + 2m)``, evaluated by the subquery at ``time() = u + delay``), else 1."""
    factors = [
        f"(1 - (time() >= bool {a.timestamp() + delay:.3f}) * (time() < bool {b.timestamp() + GATE_AFTER + delay:.3f}))"
        for a, b in windows
    ]
    return " * ".join(factors)


def narrowed(found: Events, extra: tuple[Matcher, ...]) -> Events:
    """The same events, of the series that also match ``extra`` (one group: ``--group customer=acme``)."""
    if not extra:
        return found

    def each(terms: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if terms is None else tuple(Selector.parse(t).render(extra=extra) for t in terms)

    return Events(valid=each(found.valid) or (), bad=each(found.bad), good=each(found.good))


def _pieces(sla: SLAPlan, objective: ObjectivePlan, windows: Sequence[Interval], offsets: Offsets,
            narrow: tuple[Matcher, ...] = ()) -> tuple[str, str]:
    """The bad and valid 1m pieces (of the series matching ``narrow`` too), gated by the maintenance windows."""
    delay = f"{round(offsets.delay * 1000)}ms"
    bad, valid = narrowed(plan_events(objective.sli), narrow).increase(PIECE_RANGE, divide=PIECE_DIVIDE,
                                                                   by=objective.group_by, offset=delay)
    factor = gate(windows, offsets.delay)
    return tuple(f"({expr}) * {factor}" if factor else expr for expr in (bad, valid))  # type: ignore[return-value]


def _over(function: str, inner: str, seconds: float, offsets: Offsets, at: str) -> str:
    """``function`` of the 1m pieces read for the 5m pieces stamped in the ``seconds`` before the
    evaluation time (or before ``at``, a unix time, with the ``@`` modifier)."""
    pinned = f" @ {at}" if at else ""
    return f"{function}(({inner})[{_ms(seconds)}:1m]{pinned} offset {round(offsets.shift * 1000)}ms)"


def piece_queries(sla: SLAPlan, objective: ObjectivePlan, seconds: float, windows: Sequence[Interval] = (),
                  offsets: Offsets = Offsets(), at: str = "", narrow: tuple[Matcher, ...] = ()) -> tuple[str, str]:
    """Bad and valid events of the 5m pieces that would be stamped in the ``seconds`` before the
    evaluation time (or ``at``), from the SLI's own series (also the expressions of ``slaforge backfill``)."""
    bad, valid = _pieces(sla, objective, windows, offsets, narrow)
    return _over("sum_over_time", bad, seconds, offsets, at), _over("sum_over_time", valid, seconds, offsets, at)


def piece_count_query(sla: SLAPlan, objective: ObjectivePlan, seconds: float, windows: Sequence[Interval] = (),
                      offsets: Offsets = Offsets(), at: str = "", narrow: tuple[Matcher, ...] = ()) -> str:
    """How many 1m pieces of valid events :func:`piece_queries` adds up (by group)."""
    _, valid = _pieces(sla, objective, windows, offsets, narrow)
    return _over("count_over_time", valid, seconds, offsets, at)


def raw_sums_query(sla: SLAPlan, objective: ObjectivePlan, seconds: float, windows: Sequence[Interval] = (),
                   offsets: Offsets = Offsets(), narrow: tuple[Matcher, ...] = ()) -> str:
    """:func:`piece_queries` labelled ``slaforge_kind`` like the recorded sums, joined in one query."""
    bad, valid = piece_queries(sla, objective, seconds, windows, offsets, narrow=narrow)
    return " or ".join(f'label_replace({expr}, "{KIND_LABEL}", "{kind}", "", "")'
                       for kind, expr in (("bad", bad), ("valid", valid)))


def windows_near(windows: Sequence[Interval], begin: float, end: float) -> list[Interval]:
    """The windows that can gate a 1m piece read for the pieces stamped in ``(begin, end]``."""
    low, high = begin - PIECE_READ - 60, end
    return [(a, b) for a, b in windows if a.timestamp() <= high and b.timestamp() + GATE_AFTER > low]
