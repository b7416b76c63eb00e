"""A grouped objective in the report: one row per customer, from a backfilled month.

October 2026 (8,928 five-minute slots), objective `availability` grouped by customer, target 99.9,
tiers 99.9 -> 10%, 99 -> 25%, 95 -> 100%:

* acme: 100 valid events a slot (892,800), 2,000 bad on Oct 20: achieved 1 - 2,000/892,800 =
  99.77598...% -> 99.7759, budget spent 2,000 / 892.8 = 2.2401, credit 10; one page incident;
* globex: 100 a slot, 12,000 bad on Oct 5: 1 - 12,000/892,800 = 98.65591...% -> 98.6559, credit 25;
* initech: series present, no traffic (0 valid every slot): no data, for initech alone;

and `fleet`, ungrouped (300 a slot, no errors): one row, 100%, no `group`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.conventions import BAD_EVENTS_5M, VALID_EVENTS_5M
from slaforge.report import PrometheusClient, build_report, report_json
from slaforge.report.groups import group_matchers
from slaforge.spec import load_slas
from tests.report.data import OpenMetrics, at, stamps
from tests.support.prometheus import PrometheusServer, backfill_openmetrics

pytestmark = pytest.mark.e2e

TENANT = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: tenant}
spec:
  service: api
  provider: Example Provider
  customer: every tenant
  window: 30d
  calendar: month
  timezone: UTC
  objectives:
    - name: availability
      target: 99.9
      group_by: [customer]
      sli:
        ratio:
          errors: http_requests_total{job="api",code=~"5.."}
          total: http_requests_total{job="api"}
      credits:
        - {below: 99.9, credit: 10}
        - {below: 99.0, credit: 25}
        - {below: 95.0, credit: 100}
    - name: fleet
      target: 99
      sli:
        ratio:
          errors: http_requests_total{job="api",code=~"5.."}
          total: http_requests_total{job="api"}
"""
NOW = datetime(2026, 11, 3, tzinfo=UTC)
BAD = {
    "acme": {at(20, 10, 5) + timedelta(minutes=5 * i): 100.0 for i in range(20)},
    "globex": {at(5, 12, 5) + timedelta(minutes=5 * i): 100.0 for i in range(120)},
}


def month() -> str:
    data = OpenMetrics()
    slots = list(stamps(datetime(2026, 9, 30, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)))
    for customer, valid in (("acme", 100.0), ("globex", 100.0), ("initech", 0.0)):
        labels = {"sla": "tenant", "objective": "availability", "customer": customer}
        data.add(VALID_EVENTS_5M, labels, ((t, valid) for t in slots))
        bad = BAD.get(customer, {})
        data.add(BAD_EVENTS_5M, labels, ((t, bad.get(t, 0.0)) for t in slots))
    fleet = {"sla": "tenant", "objective": "fleet"}
    data.add(VALID_EVENTS_5M, fleet, ((t, 300.0) for t in slots))
    data.add(BAD_EVENTS_5M, fleet, ((t, 0.0) for t in slots))
    # acme's page, 10:05-11:45 on Oct 20
    page = {"alertname": "SLAErrorBudgetBurn", "alertstate": "firing", "severity": "page", "sla": "tenant",
            "objective": "availability", "customer": "acme"}
    data.add("ALERTS", page, ((t, 1.0) for t in [at(20, 10, 5), *stamps(at(20, 10, 5), at(20, 11, 45), 30)]))
    return data.text()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("prometheus-groups")
    storage = work / "data"
    backfill_openmetrics(month(), storage)
    with PrometheusServer(work, storage=storage) as prometheus:
        yield prometheus


@pytest.fixture(scope="module")
def sla_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("groups") / "tenant.yaml"
    path.write_text(TENANT)
    return path


def rows(report: dict) -> list[dict]:  # type: ignore[type-arg]
    return list(report["slas"][0]["objectives"])


def test_one_row_per_customer_with_its_own_numbers(server: PrometheusServer, sla_file: Path) -> None:
    report = report_json(build_report(load_slas([str(sla_file)]), PrometheusClient(server.url), "2026-10", NOW))
    got = {(r["objective"], r.get("group", {}).get("customer")): r for r in rows(report)}
    assert sorted(got) == [
        ("availability", "acme"), ("availability", "globex"), ("availability", "initech"), ("fleet", None),
    ]
    acme, globex, initech, fleet = (got[k] for k in sorted(got))
    assert acme["group"] == {"customer": "acme"}
    assert (acme["achieved"], acme["met"], acme["credit"]) == (99.7759, False, 10)
    assert acme["error_budget_spent"] == 2.2401
    assert (acme["valid_events"], acme["bad_events"]) == (892800, 2000)
    assert [(i["start"], i["end"]) for i in acme["incidents"]] == [("2026-10-20T10:05:00Z", "2026-10-20T11:45:00Z")]
    assert (globex["achieved"], globex["credit"], globex["incidents"]) == (98.6559, 25, [])
    assert initech["no_data"] is True and initech["achieved"] is None and initech["credit"] is None
    assert "group" not in fleet and fleet["achieved"] == 100 and fleet["credit"] == 0


def test_group_option_selects_one_customer(server: PrometheusServer, sla_file: Path) -> None:
    result = CliRunner().invoke(cli, [
        "report", str(sla_file), "--prometheus", server.url, "--period", "2026-10", "--now", "2026-11-03T00:00:00Z",
        "--format", "md", "--group", "customer=globex",
    ])
    assert result.exit_code == 0, result.output
    assert "availability (customer=globex)" in result.stdout and "acme" not in result.stdout
    assert "fleet" in result.stdout
    html = CliRunner().invoke(cli, [
        "report", str(sla_file), "--prometheus", server.url, "--period", "2026-10", "--now", "2026-11-03T00:00:00Z",
        "--format", "html", "--group", "customer=acme",
    ])
    assert html.exit_code == 0 and "customer=acme" in html.stdout and "globex" not in html.stdout
    bad = CliRunner().invoke(cli, ["report", str(sla_file), "--prometheus", server.url, "--group", "acme"])
    assert bad.exit_code == 1 and "expected LABEL=VALUE" in bad.output
    none = CliRunner().invoke(cli, ["report", str(sla_file), "--prometheus", server.url, "--group", "region=eu"])
    assert none.exit_code == 1 and "no SLA groups its objectives by region" in none.output


def test_group_selection_asks_prometheus_for_that_group_only() -> None:
    from slaforge.report.collect import sums_query

    query = sums_query("tenant", 300, ("customer",), group_matchers({"customer": "a.c|me"}))
    assert 'sum by (objective, customer)' in query
    assert 'customer=~"a\\\\.c\\\\|me|"' in query


def test_series_without_the_group_label_are_a_group_of_their_own() -> None:
    from slaforge.report.groups import SEP, row_key, rows_of

    objective = next(o for o in _tenant_objectives() if o.name == "availability")
    keys = [row_key("availability", {"customer": "acme"}, ["customer"]), row_key("availability", {}, ["customer"]),
            row_key("fleet", {}, ["customer"])]
    assert keys[0] == f"availability{SEP}customer=acme" and keys[1] == "availability"
    assert rows_of(objective, keys) == [
        ("availability", (("customer", ""),)),
        (f"availability{SEP}customer=acme", (("customer", "acme"),)),
    ]


def _tenant_objectives():  # type: ignore[no-untyped-def]
    from slaforge.spec import load_text

    return load_text(TENANT, "tenant.yaml")[0].spec.objectives


# --- raw history: no recorded pieces, the SLI's own counters per customer -----------------------

RAW_NOW = datetime(2026, 10, 2, tzinfo=UTC)
RAW_OUTAGE = (at(1, 10), at(1, 11))  # acme: 10 of its 100 requests a minute fail


def raw_counters() -> str:
    data = OpenMetrics()
    for customer, per_minute in (("acme", 100), ("globex", 200)):
        ok = errors = 0
        ok_samples, error_samples = [], []
        t = datetime(2026, 9, 30, 23, tzinfo=UTC)
        while t <= RAW_NOW:
            failing = 10 if RAW_OUTAGE[0] < t <= RAW_OUTAGE[1] and customer == "acme" else 0
            ok += per_minute - failing
            errors += failing
            ok_samples.append((t, float(ok)))
            error_samples.append((t, float(errors)))
            t += timedelta(minutes=1)
        data.add("http_requests_total", {"job": "api", "code": "200", "customer": customer}, ok_samples)
        data.add("http_requests_total", {"job": "api", "code": "503", "customer": customer}, error_samples)
    return data.text()


@pytest.fixture(scope="module")
def raw_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    work = tmp_path_factory.mktemp("prometheus-groups-raw")
    storage = work / "data"
    backfill_openmetrics(raw_counters(), storage)
    with PrometheusServer(work, storage=storage) as prometheus:
        yield prometheus


def test_raw_history_fallback_sums_by_group(raw_server: PrometheusServer, sla_file: Path) -> None:
    """Without recorded pieces each customer's row is read from the raw counters, summed by customer."""
    slas = load_slas([str(sla_file)])
    report = report_json(build_report(slas, PrometheusClient(raw_server.url), "2026-10", RAW_NOW))
    got = {(r["objective"], r.get("group", {}).get("customer")): r for r in rows(report)}
    assert sorted(got) == [("availability", "acme"), ("availability", "globex"), ("fleet", None)]
    acme, globex, fleet = got["availability", "acme"], got["availability", "globex"], got["fleet", None]
    assert {acme["source"], globex["source"], fleet["source"]} == {"raw"}
    # a day of 100 (acme) and 200 (globex) requests a minute; acme's 600 failures
    assert (acme["valid_events"], acme["bad_events"]) == (144_000, 600)
    assert (globex["valid_events"], globex["bad_events"]) == (288_000, 0)
    assert (fleet["valid_events"], fleet["bad_events"]) == (432_000, 600)
    assert acme["achieved"] == 99.5833 and acme["credit"] == 10 and globex["achieved"] == 100
    only = report_json(build_report(slas, PrometheusClient(raw_server.url), "2026-10", RAW_NOW,
                                    group={"customer": "globex"}))
    assert [(r["objective"], r.get("group")) for r in rows(only)] == [
        ("availability", {"customer": "globex"}), ("fleet", None),
    ]


def test_review_has_one_line_per_customer(server: PrometheusServer, sla_file: Path) -> None:
    from slaforge.report.review import build_review

    review = build_review(load_slas([str(sla_file)]), PrometheusClient(server.url), 1, NOW)
    got = {o.name: o.periods[0].report for o in review.slas[0].objectives}
    assert sorted(got) == ["availability (customer=acme)", "availability (customer=globex)",
                           "availability (customer=initech)", "fleet"]
    assert float(got["availability (customer=globex)"].outcome.achieved or 0) == pytest.approx(98.65591, abs=1e-4)
    assert got["availability (customer=initech)"].outcome.no_data
