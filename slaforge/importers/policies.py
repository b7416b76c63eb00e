"""Other tools' burn-rate alerts as ``alerting.policies``: one conversion, one set of checks.

A policy fires at burn factor ``budget_spent x window / long``; a tool that states the factor
(Pyrra, OpenSLO) gives ``budget_spent = factor x long / window``, one that states the budget (Sloth)
gives it directly. slaforge's windows are sums of 1m pieces up to 1h and of 5m pieces beyond:
a window off that grid is rounded to it (the factor kept) with a warning. A policy that slaforge
would refuse, and that could not fire in the other tool either (its long window is longer than the
SLO window; even a total outage stays under its factor), is left out with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from slaforge.importers.model import Place, PolicyDraft, SLADraft
from slaforge.spec.durations import Duration
from slaforge.spec.problems import Problem

MINUTE = Duration.parse("1m")
FIVE_MINUTES = Duration.parse("5m")
HOUR = Duration.parse("1h")


def on_grid(duration: Duration) -> Duration:
    """The nearest window slaforge can sum: whole minutes up to 1h, whole 5 minutes beyond; at least 1m."""
    step = MINUTE if duration <= HOUR else FIVE_MINUTES
    rounded = Duration(max(1, round(duration.ms / step.ms)) * step.ms)
    if duration <= HOUR < rounded:  # 59m30s rounds to 1h, never beyond
        rounded = HOUR
    return rounded


def from_factor(severity: str, factor: float, long: Duration, short: Duration, window: Duration, source: str,
                place: Place) -> PolicyDraft:
    """A policy firing at burn ``factor`` over ``long`` for an SLA ``window``."""
    return PolicyDraft(severity, factor * long.ms / window.ms * 100, long, short, source, place)


def factor(policy: PolicyDraft, window: Duration) -> float:
    return policy.budget_spent / 100 * window.ms / policy.long.ms


def gridded(policy: PolicyDraft, window: Duration, tool: str) -> tuple[PolicyDraft, Problem | None]:
    """The policy with its windows on slaforge's grid and the same burn factor; a warning when they moved."""
    long, short = on_grid(policy.long), on_grid(policy.short)
    if (long, short) == (policy.long, policy.short):
        return policy, None
    burn = factor(policy, window)
    moved = replace(policy, long=long, short=short, budget_spent=burn * long.ms / window.ms * 100)
    return moved, policy.place.warning(
        f"{policy.source}: {tool}'s windows {policy.long}/{policy.short} are not sums of slaforge's 1m pieces (up to "
        f"1h) and 5m pieces (beyond); carried as {long}/{short} with the same burn factor {burn:.4g}")


def settle(draft: SLADraft) -> list[Problem]:
    """Leave out the policies of ``draft`` that slaforge would refuse and that could never fire in the other
    tool either; the warnings say which and why."""
    policies = draft.alerting.policies
    if policies is None:
        return []
    try:
        window = Duration.parse(draft.window)
    except ValueError:
        return []  # validation names the window
    budgets = [1 - o.target / 100 for o in draft.objectives]
    warnings: list[Problem] = []
    first: dict[tuple[str, Duration, Duration], PolicyDraft] = {}
    for policy in policies:
        problem = _refused(policy, window, budgets)
        if problem is not None:
            warnings.append(policy.place.warning(f"{policy.source} is not carried: {problem}"))
            continue
        key = (policy.severity, policy.long, policy.short)
        other = first.setdefault(key, policy)
        if other is not policy:  # the same severity and windows: the lower factor fires first, and alone counts
            later, first[key] = sorted((other, policy), key=lambda p: p.budget_spent)[::-1]
            warnings.append(later.place.warning(
                f"{later.source} is not carried: {first[key].source} has the same severity and windows and fires "
                "first (slaforge keeps one policy per severity and windows)"))
    kept = [p for p in policies if any(p is q for q in first.values())]
    if not kept:
        draft.alerting.policies = None
        draft.alerting.page = draft.alerting.ticket = False
        draft.alerting.comments.append("REVIEW: none of the burn-rate alerts could fire for this SLA, so "
                                       "page and ticket are off; set alerting.policies to alert on burn rates.")
    else:
        draft.alerting.policies = kept
    return warnings


def _refused(policy: PolicyDraft, window: Duration, budgets: Sequence[float]) -> str | None:
    if policy.long > window:
        return (f"its long window {policy.long} is longer than the SLO window {window}, over which the budget is "
                "defined")
    if policy.short >= policy.long:
        return f"its short window {policy.short} is not shorter than its long window {policy.long}"
    burn = factor(policy, window)
    if policy.budget_spent > 100:
        return (f"at burn factor {burn:.4g} over {policy.long} it fires only once more than the whole error budget of "
                f"the {window} window is spent within {policy.long}, and slaforge's budget_spent is at most 100%")
    if budgets and all(burn * budget >= 1 for budget in budgets):
        return (f"at burn factor {burn:.4g} even a total outage (100% errors) stays under its threshold for every "
                "objective here, so it could never fire")
    return None
