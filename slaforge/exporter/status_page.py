"""The status page at ``/``: every SLA (with its maintenance windows and escalation path), probe and objective
with its state, readable without Grafana.

Plain HTML with inline CSS; it fetches nothing from anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from slaforge import __version__
from slaforge.exporter.collector.families import ExporterInfo
from slaforge.exporter.state import ObjectiveState, ProbeState
from slaforge.plan import SLAPlan, plan_for
from slaforge.schedule import describe_window, outlook
from slaforge.spec.model import SLA
from slaforge.timezones import utc, wall_clock
from slaforge.titles import distinct_service

# far enough for the next weekly window; a `once` window further ahead is listed with its date
STATUS_LOOKAHEAD = timedelta(days=8)

CSS = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2330;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#b9c0cf}main{padding:16px 24px}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;margin:0 0 18px;padding:12px 16px}
h2{margin:0 0 4px;font-size:17px}.meta{color:#5b6477;margin:0 0 10px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
th{font-size:12px;text-transform:uppercase;color:#5b6477;font-weight:600}
.pill{display:inline-block;border-radius:10px;padding:1px 9px;font-weight:600;font-size:12px}
.up,.met{background:#d6f5df;color:#11652d}.down,.missed{background:#fde0de;color:#a2170f}
.pending,.na{background:#eceef2;color:#5b6477}.maint{background:#fff1c2;color:#6b4e00}.msg{color:#5b6477;font-size:12px;max-width:420px;word-break:break-word}
.num{font-variant-numeric:tabular-nums}code{font-size:12px}
"""


def _pct(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.3f}%"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _ago(stamp: float | None, now: float) -> str:
    if stamp is None:
        return "never"
    return f"{max(now - stamp, 0):.0f}s ago"


def _expiry(stamp: float | None, now: float) -> str:
    if stamp is None:
        return "-"
    days = (stamp - now) / 86400
    return f"{days:.0f} days" if days >= 0 else f"expired {-days:.0f} days ago"


def _probe_rows(sla: SLAPlan, states: Mapping[tuple[str, str], ProbeState], now: float) -> list[str]:
    rows = []
    for probe in sla.probes:
        st = states.get((sla.name, probe.name))
        if st is None:
            rows.append(
                f"<tr><td>{escape(probe.name)}</td><td><code>{escape(probe.url)}</code></td>"
                '<td><span class="pill na">other shard</span></td><td colspan="6"></td></tr>'
            )
            continue
        failed = sum(st.failures)
        reason = f"<b>{escape(st.last_reason)}</b>: {escape(st.last_message)}" if st.last_reason else ""
        rows.append(
            f"<tr><td>{escape(probe.name)}</td><td><code>{escape(probe.url)}</code></td>"
            f'<td><span class="pill {st.state}">{st.state}</span><div class="msg">{reason}</div></td>'
            f'<td class="num">{_seconds(st.last_duration)}</td>'
            f'<td class="num">{st.status_code or "-"}</td>'
            f'<td class="num">{_expiry(st.cert_expiry, now)}</td>'
            f'<td class="num">{probe.interval} / {probe.timeout}</td>'
            f'<td class="num">{st.total} / {failed}</td>'
            f"<td>{_ago(st.last_time, now)}</td></tr>"
        )
    return rows


def _objective_rows(
    sla: SLAPlan, objectives: Mapping[tuple[str, str], ObjectiveState], mono_now: float
) -> list[str]:
    rows = []
    for obj in sla.objectives:
        what = obj.sli.source
        if obj.group_by:
            what += f", per {', '.join(obj.group_by)} (at most {obj.max_groups} groups)"
        state = objectives.get((sla.name, obj.name))
        cells = []
        if state is None:
            cells = ['<td colspan="3" class="msg">not measured by this exporter</td>']
        else:
            for ratio in state.ratios(mono_now).values():
                if ratio is None:
                    cells.append('<td><span class="pill na">no data</span></td>')
                else:
                    verdict = "met" if ratio * 100 >= obj.target else "missed"
                    cells.append(f'<td class="num"><span class="pill {verdict}">{_pct(ratio)}</span></td>')
        rows.append(
            f"<tr><td>{escape(obj.name)}</td><td>{escape(what)}</td>"
            f'<td class="num">{obj.target:g}%</td>{"".join(cells)}</tr>'
        )
    return rows


def _maintenance(plan: SLAPlan, now: float) -> str:
    """The declared windows, and the one open now or the next one (as the rules exclude them)."""
    if not plan.maintenance:
        return ""
    zone = ZoneInfo(plan.timezone)
    ahead = outlook(plan.windows, plan.timezone, utc(now), count=1, lookahead=STATUS_LOOKAHEAD)
    if ahead.open_now is not None:
        state = (f'<span class="pill maint">maintenance now</span> until '
                 f"{escape(wall_clock(ahead.open_now[1], zone))}")
    elif ahead.upcoming:
        start, end = ahead.upcoming[0]
        state = f"next {escape(wall_clock(start, zone))} to {escape(wall_clock(end, zone))}"
    else:
        state = f"none in the next {STATUS_LOOKAHEAD.days} days"
    windows = " · ".join(escape(describe_window(w, plan.timezone)) for w in plan.maintenance)
    return (f'<p class="meta"><b>Maintenance</b> ({escape(plan.timezone)}): {windows} · {state}. '
            "Errors inside never count; no alert fires.</p>")


def _escalation(sla: SLAPlan) -> str:
    steps = sla.escalation
    if not steps:
        return ""
    path = " → ".join(f"level {s.level} <b>{escape(s.receiver)}</b> {escape(s.when)}" for s in steps)
    return f'<p class="meta"><b>Escalation</b> while a page keeps firing: {path}</p>'


def render(
    slas: Sequence[SLA],
    states: Mapping[tuple[str, str], ProbeState],
    objectives: Mapping[tuple[str, str], ObjectiveState],
    info: ExporterInfo,
    listen: str,
    mono_now: float,
    wall_now: float | None = None,
) -> str:
    now = time.time() if wall_now is None else wall_now
    up = sum(1 for s in states.values() if s.last_success)
    down = sum(1 for s in states.values() if s.last_success is False)
    reload_note = "" if info.last_reload_ok else " · <b>last reload failed, previous configuration kept</b>"
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="refresh" content="15"><title>slaforge exporter</title><style>{CSS}</style></head><body>',
        f"<header><h1>slaforge exporter</h1><p>version {__version__} · listening on {escape(listen)} · "
        f"shard {info.shard[0]}/{info.shard[1]} · {len(slas)} SLAs · {len(states)} probes here "
        f"({up} up, {down} down) · up {now - info.start_time:.0f}s{reload_note} · "
        '<a style="color:#9cc3ff" href="/metrics">/metrics</a></p></header><main>',
    ]
    for plan in (plan_for(sla) for sla in slas):
        service = distinct_service(plan.name, plan.service)
        parts.append(
            f"<section><h2>{escape(plan.name)}</h2>"
            f'<p class="meta">{escape(service) + " · " if service else ""}{escape(plan.provider)} → '
            f"{escape(plan.customer)} · window {plan.window}</p>"
        )
        parts.append(_maintenance(plan, now))
        parts.append(_escalation(plan))
        if plan.probes:
            parts.append(
                "<table><tr><th>Probe</th><th>URL</th><th>State</th><th>Last duration</th><th>HTTP</th>"
                "<th>Certificate</th><th>Interval / timeout</th><th>Probes / failed</th><th>Last run</th></tr>"
            )
            parts.extend(_probe_rows(plan, states, now))
            parts.append("</table>")
        parts.append(
            "<table><tr><th>Objective</th><th>SLI</th><th>Target</th><th>5m</th><th>1h</th><th>1d</th></tr>"
        )
        parts.extend(_objective_rows(plan, objectives, mono_now))
        parts.append("</table></section>")
    parts.append("</main></body></html>")
    return "".join(parts)
