"""The numbers of one objective over one period, computed exactly from event counts.

Everything compares exact rationals: the counts Prometheus returns are parsed from their decimal
text, and percents from the SLA file are read from their decimal form, so ``below: 99.9`` with
999 good events out of 1000 is *not* below (99.9 is not < 99.9), and 9989 out of 10000 is.
Shown values are truncated, never rounded up, to 4 decimals, so a shown value below a
tier's boundary is exactly when the tier applies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from slaforge.spec.model import CreditTier

DECIMALS = 4


def exact(value: Fraction | float | str) -> Fraction:
    """A percent or count as an exact rational, read from its shortest decimal form."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        return Fraction(value.strip())
    return Fraction(repr(float(value)))


def truncate(value: Fraction, decimals: int = DECIMALS) -> float:
    """Round toward minus infinity to ``decimals`` places (99.89999 -> 99.8999, never 99.9)."""
    scale: int = 10**decimals
    floor: int = math.floor(value * scale)
    return floor / scale


def round_half_up(value: Fraction, decimals: int = DECIMALS) -> float:
    scale: int = 10**decimals
    floor: int = math.floor(value * scale + Fraction(1, 2))
    return floor / scale


@dataclass(frozen=True)
class Outcome:
    """Achieved value, verdict and credit of one objective; ``None`` everywhere when there is no data."""

    achieved: Fraction | None  # percent
    met: bool | None
    budget_spent: Fraction | None  # fraction of the period's budget
    credit: float | None  # percent owed
    tier: CreditTier | None  # the tier that set the credit
    problems: tuple[str, ...] = ()  # counts that cannot be right: no value, no verdict, no credit

    @property
    def no_data(self) -> bool:
        return self.achieved is None and not self.problems


def credit_owed(achieved: Fraction, tiers: Sequence[CreditTier]) -> tuple[float, CreditTier | None]:
    """Credit of the highest applicable tier (``achieved < below``), and that tier; 0 when none applies."""
    best: CreditTier | None = None
    for tier in tiers:
        if achieved < exact(tier.below) and (best is None or tier.credit > best.credit):
            best = tier
    return (best.credit if best is not None else 0.0), best


def count_problems(bad_q: Fraction, valid_q: Fraction, bad: object, valid: object) -> tuple[str, ...]:
    """What is wrong with a pair of counts, if anything (``bad`` and ``valid`` as they are shown)."""
    if isinstance(bad, Fraction):
        bad = f"{float(bad):g}"
    if isinstance(valid, Fraction):
        valid = f"{float(valid):g}"
    problems = []
    if valid_q < 0:
        problems.append(f"negative valid events ({valid})")
    if bad_q < 0:
        problems.append(f"negative bad events ({bad})")
    if bad_q > valid_q >= 0:
        problems.append(f"more bad events ({bad}) than valid events ({valid})")
    return tuple(problems)


def outcome(bad: Fraction | float | str | None, valid: Fraction | float | str | None, target: float,
            tiers: Sequence[CreditTier]) -> Outcome:
    """Numbers for ``bad`` of ``valid`` events against ``target`` percent.

    No valid events (or a missing series) is no data: never 100% nor 0%. Counts that cannot be
    right (negative, more bad than valid) are data problems, never clamped into a verdict.
    """
    if bad is None or valid is None:
        return Outcome(None, None, None, None, None)
    bad_q, valid_q = exact(bad), exact(valid)
    problems = count_problems(bad_q, valid_q, bad, valid)
    if problems:
        return Outcome(None, None, None, None, None, problems)
    if valid_q == 0:
        return Outcome(None, None, None, None, None)
    error_ratio = bad_q / valid_q
    achieved = (1 - error_ratio) * 100
    target_q = exact(target)
    budget = 1 - target_q / 100
    credit, tier = credit_owed(achieved, tiers)
    return Outcome(achieved, achieved >= target_q, error_ratio / budget, credit, tier)
