"""What the alerts of a grouped objective add: the group in their text, its own budget left, and
``SLAGroupsExceeded`` (the cardinality guard).

The burn, exhausted and escalation alerts need nothing else: they select their objective's
series of the shared condition rules, which carry the group labels, so that Prometheus fires one
alert per burning group with the group labels among its labels. ``SLASLIAbsent`` stays one per
objective (it sums the raw valid events without ``by``): a group that stops sending is no data for
that group, not an outage.
"""

from __future__ import annotations

from slaforge.conventions import ALERT_GROUPS, LABEL_SEVERITY, SEVERITY_TICKET
from slaforge.escaping import template_literal as t
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.rules.groups import groups_count_expr
from slaforge.rules.model import AlertingRule


def group_text(objective: ObjectivePlan) -> str:
    """`` Group: customer=acme.`` for a grouped objective (values from the alert's labels)."""
    keys = objective.group_labels
    if not keys:
        return ""
    values = ", ".join(f"{key}={{{{ $labels.{key} }}}}" for key in keys)
    return f" Group: {values}."


def group_budget_left(series: str, objective: ObjectivePlan) -> str:
    """The alert's own group's budget left: the query is built from the alert's labels."""
    return group_query_value(series, objective, "humanizePercentage")


def group_query_value(series: str, objective: ObjectivePlan, fmt: str) -> str:
    """Template text: the value of ``series`` for the alert's own group (the query is built from the
    alert's labels), formatted by ``fmt``; "unknown" without one."""
    keys = objective.group_labels
    matchers = "".join(f",{key}=%q" for key in keys)
    query = series[:-1] + matchers + "}"
    args = " ".join(f"$labels.{key}" for key in keys)
    return (
        f"{{{{ with printf `{query}` {args} | query }}}}{{{{ . | first | value | {fmt} }}}}"
        "{{ else }}unknown{{ end }}"
    )


def groups_exceeded_alerts(plan: SLAPlan) -> list[AlertingRule]:
    """One ``SLAGroupsExceeded`` per grouped objective: more groups than its ``max_groups``."""
    from slaforge.rules.alerts import alert, describe

    out = []
    for objective in plan.objectives:
        if not objective.group_by:
            continue
        labels = ", ".join(objective.group_labels)
        expr = f"{groups_count_expr(objective)} > {objective.max_groups}"
        expr = f"(\n{expr}\n)\nunless on() ({plan.maintenance_selector} == 1)\n"
        summary = (
            f"{t(plan.name)}/{t(objective.name)}: {{{{ $value }}}} groups by ({labels}), "
            f"more than max_groups {objective.max_groups}"
        )
        description = (
            f"{describe(plan, objective, per_group=False)} Its SLI has {{{{ $value }}}} distinct values of "
            f"({labels}), more than max_groups ({objective.max_groups}). Every group costs its own series in every "
            "recorded window: check that group_by names a label with few values (a customer, not a path)."
        )
        out.append(alert(ALERT_GROUPS, expr, plan, objective, {LABEL_SEVERITY: SEVERITY_TICKET}, summary, description))
    return out
