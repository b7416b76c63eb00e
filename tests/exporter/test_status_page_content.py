"""The status page's HTML: maintenance windows (and whether one is open now) and the escalation path of each SLA."""

from __future__ import annotations

from datetime import UTC, datetime

from slaforge.exporter.collector.families import ExporterInfo
from slaforge.exporter.status_page import render
from slaforge.spec import load_text

SLA_TEXT = """\
apiVersion: slaforge/v1
kind: SLA
metadata: {name: static-site}
spec:
  service: static-site
  provider: Web <Team>
  customer: Everyone
  window: 30d
  timezone: Europe/Berlin
  maintenance:
    - weekly: {day: sunday, start: "02:30", duration: 2h}
    - once: {start: "2026-12-24T18:00:00", duration: 1h}
      description: "a <b>party</b>"
  escalation:
    - {after: 0m, receiver: web-oncall}
    - {after: 1h30m, receiver: web-lead}
  probes: [{name: home, url: "https://example.com/"}]
  objectives:
    - {name: availability, target: 99.9, sli: {probe: home}}
---
apiVersion: slaforge/v1
kind: SLA
metadata: {name: plain}
spec:
  service: plain-web
  provider: P
  customer: C
  window: 7d
  probes: [{name: home, url: "https://example.com/"}]
  objectives:
    - {name: availability, target: 99.9, sli: {probe: home}}
"""


def page(at: datetime) -> str:
    slas = load_text(SLA_TEXT, "status.yaml")
    return render(slas, {}, {}, ExporterInfo((0, 1)), "127.0.0.1:9105", 0.0, wall_now=at.timestamp())


def section(html: str, name: str) -> str:
    return html.split(f"<section><h2>{name}</h2>")[1].split("</section>")[0]


def test_maintenance_open_now_and_escalation_path() -> None:
    # Sunday 2026-10-25 03:00 UTC = 04:00 CET: inside the weekly window (02:30-04:30 wall clock)
    html = section(page(datetime(2026, 10, 25, 3, 0, tzinfo=UTC)), "static-site")
    assert (
        '<p class="meta"><b>Maintenance</b> (Europe/Berlin): every sunday 02:30 for 2h · '
        "once 2026-12-24 18:00 +01:00 for 1h (a &lt;b&gt;party&lt;/b&gt;) · "
        '<span class="pill maint">maintenance now</span> until 2026-10-25 04:30 +01:00. '
        "Errors inside never count; no alert fires.</p>"
    ) in html
    assert (
        '<p class="meta"><b>Escalation</b> while a page keeps firing: level 1 <b>web-oncall</b> immediately → '
        "level 2 <b>web-lead</b> after 1h 30m</p>"
    ) in html


def test_the_next_window_when_none_is_open() -> None:
    html = section(page(datetime(2026, 12, 22, 12, 0, tzinfo=UTC)), "static-site")
    assert "maintenance now" not in html
    assert " · next 2026-12-24 18:00 +01:00 to 2026-12-24 19:00 +01:00. " in html


def test_a_shared_name_is_shown_once_and_an_sla_without_either_says_nothing_of_them() -> None:
    html = page(datetime(2026, 12, 22, 12, 0, tzinfo=UTC))
    assert '<section><h2>static-site</h2><p class="meta">Web &lt;Team&gt; → Everyone · window 30d</p>' in html
    plain = section(html, "plain")
    assert plain.startswith('<p class="meta">plain-web · P → C · window 7d</p>')
    assert "Maintenance" not in plain and "Escalation" not in plain


def test_a_grouped_objective_shows_its_grouping() -> None:
    text = """\
apiVersion: slaforge/v1
kind: SLA
metadata: {name: tenant}
spec:
  service: api
  provider: P
  customer: every tenant
  window: 30d
  objectives:
    - name: availability
      target: 99.9
      group_by: [customer]
      sli: {ratio: {errors: 'http_requests_total{code=~"5.."}', total: http_requests_total}}
"""
    slas = load_text(text, "tenant.yaml")
    html = render(slas, {}, {}, ExporterInfo((0, 1)), "127.0.0.1:9105", 0.0, wall_now=0.0)
    assert "ratio of counters (Prometheus rules), per customer (at most 1000 groups)" in section(html, "tenant")
