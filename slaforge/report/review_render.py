"""The review as JSON (the contract's "Review JSON"), Markdown (for the meeting) and HTML (to send,
with a small chart per objective). Pure: data in, text out."""

from __future__ import annotations

import json
from datetime import UTC
from fractions import Fraction
from html import escape
from typing import Any

from markupsafe import Markup

from slaforge import __version__
from slaforge.report.credits import round_half_up, truncate
from slaforge.report.model import number
from slaforge.report.periods import iso
from slaforge.report.render import _ENV, human, pct
from slaforge.report.review import ObjectiveReview, PeriodNumbers, Review

FORMATS = ("md", "html", "json")


def _period_json(row: PeriodNumbers) -> dict[str, Any]:
    o = row.report.outcome
    return {
        "period": row.label,
        "achieved": None if o.achieved is None else truncate(o.achieved),
        "met": o.met,
        "credit": number(o.credit),
        "error_budget_spent": None if o.budget_spent is None else round_half_up(o.budget_spent),
        "incidents": len(row.report.incidents),
        "longest_incident_seconds": number(row.longest),
        "median_incident_seconds": number(row.median),
        "incidents_over_target": row.report.incidents_over_target,
        "pages_per_week": row.pages_per_week,
        "no_data": o.no_data,
        "source": row.report.source,
    }


def review_json(review: Review) -> dict[str, Any]:
    return {
        "periods": review.labels,
        "as_of": iso(review.as_of),
        "prometheus": review.prometheus,
        "slas": [
            {
                "sla": s.sla,
                "customer": s.customer,
                "objectives": [
                    {
                        "objective": o.name,
                        "target": number(o.target),
                        "resolve_within_seconds": number(o.resolve_within),
                        "periods": [_period_json(r) for r in o.periods],
                        "findings": [{"code": f.code, "message": f.message} for f in o.findings],
                    }
                    for o in s.objectives
                ],
            }
            for s in review.slas
        ],
    }


# --- Markdown and HTML ------------------------------------------------------------------------

CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 420, 150, 44, 22, 10


def review_chart(obj: ObjectiveReview) -> str:
    """Error budget spent per period as bars against the whole budget (100%, dashed); missed
    periods red; periods without data marked. Bars above 200% are clipped and labelled."""
    rows = obj.periods
    top = 2.0
    plot_w, plot_h = CHART_W - PAD_L - 8, CHART_H - PAD_B - PAD_T
    slot = plot_w / max(len(rows), 1)

    def y(value: float) -> float:
        return PAD_T + plot_h * (1 - min(value, top) / top)

    label = f"{obj.name}: error budget spent per period"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {CHART_H}" width="{CHART_W}" '
           f'role="img" aria-label="{escape(label)}" class="mini">', f"<title>{escape(label)}</title>"]
    for value in (0.0, 1.0, 2.0):
        style = 'stroke="#d64545" stroke-dasharray="5 3"' if value == 1.0 else 'stroke="#e3e6eb"'
        out.append(f'<text x="{PAD_L - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="10" '
                   f'fill="#555">{value * 100:.0f}%</text>')
        out.append(f'<line x1="{PAD_L}" x2="{PAD_L + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" {style}/>')
    for i, row in enumerate(rows):
        x = PAD_L + i * slot
        o = row.report.outcome
        out.append(f'<text x="{x + slot / 2:.1f}" y="{CHART_H - 6}" text-anchor="middle" font-size="10" '
                   f'fill="#555">{escape(row.label)}</text>')
        if o.budget_spent is None:
            out.append(f'<text x="{x + slot / 2:.1f}" y="{y(0.5):.1f}" text-anchor="middle" font-size="10" '
                       'fill="#888">no data</text>')
            continue
        spent = float(o.budget_spent)
        color = "#d64545" if o.met is False else "#5b8def"
        out.append(f'<rect x="{x + slot * 0.2:.1f}" y="{y(spent):.1f}" width="{slot * 0.6:.1f}" '
                   f'height="{max(y(0) - y(spent), 0.8):.1f}" fill="{color}"/>')
        out.append(f'<text x="{x + slot / 2:.1f}" y="{y(spent) - 3:.1f}" text-anchor="middle" font-size="10" '
                   f'fill="#333">{round_half_up(Fraction(spent) * 100, 0):.0f}%</text>')
    out.append("</svg>")
    return "\n".join(out)


def _row_view(row: PeriodNumbers) -> dict[str, Any]:
    o = row.report.outcome
    spent = None if o.budget_spent is None else round_half_up(o.budget_spent * 100, 2)
    return {
        "label": row.label,
        "achieved": pct(None if o.achieved is None else truncate(o.achieved)),
        "status": "no data" if o.met is None else ("met" if o.met else "breached"),
        "credit": "no data" if o.credit is None else pct(o.credit, 2),
        "spent": "no data" if spent is None else f"{spent:.2f}%",
        "incidents": str(len(row.report.incidents)),
        "over": "" if row.report.incidents_over_target is None else str(row.report.incidents_over_target),
        "longest": human(row.longest),
        "median": human(row.median),
        "pages_per_week": f"{row.pages_per_week:g}",
        "source": row.report.source or "",
    }


def view(review: Review, with_chart: bool = False) -> dict[str, Any]:
    return {
        "title": f"SLA review: {', '.join(review.labels)}",
        "as_of": review.as_of.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "prometheus": review.prometheus,
        "version": __version__,
        "count": review.count,
        "slas": [
            {
                "sla": s.sla,
                "customer": s.customer,
                "provider": s.provider,
                "service": s.service,
                "objectives": [
                    {
                        "name": o.name,
                        "target": pct(o.target),
                        "resolve_within": "" if o.resolve_within is None else human(o.resolve_within),
                        "rows": [_row_view(r) for r in o.periods],
                        "findings": [{"code": f.code, "message": f.message} for f in o.findings],
                        "chart": Markup(review_chart(o)) if with_chart else "",
                    }
                    for o in s.objectives
                ],
            }
            for s in review.slas
        ],
    }


def render_review(review: Review, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(review_json(review), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return _ENV.get_template("review.md.j2").render(view(review))
    if fmt == "html":
        return _ENV.get_template("review.html.j2").render(view(review, with_chart=True))
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
