"""Every PromQL expression the dashboards run, as pure functions of the SLA's plan.

Queries read only names from :mod:`slaforge.conventions` (the recording rules, the exporter
metrics, ``ALERTS``) and the user's own selectors from the SLA file, so that a dashboard can
never drift from the rules. Template variables stay in the text (``$sla``, ``$__range``,
``$__rate_interval``); Grafana fills them in, tests substitute them before parsing.
"""

from __future__ import annotations

from collections.abc import Sequence

from slaforge import conventions as c
from slaforge.plan import ObjectivePlan, RatioCounters
from slaforge.promql_text import num, quote
from slaforge.spec.model import CreditTier, Probe
from slaforge.spec.promql import Selector

# Template variables and Grafana's built-in interval variables used in expressions.
VAR_DATASOURCE = "datasource"
VAR_SLA = "sla"
RATE_INTERVAL = "$__rate_interval"
RANGE = "$__range"

SLA_ALERTS = (c.ALERT_BURN, c.ALERT_EXHAUSTED, c.ALERT_ABSENT, c.ALERT_ESCALATION)

# Overview states, worst last; value mappings turn them into words and colours.
STATE_OK = 0
STATE_AT_RISK = 1
STATE_BURNING = 2
STATE_EXHAUSTED = 3
STATE_MAINTENANCE = 4
AT_RISK_BELOW = 0.25  # budget left under which an objective is "at risk"


def sel(*pairs: tuple[str, str], regex: bool = False) -> str:
    """``{sla="$sla",objective="x"}``; with ``regex`` the first pair matches with ``=~``."""
    parts = []
    for i, (name, value) in enumerate(pairs):
        op = "=~" if regex and i == 0 else "="
        parts.append(f"{name}{op}{quote(value)}")
    return "{" + ",".join(parts) + "}"


def sla_sel() -> str:
    return sel((c.LABEL_SLA, f"${VAR_SLA}"))


def group_variable_name(label: str) -> str:
    """The detail dashboard's template variable of a group label (``$group_customer``): prefixed, so
    that a group label can never take the name of another variable (``sla``, ``datasource``)."""
    return f"group_{label}"


def objective_sel(objective: ObjectivePlan) -> str:
    """``{sla="$sla",objective="x"}``, plus ``customer="$group_customer"`` for a grouped objective:
    its panels show the group chosen at the top of the dashboard."""
    groups = tuple((key, f"${group_variable_name(key)}") for key in objective.group_labels)
    return sel((c.LABEL_SLA, f"${VAR_SLA}"), (c.LABEL_OBJECTIVE, objective.name), *groups)


def group_values(sla: str, label: str) -> str:
    """The values of a group label the SLA's rules record (for the detail dashboard's variable)."""
    return f"label_values({c.VALID_EVENTS_1M}{sel((c.LABEL_SLA, sla))}, {label})"


OVERVIEW_GROUPS = 25  # the overview's worst-groups table


def overview_worst_groups(labels: Sequence[str]) -> str:
    """The groups of grouped objectives with the least error budget left, worst first."""
    keys = ", ".join((c.LABEL_SLA, c.LABEL_OBJECTIVE, *labels))
    grouped = " or ".join(
        f'{c.ERROR_BUDGET_REMAINING}{{{c.LABEL_SLA}=~"${VAR_SLA}",{label}!=""}}' for label in labels
    )
    return f"sort(bottomk({OVERVIEW_GROUPS}, max by ({keys}) ({grouped})))"


def probe_sel(probe: Probe) -> str:
    return sel((c.LABEL_SLA, f"${VAR_SLA}"), (c.LABEL_PROBE, probe.name))


# --- one objective --------------------------------------------------------------------------


def error_ratio(objective: ObjectivePlan, window: str) -> str:
    return f"{c.error_ratio_rule(window)}{objective_sel(objective)}"


def sli(objective: ObjectivePlan, window: str) -> str:
    """Good/valid events over ``window`` (1 - the recorded error ratio)."""
    return f"1 - {error_ratio(objective, window)}"


def target(objective: ObjectivePlan) -> str:
    return f"{c.OBJECTIVE_RATIO}{objective_sel(objective)}"


def budget_remaining(objective: ObjectivePlan) -> str:
    return f"{c.ERROR_BUDGET_REMAINING}{objective_sel(objective)}"


def burn_rate(objective: ObjectivePlan, window: str) -> str:
    """How many times faster than sustainable the budget burns, over ``window``."""
    return f"{error_ratio(objective, window)} / {num(objective.error_budget)}"


def alerts_firing(objective: ObjectivePlan) -> str:
    """Number of slaforge alerts firing for this objective (0 rather than nothing).

    For a grouped objective: the alerts of the group chosen at the top of the dashboard plus the
    objective's own, which carry no group label (SLI absent, too many groups); another group's alerts
    are not counted (``label=""`` matches a series without that label)."""
    base = ((c.LABEL_SLA, f"${VAR_SLA}"), (c.LABEL_OBJECTIVE, objective.name), ("alertstate", "firing"))
    if not objective.group_labels:
        return f"count(ALERTS{sel(*base)}) or vector(0)"
    chosen = sel(*base, *((key, f"${group_variable_name(key)}") for key in objective.group_labels))
    own = sel(*base, *((key, "") for key in objective.group_labels))
    return f"(count(ALERTS{chosen}) or vector(0)) + (count(ALERTS{own}) or vector(0))"


def period_achieved(objective: ObjectivePlan) -> str:
    """Achieved ratio over the dashboard range (the panel pins that range to the current period).

    Traffic-weighted: the sum of bad 5m event counts over the sum of valid ones, maintenance excluded.
    """
    s = objective_sel(objective)
    bad = f"sum_over_time({c.BAD_EVENTS_5M}{s}[{RANGE}])"
    valid = f"sum_over_time({c.VALID_EVENTS_5M}{s}[{RANGE}])"
    return f"1 - ({bad} / {valid})"


def period_to_date(objective: ObjectivePlan) -> str:
    """Achieved ratio since the start of the current calendar period (the SLACreditAtRisk rules'
    period-to-date sums, written every 5m: read through last_over_time)."""
    s = objective_sel(objective)
    bad = f"last_over_time({c.BAD_EVENTS_PERIOD}{s}[10m])"
    valid = f"last_over_time({c.VALID_EVENTS_PERIOD}{s}[10m])"
    return f"1 - ({bad} / {valid})"


def period_projected(objective: ObjectivePlan) -> str:
    """The achieved ratio at the period's end if no further error occurs (SLACreditAtRisk's value)."""
    return f"last_over_time({c.PERIOD_PROJECTED}{objective_sel(objective)}[10m])"


def credit_at_risk(objective: ObjectivePlan, tiers: Sequence[CreditTier] | None = None) -> str:
    """Percent of the fee owed if the period ended now: the largest credit whose tier applies.

    Each tier is ``(achieved < below) * 0 + credit``; chained with ``or`` in descending credit
    order the first match is the largest credit, and the final ``* 0`` term gives 0 when none applies.
    """
    achieved = f"({period_achieved(objective)})"
    ordered = sorted(tiers if tiers is not None else objective.credits, key=lambda t: (-t.credit, t.below))
    terms = [f"({achieved} < {num(t.below / 100)}) * 0 + {num(t.credit)}" for t in ordered]
    terms.append(f"{achieved} * 0")
    return " or ".join(terms)


# --- the SLA --------------------------------------------------------------------------------


def maintenance_active() -> str:
    return f"{c.MAINTENANCE_ACTIVE}{sla_sel()}"


def maintenance_annotation() -> str:
    return f"{c.MAINTENANCE_ACTIVE}{sla_sel()} == 1"


def alerts_of_sla() -> str:
    """Every slaforge alert of this SLA, firing or pending."""
    names = "|".join(SLA_ALERTS)
    return f'ALERTS{{{c.LABEL_SLA}="${VAR_SLA}",alertname=~"{names}"}}'


def alerts_firing_of_sla() -> str:
    names = "|".join(SLA_ALERTS)
    return f'ALERTS{{{c.LABEL_SLA}="${VAR_SLA}",alertname=~"{names}",alertstate="firing"}}'


# --- probes ---------------------------------------------------------------------------------


def probe_latency_quantile(probe: Probe, quantile: float) -> str:
    bucket = f"{c.PROBE_DURATION}_bucket{probe_sel(probe)}"
    return f"histogram_quantile({num(quantile)}, sum by (le) (rate({bucket}[{RATE_INTERVAL}])))"


def probe_last_duration(probe: Probe) -> str:
    return f"{c.PROBE_LAST_DURATION}{probe_sel(probe)}"


def probe_failures_by_reason(probe: Probe) -> str:
    return (
        f"sum by ({c.LABEL_REASON}) "
        f"(increase({c.PROBE_FAILURES_TOTAL}{probe_sel(probe)}[{RATE_INTERVAL}]))"
    )


def probe_success_ratio(probe: Probe) -> str:
    """Share of probes that succeeded over the interval (the raw probe SLI before maintenance)."""
    failures = f"sum(increase({c.PROBE_FAILURES_TOTAL}{probe_sel(probe)}[{RATE_INTERVAL}]))"
    total = f"sum(increase({c.PROBES_TOTAL}{probe_sel(probe)}[{RATE_INTERVAL}]))"
    return f"1 - ({failures} or vector(0)) / {total}"


def probe_http_status(probe: Probe) -> str:
    return f"{c.PROBE_HTTP_STATUS}{probe_sel(probe)}"


def probe_tls_expiry(probe: Probe) -> str:
    return f"{c.PROBE_TLS_EXPIRY}{probe_sel(probe)} - time()"


# --- SLIs measured from the service's own metrics -------------------------------------------


def ratio_rates(counters: RatioCounters) -> tuple[str, str]:
    """(errors/s, requests/s) of a ratio SLI, from the user's own counters."""
    total = _sum_rates(counters.total)
    if counters.good:
        return f"clamp_min({total} - ({_sum_rates(counters.good)} or vector(0)), 0)", total
    return _sum_rates(counters.errors), total


def _sum_rates(selectors: Sequence[Selector]) -> str:
    return " + ".join(f"sum(rate({s.render()}[{RATE_INTERVAL}]))" for s in selectors)


def latency_quantile(histogram: Selector, quantile: float) -> str:
    bucket = histogram.render(metric=f"{histogram.metric}_bucket")
    return f"histogram_quantile({num(quantile)}, sum by (le) (rate({bucket}[{RATE_INTERVAL}])))"


# --- the overview (every SLA, filtered by a multi-value $sla) --------------------------------

OVERVIEW_KEYS = f"{c.LABEL_SLA}, {c.LABEL_OBJECTIVE}"


def _all(metric: str) -> str:
    return f"{metric}{sel((c.LABEL_SLA, f'${VAR_SLA}'), regex=True)}"


def overview_info(uid_prefix: str, short_max: int, tag: str) -> str:
    """SLA info with a ``link`` label: the path of each SLA's dashboard, for table links.

    A name short enough for a readable uid links to ``d/<prefix><name>``; a longer one (hashed uid)
    to Grafana's dashboard search for it. Two regexes, whatever the number of SLAs, so the overview
    stays the same size for a fleet of any size. The link ends in ``?`` or ``&`` for the parameters.
    """
    keys = f"{OVERVIEW_KEYS}, {c.LABEL_SERVICE}, {c.LABEL_CUSTOMER}, {c.LABEL_WINDOW}"
    expr = f"max by ({keys}) ({_all(c.SLA_INFO)})"
    expr = f'label_replace({expr}, "link", "d/{uid_prefix}$1?", "{c.LABEL_SLA}", "(.{{1,{short_max}}})")'
    search = f"dashboards?tag={tag}&query=$1&"
    return f'label_replace({expr}, "link", "{search}", "{c.LABEL_SLA}", "(.{{{short_max + 1},}})")'


def overview_target() -> str:
    return f"max by ({OVERVIEW_KEYS}) ({_all(c.OBJECTIVE_RATIO)})"


def overview_budget() -> str:
    return f"max by ({OVERVIEW_KEYS}) ({_all(c.ERROR_BUDGET_REMAINING)})"


def overview_sli() -> str:
    """SLI over each SLA's own window, whatever the window: remaining = 1 - err / (1 - objective)."""
    return (
        f"1 - (1 - {overview_budget()}) * on ({OVERVIEW_KEYS}) (1 - {overview_target()})"
    )


def overview_alerts_firing() -> str:
    names = "|".join(SLA_ALERTS)
    firing = f'ALERTS{{{c.LABEL_SLA}=~"${VAR_SLA}",alertname=~"{names}",alertstate="firing"}}'
    return f"count by ({OVERVIEW_KEYS}) ({firing}) or {overview_target()} * 0"


def overview_state() -> str:
    """One number per objective, the first state that applies (see STATE_*); NaN (no data) when the
    budget is unknown, e.g. no valid events in the window."""
    budget = overview_budget()
    maint = f"max by ({c.LABEL_SLA}) ({_all(c.MAINTENANCE_ACTIVE)}) == 1"
    burn = (
        f'max by ({OVERVIEW_KEYS}) (ALERTS{{{c.LABEL_SLA}=~"${VAR_SLA}",'
        f'alertname="{c.ALERT_BURN}",alertstate="firing"}})'
    )
    return " or ".join(
        [
            f"({overview_target()} * 0 + {STATE_MAINTENANCE}) and on ({c.LABEL_SLA}) ({maint})",
            f"({budget} <= 0) * 0 + {STATE_EXHAUSTED}",
            f"{burn} * 0 + {STATE_BURNING}",
            f"({budget} < {num(AT_RISK_BELOW)}) * 0 + {STATE_AT_RISK}",
            f"{budget} * 0 + {STATE_OK}",
        ]
    )


def overview_count(expr: str) -> str:
    return f"count({expr}) or vector(0)"


def overview_objectives() -> str:
    return f"count({_all(c.OBJECTIVE_RATIO)})"


def overview_exhausted() -> str:
    return overview_count(f"{_all(c.ERROR_BUDGET_REMAINING)} <= 0")


def overview_burning() -> str:
    return overview_count(
        f'count by ({OVERVIEW_KEYS}) (ALERTS{{{c.LABEL_SLA}=~"${VAR_SLA}",'
        f'alertname="{c.ALERT_BURN}",alertstate="firing"}})'
    )


def overview_in_maintenance() -> str:
    return overview_count(f"{_all(c.MAINTENANCE_ACTIVE)} == 1")


def overview_alerts() -> str:
    names = "|".join(SLA_ALERTS)
    return f'ALERTS{{{c.LABEL_SLA}=~"${VAR_SLA}",alertname=~"{names}"}}'


OVERVIEW_GRAPH_SERIES = 10  # the budget graph shows the objectives with the least budget left, not all


def overview_budget_series() -> str:
    return f"bottomk({OVERVIEW_GRAPH_SERIES}, {_all(c.ERROR_BUDGET_REMAINING)})"
