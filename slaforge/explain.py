"""`slaforge explain`: what an SLA means in time, burn rates and money (pure, model -> data -> text)."""

from __future__ import annotations

import json
from typing import Any

from slaforge.burnrate import burn_alerts, downtime_below, error_budget_time
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA, Objective

CALENDAR_PERIODS = {
    "month": ("30-day month", Duration.parse("30d")),
    "quarter": ("91-day quarter", Duration.parse("91d")),
}


def sli_summary(objective: Objective) -> str:
    sli = objective.sli
    if sli.probe is not None:
        return f"probe success ratio of {sli.probe}"
    if sli.probe_latency is not None:
        return f"share of {sli.probe_latency.probe} probes faster than {sli.probe_latency.threshold}"
    if sli.ratio is not None:
        return f"1 - {sli.ratio.errors} / {sli.ratio.total}"
    assert sli.latency is not None
    return f"share of {sli.latency.selector} faster than {sli.latency.threshold:g}s"


def explain_objective(sla: SLA, objective: Objective) -> dict[str, Any]:
    window = sla.spec.window
    label, period = CALENDAR_PERIODS.get(sla.spec.calendar, (f"{window} window", window))
    alerts = []
    for alert in burn_alerts(objective, window):
        enabled = (sla.spec.alerting.page if alert.severity == "page" else sla.spec.alerting.ticket).enabled
        fire = alert.time_to_fire_on_outage
        note = None
        if not enabled:
            note = f"{alert.severity} alerts are disabled in spec.alerting"
        elif alert.long_window > window:
            note = f"not generated: the {alert.long_window} long window exceeds the {window} SLA window"
        elif alert.threshold >= 1:
            note = "not generated: the threshold is above 100% errors, so it could never fire"
        elif alert.factor < 1:
            note = "factor below 1: fires while the budget would still last the window"
        alerts.append(
            {
                "severity": alert.severity,
                "long_window": str(alert.long_window),
                "short_window": str(alert.short_window),
                "factor": round(alert.factor, 6),
                "error_ratio_threshold": round(alert.threshold, 9),
                "budget_spent_when_fired": round(alert.budget_spent_when_firing, 6),
                "time_to_fire_on_total_outage": str(fire) if fire else None,
                "time_to_fire_human": fire.human() if fire else None,
                "time_to_fire_seconds": fire.seconds if fire else None,
                "generated": enabled and alert.applicable,
                "note": note,
            }
        )
    credits = [
        {
            "below": tier.below,
            "credit": tier.credit,
            "downtime": str(downtime_below(tier.below, period)),
            "downtime_human": downtime_below(tier.below, period).human(),
            "downtime_seconds": downtime_below(tier.below, period).seconds,
        }
        for tier in objective.credits
    ]
    budget = error_budget_time(objective, window)
    return {
        "objective": objective.name,
        "target": objective.target,
        "sli": objective.sli.kind,
        "sli_description": sli_summary(objective),
        "window": str(window),
        "error_budget_ratio": objective.error_budget,
        "error_budget_time": str(budget),
        "error_budget_human": budget.human(),
        "error_budget_seconds": budget.seconds,
        "alerts": alerts,
        "credit_period": label,
        "credits": credits,
    }


def explain(slas: list[SLA]) -> list[dict[str, Any]]:
    return [
        {
            "sla": sla.name,
            "service": sla.spec.service,
            "provider": sla.spec.provider,
            "customer": sla.spec.customer,
            "window": str(sla.spec.window),
            "calendar": sla.spec.calendar,
            "timezone": sla.spec.timezone,
            "objectives": [explain_objective(sla, o) for o in sla.spec.objectives],
        }
        for sla in slas
    ]


def render_json(data: list[dict[str, Any]]) -> str:
    return json.dumps({"slas": data}, indent=2, sort_keys=True) + "\n"


def _table(rows: list[list[str]], indent: str = "    ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _pct(value: float) -> str:
    return f"{value * 100:.4g}%"


def render_text(data: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for sla in data:
        out.append(f"SLA {sla['sla']}: {sla['provider']} -> {sla['customer']} ({sla['service']})")
        out.append(f"  window {sla['window']} rolling, reported per {sla['calendar']}, timezone {sla['timezone']}")
        for obj in sla["objectives"]:
            out.append("")
            out.append(f"  {obj['objective']}: {obj['target']:.10g}% over {obj['window']}  [{obj['sli_description']}]")
            out.append(
                f"    error budget: {_pct(obj['error_budget_ratio'])} of events"
                f" = {obj['error_budget_human']} of total outage per {obj['window']}"
            )
            rows = [["alert", "windows", "factor", "error ratio >", "budget spent", "fires after outage", ""]]
            for a in obj["alerts"]:
                rows.append(
                    [
                        a["severity"],
                        f"{a['long_window']} & {a['short_window']}",
                        f"{a['factor']:.4g}x",
                        _pct(a["error_ratio_threshold"]),
                        _pct(a["budget_spent_when_fired"]),
                        a["time_to_fire_human"] or "never",
                        f"({a['note']})" if a["note"] else "",
                    ]
                )
            out.extend(_table(rows))
            if obj["credits"]:
                out.append(f"    credits per {obj['credit_period']}:")
                rows = [["achieved below", "credit", "reached after downtime of"]]
                rows += [[f"{c['below']:.10g}%", f"{c['credit']:g}%", c["downtime_human"]] for c in obj["credits"]]
                out.extend(_table(rows, indent="      "))
        out.append("")
    return "\n".join(out)
