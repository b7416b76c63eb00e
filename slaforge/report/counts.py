"""Whole event counts for display. Pure.

The recorded pieces are ``increase()`` over 2 minutes, which extrapolates to the range's edges: a
probe SLI's 156 probes come out as 156.753372. Every SLI kind counts whole events (probes,
requests, histogram observations), so counts are *shown* as whole numbers: the total rounded half
up, and the days given shares of it by the largest remainder method, so that they still add up to
the total exactly. The achieved value, the verdict, the budget and the credit are computed from the
exact sums, never from these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

ESTIMATE_NOTE = (
    "event counts are whole-number estimates: Prometheus' increase() extrapolates each 2-minute piece "
    "to its edges, so the recorded sums are fractional; totals are rounded and days apportioned so that "
    "they add up to them. The achieved value, verdict and credit use the exact sums"
)


def whole(value: Fraction) -> int:
    """Rounded half up (a negative count stays negative: it is shown as a data problem, never clamped)."""
    return math.floor(value + Fraction(1, 2))


def apportion(parts: Sequence[Fraction], total: int) -> list[int]:
    """Whole shares of ``total`` in proportion to ``parts`` (largest remainder; ties to the earliest).

    In integers over the parts' common denominator (thousands of rows of 30 days: as Fractions each
    share and remainder cost a gcd), which gives the same shares and the same remainders' order."""
    if not parts:
        return []
    common = math.lcm(*(p.denominator for p in parts))
    scaled = [max(p.numerator * (common // p.denominator), 0) for p in parts]
    exact_sum = sum(scaled)
    if exact_sum == 0:
        return [0] * len(parts)
    floors, rests = zip(*(divmod(a * total, exact_sum) for a in scaled), strict=True)
    out = list(floors)
    left = total - sum(out)
    order = sorted(range(len(parts)), key=lambda i: (-rests[i], i))
    for i in order[:left]:
        out[i] += 1
    return out
