"""Each validated SLA turned, once, into the frozen plan every generator reads (see :mod:`slaforge.plan.model`)."""

from slaforge.plan.alerts import PlannedBurn
from slaforge.plan.model import (
    CreditBand,
    ObjectivePlan,
    SLAPlan,
    Step,
    as_plan,
    build_plan,
    fleet_group_labels,
    plan_for,
)
from slaforge.plan.sli import RatioCounters, SLIPlan, sli_plan

__all__ = [
    "CreditBand",
    "ObjectivePlan",
    "PlannedBurn",
    "RatioCounters",
    "SLAPlan",
    "SLIPlan",
    "Step",
    "as_plan",
    "build_plan",
    "fleet_group_labels",
    "plan_for",
    "sli_plan",
]
