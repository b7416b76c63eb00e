"""An SLA as the generators read it: every decision made once, in frozen objects.

:func:`plan_for` turns a validated :class:`~slaforge.spec.model.SLA` into an :class:`SLAPlan`
(cached: the same SLA object always gives the same plan). The rules, the dashboards, explain, the
status page and the Alertmanager file read the plan, never ``sla.spec``: what an SLI kind counts
(:mod:`slaforge.plan.sli`), which burn alerts exist (:mod:`slaforge.plan.alerts`), the windows, the
maintenance windows decoded (:mod:`slaforge.maintenance`), the group labels, the credit tiers, the
recorded series' selectors and the escalation steps are decided here and nowhere else.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

from slaforge.burnrate import BurnAlert, BurnPolicy, sla_policies
from slaforge.conventions import ERROR_RATIO_WINDOWS, LABEL_OBJECTIVE, LABEL_SLA, MAINTENANCE_ACTIVE
from slaforge.maintenance import Window, decode
from slaforge.plan.alerts import PlannedBurn, condition_policies, enabled_severities, plan_burns
from slaforge.plan.sli import SLIPlan, sli_plan
from slaforge.schedule import after_text
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA, CreditTier, Maintenance, Objective, Probe
from slaforge.spec.promql import Matcher, Selector

STANDARD_WINDOWS = frozenset(Duration.parse(w) for w in ERROR_RATIO_WINDOWS)
# calendars that have a period (SLACreditAtRisk, the report's credits)
CALENDAR_PERIODS = ("month", "quarter")


@lru_cache(maxsize=65536)
def objective_selector(metric: str, sla: str, objective: str) -> str:
    """``metric{sla="a",objective="b"}``: an objective's recorded series."""
    return Selector(metric, (Matcher(LABEL_SLA, "=", sla), Matcher(LABEL_OBJECTIVE, "=", objective))).render()


@lru_cache(maxsize=4096)
def sla_selector(metric: str, sla: str) -> str:
    """``metric{sla="a"}``."""
    return Selector(metric, (Matcher(LABEL_SLA, "=", sla),)).render()


@dataclass(frozen=True)
class Step:
    """One escalation step: ``SLAEscalation{receiver, level}`` fires after ``after`` of paging;
    levels are numbered 1, 2, ... in the order of the file."""

    level: int
    receiver: str
    after: Duration

    @property
    def when(self) -> str:
        return after_text(self.after)


@dataclass(frozen=True)
class CreditBand:
    """A credit tier and the next lower tier's bound: an achieved value in [floor, below) owes
    this tier's credit and no more (floor None: the lowest tier)."""

    tier: CreditTier
    floor: float | None


@dataclass(frozen=True)
class ObjectivePlan:
    sla: str
    name: str
    description: str | None
    target: float  # percent
    ratio: float  # the target as a ratio, 99.9 -> 0.999
    error_budget: float  # allowed error ratio, 99.9 -> 0.001
    sli: SLIPlan
    labels: Mapping[str, str]  # metadata.labels, then sla and objective, sorted
    group_by: tuple[str, ...]  # as declared
    max_groups: int
    credits: tuple[CreditTier, ...]  # as declared
    bands: tuple[CreditBand, ...]  # highest tier first
    credit_at_risk: bool  # SLACreditAtRisk is generated: credits, a calendar period, not switched off
    burns: tuple[PlannedBurn, ...]  # every policy of the SLA, generated or not

    @property
    def group_labels(self) -> tuple[str, ...]:
        """The group labels, sorted (empty for an ungrouped objective)."""
        return tuple(sorted(self.group_by))

    @property
    def alerts(self) -> tuple[BurnAlert, ...]:
        """The burn alerts the rules write: enabled and applicable, in the SLA's policy order."""
        return tuple(b.alert for b in self.burns if b.generated)

    def alerts_of(self, severity: str) -> tuple[BurnAlert, ...]:
        return tuple(a for a in self.alerts if a.severity == severity)

    def selector(self, metric: str) -> str:
        """``metric{sla="a",objective="b"}``."""
        return objective_selector(metric, self.sla, self.name)


@dataclass(frozen=True)
class SLAPlan:
    name: str
    labels: Mapping[str, str]  # metadata.labels
    service: str
    provider: str
    customer: str
    window: Duration
    calendar: str
    timezone: str
    maintenance: tuple[Maintenance, ...]  # as declared (their wording)
    windows: tuple[Window, ...]  # the same, decoded: recurrences and absolute intervals
    probes: tuple[Probe, ...]
    objectives: tuple[ObjectivePlan, ...]
    alert_labels: Mapping[str, str]  # alerting.labels
    annotations: Mapping[str, str]  # alerting.annotations
    min_events: int
    enabled: Mapping[str, bool]  # severity -> on
    credit_at_risk_enabled: bool
    policies: tuple[BurnPolicy, ...]
    escalation: tuple[Step, ...]
    resolve_within: Duration | None  # incidents.resolve_within: the report's and review's resolution target

    def objective(self, name: str) -> ObjectivePlan:
        for o in self.objectives:
            if o.name == name:
                return o
        raise KeyError(name)

    @property
    def group_labels(self) -> tuple[str, ...]:
        """Every group label of the SLA's objectives, sorted."""
        return tuple(sorted({key for o in self.objectives for key in o.group_by}))

    @property
    def ratio_windows(self) -> tuple[Duration, ...]:
        """The windows whose error ratio is recorded: the contract's, the SLA window and those of
        the SLA's policies; shortest first."""
        own = {w for p in self.policies for w in (p.long_window, p.short_window)}
        return tuple(sorted(STANDARD_WINDOWS | {self.window} | own))

    def condition_policies(self, severity: str) -> tuple[BurnPolicy, ...]:
        """The policies whose ``severity`` burn condition is recorded (none when it is disabled)."""
        return condition_policies(self.policies, self.window, self.enabled, severity)

    @property
    def escalates(self) -> bool:
        """Pages escalate: steps, paging on and a page condition recorded."""
        return bool(self.escalation) and bool(self.condition_policies("page"))

    @property
    def credit_objectives(self) -> tuple[ObjectivePlan, ...]:
        return tuple(o for o in self.objectives if o.credit_at_risk)

    @property
    def records_days(self) -> bool:
        """The rules record this SLA's daily sums (for SLACreditAtRisk; the report reads them too)."""
        return bool(self.credit_objectives)

    def selector(self, metric: str) -> str:
        """``metric{sla="a"}``."""
        return sla_selector(metric, self.name)

    @property
    def maintenance_selector(self) -> str:
        return sla_selector(MAINTENANCE_ACTIVE, self.name)

    def probe_thresholds(self, probe: str) -> list[float]:
        """The latency thresholds (seconds) of the objectives that read ``probe``, sorted."""
        return sorted({
            o.sli.threshold for o in self.objectives if o.sli.probe == probe and o.sli.threshold is not None
        })


def fleet_group_labels(plans: Iterable[SLAPlan]) -> tuple[str, ...]:
    """Every group label used by an objective of these SLAs, sorted: what the rules shared by them,
    the overview and the Alertmanager grouping keep."""
    return tuple(sorted({key for plan in plans for key in plan.group_labels}))


def _bands(tiers: tuple[CreditTier, ...]) -> tuple[CreditBand, ...]:
    ordered = sorted(tiers, key=lambda t: -t.below)
    return tuple(CreditBand(t, ordered[i + 1].below if i + 1 < len(ordered) else None) for i, t in enumerate(ordered))


def _objective(sla: SLA, objective: Objective, policies: tuple[BurnPolicy, ...],
               enabled: Mapping[str, bool]) -> ObjectivePlan:
    spec = sla.spec
    labels = dict(sla.metadata.labels)
    labels[LABEL_SLA] = sla.name
    labels[LABEL_OBJECTIVE] = objective.name
    with_period = spec.calendar in CALENDAR_PERIODS and spec.alerting.credit_at_risk.enabled
    return ObjectivePlan(
        sla=sla.name,
        name=objective.name,
        description=objective.description,
        target=objective.target,
        ratio=objective.ratio,
        error_budget=objective.error_budget,
        sli=sli_plan(sla.name, objective.sli),
        labels=dict(sorted(labels.items())),
        group_by=objective.group_by,
        max_groups=objective.max_groups,
        credits=objective.credits,
        bands=_bands(objective.credits),
        credit_at_risk=with_period and bool(objective.credits),
        burns=plan_burns(policies, spec.window, objective.error_budget, enabled),
    )


def build_plan(sla: SLA) -> SLAPlan:
    """The plan of a validated SLA (uncached: see :func:`plan_for`)."""
    spec = sla.spec
    policies = sla_policies(sla)
    enabled = enabled_severities(spec.alerting)
    return SLAPlan(
        name=sla.name,
        labels=dict(sla.metadata.labels),
        service=spec.service,
        provider=spec.provider,
        customer=spec.customer,
        window=spec.window,
        calendar=spec.calendar,
        timezone=spec.timezone,
        maintenance=spec.maintenance,
        windows=tuple(decode(m, spec.timezone) for m in spec.maintenance),
        probes=spec.probes,
        objectives=tuple(_objective(sla, o, policies, enabled) for o in spec.objectives),
        alert_labels=dict(spec.alerting.labels),
        annotations=dict(spec.alerting.annotations),
        min_events=spec.alerting.min_events,
        enabled=enabled,
        credit_at_risk_enabled=spec.alerting.credit_at_risk.enabled,
        policies=policies,
        escalation=tuple(Step(level, s.receiver, s.after) for level, s in enumerate(spec.escalation, start=1)),
        resolve_within=spec.incidents.resolve_within,
    )


# SLA objects are frozen but not hashable (their labels are dicts): the cache is keyed by identity
# and holds the SLA itself, so that an id is never reused while its entry lives.
_CACHE: OrderedDict[int, tuple[SLA, SLAPlan]] = OrderedDict()
_CACHE_SIZE = 1 << 14
_LOCK = Lock()


def as_plan(sla: SLA | SLAPlan) -> SLAPlan:
    """The plan, for functions that callers (tests, the report) still hand an SLA."""
    return sla if isinstance(sla, SLAPlan) else plan_for(sla)


def plan_for(sla: SLA) -> SLAPlan:
    """The SLA's plan, built once per SLA object."""
    key = id(sla)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is sla:
            _CACHE.move_to_end(key)
            return hit[1]
    plan = build_plan(sla)
    with _LOCK:
        _CACHE[key] = (sla, plan)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return plan
