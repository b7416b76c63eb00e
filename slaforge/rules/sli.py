"""Bad and valid events of an SLI, as PromQL over the raw series.

Every kind reduces to two counters, valid events and bad events; which series those are is the
plan's SLI kind table (:mod:`slaforge.plan.sli`). The generator turns them into
event counts per piece (``increase`` over a short range, summed over all series of the selector),
and every window's ratio is then a ratio of sums of those pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

from slaforge.plan import SLIPlan
from slaforge.plan.sli import Terms
from slaforge.promql_text import le_regex

__all__ = ["Events", "le_regex", "plan_events", "sum_increase"]


def _sum(term: str, rng: str, by: Terms, offset: str = "") -> str:
    inc = f"increase({term}[{rng}]{f' offset {offset}' if offset else ''})"
    if by:
        return f"sum by ({', '.join(by)}) ({inc})"
    return f"sum({inc})"


def sum_increase(terms: Terms, rng: str, by: Terms = (), offset: str = "") -> str:
    """Events of the selectors over ``rng`` (ending ``offset`` before the evaluation time when given),
    one sample (per group); empty only when none of them has a series.

    A sum of several selectors counts a selector without series as 0 (as a single error counter
    without series counts 0), but stays empty when every one is missing, so that absence shows.
    Grouped (``by``), a selector without series for a group counts 0 for every group another
    selector has.
    """
    if len(terms) == 1:
        return _sum(terms[0], rng, by, offset)
    if by:
        zero = "0 * (" + " or ".join(_sum(t, rng, by, offset) for t in terms) + ")"
        return "(" + " + ".join(f"({_sum(t, rng, by, offset)} or {zero})" for t in terms) + ")"
    zeroed = " + ".join(f"({_sum(t, rng, by, offset)} or vector(0))" for t in terms)
    present = " or ".join(_sum(t, rng, by, offset) for t in terms)
    return f"(({zeroed}) and on() ({present}))"


def _zeroed(terms: Terms, rng: str, by: Terms = (), valid: str = "", offset: str = "") -> str:
    """Events of the selectors over ``rng``, 0 when none has a series yet (grouped: 0 for each group
    that has valid events)."""
    zero = f"0 * {valid}" if by else "vector(0)"
    if len(terms) == 1:
        return f"({_sum(terms[0], rng, by, offset)} or {zero})"
    return "(" + " + ".join(f"({_sum(t, rng, by, offset)} or {zero})" for t in terms) + ")"


@dataclass(frozen=True)
class Events:
    """Raw counter selectors of one objective (each a sum of one or more selectors).

    bad events = ``bad`` when set; else ``valid - good``, never below 0 (a ratio SLI's good
    counter, or a latency kind's histogram bucket).
    """

    valid: Terms
    bad: Terms | None = None
    good: Terms | None = None

    def increase(self, rng: str, divide: int = 1, by: Terms = (), offset: str = "") -> tuple[str, str]:
        """(bad, valid) event counts over ``rng`` (ending ``offset`` before the evaluation time when
        given, for the report's reading of history), one sample each (one per group with ``by``),
        optionally divided."""
        div = f" / {divide}" if divide != 1 else ""
        total = sum_increase(self.valid, rng, by, offset)
        valid = f"{total}{div}"
        if self.bad is not None:
            # an error counter often has no series until the first error: count that as 0
            bad = f"{_zeroed(self.bad, rng, by, total, offset)}{div}"
        else:
            assert self.good is not None
            # no good series counts every event as bad: a wrong le fails loudly, not silently;
            # more good than valid events (counters scraped at different times) counts 0 bad
            bad = f"clamp_min({total} - {_zeroed(self.good, rng, by, total, offset)}, 0){div}"
        return bad, valid


def plan_events(sli: SLIPlan) -> Events:
    """The events an SLI counts, as the plan's SLI kind table says (:mod:`slaforge.plan.sli`)."""
    return Events(valid=sli.valid, bad=sli.bad, good=sli.good)
