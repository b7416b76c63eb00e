"""SLAs as OpenSLO v1 documents, and the list of what OpenSLO cannot express.

Per SLA: a Service (once per service name), and per objective an SLO with its SLI inline: a
``ratioMetric`` of Prometheus counters (bad or good over total) that reads the same series the
generated rules read, Occurrences budgeting, the target as ``targetPercent``. One DataSource
``prometheus`` (type Prometheus) is referenced by every query.

The window: a calendar month with a 30d window (or a quarter with 90d) is written as a calendar
window of 1M (1Q) in the SLA's timezone, which `import openslo` reads back to the same three fields;
any other pair as a rolling window, and the calendar is named as not carried.

The burn-rate policies of the enabled severities (``alerting.policies``, else the default three): one
AlertPolicy each with a ``burnrate`` condition, ``threshold`` the burn factor over ``lookbackWindow``, the
long window. OpenSLO conditions have one window: a short window other than a twelfth of the long one
(which `import openslo` reads back) is named as not carried.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from slaforge.burnrate import factor, sla_policies
from slaforge.conventions import LABEL_PROBE, LABEL_SLA, PROBE_DURATION, PROBE_FAILURES_TOTAL, PROBES_TOTAL
from slaforge.importers.policies import on_grid
from slaforge.importers.reader import dns_label
from slaforge.promql_text import num
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA, Objective
from slaforge.spec.promql import Matcher, Selector

V1 = "openslo/v1"
DATASOURCE = "prometheus"
CALENDARS = {("month", 30 * 86400): "1M", ("quarter", 90 * 86400): "1Q"}
CALENDAR_START = {"1M": "2026-01-01 00:00:00", "1Q": "2026-01-01 00:00:00"}


def _source(query: str) -> dict[str, Any]:
    return {"metricSource": {"metricSourceRef": DATASOURCE, "type": "Prometheus", "spec": {"query": query}}}


def _query(selectors: str | tuple[str, ...]) -> str:
    if isinstance(selectors, str):
        return selectors
    return " + ".join(f"sum({s})" for s in selectors)


def _histogram(selector: Selector, threshold: float) -> dict[str, Any]:
    le = Matcher("le", "=", format(threshold, "g"))
    return {
        "good": _source(selector.render(metric=f"{selector.metric}_bucket", extra=(le,))),
        "total": _source(selector.render(metric=f"{selector.metric}_count")),
    }


def ratio_metric(sla: SLA, objective: Objective) -> dict[str, Any]:
    """good or bad over total, as Prometheus counter queries."""
    sli = objective.sli
    if sli.ratio is not None:
        part = {"good": _source(_query(sli.ratio.good))} if sli.ratio.good is not None else {
            "bad": _source(_query(sli.ratio.errors or ()))}
        return {"counter": True, **part, "total": _source(_query(sli.ratio.total))}
    if sli.latency is not None:
        return {"counter": True, **_histogram(sli.latency.selector, sli.latency.threshold)}
    probe = sli.probe_name
    assert probe is not None
    base = (Matcher(LABEL_SLA, "=", sla.name), Matcher(LABEL_PROBE, "=", probe))
    if sli.probe_latency is not None:
        return {"counter": True, **_histogram(Selector(PROBE_DURATION, base), sli.probe_latency.threshold.seconds)}
    return {"counter": True, "bad": _source(Selector(PROBE_FAILURES_TOTAL, base).render()),
            "total": _source(Selector(PROBES_TOTAL, base).render())}


def _window(sla: SLA) -> tuple[list[dict[str, Any]], list[str]]:
    spec = sla.spec
    calendar = CALENDARS.get((spec.calendar, int(spec.window.seconds)))
    if calendar is not None:
        return [{"duration": calendar, "calendar": {"startTime": CALENDAR_START[calendar], "timeZone": spec.timezone},
                 "isRolling": False}], []
    lost = [] if spec.calendar == "none" else [
        f"calendar: {spec.calendar} in {spec.timezone} (reports and credits; OpenSLO has one window per SLO, "
        f"written as the rolling {spec.window.prom})"]
    return [{"duration": spec.window.prom, "isRolling": True}], lost


def _shorthand(duration: Duration) -> str:
    """OpenSLO's duration shorthand: one number and one unit (65m, not 1h5m)."""
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000)):
        if duration.ms % size == 0:
            return f"{duration.ms // size}{unit}"
    return f"{duration.ms // 60_000}m"  # policy windows are whole minutes


def alert_policies(sla: SLA) -> tuple[list[dict[str, Any]], list[str]]:
    """(AlertPolicy documents, what of them OpenSLO cannot express) for the SLA's enabled burn-rate policies."""
    alerting = sla.spec.alerting
    enabled = {"page": alerting.page.enabled, "ticket": alerting.ticket.enabled}
    docs, lost = [], []
    for policy in sla_policies(sla):
        if not enabled[policy.severity]:
            continue
        long, short = policy.long_window, policy.short_window
        name = dns_label(f"{sla.name}-{policy.severity}-{long.prom}-{short.prom}")
        burn = factor(policy, sla.spec.window)
        condition = {"kind": "burnrate", "threshold": float(num(burn)), "lookbackWindow": _shorthand(long),
                     "alertAfter": "0m"}
        docs.append({"apiVersion": V1, "kind": "AlertPolicy", "metadata": {"name": name}, "spec": {
            "description": f"{num(policy.budget_fraction * 100)}% of the error budget of {sla.name} spent within "
                           f"{long.prom}, still burning over {short.prom}",
            "alertWhenBreaching": True, "alertWhenResolved": False, "alertWhenNoData": False,
            "conditions": [{"kind": "AlertCondition", "metadata": {"name": name},
                            "spec": {"severity": policy.severity, "condition": condition}}],
            "notificationTargets": [],
        }})
        if short != on_grid(Duration(long.ms // 12)):
            lost.append(f"the short window {short.prom} of the {policy.severity} policy over {long.prom} (OpenSLO "
                        "conditions have one window; importing reads back a twelfth of the long one)")
    return docs, lost


def _not_expressible(sla: SLA) -> list[str]:
    spec = sla.spec
    lost = [f"provider {spec.provider!r} and customer {spec.customer!r}"]
    if spec.probes:
        lost.append(f"probes ({', '.join(p.name for p in spec.probes)}): the SLIs read the exporter's counters, "
                    "the probes themselves (URLs, intervals, expectations) are not written")
    if spec.maintenance:
        lost.append(f"maintenance ({len(spec.maintenance)} window(s))")
    if spec.escalation:
        lost.append(f"escalation ({', '.join(step.receiver for step in spec.escalation)})")
    for objective in spec.objectives:
        if objective.credits:
            lost.append(f"credits of objective {objective.name} ({len(objective.credits)} tier(s))")
        if objective.group_by:
            lost.append(f"group_by of objective {objective.name} ({', '.join(objective.group_by)})")
    alerting = spec.alerting
    if alerting.labels or alerting.annotations:
        lost.append("alerting labels and annotations")
    if not alerting.page.enabled and not alerting.ticket.enabled:
        lost.append("page and ticket both off (no AlertPolicy is written, and an SLO without one alerts on "
                    "slaforge's default policies when imported)")
    if alerting.min_events:
        lost.append(f"alerting.min_events ({alerting.min_events})")
    return lost


def export_openslo(slas: Sequence[SLA]) -> tuple[str, list[str]]:
    """(OpenSLO YAML, one line per SLA naming what OpenSLO cannot express)."""
    docs: list[dict[str, Any]] = [{
        "apiVersion": V1, "kind": "DataSource", "metadata": {"name": DATASOURCE},
        "spec": {"description": "The Prometheus that scrapes these counters", "type": "Prometheus",
                 "connectionDetails": {}},
    }]
    services: dict[str, str] = {}
    counts: dict[str, int] = {}
    for sla in slas:
        for objective in sla.spec.objectives:
            counts[objective.name] = counts.get(objective.name, 0) + 1
    notes = []
    for sla in sorted(slas, key=lambda s: s.name):
        spec = sla.spec
        service = services.get(spec.service)
        if service is None:
            service = services[spec.service] = dns_label(spec.service) or sla.name
            description = spec.description or f"{spec.service}, provided by {spec.provider} to {spec.customer}"
            docs.append({"apiVersion": V1, "kind": "Service",
                         "metadata": {"name": service, "displayName": spec.service},
                         "spec": {"description": description}})
        window, lost = _window(sla)
        policies, policies_lost = alert_policies(sla)
        for objective in spec.objectives:
            name = objective.name if counts[objective.name] == 1 else dns_label(f"{sla.name}-{objective.name}")
            metadata: dict[str, Any] = {"name": name, "displayName": f"{sla.name} {objective.name}"}
            if sla.metadata.labels:
                metadata["labels"] = dict(sla.metadata.labels)
            slo_spec: dict[str, Any] = {"service": service}
            if objective.description:
                slo_spec["description"] = objective.description
            slo_spec.update({
                "indicator": {"metadata": {"name": name}, "spec": {"ratioMetric": ratio_metric(sla, objective)}},
                "timeWindow": window,
                "budgetingMethod": "Occurrences",
                "objectives": [{"displayName": objective.name, "targetPercent": objective.target}],
            })
            if policies:
                slo_spec["alertPolicies"] = [{"alertPolicyRef": p["metadata"]["name"]} for p in policies]
            docs.append({"apiVersion": V1, "kind": "SLO", "metadata": metadata, "spec": slo_spec})
        docs += policies
        missing = lost + _not_expressible(sla) + policies_lost
        notes.append(f"{sla.name}: not expressible in OpenSLO: {'; '.join(missing)}")
    text = yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True, width=1 << 20)
    return text, notes
