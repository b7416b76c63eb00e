"""`slaforge explain`: what an SLA means in time, burn rates and money (pure, model -> data -> text).

Besides the numbers of each objective it lays out the whole SLA: its maintenance windows (the
next ones, from ``now``), its escalation path, and every alert the rules generate for each objective
and which are off. Nothing is re-decided here: it reads the SLA's plan (:mod:`slaforge.plan`: the
SLI's wording, which burn alerts exist, the decoded maintenance windows, the escalation steps), the
burn-rate numbers of :mod:`slaforge.burnrate`, and the alerting rules the generator writes
(:mod:`slaforge.rules.alerts`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slaforge.burnrate import BurnAlert, downtime_below, error_budget_time
from slaforge.conventions import (
    ABSENT_FOR,
    ALERT_ABSENT,
    ALERT_BURN,
    ALERT_CREDIT_AT_RISK,
    ALERT_ESCALATION,
    ALERT_EXHAUSTED,
    ALERT_GROUPS,
    LABEL_CREDIT,
    LABEL_LEVEL,
    LABEL_OBJECTIVE,
    LABEL_RECEIVER,
    LABEL_SEVERITY,
    SEVERITY_PAGE,
    SEVERITY_TICKET,
)
from slaforge.maintenance import Interval
from slaforge.plan import ObjectivePlan, PlannedBurn, SLAPlan, plan_for
from slaforge.plan.alerts import SEVERITIES
from slaforge.rules.alerts import ABSENT_GRACE, alert_rules, long_alert_rules
from slaforge.rules.credit import PERIOD_WORDS, credit_text
from slaforge.rules.group_alerts import groups_exceeded_alerts
from slaforge.rules.model import AlertingRule
from slaforge.schedule import LOOKAHEAD, describe_window, once_start, outlook, utc_iso
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA, Maintenance
from slaforge.timezones import utc_clock, wall_clock
from slaforge.titles import distinct_service

CALENDAR_PERIODS = {
    "month": ("30-day month", Duration.parse("30d")),
    "quarter": ("91-day quarter", Duration.parse("91d")),
}


MAINTENANCE_EFFECT = (
    "inside a window errors never count and no slaforge alert fires "
    f"({ALERT_ABSENT} waits {ABSENT_GRACE} more after it closes)"
)
ESCALATION_MEANING = (
    f"while an objective's page keeps firing, {ALERT_ESCALATION}{{receiver, level}} fires for each step "
    "whose time has come, as long as errors are still spent faster than the budget allows over the last "
    "5 minutes (it stops within 5 minutes of that, even while the page waits for its windows to clear); "
    "the Alertmanager routes send it to that receiver, and a page that stops resets every step"
)


def _conditions(alerts: tuple[BurnAlert, ...]) -> str:
    return " or ".join(
        f"{a.policy.budget_fraction * 100:g}% of the budget in {a.long_window} "
        f"(error ratio > {_pct(a.threshold)} over {a.long_window} and {a.short_window})"
        for a in alerts
    )


def _exists(rules: Sequence[AlertingRule], alert: str, labels: dict[str, str]) -> bool:
    return any(r.alert == alert and all(r.labels.get(k) == v for k, v in labels.items()) for r in rules)


def _severity_off(plan: SLAPlan, objective: ObjectivePlan, severity: str) -> str | None:
    """Why the objective has no burn alert of ``severity`` (None: it has one)."""
    if not plan.enabled[severity]:
        return f"{severity} alerts are disabled in spec.alerting"
    if not objective.alerts_of(severity):
        return f"none of its burn-rate conditions can fire with a {plan.window} window and this target"
    return None


def alert_set(plan: SLAPlan, objective: ObjectivePlan, rules: Sequence[AlertingRule]) -> list[dict[str, Any]]:
    """Every alert the rules can hold for this objective; ``generated`` is read from ``rules``
    (the generated alerting rules of the SLA), ``note`` says why one is off."""
    mine = [r for r in rules if r.labels.get(LABEL_OBJECTIVE) == objective.name]
    out: list[dict[str, Any]] = []

    def add(alert: str, labels: dict[str, str], fires_when: str, off: str | None) -> None:
        generated = _exists(mine, alert, labels)
        note = None if generated else (off or "not generated")
        out.append({"alert": alert, "labels": labels, "generated": generated, "fires_when": fires_when,
                    "note": note})

    for severity in SEVERITIES:
        # what it would alert on, also when the severity is switched off
        conditions = tuple(b.alert for b in objective.burns if b.alert.severity == severity and b.alert.applicable)
        add(ALERT_BURN, {LABEL_SEVERITY: severity}, _conditions(conditions) or "never",
            _severity_off(plan, objective, severity))
    add(
        ALERT_EXHAUSTED, {LABEL_SEVERITY: SEVERITY_TICKET},
        f"more than the whole error budget ({_pct(objective.error_budget)} of events) is spent over the last "
        f"{plan.window}", None,
    )
    add(ALERT_ABSENT, {LABEL_SEVERITY: SEVERITY_TICKET},
        f"no valid events for {ABSENT_FOR} (the SLI's series are missing or not increasing)", None)
    if objective.group_by:
        add(ALERT_GROUPS, {LABEL_SEVERITY: SEVERITY_TICKET},
            f"the SLI has more than {objective.max_groups} groups of {', '.join(objective.group_by)} (max_groups)",
            None)
    page_off = _severity_off(plan, objective, SEVERITY_PAGE)
    for step in plan.escalation:
        when = "the page fires: notifies immediately, while the 5m burn rate is over 1" if step.after.ms == 0 else (
            f"the page has kept firing for {step.after.human()} and the 5m burn rate is over 1"
        )
        add(ALERT_ESCALATION, {LABEL_RECEIVER: step.receiver, LABEL_LEVEL: str(step.level)}, when,
            None if page_off is None else f"no page to escalate: {page_off}")
    credit_off = None
    if plan.calendar not in PERIOD_WORDS:
        credit_off = "no calendar period (calendar: none)"
    elif not plan.credit_at_risk_enabled:
        credit_off = "disabled in spec.alerting.credit_at_risk"
    for band in objective.bands:
        tier, floor = band.tier, band.floor
        text = f"below {tier.below:g}%" + (f" (and not below {floor:g}%)" if floor is not None else "")
        add(ALERT_CREDIT_AT_RISK, {LABEL_SEVERITY: SEVERITY_TICKET, LABEL_CREDIT: credit_text(tier.credit)},
            f"the current {PERIOD_WORDS.get(plan.calendar, 'period')} would end {text} even with no further error "
            "and traffic at its average rate so far", credit_off)
    return out


def _burn_note(plan: SLAPlan, burn: PlannedBurn) -> str | None:
    alert = burn.alert
    if not burn.enabled:
        return f"{alert.severity} alerts are disabled in spec.alerting"
    if not burn.fits:
        return f"not generated: the {alert.long_window} long window exceeds the {plan.window} SLA window"
    if not burn.reachable:
        return "not generated: the threshold is above 100% errors, so it could never fire"
    if alert.factor < 1:
        return "factor below 1: fires while the budget would still last the window"
    return None


def explain_objective(plan: SLAPlan, objective: ObjectivePlan, rules: Sequence[AlertingRule] | None = None
                      ) -> dict[str, Any]:
    window = plan.window
    label, period = CALENDAR_PERIODS.get(plan.calendar, (f"{window} window", window))
    alerts = []
    min_events = plan.min_events
    for burn in objective.burns:
        alert = burn.alert
        fire = alert.time_to_fire_on_outage
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
                "generated": burn.generated,
                "note": _burn_note(plan, burn),
                "min_events_per_minute": round(min_events / (alert.long_window.ms / 60_000), 6) if min_events else None,
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
        "sli_description": objective.sli.summary,
        "window": str(window),
        "error_budget_ratio": objective.error_budget,
        "error_budget_time": str(budget),
        "error_budget_human": budget.human(),
        "error_budget_seconds": budget.seconds,
        "alerts": alerts,
        "min_events": min_events,
        "min_events_meaning": (
            f"a burn alert stays silent unless its long window holds at least {min_events} valid events: "
            "it needs on average "
            + ", ".join(
                f"{a['min_events_per_minute']:.3g}/min over {a['long_window']}" for a in alerts if a["generated"]
            )
            if min_events else None
        ),
        "credit_period": label,
        "credits": credits,
        "alert_rules": alert_set(plan, objective, _rules(plan) if rules is None else rules),
        "group_by": list(objective.group_by),
        "max_groups": objective.max_groups if objective.group_by else None,
    }


def _rules(plan: SLAPlan) -> list[AlertingRule]:
    return alert_rules(plan) + long_alert_rules(plan) + groups_exceeded_alerts(plan)


def _interval(interval: Interval, zone: ZoneInfo) -> dict[str, Any]:
    start, end = interval
    seconds = (end - start).total_seconds()
    return {
        "start": start.astimezone(zone).isoformat(),
        "end": end.astimezone(zone).isoformat(),
        "start_utc": utc_iso(start),
        "end_utc": utc_iso(end),
        "duration_seconds": seconds,
        "duration_human": Duration.of_seconds(seconds).human(),
        "local": f"{start.astimezone(zone):%a} {wall_clock(start, zone)} -> {wall_clock(end, zone)}",
        "utc": f"{utc_clock(start).removesuffix(' UTC')} -> {utc_clock(end)}",
    }


def _window(window: Maintenance, timezone: str, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": describe_window(window, timezone),
        "description": window.description,
        "duration": str(window.duration),
        "duration_seconds": window.duration.seconds,
    }
    if window.weekly is not None:
        out.update(kind="weekly", day=window.weekly.day, start=f"{window.weekly.start:%H:%M}")
    elif window.daily is not None:
        out.update(kind="daily", start=f"{window.daily.start:%H:%M}")
    else:
        start = once_start(window, timezone)
        end = start + timedelta(milliseconds=window.duration.ms)
        out.update(kind="once", start=start.astimezone(ZoneInfo(timezone)).isoformat(), start_utc=utc_iso(start),
                   end_utc=utc_iso(end), over=end <= now)
    return out


def explain_maintenance(plan: SLAPlan, now: datetime) -> dict[str, Any]:
    zone = ZoneInfo(plan.timezone)
    ahead = outlook(plan.windows, plan.timezone, now)
    return {
        "timezone": plan.timezone,
        "now": utc_iso(now),
        "now_local": wall_clock(now, zone),
        "windows": [_window(w, plan.timezone, now) for w in plan.maintenance],
        "open_now": None if ahead.open_now is None else _interval(ahead.open_now, zone),
        "next": [_interval(i, zone) for i in ahead.upcoming],
        "effect": MAINTENANCE_EFFECT if plan.maintenance else None,
    }


def explain_escalation(plan: SLAPlan) -> dict[str, Any]:
    steps = plan.escalation
    return {
        "steps": [
            {"level": s.level, "receiver": s.receiver, "after": str(s.after), "after_seconds": s.after.seconds,
             "when": s.when}
            for s in steps
        ],
        "meaning": ESCALATION_MEANING if steps else None,
    }


def explain(slas: list[SLA], now: datetime | None = None) -> list[dict[str, Any]]:
    """Everything `slaforge explain` shows; ``now`` (default: the current time) places the maintenance windows."""
    moment = datetime.now(UTC) if now is None else now.astimezone(UTC)
    out = []
    for plan in (plan_for(sla) for sla in slas):
        rules = _rules(plan)
        out.append({
            "sla": plan.name,
            "service": plan.service,
            "provider": plan.provider,
            "customer": plan.customer,
            "window": str(plan.window),
            "calendar": plan.calendar,
            "timezone": plan.timezone,
            "maintenance": explain_maintenance(plan, moment),
            "escalation": explain_escalation(plan),
            "objectives": [explain_objective(plan, o, rules) for o in plan.objectives],
        })
    return out


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
        service = distinct_service(sla["sla"], sla["service"])
        out.append(f"SLA {sla['sla']}: {sla['provider']} -> {sla['customer']}" + (f" ({service})" if service else ""))
        out.append(f"  window {sla['window']} rolling, reported per {sla['calendar']}, timezone {sla['timezone']}")
        out.extend(_maintenance_text(sla["maintenance"]))
        grouped = any(obj["group_by"] for obj in sla["objectives"])
        out.extend(_escalation_text(sla["escalation"], grouped))
        for obj in sla["objectives"]:
            out.append("")
            out.append(f"  {obj['objective']}: {obj['target']:.10g}% over {obj['window']}  [{obj['sli_description']}]")
            if obj["group_by"]:
                out.append(
                    f"    per group of {', '.join(obj['group_by'])}: each value has its own SLI, budget, alerts and "
                    f"credit (at most {obj['max_groups']} groups, else SLAGroupsExceeded)"
                )
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
            if obj["min_events_meaning"]:
                out.append(f"    min_events {obj['min_events']}: {obj['min_events_meaning']}")
            if obj["credits"]:
                out.append(f"    credits per {obj['credit_period']}:")
                rows = [["achieved below", "credit", "reached after downtime of"]]
                rows += [[f"{c['below']:.10g}%", f"{c['credit']:g}%", c["downtime_human"]] for c in obj["credits"]]
                out.extend(_table(rows, indent="      "))
            out.append("    alerts:")
            rows = [
                [a["alert"], " ".join(f"{k}={v}" for k, v in a["labels"].items()),
                 "on" if a["generated"] else "off", a["fires_when"] if a["generated"] else a["note"]]
                for a in obj["alert_rules"]
            ]
            out.extend(_table(rows, indent="      "))
        out.append("")
    return "\n".join(out)


def _maintenance_text(m: dict[str, Any]) -> list[str]:
    if not m["windows"]:
        return ["  maintenance: none declared"]
    out = [f"  maintenance, on the wall clock of {m['timezone']}:"]
    out += [f"    {w['text']}" + (", already over" if w.get("over") else "") for w in m["windows"]]
    opened = m["open_now"]
    state = f"open until {opened['local'].split(' -> ')[1]}" if opened else "no window open"
    out.append(f"    now, {m['now_local']}: {state}")
    if m["next"]:
        out.append("    next:")
        with_utc = m["timezone"] != "UTC"
        out.extend(_table(
            [[i["local"], *([f"({i['utc']})"] if with_utc else []), i["duration_human"]] for i in m["next"]],
            "      ",
        ))
    else:
        out.append(f"    no window opens within the next {LOOKAHEAD.days} days")
    out.append(f"    {m['effect']}")
    return out


def _escalation_text(e: dict[str, Any], grouped: bool) -> list[str]:
    if not e["steps"]:
        return ["  escalation: none"]
    per = "step, objective and group" if grouped else "step and objective"
    out = [f"  escalation, while a page keeps firing (one {ALERT_ESCALATION} per {per}):"]
    out.extend(_table([[f"level {s['level']}", s["receiver"], s["when"]] for s in e["steps"]]))
    return out
