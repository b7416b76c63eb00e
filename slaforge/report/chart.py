"""An inline SVG chart of one objective's SLI over the period, against its target. Pure.

Drawn: each day's achieved value (bars hanging from 100%), the period-to-date achieved value
(the number the credit is computed from) as a line, the target as a dashed line, maintenance
windows as grey bands and incidents as red marks along the bottom. Days far below the target
are clipped at the bottom edge and marked with their value.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta
from html import escape

from slaforge.maintenance import Interval
from slaforge.report.model import ObjectiveReport
from slaforge.report.periods import Period, local_midnight

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 14, 34

COLOR_OK = "#5b8def"
COLOR_BAD = "#d64545"
COLOR_LINE = "#1f3b73"
COLOR_TARGET = "#d64545"
COLOR_GRID = "#e3e6eb"
COLOR_MAINT = "#d9dce1"


def _f(value: float) -> str:
    return f"{value:.1f}"


def y_range(obj: ObjectiveReport) -> tuple[float, float]:
    """Lowest and highest percent shown: the whole period-to-date curve (the value the credit comes
    from) and the target with room below it; days far lower are clipped and marked instead."""
    budget = 100 - obj.target
    lowest = min([v for _, v in obj.curve] + [obj.target - budget])
    low = max(lowest - 0.1 * (100 - lowest), 0.0)
    step = _tick_step(100 - low)
    return max(math.floor(low / step + 1e-9) * step, 0.0), 100.0


NICE_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25)


def _tick_step(span: float) -> float:
    """A round step giving at most 4 intervals over ``span``."""
    return next((s for s in NICE_STEPS if span / s <= 4), 25)


def sli_chart(obj: ObjectiveReport, period: Period, maintenance: tuple[Interval, ...] = ()) -> str:
    t0, t1 = period.start.timestamp(), period.end.timestamp()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    low, high = y_range(obj)

    def x(moment: datetime) -> float:
        return LEFT + (moment.timestamp() - t0) / (t1 - t0) * plot_w

    def y(value: float) -> float:
        value = min(max(value, low), high)
        return TOP + (high - value) / (high - low) * plot_h

    out: list[str] = []
    label = f"{obj.title}: achieved per day and period to date against the {obj.target:g}% target"
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(label)}" class="chart">'
    )
    out.append(f"<title>{escape(label)}</title>")
    bottom = TOP + plot_h
    for begin, end in maintenance:
        out.append(
            f'<rect x="{_f(x(begin))}" y="{TOP}" width="{_f(max(x(end) - x(begin), 0.8))}" '
            f'height="{plot_h}" fill="{COLOR_MAINT}" opacity="0.7"/>'
        )
    # horizontal grid and y labels
    for value in _y_ticks(low, high):
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{_f(y(value))}" y2="{_f(y(value))}" '
            f'stroke="{COLOR_GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{_f(y(value) + 4)}" text-anchor="end" font-size="11" '
            f'fill="#555">{_pct(value)}</text>'
        )
    # x labels: days of the month for a month, first days of months for longer periods
    for moment, text in _x_ticks(period):
        out.append(
            f'<line x1="{_f(x(moment))}" x2="{_f(x(moment))}" y1="{bottom}" y2="{bottom + 4}" stroke="#888"/>'
        )
        out.append(
            f'<text x="{_f(x(moment))}" y="{bottom + 16}" text-anchor="middle" font-size="11" '
            f'fill="#555">{escape(text)}</text>'
        )
    # daily bars
    for d in obj.days:
        if d.achieved is None:
            continue
        value = float(d.achieved)
        begin = local_midnight(d.day, period.tz)
        x0, x1 = x(begin) + 1, x(local_midnight(d.day + timedelta(days=1), period.tz)) - 1
        color = COLOR_BAD if value < obj.target else COLOR_OK
        out.append(
            f'<rect x="{_f(x0)}" y="{TOP}" width="{_f(max(x1 - x0, 0.5))}" '
            f'height="{_f(y(value) - TOP)}" fill="{color}" opacity="0.35"/>'
        )
        if value < low:
            out.append(
                f'<text x="{_f((x0 + x1) / 2)}" y="{bottom - 4}" text-anchor="middle" font-size="9" '
                f'fill="{COLOR_BAD}">▼{value:.1f}</text>'
            )
    # target
    out.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{_f(y(obj.target))}" y2="{_f(y(obj.target))}" '
        f'stroke="{COLOR_TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    out.append(
        f'<text x="{LEFT + plot_w - 4}" y="{_f(y(obj.target) - 4)}" text-anchor="end" font-size="11" '
        f'fill="{COLOR_TARGET}">target {_pct(obj.target)}</text>'
    )
    # period-to-date curve
    if obj.curve:
        points = " ".join(f"{_f(x(t))},{_f(y(v))}" for t, v in obj.curve)
        out.append(f'<polyline points="{points}" fill="none" stroke="{COLOR_LINE}" stroke-width="2"/>')
    else:
        out.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
            'font-size="14" fill="#888">no data</text>'
        )
    # incidents along the bottom
    for incident in obj.incidents:
        x0 = x(incident.start)
        out.append(
            f'<rect x="{_f(x0)}" y="{bottom - 3}" width="{_f(max(x(incident.end) - x0, 2))}" height="3" '
            f'fill="{COLOR_BAD}"/>'
        )
    if period.partial:
        xn = x(period.until)
        out.append(f'<line x1="{_f(xn)}" x2="{_f(xn)}" y1="{TOP}" y2="{bottom}" stroke="#888" '
                   'stroke-dasharray="2 3"/>')
    out.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#aab"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _pct(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _y_ticks(low: float, high: float) -> list[float]:
    step = _tick_step(high - low)
    count = round((high - low) / step)
    return [round(low + i * step, 6) for i in range(count + 1)]


def _x_ticks(period: Period) -> list[tuple[datetime, str]]:
    ticks: list[tuple[datetime, str]] = []
    for day, begin, _ in _all_days(period):
        if period.kind == "month" and (day.day - 1) % 7 == 0:
            ticks.append((begin, str(day.day)))
        elif period.kind != "month" and day.day == 1:
            ticks.append((begin, day.strftime("%b")))
    return ticks


def _all_days(period: Period) -> list[tuple[date, datetime, datetime]]:
    """Every day of the whole period, also the part a partial period has not reached yet."""
    return replace(period, now=period.end).days()
