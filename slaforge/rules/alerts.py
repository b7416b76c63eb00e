"""Alerting rules of one SLA: burn rate (page, ticket), budget exhausted, SLI absent, escalation.

Alerts are written per objective (each carries its SLA's own text, labels and annotations) but
compute almost nothing: the burn alerts select the condition series that one shared rule records
for the whole file (:mod:`slaforge.rules.fleet`), the exhausted alert reads the recorded budget,
the absent alert 15 minutes of the raw valid-event series. Every alert is silenced while a
maintenance window is open. Burn-rate factors and thresholds come from :mod:`slaforge.burnrate`, so `explain`, the
dashboards and the alerts always show the same numbers. A burn-rate alert that can never fire is
left out: which exist is the plan's decision (:mod:`slaforge.plan.alerts`).
"""

from __future__ import annotations

from slaforge.burnrate import BurnAlert
from slaforge.conventions import (
    ABSENT_FOR,
    ALERT_ABSENT,
    ALERT_BURN,
    ALERT_CREDIT_AT_RISK,
    ALERT_ESCALATION,
    ALERT_EXHAUSTED,
    BAD_EVENTS_PERIOD,
    CALENDAR_NOW,
    ERROR_BUDGET_REMAINING,
    LABEL_LEVEL,
    LABEL_OBJECTIVE,
    LABEL_RECEIVER,
    LABEL_SEVERITY,
    LABEL_SLA,
    PAGE_BURN_RATE,
    PAGE_ESCALATING,
    SEVERITY_PAGE,
    SEVERITY_TICKET,
    TICKET_BURN_RATE,
    VALID_EVENTS_PERIOD,
)
from slaforge.escaping import template_literal as t
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.promql_text import num
from slaforge.rules.credit import PERIOD_WORDS, at_risk_expr, calendar_selector, credit_labels
from slaforge.rules.fleet import ESCALATION_BURN_WINDOW
from slaforge.rules.group_alerts import group_budget_left, group_query_value, group_text
from slaforge.rules.model import AlertingRule
from slaforge.rules.recording import prom
from slaforge.rules.sli import sum_increase
from slaforge.spec.durations import Duration

# after a maintenance window closes, SLASLIAbsent waits this long (the service is coming back)
ABSENT_GRACE = Duration.parse("5m")


def _silenced(expr: str, plan: SLAPlan) -> str:
    return f"(\n{expr}\n)\nunless on() ({plan.maintenance_selector} == 1)\n"


def _budget_left(objective: ObjectivePlan) -> str:
    series = objective.selector(ERROR_BUDGET_REMAINING)
    if objective.group_by:
        return group_budget_left(series, objective)
    return (
        f"{{{{ with query `{series}` }}}}{{{{ . | first | value | humanizePercentage }}}}"
        "{{ else }}unknown{{ end }}"
    )


def describe(plan: SLAPlan, objective: ObjectivePlan, per_group: bool = True) -> str:
    return (
        f"SLA {t(plan.name)} ({t(plan.service)}, {t(plan.provider)} for {t(plan.customer)}), objective "
        f"{t(objective.name)}: target {num(objective.target)}% over {prom(plan.window)}, error budget "
        f"{num(objective.error_budget * 100)}% of valid events.{group_text(objective) if per_group else ''}"
    )


def alert(
    name: str,
    expr: str,
    plan: SLAPlan,
    objective: ObjectivePlan,
    labels: dict[str, str],
    summary: str,
    description: str,
    for_: Duration | None = None,
) -> AlertingRule:
    all_labels = {**objective.labels, **plan.alert_labels, **labels}
    all_labels[LABEL_SLA] = plan.name
    all_labels[LABEL_OBJECTIVE] = objective.name
    # the SLA author's own annotations are templates on purpose (checked by `validate`)
    annotations = {"summary": summary, "description": description, **plan.annotations}
    return AlertingRule(
        name,
        expr,
        # Prometheus expands alert labels as templates too: every label value is data
        labels={k: t(v) for k, v in sorted(all_labels.items())},
        annotations=dict(sorted(annotations.items())),
        for_=prom(for_) if for_ is not None and for_.ms > 0 else None,
    )


def _conditions_text(alerts: tuple[BurnAlert, ...], window: Duration) -> str:
    return " or ".join(
        f"{num(a.policy.budget_fraction * 100)}% of the {prom(window)} budget within "
        f"{prom(a.long_window)} (burn rate > {num(round(a.factor, 3))} over {prom(a.long_window)} "
        f"and {prom(a.short_window)})"
        for a in alerts
    )


def burn_alert(plan: SLAPlan, objective: ObjectivePlan, severity: str) -> AlertingRule | None:
    """The burn alert of ``severity``: only when the plan has one (enabled and applicable)."""
    alerts = objective.alerts_of(severity)
    if not alerts:
        return None
    window = plan.window
    summary = (
        f"{t(plan.name)}/{t(objective.name)}: error budget burning "
        "{{ $value | printf \"%.1f\" }}x faster than sustainable"
    )
    description = (
        f"{describe(plan, objective)} Errors are being spent {{{{ $value | printf \"%.1f\" }}}} times "
        f"faster than the budget allows (1x spends exactly the budget in {prom(window)}); this alerts on "
        f"{_conditions_text(alerts, window)}. Error budget left over {prom(window)}: "
        f"{_budget_left(objective)}."
    )
    # the shared condition rule already leaves out maintenance
    expr = objective.selector(PAGE_BURN_RATE if severity == SEVERITY_PAGE else TICKET_BURN_RATE)
    return alert(ALERT_BURN, expr, plan, objective, {LABEL_SEVERITY: severity}, summary, description)


def exhausted_alert(plan: SLAPlan, objective: ObjectivePlan) -> AlertingRule:
    window = plan.window
    # budget left < 0; the value is the share of the budget spent
    expr = _silenced(f"1 - {objective.selector(ERROR_BUDGET_REMAINING)} > 1", plan)
    summary = (
        f"{t(plan.name)}/{t(objective.name)}: error budget of the last {prom(window)} exhausted "
        "({{ $value | humanizePercentage }} spent)"
    )
    description = (
        f"{describe(plan, objective)} Over the last {prom(window)} the errors used "
        "{{ $value | humanizePercentage }} of the error budget: the objective is currently missed, "
        "and stays missed until old errors leave the window."
    )
    return alert(ALERT_EXHAUSTED, expr, plan, objective, {LABEL_SEVERITY: SEVERITY_TICKET}, summary, description)


def absent_alert(plan: SLAPlan, objective: ObjectivePlan) -> AlertingRule:
    terms = objective.sli.valid
    valid = " + ".join(terms)
    # 0 when the valid-event series are missing (empty sum) and when they do not grow (no traffic);
    # the raw series, not the pieces: right from the first evaluation after the rules are loaded
    cond = f"({sum_increase(terms, ABSENT_FOR)} or vector(0)) == 0"
    expr = (
        f"{cond}\nunless on() (max_over_time({plan.maintenance_selector}[{prom(ABSENT_GRACE)}]) == 1)\n"
    )
    summary = f"{t(plan.name)}/{t(objective.name)}: no SLI data for {ABSENT_FOR}"
    description = (
        f"{describe(plan, objective, per_group=False)} No valid events in the last {ABSENT_FOR}: "
        f"the series {t(valid)} are "
        "missing or not increasing (no traffic). The error ratio is unknown, so the burn-rate alerts "
        "cannot fire: check the exporter, the scrape job and the selector."
    )
    return alert(ALERT_ABSENT, expr, plan, objective, {LABEL_SEVERITY: SEVERITY_TICKET}, summary, description)


def escalation_alerts(plan: SLAPlan, objective: ObjectivePlan) -> list[AlertingRule]:
    """One alert per escalation step: the page has lasted ``after`` and errors are still being
    spent faster than the budget allows over the last 5 minutes.

    Reads ``slaforge:page_escalating:seconds`` (:func:`slaforge.rules.fleet.escalation_rules`):
    the page's age, present only while the 5m burn rate is over 1. The clock counts from the
    page's start (a dip of the 5m burn does not restart it); once errors stop the step resolves
    within 5 minutes of the 5m burn falling under 1 (held by ``max_over_time``), even while the page
    itself waits for its windows to clear. A page that stops for one evaluation restarts the clock.
    """
    if not objective.alerts_of(SEVERITY_PAGE):
        return []
    series = objective.selector(PAGE_ESCALATING)
    out = []
    for step in plan.escalation:
        level = step.level
        expr = f"{series} >= {num(step.after.seconds)}" if step.after.ms else series
        # a step with `after: 0m` escalates as soon as the page fires: no "firing for 0s"
        firing = f"firing for {prom(step.after)}" if step.after.ms else "firing"
        lasted = f"has been firing for at least {prom(step.after)}" if step.after.ms else "is firing"
        summary = (
            f"{t(plan.name)}/{t(objective.name)}: page {firing}, escalating to {t(step.receiver)} (level {level})"
        )
        description = (
            f"{describe(plan, objective)} The error-budget page {lasted} "
            f"(for {{{{ $value | humanizeDuration }}}} so far) and errors are still being spent faster than "
            f"the budget allows over the last {prom(ESCALATION_BURN_WINDOW)}. Escalation level "
            f"{level}: {t(step.receiver)}. Error budget left over {prom(plan.window)}: "
            f"{_budget_left(objective)}."
        )
        labels = {LABEL_RECEIVER: step.receiver, LABEL_LEVEL: str(level)}
        out.append(alert(ALERT_ESCALATION, expr, plan, objective, labels, summary, description))
    return out


def _query_value(series: str, fmt: str) -> str:
    """Template text: the first value of ``series``, formatted by ``fmt``; "unknown" without one."""
    return f"{{{{ with query `{series}` }}}}{{{{ . | first | value | {fmt} }}}}{{{{ else }}}}unknown{{{{ end }}}}"


def _count(series: str, objective: ObjectivePlan) -> str:
    """Template text: a period-to-date count (a grouped objective's alert tells its own group's)."""
    if objective.group_by:
        return group_query_value(series, objective, "humanize")
    return _query_value(series, "humanize")


def credit_at_risk_alerts(plan: SLAPlan, objective: ObjectivePlan) -> list[AlertingRule]:
    """SLACreditAtRisk: one rule per credit tier, each firing while the projected end-of-period
    value is in [next lower tier, this tier): at most one fires per objective, labelled with the
    credit of the highest tier crossed. Silent during maintenance (the projection is absent)."""
    if not objective.credit_at_risk:
        return []
    cal = (plan.calendar, plan.timezone)
    period = f"the current {PERIOD_WORDS[plan.calendar]} ({plan.timezone})"
    elapsed = _query_value(calendar_selector(CALENDAR_NOW, cal), "humanizePercentage")
    valid = _count(objective.selector(VALID_EVENTS_PERIOD), objective)
    bad = _count(objective.selector(BAD_EVENTS_PERIOD), objective)
    out = []
    for band in objective.bands:
        tier = band.tier
        summary = (
            f"{t(plan.name)}/{t(objective.name)}: a {num(tier.credit)}% credit is at risk this {plan.calendar} "
            f"(projected {{{{ $value | humanizePercentage }}}} < {num(tier.below)}%)"
        )
        description = (
            f"{describe(plan, objective)} In {period}, {elapsed} elapsed, {valid} valid events so far, "
            f"{bad} of them bad (maintenance excluded). Even with no further error and traffic going on "
            f"at the period's average rate so far, it would end at {{{{ $value | humanizePercentage }}}}: "
            f"below the {num(tier.below)}% tier, which owes a {num(tier.credit)}% credit."
        )
        # the projection is absent during maintenance (slaforge.rules.credit)
        out.append(alert(ALERT_CREDIT_AT_RISK, at_risk_expr(objective, band), plan, objective, credit_labels(tier),
                         summary, description))
    return out


def alert_rules(plan: SLAPlan) -> list[AlertingRule]:
    """Alerts of the 1m group: the page and the escalations."""
    rules: list[AlertingRule] = []
    for objective in plan.objectives:
        page = burn_alert(plan, objective, SEVERITY_PAGE)
        if page is not None:
            rules.append(page)
            rules += escalation_alerts(plan, objective)
    return rules


def long_alert_rules(plan: SLAPlan) -> list[AlertingRule]:
    """Alerts of the long group (every 5m): they read windows that change only every 5 minutes
    (ticket: 3d and 6h; exhausted: the SLA window) or wait 15 minutes anyway (absent)."""
    rules: list[AlertingRule] = []
    for objective in plan.objectives:
        ticket = burn_alert(plan, objective, SEVERITY_TICKET)
        if ticket is not None:
            rules.append(ticket)
        rules.append(exhausted_alert(plan, objective))
        rules.append(absent_alert(plan, objective))
        rules += credit_at_risk_alerts(plan, objective)
    return rules
