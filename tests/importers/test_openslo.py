"""`slaforge import openslo`: OpenSLO v1 (and v1alpha) documents become SLA YAML, or located refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from slaforge.burnrate import factor, sla_policies
from slaforge.cli import cli
from slaforge.importers.openslo import import_openslo
from slaforge.spec import SpecError, load_text

FIXTURES = Path(__file__).parent / "fixtures"


def line_of(name: str, needle: str) -> int:
    lines = (FIXTURES / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_v1_objects_map() -> None:
    result = import_openslo((FIXTURES / "shop.openslo.yaml").read_text(), "shop.openslo.yaml")
    shop, checkout = load_text(result.yaml)
    assert (shop.name, shop.spec.service, shop.spec.window.prom, shop.metadata.labels) == (
        "shop", "shop", "28d", {"team": "web"})
    availability, latency = shop.spec.objectives
    assert (availability.name, availability.target) == ("shop-availability", 99.9)
    assert availability.description == "Shop requests that do not fail."
    assert availability.sli.ratio is not None
    assert (availability.sli.ratio.good, availability.sli.ratio.total) == ('shop_requests_total{code!~"5.."}',
                                                                           "shop_requests_total")
    assert latency.sli.latency is not None and latency.sli.latency.threshold == 0.3
    assert latency.target == 99
    # a calendar month in Berlin: calendar + timezone + a rolling window of the same length
    assert (checkout.spec.calendar, checkout.spec.timezone, checkout.spec.window.prom) == (
        "month", "Europe/Berlin", "30d")
    ratio = checkout.spec.objectives[0].sli.ratio
    assert ratio is not None and ratio.errors == 'checkout_requests_total{code=~"5.."}'
    assert "The web shop." in result.yaml  # the Service's description, as a comment
    warnings = [w.format() for w in result.warnings]
    name = "shop.openslo.yaml"
    # the AlertCondition (burn rate 2 over 1h, a page) both shop SLOs refer to: one policy of the shop SLA
    policies = shop.spec.alerting.policies
    assert policies is not None and checkout.spec.alerting.policies is None
    assert [(p.severity, p.long.prom, p.short.prom) for p in policies] == [("page", "1h", "5m")]
    assert [round(factor(p, shop.spec.window), 9) for p in sla_policies(shop)] == [2]
    assert any(w.startswith(f"{name}:{line_of(name, 'alertAfter: 5m')}:") and "alertAfter 5m is not carried" in w
               for w in warnings), warnings
    assert any(w.startswith(f"{name}:{line_of(name, '- targetRef: shop-oncall')}:")
               and "notification targets are not carried" in w for w in warnings), warnings
    assert any("startTime is not carried" in w for w in warnings)
    assert result.skipped == ()


def test_every_refusal_is_named_with_its_place() -> None:
    name = "refused.openslo.yaml"
    with pytest.raises(SpecError) as caught:
        import_openslo((FIXTURES / name).read_text(), name)
    found = [p.format() for p in caught.value.problems]
    expected = [
        (line_of(name, "budgetingMethod: Timeslices"), "spec.budgetingMethod", "Timeslices budgeting counts good "
         "time slices"),
        (line_of(name, "thresholdMetric:"), "spec.indicator.spec.thresholdMetric", "a thresholdMetric cannot be "
         "mapped"),
        (line_of(name, "type: Datadog"), "spec.indicator.spec.ratioMetric.good.metricSource",
         "data source type 'Datadog' cannot be read"),
        (line_of(name, "duration: 1Y"), "spec.timeWindow[0].duration", "a calendar window of 1Y"),
        (line_of(name, "indicatorRef: nowhere"), "spec.indicatorRef", "no SLI 'nowhere' in this file"),
        (line_of(name, "raw: {metricSource"), "spec.indicator.spec.ratioMetric.raw", "a precomputed ratio"),
    ]
    assert len(found) == len(expected), found
    for line, path, message in expected:
        assert any(f.startswith(f"{name}:{line}:") and f": {path}: " in f and message in f for f in found), (
            line, path, found)


def test_command_partial_file(tmp_path: Path) -> None:
    # the refused SLOs next to one that converts: exit 0, the others named
    text = (FIXTURES / "refused.openslo.yaml").read_text() + """---
apiVersion: openslo/v1
kind: SLO
metadata: {name: fine}
spec:
  service: api
  indicatorRef: api-ok
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{targetPercent: 99.5}]
"""
    source = tmp_path / "mixed.yaml"
    source.write_text(text)
    result = CliRunner().invoke(cli, ["import", "openslo", str(source)])
    assert result.exit_code == 0, result.output
    [sla] = load_text(result.stdout)
    assert [o.name for o in sla.spec.objectives] == ["fine"] and sla.spec.window.prom == "7d"
    assert result.stderr.count(f"{source}:") >= 6


def test_several_objectives_and_v1alpha() -> None:
    text = """\
apiVersion: openslo/v1alpha
kind: SLO
metadata: {name: api}
spec:
  service: api
  budgetingMethod: Occurrences
  timeWindows: [{count: 4, unit: Week, isRolling: true}]
  objectives:
    - displayName: strict
      target: 0.999
      ratioMetrics:
        good: {source: prometheus, queryType: promql, query: 'api_requests_total{code!~"5.."}'}
        total: {source: prometheus, queryType: promql, query: api_requests_total}
    - displayName: lenient
      target: 0.99
      ratioMetrics:
        good: {source: prometheus, queryType: promql, query: 'api_requests_total{code!~"5.."}'}
        total: {source: prometheus, queryType: promql, query: api_requests_total}
"""
    [sla] = load_text(import_openslo(text, "a.yaml").yaml)
    assert [(o.name, o.target) for o in sla.spec.objectives] == [("api-strict", 99.9), ("api-lenient", 99)]
    assert sla.spec.window.prom == "28d"  # 4 weeks


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no OpenSLO document"),
        ("apiVersion: openslo/v2alpha\nkind: SLO\n", "OpenSLO openslo/v2alpha is not imported"),
        ("apiVersion: v1\nkind: ConfigMap\n", "not an OpenSLO document"),
        ("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: a}\nspec: {service: s, indicatorRef: x, "
         "budgetingMethod: Occurrences, objectives: [{target: 1.5}]}\n", "a target of 1.5 has no slaforge equivalent"),
    ],
)
def test_documents_that_do_not_convert(text: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        import_openslo(text, "x.yaml")
    assert message in str(caught.value)


def test_alert_conditions_that_are_not_burn_rates_of_page_or_ticket() -> None:
    text = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: api}
spec:
  service: api
  indicatorRef: api-ok
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: inline-fast}
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata: {name: fast}
            spec:
              severity: ticket
              condition: {kind: burnrate, threshold: 3, lookbackWindow: 1d, alertAfter: 0m}
    - alertPolicyRef: sev1
    - alertPolicyRef: odd-window
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: api-ok}
spec:
  ratioMetric:
    counter: true
    good: {metricSource: {type: Prometheus, spec: {query: 'sum by (tenant) (api_requests_total{code!~"5.."})'}}}
    total: {metricSource: {type: Prometheus, spec: {query: 'sum by (tenant) (api_requests_total)'}}}
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: sev1}
spec:
  conditions: [{conditionRef: sev1-burn}]
---
apiVersion: openslo/v1
kind: AlertCondition
metadata: {name: sev1-burn}
spec:
  severity: sev1
  condition: {kind: burnrate, threshold: 10, lookbackWindow: 1h, alertAfter: 0m}
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: odd-window}
spec:
  conditions:
    - kind: AlertCondition
      metadata: {name: odd}
      spec:
        severity: page
        condition: {kind: burnrate, threshold: 6, lookbackWindow: 100m, alertAfter: 0m}
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: nobody}
spec:
  conditions: [{conditionRef: sev1-burn}]
"""
    result = import_openslo(text, "api.yaml")
    [sla] = load_text(result.yaml)
    assert sla.spec.objectives[0].group_by == ("tenant",)  # sum by (tenant) in both queries
    policies = sla.spec.alerting.policies
    assert policies is not None
    # 3x over 1d of 30d: 10% of the budget; 100m is summed from 5m pieces beyond 1h, so its short window (a
    # twelfth: 8m20s) becomes 8m
    assert [(p.severity, round(p.budget_spent, 9), p.long.prom, p.short.prom) for p in policies] == [
        ("ticket", 10, "1d", "2h"), ("page", round(6 * 100 / 43200 * 100, 9), "1h40m", "8m")]
    warnings = [w.format() for w in result.warnings]
    assert any(w.startswith(f"api.yaml:{_line(text, 'severity: sev1')}:") and "severity 'sev1' is not carried" in w
               for w in warnings), warnings
    assert any(w.startswith(f"api.yaml:{_line(text, 'name: nobody') - 1}:") and "'nobody' is not used by any SLO"
               in w for w in warnings), warnings
    assert any("windows 1h40m/8m20s are not sums" in w and "carried as 1h40m/8m" in w for w in warnings), warnings


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_queries_grouped_differently_are_refused_at_the_query() -> None:
    text = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: api}
spec:
  service: api
  indicator:
    metadata: {name: api-ok}
    spec:
      ratioMetric:
        counter: true
        good: {metricSource: {type: Prometheus, spec: {query: 'sum by (tenant) (api_requests_total{code!~"5.."})'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'sum by (region) (api_requests_total)'}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
"""
    with pytest.raises(SpecError) as caught:
        import_openslo(text, "api.yaml")
    [problem] = caught.value.problems
    assert problem.format().startswith("api.yaml:11:") and "spec.indicator.spec.ratioMetric.good" in problem.path
    assert "the good events are summed by (tenant) and the total events are summed by (region)" in problem.message


def test_an_slo_none_of_whose_conditions_is_carried_keeps_the_defaults() -> None:
    text = """\
apiVersion: openslo/v1
kind: SLO
metadata: {name: api}
spec:
  service: api
  indicatorRef: api-ok
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
  alertPolicies: [{alertPolicyRef: sev1}]
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: api-ok}
spec:
  ratioMetric:
    good: {metricSource: {type: Prometheus, spec: {query: 'api_requests_total{code!~"5.."}'}}}
    total: {metricSource: {type: Prometheus, spec: {query: api_requests_total}}}
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata: {name: sev1}
spec:
  conditions:
    - kind: AlertCondition
      metadata: {name: sev1}
      spec:
        severity: sev1
        condition: {kind: burnrate, threshold: 10, lookbackWindow: 1h, alertAfter: 0m}
"""
    result = import_openslo(text, "api.yaml")
    [sla] = load_text(result.yaml)
    assert sla.spec.alerting.policies is None and sla.spec.alerting.page.enabled
    assert "slaforge's default policies apply" in result.yaml
    assert any("severity 'sev1' is not carried" in w.message for w in result.warnings)
