"""Error-budget and burn-rate arithmetic (Google SRE Workbook, "Alerting on SLOs").

One place for the numbers that the rules generator, `slaforge explain` and the dashboards all
show, so that they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from slaforge.conventions import SEVERITY_PAGE, SEVERITY_TICKET
from slaforge.spec.durations import Duration
from slaforge.spec.model import Objective


@dataclass(frozen=True)
class BurnPolicy:
    """Alert when ``budget_fraction`` of the window's budget is spent within ``long_window``."""

    severity: str
    budget_fraction: float
    long_window: Duration
    short_window: Duration


# The contract's policies: page on 2% in 1h (5m) or 5% in 6h (30m); ticket on 10% in 3d (6h).
POLICIES: tuple[BurnPolicy, ...] = (
    BurnPolicy(SEVERITY_PAGE, 0.02, Duration.parse("1h"), Duration.parse("5m")),
    BurnPolicy(SEVERITY_PAGE, 0.05, Duration.parse("6h"), Duration.parse("30m")),
    BurnPolicy(SEVERITY_TICKET, 0.10, Duration.parse("3d"), Duration.parse("6h")),
)


def factor(policy: BurnPolicy, window: Duration) -> float:
    """Burn rate at which ``policy`` fires for an SLA ``window``: budget fraction x window / long window."""
    return policy.budget_fraction * window.ms / policy.long_window.ms


def fits(policy: BurnPolicy, window: Duration) -> bool:
    """The policy's long window fits in the SLA window (the budget is defined over the window)."""
    return policy.long_window <= window


@dataclass(frozen=True)
class BurnAlert:
    """One burn-rate condition of one objective, with everything a person needs to judge it."""

    policy: BurnPolicy
    window: Duration  # the SLA window
    error_budget: float  # allowed error ratio, 1 - target

    @property
    def severity(self) -> str:
        return self.policy.severity

    @property
    def long_window(self) -> Duration:
        return self.policy.long_window

    @property
    def short_window(self) -> Duration:
        return self.policy.short_window

    @property
    def factor(self) -> float:
        """Burn rate: how many times faster than sustainable the budget is being spent."""
        return factor(self.policy, self.window)

    @property
    def threshold(self) -> float:
        """Error ratio above which both windows must be for the alert to fire."""
        return self.factor * self.error_budget

    @property
    def applicable(self) -> bool:
        """The long window must fit in the SLA window, and the threshold must be reachable."""
        return fits(self.policy, self.window) and self.threshold < 1

    @property
    def budget_spent_when_firing(self) -> float:
        """Fraction of the window's budget spent when it fires at a steady burn (= budget_fraction)."""
        return self.threshold * self.policy.long_window.ms / (self.window.ms * self.error_budget)

    @property
    def time_to_fire_on_outage(self) -> Duration | None:
        """Time from the start of a total outage (error ratio 1) until both windows exceed the threshold."""
        if self.threshold >= 1:
            return None
        long_t = self.threshold * self.policy.long_window.ms
        short_t = self.threshold * self.policy.short_window.ms
        return Duration(round(max(long_t, short_t)))

    @property
    def reset_time(self) -> Duration:
        """After a short outage ends, the short window stops the alert within this time at worst."""
        return self.policy.short_window


def burn_alerts(objective: Objective, window: Duration) -> tuple[BurnAlert, ...]:
    """Every contract burn-rate policy evaluated for this objective and SLA window."""
    return tuple(BurnAlert(p, window, objective.error_budget) for p in POLICIES)


def error_budget_time(objective: Objective, period: Duration) -> Duration:
    """Downtime a total outage may last within ``period`` before the objective is missed."""
    return Duration(round(period.ms * objective.error_budget))


def downtime_below(percent: float, period: Duration) -> Duration:
    """Downtime after which the achieved value falls below ``percent`` over ``period``."""
    return Duration(round(period.ms * (1 - percent / 100)))
