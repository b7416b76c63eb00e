"""Compliance reports: per SLA and objective over a calendar period, what was achieved, what it
cost in error budget, when it hurt, and the service credit owed.

Pure computation (periods, maintenance, credits, incidents, rendering) is kept apart from the one
place that talks to Prometheus (:mod:`slaforge.report.client`, driven by :mod:`.collect`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from slaforge.plan import SLAPlan, plan_for
from slaforge.report.assemble import assemble_sla
from slaforge.report.batch import each_ahead
from slaforge.report.client import (
    BadResponse,
    PrometheusClient,
    PrometheusError,
    PrometheusUnreachable,
    QueryRejected,
)
from slaforge.report.collect import Ahead, collect
from slaforge.report.groups import group_matchers, select_group
from slaforge.report.incidents import DEFAULT_GAP
from slaforge.report.model import Report, SLAReport, report_json
from slaforge.report.periods import PERIOD_HELP, Period, PeriodError, resolve_period
from slaforge.report.render import render, render_html, render_json, render_markdown
from slaforge.spec.model import SLA

__all__ = [
    "PERIOD_HELP",
    "BadResponse",
    "Period",
    "PeriodError",
    "PrometheusClient",
    "PrometheusError",
    "PrometheusUnreachable",
    "QueryRejected",
    "Report",
    "build_report",
    "periods_for",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "report_json",
]


def periods_for(slas: Sequence[SLAPlan], period: str, now: datetime) -> list[Period]:
    """Each SLA's period called ``period`` (in its timezone and calendar); raises :class:`PeriodError`."""
    return [
        resolve_period(period, calendar=s.calendar, timezone_name=s.timezone, now=now)
        for s in slas
    ]


def build_report(slas: Sequence[SLA], client: PrometheusClient, period: str, now: datetime,
                 gap: timedelta = DEFAULT_GAP, group: Mapping[str, str] | None = None) -> Report:
    """Resolve every period first (no query is sent for a period in the future), then query and assemble.

    ``group`` (``{"customer": "acme"}``) keeps only what concerns that group (see
    :func:`slaforge.report.groups.select_group`).
    """
    wanted = group or {}
    plans = [plan_for(s) for s in slas]
    # with a group: only the SLAs that group by every selected label, and only that group's series
    plans = [p for p in plans if set(wanted) <= set(p.group_labels)]
    periods = periods_for(plans, period, now)
    only = group_matchers(wanted)
    pairs = list(zip(plans, periods, strict=True))

    def one(i: int, ahead: Ahead | None) -> SLAReport:
        raw = collect(client, *pairs[i], gap, only, ahead=ahead, group=wanted)
        return assemble_sla(*pairs[i], raw, gap)

    reports = tuple(each_ahead(client, pairs, gap, only, False, one))
    return select_group(Report(as_of=now, prometheus=client.shown_url, slas=reports), wanted)
