"""The report as JSON, Markdown or a self-contained HTML page. Pure: data in, text out.

Markdown and HTML are rendered from the same view (:func:`view`), so they show the same
numbers, formatted the same way; JSON carries them unformatted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from slaforge import __version__
from slaforge.escaping import markdown_text
from slaforge.report.chart import sli_chart
from slaforge.report.counts import ESTIMATE_NOTE
from slaforge.report.credits import round_half_up, truncate
from slaforge.report.model import ObjectiveReport, Report, SLAReport, report_json
from slaforge.spec.durations import Duration
from slaforge.timezones import wall_clock
from slaforge.titles import sla_heading

FORMATS = ("md", "html", "json")

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("slaforge.report", "templates"),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
# SLA text in the Markdown report is text, never markup (the HTML report is autoescaped)
_ENV.filters["md"] = lambda value: markdown_text(str(value))


def pct(value: float | None, decimals: int = 4) -> str:
    if value is None:
        return "no data"
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def human(seconds: float) -> str:
    if seconds <= 0:
        return "0s"
    return Duration.of_seconds(seconds).human()


def local(moment: datetime, tz: ZoneInfo) -> str:
    """Local time with its UTC offset (``2026-10-25 02:30 +01:00``): unambiguous in the repeated DST hour."""
    return wall_clock(moment, tz)


def _objective_view(obj: ObjectiveReport, sla: SLAReport, with_chart: bool) -> dict[str, Any]:
    o = obj.outcome
    tz = sla.period.tz
    achieved = None if o.achieved is None else truncate(o.achieved)
    spent = None if o.budget_spent is None else round_half_up(o.budget_spent * 100, 2)
    unknown = "data problem" if obj.data_problems else "no data"
    status = unknown if o.met is None else ("met" if o.met else "breached")
    notes = [f"data problem: {problem}" for problem in obj.data_problems]
    if o.problems:
        notes.append("the period's totals cannot be right: no value, no verdict, no credit")
    if o.no_data:
        notes.append("no data in the period, no value, no verdict, no credit: "
                     + (obj.missing or "no valid events"))
    elif obj.coverage is not None and obj.coverage < 0.99:
        notes.append(f"events were found for only {obj.coverage * 100:.1f}% of the period")
    if obj.raw_stretches:
        spans = ", ".join(f"{local(a, tz)} to {local(b, tz)}" for a, b in obj.raw_stretches)
        notes.append("computed from the SLI's own series, with the meaning of the recorded pieces, where the "
                     f"recording rules had recorded nothing: {spans}")
    over = obj.incidents_over_target
    return {
        "name": obj.title,
        "description": obj.description,
        "target": pct(obj.target),
        "achieved": unknown if achieved is None else pct(achieved),
        "status": status,
        "budget_spent": unknown if spent is None else f"{spent:.2f}%",
        "maintenance": human(obj.maintenance_seconds),
        "credit": unknown if o.credit is None else pct(o.credit, 2),
        "credit_value": o.credit,
        "events": "" if obj.valid_count is None else
                  f"{obj.bad_count:,} bad of {obj.valid_count:,} valid events*",
        "source": obj.source or "",
        "incident_count": len(obj.incidents),
        "resolve_within": "" if obj.resolve_within is None else human(obj.resolve_within),
        "over_target": "" if over is None else str(over),
        "incident_time": human(obj.incident_seconds),
        "incidents": [
            {
                "start": ("before " if i.open_at_start else "") + local(i.start, tz),
                "end": local(i.end, tz) + (" (still firing)" if i.open_at_end else ""),
                "duration": human(i.seconds),
                "to_resolve": "still firing" if i.open_at_end else human(i.seconds),
                "to_detect": "unknown" if d is None else human(d),
                "over": obj.resolve_within is not None and i.seconds > obj.resolve_within,
            }
            for i, d in zip(obj.incidents, obj.detect or (None,) * len(obj.incidents), strict=True)
        ],
        "worst_days": [
            {"date": d.day.isoformat(), "achieved": pct(None if d.achieved is None else truncate(d.achieved)),
             "bad": f"{d.bad_count:,}", "valid": f"{d.valid_count:,}",
             "source": d.source}
            for d in obj.worst_days
        ],
        "tiers": [
            {"below": pct(t.below), "credit": pct(t.credit, 2), "applies": o.tier == t}
            for t in obj.tiers
        ],
        "notes": notes,
        "chart": Markup(sli_chart(obj, sla.period, sla.maintenance)) if with_chart else "",
    }


def view(report: Report, with_chart: bool = False) -> dict[str, Any]:
    """Display strings for the templates."""
    slas = []
    for s in report.slas:
        tz = s.period.tz
        slas.append({
            "sla": s.sla,
            "heading": sla_heading(s.sla, s.service),
            "service": s.service,
            "provider": s.provider,
            "customer": s.customer,
            "label": s.period.label,
            "timezone": s.period.timezone,
            "start": local(s.period.start, tz),
            "end": local(s.period.end, tz),
            "until": local(s.period.until, tz),
            "partial": s.period.partial,
            "maintenance": human(sum((b - a).total_seconds() for a, b in s.maintenance)),
            "maintenance_windows": len(s.maintenance),
            "objectives": [_objective_view(o, s, with_chart) for o in s.objectives],
        })
    period = report.period
    return {
        "title": f"Service level report {period['label']}",
        "period": period,
        "as_of": report.as_of.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "prometheus": report.prometheus,
        "version": __version__,
        "slas": slas,
        "partial": period["partial"],
        "estimate_note": ESTIMATE_NOTE[0].upper() + ESTIMATE_NOTE[1:],
    }


def render_json(report: Report) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"


def render_markdown(report: Report) -> str:
    return _ENV.get_template("report.md.j2").render(view(report))


def render_html(report: Report) -> str:
    return _ENV.get_template("report.html.j2").render(view(report, with_chart=True))


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
