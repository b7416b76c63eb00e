"""group_by: one SLI, alert set and budget per group, through real `promtool test rules`.

Two customers share one objective; acme has a 10-minute total outage, globex a steady 0.05% error
ratio (half its budget). Only acme pages; each group's ratios are its own, traffic-weighted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from slaforge.rules import EngineOptions, render
from slaforge.spec import load_slas
from slaforge.spec.model import SLA
from tests.rules.helpers import EXAMPLES, GOLDEN, assert_passes, counter, expect, group, run_promtool_tests

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

TENANT = """\
apiVersion: slaforge/v1
kind: SLA
metadata: {name: tenant}
spec:
  service: tenant-api
  provider: Platform
  customer: every tenant
  window: 30d
  objectives:
    - name: availability
      target: 99.9
      group_by: [customer]
      max_groups: %(max_groups)d
      sli:
        ratio:
          errors: http_requests_total{job="tenant",code=~"5.."}
          total: http_requests_total{job="tenant"}
  escalation:
    - {after: 0m, receiver: oncall}
"""


def tenant(tmp_path: Path, max_groups: int = 1000) -> SLA:
    path = tmp_path / "tenant.yaml"
    path.write_text(TENANT % {"max_groups": max_groups})
    return load_slas([str(path)])[0]


def ok(customer: str) -> str:
    return f'http_requests_total{{job="tenant",code="200",customer="{customer}"}}'


def err(customer: str) -> str:
    return f'http_requests_total{{job="tenant",code="503",customer="{customer}"}}'


def firing(alertname: str, by: str = "customer") -> str:
    return f'count by ({by}) (ALERTS{{alertname="{alertname}",alertstate="firing",sla="tenant"}})'


ACME = ('{customer="acme"}', 1)
OUTAGE = {
    # acme: 1000 requests a minute, every one failing in minutes 100-110
    ok("acme"): counter((100, 1000), (10, 0), (90, 1000)),
    err("acme"): counter((100, 0), (10, 1000), (90, 0)),
    # globex: 2000 requests a minute, 1 failing (0.05%, half the budget)
    ok("globex"): counter((200, 1999)),
    err("globex"): counter((200, 1)),
}


def test_only_the_burning_customer_pages(tmp_path: Path) -> None:
    page = (
        'count by (customer, severity) '
        '(ALERTS{alertname="SLAErrorBudgetBurn",alertstate="firing",severity="page",sla="tenant"})'
    )
    ratio5m = 'round(100000 * slaforge:sli_errors:ratio_rate5m{sla="tenant"})'
    labels = 'objective="availability",sla="tenant"'
    checks = [
        expect(page, 99),
        # acme pages within 5 minutes of the outage's start, globex never
        expect(page, 105, ('{customer="acme",severity="page"}', 1)),
        expect(firing("SLAEscalation", "customer, receiver"), 105, ('{customer="acme",receiver="oncall"}', 1)),
        expect(ratio5m, 108, (f'{{customer="acme",{labels}}}', 100000), (f'{{customer="globex",{labels}}}', 50)),
        expect(page, 130, ('{customer="acme",severity="page"}', 1)),
        # resolved once the short windows (5m, 30m) are clean; acme keeps its ticket (6h, 3d)
        expect(page, 150),
        expect(firing("SLAErrorBudgetBurn"), 150, ACME),
        # the budget is each group's own: globex spent half of it, acme 10 minutes of errors in
        # about 2.5 hours of traffic (ratio ~0.068, 68 budgets)
        expect('round(100 * slaforge:error_budget_remaining:ratio{sla="tenant",customer="globex"})', 150,
               (f'{{customer="globex",{labels}}}', 50)),
        expect('round(slaforge:error_budget_remaining:ratio{sla="tenant",customer="acme"})', 150,
               (f'{{customer="acme",{labels}}}', -68)),
    ]
    assert_passes(run_promtool_tests([tenant(tmp_path)], [group(OUTAGE, checks)]))


def test_each_groups_window_ratio_is_traffic_weighted(tmp_path: Path) -> None:
    # acme: 30 minutes of 1000 requests a minute, then 30 of 10, one error a minute throughout:
    # 60 errors in 30,300 requests (0.00198); the mean of the minutes' ratios would be 0.0505.
    # globex: 2000 a minute, one error (0.0005), unaffected by acme's traffic.
    series = {
        ok("acme"): counter((30, 999), (40, 9)),
        err("acme"): counter((70, 1)),
        ok("globex"): counter((70, 1999)),
        err("globex"): counter((70, 1)),
    }
    labels = 'objective="availability",sla="tenant"'
    checks = [
        expect('round(10000 * slaforge:sli_errors:ratio_rate1h{sla="tenant"})', 61,
               (f'{{customer="acme",{labels}}}', 20), (f'{{customer="globex",{labels}}}', 5)),
    ]
    assert_passes(run_promtool_tests([tenant(tmp_path)], [group(series, checks)]))


def test_absent_is_per_objective_not_per_group(tmp_path: Path) -> None:
    # globex stops sending at minute 30: no data for globex, not an outage; when acme stops too
    # (minute 60), one SLASLIAbsent for the objective, without a customer label
    series = {
        ok("acme"): counter((60, 100)),
        err("acme"): counter((60, 0)),
        ok("globex"): counter((30, 100)),
        err("globex"): counter((30, 0)),
    }
    absent = 'count by (objective, customer) (ALERTS{alertname="SLASLIAbsent",alertstate="firing"})'
    checks = [
        expect(absent, 55),
        expect(firing("SLAErrorBudgetBurn"), 55),
        expect(absent, 80, ('{objective="availability"}', 1)),
    ]
    assert_passes(run_promtool_tests([tenant(tmp_path)], [group(series, checks)]))


def test_more_groups_than_max_groups_alerts(tmp_path: Path) -> None:
    series = {ok(c): counter((30, 100)) for c in ("acme", "globex", "initech")}
    exceeded = firing("SLAGroupsExceeded", "objective, severity")
    checks = [expect(exceeded, 20, ('{objective="availability",severity="ticket"}', 1))]
    assert_passes(run_promtool_tests([tenant(tmp_path, max_groups=2)], [group(series, checks)]))
    assert_passes(run_promtool_tests([tenant(tmp_path, max_groups=3)], [group(series, [expect(exceeded, 20)])]))


def test_golden_multi_customer_example() -> None:
    """The grouped example's rules; UPDATE_GOLDEN=1 rewrites them (review the diff)."""
    text = render(load_slas([str(EXAMPLES / "multi-customer-api.yaml")]))
    golden = GOLDEN / "multi-customer-api.rules.yml"
    if UPDATE or not golden.exists():
        golden.write_text(text)
    assert text == golden.read_text()


def test_ungrouped_rules_do_not_change() -> None:
    """A file without group_by gets the text it always had (no `by` labels added anywhere)."""
    text = render(load_slas([str(EXAMPLES / "payments-api.yaml")]))
    assert "customer)" not in text and "group_left ()\n((1 -" not in text


@pytest.mark.parametrize(
    ("group_by", "sli", "message"),
    [
        ("[customer]", "{probe: home}", "group_by needs a ratio or latency SLI"),
        ("[severity]", "{ratio: {errors: 'e', total: t}}", "'severity' is set by slaforge"),
        ("[le]", "{ratio: {errors: 'e', total: t}}", "'le' is set by slaforge"),
        ("[team]", "{ratio: {errors: 'e', total: t}}", "already set by metadata.labels"),
        ("[__name__]", "{ratio: {errors: 'e', total: t}}", "not a valid Prometheus label name"),
    ],
)
def test_group_by_refused_located(tmp_path: Path, group_by: str, sli: str, message: str) -> None:
    from click.testing import CliRunner

    from slaforge.cli import cli

    path = tmp_path / "bad.yaml"
    path.write_text(
        "apiVersion: slaforge/v1\nkind: SLA\nmetadata: {name: bad, labels: {team: x}}\nspec:\n"
        "  service: s\n  provider: p\n  customer: c\n  window: 30d\n"
        "  probes:\n    - {name: home, url: 'https://x.example.com/'}\n"
        f"  objectives:\n    - name: a\n      target: 99\n      group_by: {group_by}\n      sli: {sli}\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:14:" in result.output and message in result.output


def test_a_pair_matches_long_and_short_windows_of_the_same_group(tmp_path: Path) -> None:
    # acme's outage (minutes 100-110) keeps its 1h window over the page factor until minute ~170, but
    # its 5m and 30m windows are clean by 145; globex's burst (5% errors in minutes 138-146) puts its
    # 5m window over the factor, its 1h window never. Neither group pages at 145: acme's long window
    # is never paired with globex's short one.
    series = {
        ok("acme"): counter((100, 1000), (10, 0), (90, 1000)),
        err("acme"): counter((100, 0), (10, 1000), (90, 0)),
        ok("globex"): counter((138, 1999), (8, 1900), (54, 1999)),
        err("globex"): counter((138, 1), (8, 100), (54, 1)),
    }
    page = 'count by (customer) (ALERTS{alertname="SLAErrorBudgetBurn",alertstate="firing",severity="page"})'
    checks = [expect(page, 105, ACME), expect(page, 145), expect(page, 150)]
    assert_passes(run_promtool_tests([tenant(tmp_path)], [group(series, checks)]))


LISTS = """\
apiVersion: slaforge/v1
kind: SLA
metadata: {name: tenant}
spec:
  service: tenant-api
  provider: Platform
  customer: every tenant
  window: 30d
  maintenance:
    - daily: {start: "01:00", duration: 1h}
  objectives:
    - name: availability
      target: 99.9
      group_by: [customer]
      sli:
        ratio:
          errors: [edge_errors_total, api_errors_total]
          total: [edge_requests_total, api_requests_total]
    - name: served
      target: 99
      group_by: [customer]
      sli:
        ratio:
          good: [api_ok_total]
          total: [api_requests_total]
"""


def test_selector_lists_good_and_maintenance_per_group(tmp_path: Path) -> None:
    """Lists add up group by group (a selector without series for a group counts 0), `good` gives
    bad = total - good per group, and maintenance (minutes 60-120) zeroes every group's pieces."""
    path = tmp_path / "lists.yaml"
    path.write_text(LISTS)
    sla = load_slas([str(path)])[0]
    series = {
        # acme only behind the edge, globex on both; errors: acme 10/min at the edge, none for globex
        'edge_requests_total{customer="acme"}': counter((150, 1000)),
        'edge_errors_total{customer="acme"}': counter((150, 10)),
        'edge_requests_total{customer="globex"}': counter((150, 500)),
        'api_requests_total{customer="globex"}': counter((150, 500)),
        'api_ok_total{customer="globex"}': counter((150, 490)),
    }
    labels = 'sla="tenant"'
    ratio = 'round(100000 * slaforge:sli_errors:ratio_rate5m{sla="tenant"})'
    valid = 'slaforge:sli_valid_events:increase1m{sla="tenant"}'
    checks = [
        expect(ratio, 50,
               (f'{{customer="acme",objective="availability",{labels}}}', 1000),
               (f'{{customer="globex",objective="availability",{labels}}}', 0),
               (f'{{customer="globex",objective="served",{labels}}}', 2000)),
        expect(f"{valid} > 0", 90),
        expect(valid, 90,
               (f'slaforge:sli_valid_events:increase1m{{customer="acme",objective="availability",{labels}}}', 0),
               (f'slaforge:sli_valid_events:increase1m{{customer="globex",objective="availability",{labels}}}', 0),
               (f'slaforge:sli_valid_events:increase1m{{customer="globex",objective="served",{labels}}}', 0)),
    ]
    assert_passes(run_promtool_tests([sla], [group(series, checks)]))


GROUPED_EXTRAS = TENANT.replace("  escalation:\n", """\
      credits:
        - {below: 99.9, credit: 10}
  calendar: month
  timezone: UTC
  alerting:
    min_events: 100
  escalation:
""")


def test_min_events_escalation_and_credits_keep_the_group_labels(tmp_path: Path) -> None:
    path = tmp_path / "tenant.yaml"
    path.write_text(GROUPED_EXTRAS % {"max_groups": 1000})
    text = render(load_slas([str(path)]))
    by = "objective, sla, customer"
    # min_events counts each group's own events
    assert (f"and on ({by})\n          sum by ({by}) (sum_over_time(slaforge:sli_valid_events:increase1m"
            '{sla="tenant"}[59m59s])) >= 100') in text
    # each group has its own escalation clock
    assert f"+ on ({by}) max by ({by}) (slaforge:page_active_since:timestamp" in text
    # the period to date and its projection are per group
    assert f"sum by ({by}, period) (" in text and "sum by (objective, sla, period)" not in text
    assert f"sum by ({by}) (\n        sum_over_time(slaforge:sli_bad_events:increase1d" in text


def test_grouped_min_events_vmalert_and_escalation_through_promtool(tmp_path: Path) -> None:
    """The vmalert layout inlines the burn condition per objective: still one page per burning group."""
    path = tmp_path / "tenant.yaml"
    path.write_text(GROUPED_EXTRAS.replace("      credits:\n        - {below: 99.9, credit: 10}\n", "")
                    % {"max_groups": 1000})
    sla = load_slas([str(path)])[0]
    page = (
        'count by (customer, severity) '
        '(ALERTS{alertname="SLAErrorBudgetBurn",alertstate="firing",severity="page",sla="tenant"})'
    )
    checks = [
        expect(page, 99),
        expect(page, 105, ('{customer="acme",severity="page"}', 1)),
        expect(firing("SLAEscalation", "customer, receiver"), 105, ('{customer="acme",receiver="oncall"}', 1)),
        expect(page, 150),
    ]
    for engine in (None, EngineOptions("vmalert")):
        assert_passes(run_promtool_tests([sla], [group(OUTAGE, checks)], engine=engine))
