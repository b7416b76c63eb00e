"""Which burn-rate alerts exist: the one decision, for every output that shows or writes them.

A burn alert of an objective is **generated** when its severity is enabled in ``spec.alerting`` and
it is applicable (:attr:`slaforge.burnrate.BurnAlert.applicable`: its long window fits in the SLA
window, and its threshold is below an error ratio of 1). The rules write exactly those, explain
shows every policy with the reason one is off, the dashboards draw one panel per generated alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slaforge.burnrate import BurnAlert, BurnPolicy, fits
from slaforge.conventions import SEVERITY_PAGE, SEVERITY_TICKET
from slaforge.spec.durations import Duration
from slaforge.spec.model import Alerting

SEVERITIES = (SEVERITY_PAGE, SEVERITY_TICKET)


def enabled_severities(alerting: Alerting) -> Mapping[str, bool]:
    """Whether each severity is on in ``spec.alerting``."""
    return {SEVERITY_PAGE: alerting.page.enabled, SEVERITY_TICKET: alerting.ticket.enabled}


@dataclass(frozen=True)
class PlannedBurn:
    """One burn-rate policy evaluated for one objective, and whether the rules write it."""

    alert: BurnAlert
    enabled: bool  # its severity is on

    @property
    def fits(self) -> bool:
        """The long window fits in the SLA window."""
        return fits(self.alert.policy, self.alert.window)

    @property
    def reachable(self) -> bool:
        """Even a total outage (error ratio 1) can exceed the threshold."""
        return self.alert.threshold < 1

    @property
    def generated(self) -> bool:
        return self.enabled and self.alert.applicable


def plan_burns(
    policies: tuple[BurnPolicy, ...], window: Duration, error_budget: float, enabled: Mapping[str, bool]
) -> tuple[PlannedBurn, ...]:
    """Every policy of the SLA for one objective, in the SLA's order."""
    return tuple(PlannedBurn(BurnAlert(p, window, error_budget), enabled.get(p.severity, True)) for p in policies)


def condition_policies(
    policies: tuple[BurnPolicy, ...], window: Duration, enabled: Mapping[str, bool], severity: str
) -> tuple[BurnPolicy, ...]:
    """The policies of ``severity`` whose condition the rules record for the SLA: enabled, and
    fitting in the SLA window (a threshold >= 1 for some objective simply never holds for it)."""
    if not enabled.get(severity, True):
        return ()
    return tuple(p for p in policies if p.severity == severity and fits(p, window))
