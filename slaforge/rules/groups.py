"""Grouped objectives (``group_by``): the one place that says which labels a series keeps.

An objective with ``group_by: [customer]`` has one SLI per value of ``customer``: its 1m pieces are
``sum by (customer) (...)`` instead of ``sum(...)``, and every rule shared by the SLAs of a file
aggregates ``by (objective, sla, <every group label of the file>)``. A series of an ungrouped
objective has none of those labels, and ``by`` a label a series lacks leaves it out: the same
rule serves both, and a file without any ``group_by`` gets the text it always had.

The joins with the per-objective constants (``slaforge:objective:ratio``, ``slaforge_sla_info``)
stay ``on (objective, sla) group_left``: one constant series per objective, many group series.
Only the joins between two group series (the two windows of a burn pair, the pairs of a
severity) match on the group labels too.
"""

from __future__ import annotations

from collections.abc import Iterable

from slaforge.conventions import LABEL_OBJECTIVE, LABEL_SLA, VALID_EVENTS_1M
from slaforge.plan import ObjectivePlan, SLAPlan, fleet_group_labels

BY = (LABEL_OBJECTIVE, LABEL_SLA)


def by_clause(plans: Iterable[SLAPlan]) -> str:
    """``objective, sla`` plus the file's group labels: what every shared rule keeps."""
    return ", ".join((*BY, *fleet_group_labels(plans)))


def groups_count_expr(objective: ObjectivePlan) -> str:
    """How many groups the objective's SLI has now (its 1m valid pieces)."""
    return f"count({objective.selector(VALID_EVENTS_1M)})"
