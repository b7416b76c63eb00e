"""`slaforge import sloth`: Sloth specs become SLA YAML that slaforge accepts, or located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from slaforge.burnrate import factor, sla_policies
from slaforge.cli import cli
from slaforge.importers.sloth import import_sloth
from slaforge.spec import SpecError, load_slas, load_text
from slaforge.spec.model import SLA

FIXTURES = Path(__file__).parent / "fixtures"


def imported(name: str, **options: str) -> tuple[str, list[SLA]]:
    result = import_sloth((FIXTURES / name).read_text(), name, **options)
    return result.yaml, load_text(result.yaml, f"imported-{name}")


def problems(name: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        import_sloth((FIXTURES / name).read_text(), name)
    return [p.format() for p in caught.value.problems]


def line_of(name: str, needle: str) -> int:
    lines = (FIXTURES / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_events_become_ratio_and_latency_slis_in_one_sla() -> None:
    text, slas = imported("checkout.sloth.yaml")
    assert [s.name for s in slas] == ["checkout"]
    sla = slas[0]
    assert sla.spec.service == "checkout"
    assert sla.metadata.labels == {"team": "payments", "cost_center": "1234"}
    errors, latency = sla.spec.objectives
    assert (errors.name, errors.target) == ("http-errors", 99.95)
    assert errors.description == "Checkout requests that do not fail."
    assert errors.sli.ratio is not None
    assert errors.sli.ratio.errors == 'checkout_requests_total{service="checkout",status=~"5.."}'
    assert errors.sli.ratio.total == 'checkout_requests_total{service="checkout"}'
    assert latency.name == "fast-requests" and latency.target == 99
    assert latency.sli.latency is not None
    assert latency.sli.latency.histogram == 'checkout_request_seconds{service="checkout"}'
    assert latency.sli.latency.threshold == 0.25
    alerting = sla.spec.alerting
    assert alerting.labels == {"area": "checkout"}
    assert alerting.annotations == {"runbook": "https://runbooks.test/checkout"}
    assert alerting.page.enabled and not alerting.ticket.enabled
    # the places that need judgment are marked, and the placeholders are obvious
    assert "renamed 'fast-requests'" in text
    assert "Sloth alert CheckoutErrorBudgetBurn" in text and "Sloth alert CheckoutSlow" in text
    assert "pager='payments'" in text and 'severity="page"' in text
    assert sla.spec.provider.startswith("TODO") and sla.spec.customer.startswith("TODO")
    assert sla.spec.window.seconds == 30 * 86400


def test_output_comments_survive_a_yaml_round_trip() -> None:
    text, _ = imported("checkout.sloth.yaml")
    plain = yaml.safe_load(text)
    assert plain["spec"]["objectives"][1]["sli"]["latency"]["threshold"] == 0.25
    review = [line for line in text.splitlines() if "REVIEW" in line]
    assert all(line.lstrip().startswith("#") for line in review) and len(review) >= 4


def test_options_fill_the_placeholders() -> None:
    _, slas = imported("checkout.sloth.yaml", window="28d", provider="Payments", customer="Shop: EU")
    assert (slas[0].spec.provider, slas[0].spec.customer) == ("Payments", "Shop: EU")
    assert slas[0].spec.window.seconds == 28 * 86400


def test_slos_with_different_alert_settings_become_separate_slas() -> None:
    text, slas = imported("split.sloth.yaml")
    assert [s.name for s in slas] == ["search-queries", "search-indexing"]
    queries, indexing = slas
    assert queries.metadata.labels == {"tier": "1"} and indexing.metadata.labels == {}
    assert queries.spec.alerting.page.enabled and not indexing.spec.alerting.page.enabled
    assert indexing.spec.objectives[0].sli.ratio is not None
    assert indexing.spec.objectives[0].sli.ratio.errors == 'search_index_errors_total{job="indexer"}'
    assert text.count("each set of SLOs that agree is an SLA of its own") == 2


def test_kubernetes_resource_with_camel_case_keys() -> None:
    text, slas = imported("crd.sloth.yaml")
    assert [s.name for s in slas] == ["ledger"]
    ratio = slas[0].spec.objectives[0].sli.ratio
    assert ratio is not None and ratio.errors == 'ledger_writes_total{result="error"}'
    assert "severity='critical'" in text and "severity='warning'" in text


def test_every_unmappable_slo_is_reported_with_its_location() -> None:
    name = "unmappable.sloth.yaml"
    found = problems(name)
    assert len(found) == 7, found
    expected = [
        (line_of(name, "sum by (route)"), "slos[0].sli.events.error_query",
         "the error events are summed by (route) and the total events are summed over all series: events grouped "
         "differently have no ratio per group"),
        (line_of(name, "sum without (instance) (rate(legacy_requests_total"), "slos[5].sli.events.total_query",
         "sum without (instance) keeps every label but those"),
        (line_of(name, "sum(rate(legacy_errors_total[{{.window}}]))"), "slos[1].sli.events.error_query",
         "one part uses rate(...) and another increase(...)"),
        (line_of(name, "error_ratio_query"), "slos[2].sli.raw.error_ratio_query",
         "a raw error ratio converts only when it is a ratio of two sums of counters"),
        (line_of(name, 'id: "sloth-common'), "slos[3].sli.plugin",
         "plugin SLI sloth-common/kubernetes/apiserver/availability cannot be mapped"),
        (line_of(name, "objective: 100"), "slos[4].objective", "no slaforge equivalent"),
        (line_of(name, "[5m]"), "slos[4].sli.events.error_query", "{{.window}} placeholder"),
    ]
    for line, path, message in expected:
        assert any(f.startswith(f"{name}:{line}:") and f": {path}: " in f and message in f for f in found), (
            line, path, found)


def test_reserved_and_unknown_keys_are_warned_about_not_imported() -> None:
    spec = """\
version: prometheus/v1
service: api
labels: {severity: high, sla: x, team: core}
slos:
  - name: ok
    objective: 99.9
    info_labels: {a: b}
    sli:
      events:
        error_query: sum(rate(api_errors_total[{{.window}}]))
        total_query: sum(rate(api_requests_total[{{.window}}]))
    alerting: {name: Api, annotations: {runbook: r, bad-name: x}}
"""
    result = import_sloth(spec, "api.yaml")
    sla = load_text(result.yaml)[0]
    assert sla.metadata.labels == {"team": "core"}
    warnings = [w.format() for w in result.warnings]
    assert any(w.startswith("api.yaml:3:") and "'severity' is set by slaforge" in w for w in warnings), warnings
    assert any(w.startswith("api.yaml:7:5:") and "'info_labels' is not a Sloth field" in w for w in warnings)
    assert any(w.startswith("api.yaml:12:") and "'bad-name' is not a valid annotation name" in w for w in warnings)
    assert sla.spec.alerting.annotations == {"runbook": "r"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: prometheus/v2\nservice: a\n", "not a Sloth prometheus/v1 spec"),
        ("version: prometheus/v1\nslos: []\n", "needs a service"),
        ("version: prometheus/v1\nservice: a\nslos: []\n", "at least one SLO"),
        ("version: prometheus/v1\nservice: a\nslos: [\n", "invalid YAML"),
        ("", "no Sloth spec"),
        ("version: prometheus/v1\nservice: a\nslos: [3]\n", "x.yaml:3:8: slos[0]: expected an SLO"),
        ("version: prometheus/v1\nservice: a\nslos:\n- {name: b, objective: 99, sli: c}\n",
         "x.yaml:4:33: slos[0].sli: every SLO needs an sli with events"),
    ],
)
def test_documents_that_are_not_sloth_specs(text: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        import_sloth(text, "x.yaml")
    assert message in str(caught.value)


def test_command_writes_a_file_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "checkout.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "sloth", str(FIXTURES / "checkout.sloth.yaml"), "-o", str(out),
                                 "--provider", "Payments"])
    assert result.exit_code == 0, result.output
    assert "wrote 1 SLA(s)" in result.output
    assert [s.spec.provider for s in load_slas([out])] == ["Payments"]
    assert runner.invoke(cli, ["validate", str(out)]).exit_code == 0


def test_command_prints_to_stdout_by_default() -> None:
    result = CliRunner().invoke(cli, ["import", "sloth", str(FIXTURES / "split.sloth.yaml")])
    assert result.exit_code == 0
    assert [s.name for s in load_text(result.stdout)] == ["search-queries", "search-indexing"]


def test_command_reports_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "legacy.yaml"
    source = FIXTURES / "unmappable.sloth.yaml"
    result = CliRunner().invoke(cli, ["import", "sloth", str(source), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 7 and all(line.startswith(f"{source}:") for line in lines)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_command_refuses_a_window_slaforge_does_not_accept(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "sloth", str(FIXTURES / "crd.sloth.yaml"), "--window", "1y"])
    assert result.exit_code == 1
    assert "spec.window" in result.output


def test_every_query_form_maps() -> None:
    result = import_sloth((FIXTURES / "forms.sloth.yaml").read_text(), "forms.sloth.yaml")
    slas = load_text(result.yaml)
    sli = {o.name: o.sli for s in slas for o in s.spec.objectives}
    assert result.skipped == ()
    zero, increase, added = sli["zero-default"].ratio, sli["with-increase"].ratio, sli["added-up"].ratio
    assert zero is not None and zero.errors == 'orders_http_total{job="orders",code=~"5.."}'
    assert increase is not None and (increase.errors, increase.total) == ("orders_jobs_failed_total",
                                                                          "orders_jobs_total")
    assert added is not None and added.errors == ("orders_grpc_errors_total", "orders_http_errors_total")
    assert added.total == ("orders_grpc_total", "orders_http_requests_total")
    good = sli["total-minus-good"].ratio
    assert good is not None and good.errors is None
    assert good.good == 'orders_payments_total{job="orders",result="ok"}'
    raw, raw_good = sli["raw-errors"].ratio, sli["raw-good"].ratio
    assert raw is not None and (raw.errors, raw.total) == ("orders_queue_errors_total", "orders_queue_total")
    assert raw_good is not None and (raw_good.good, raw_good.total) == ("orders_cache_hits_total",
                                                                        "orders_cache_lookups_total")
    latency = sli["latency"].latency
    assert latency is not None and latency.threshold == 0.5
    # the labels both of Sloth's alerts carry go to alerting.labels of the latency SLO's SLA
    by_name = {s.name: s for s in slas}
    assert by_name["orders-latency"].spec.alerting.labels == {"routing_key": "orders"}
    assert by_name["orders-zero-default"].spec.alerting.labels == {}


def test_partial_file_converts_what_maps_and_names_the_rest() -> None:
    name = "partial.sloth.yaml"
    result = import_sloth((FIXTURES / name).read_text(), name)
    [sla] = load_text(result.yaml)
    assert [(o.name, o.group_by) for o in sla.spec.objectives] == [
        ("invoices", ()), ("per-tenant", ("tenant",)), ("exports", ())]
    per_tenant = sla.spec.objectives[1].sli.ratio
    assert per_tenant is not None and per_tenant.errors == "billing_api_errors_total"
    assert "grouped by (tenant)" in result.yaml
    skipped = [p.format() for p in result.skipped]
    expected = [
        (line_of(name, 'id: "sloth-common'), "slos[2].sli.plugin", "slaforge has no plugins"),
        (line_of(name, "max_over_time"), "slos[3].sli.raw.error_ratio_query",
         "converts only when it is a ratio of two sums of counters"),
        (line_of(name, "prometheus/v2"), "version", "not a Sloth prometheus/v1 spec"),
    ]
    assert len(skipped) == len(expected), skipped
    for line, path, message in expected:
        assert any(f.startswith(f"{name}:{line}:") and f": {path}: " in f and message in f for f in skipped), (
            line, path, skipped)
    # Sloth's four alerts, as the share of the budget each spends: the same burn factors for the 30d window
    policies = sla.spec.alerting.policies
    assert policies is not None
    assert [(p.severity, p.budget_spent, p.long.prom, p.short.prom) for p in policies] == [
        ("page", 2, "1h", "5m"), ("page", 5, "6h", "30m"), ("ticket", 10, "1d", "2h"), ("ticket", 10, "3d", "6h")]
    assert [round(factor(p, sla.spec.window), 6) for p in sla_policies(sla)] == [14.4, 6, 3, 1]
    assert not [w for w in result.warnings if "alert" in w.message]  # all four are carried


def test_command_partial_import_exits_0_and_names_what_was_left_out(tmp_path: Path) -> None:
    out = tmp_path / "billing.yaml"
    source = FIXTURES / "partial.sloth.yaml"
    result = CliRunner().invoke(cli, ["import", "sloth", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    errors = [line for line in result.output.splitlines() if line.startswith(f"{source}:")
              and ": warning: " not in line and "problem(s) above" not in line]
    assert len(errors) == 3 and all(line.split(":")[1].isdigit() for line in errors)
    assert "3 problem(s) above: those SLOs were left out" in result.output
    assert [o.name for s in load_slas([out]) for o in s.spec.objectives] == ["invoices", "per-tenant", "exports"]


def test_kubernetes_metadata_and_per_severity_labels_are_warnings() -> None:
    result = import_sloth((FIXTURES / "crd.sloth.yaml").read_text(), "crd.sloth.yaml")
    warnings = [w.format() for w in result.warnings]
    assert any(w.startswith("crd.sloth.yaml:5:3: metadata.name:") and "Kubernetes metadata" in w for w in warnings)
    assert any(w.startswith("crd.sloth.yaml:6:3: metadata.namespace:") for w in warnings)
    assert any(w.startswith("crd.sloth.yaml:20:") and "page alert's label severity='critical' is not carried" in w
               for w in warnings), warnings
    assert any(w.startswith("crd.sloth.yaml:20:") and "slaforge's alert labels are per SLA" in w for w in warnings)


def test_openslo_v1alpha_documents_in_a_sloth_file() -> None:
    result = import_sloth((FIXTURES / "sloth-openslo.v1alpha.yaml").read_text(), "x.yaml")
    sla = load_text(result.yaml)[0]
    ratio = sla.spec.objectives[0].sli.ratio
    assert (sla.name, sla.spec.window.prom, sla.spec.objectives[0].target) == ("search", "28d", 99.9)
    assert ratio is not None and ratio.good == 'search_requests_total{code!~"5.."}'


def test_a_result_slaforge_would_refuse_is_located_in_the_input() -> None:
    spec = """\
version: prometheus/v1
service: api
slos:
  - name: same
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(api_requests_total[{{.window}}]))
        total_query: sum(rate(api_requests_total[{{.window}}]))
"""
    with pytest.raises(SpecError) as caught:
        import_sloth(spec, "api.yaml")
    [problem] = caught.value.problems
    assert problem.format().startswith("api.yaml:4:5: ") and "would be invalid" in problem.message
    assert "errors and total select the same series" in problem.message


def test_sloth_alerts_that_could_never_fire_are_named_not_carried() -> None:
    spec = """\
version: prometheus/v1
service: batch
slos:
  - name: jobs
    objective: 90
    sli:
      events:
        error_query: sum(rate(batch_failed_total[{{.window}}]))
        total_query: sum(rate(batch_total[{{.window}}]))
"""
    result = import_sloth(spec, "batch.yaml", window="2d")
    [sla] = load_text(result.yaml)
    policies = sla.spec.alerting.policies
    assert policies is not None
    # 2% of 2d in 1h is burn 0.96x... the page alerts stay; the 3d ticket is longer than the window
    assert [(p.severity, p.long.prom) for p in policies] == [("page", "1h"), ("page", "6h"), ("ticket", "1d")]
    warnings = [w.format() for w in result.warnings]
    assert any(w.startswith("batch.yaml:3:1: slos: Sloth's ticket alert, slow") and
               "its long window 3d is longer than the SLO window 2d" in w for w in warnings), warnings
    # over 30d at 90%, the 1h page would need more than 100% errors (14.4 x 10%)
    result = import_sloth(spec, "batch.yaml")
    [sla] = load_text(result.yaml)
    assert sla.spec.alerting.policies is not None and len(sla.spec.alerting.policies) == 3
    assert any("page alert, quick" in w.message and "could never fire" in w.message for w in result.warnings)


WEEK_WINDOWS = """\
version: prometheus/v1
service: batch
slos:
  - name: jobs
    objective: 99
    sli:
      events:
        error_query: sum(rate(batch_failed_total[{{.window}}]))
        total_query: sum(rate(batch_total[{{.window}}]))
---
apiVersion: sloth.slok.dev/v1
kind: AlertWindows
metadata: {name: weekly}
spec:
  sloPeriod: 7d
  page:
    quick: {errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h}
    slow: {errorBudgetPercent: 15, shortWindow: 30m, longWindow: 6h}
  ticket:
    quick: {errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d}
    slow: {errorBudgetPercent: 40, shortWindow: 6h, longWindow: 3d}
---
apiVersion: sloth.slok.dev/v1
kind: AlertWindows
metadata: {name: monthly}
spec:
  sloPeriod: 30d
  page:
    quick: {errorBudgetPercent: 1, shortWindow: 5m, longWindow: 1h}
"""


def test_an_alert_windows_document_for_the_import_window_replaces_the_defaults() -> None:
    result = import_sloth(WEEK_WINDOWS, "batch.yaml", window="7d")
    [sla] = load_text(result.yaml)
    policies = sla.spec.alerting.policies
    assert policies is not None
    assert [(p.severity, p.budget_spent, p.long.prom, p.short.prom) for p in policies] == [
        ("page", 8, "1h", "5m"), ("page", 15, "6h", "30m"), ("ticket", 20, "1d", "2h"), ("ticket", 40, "3d", "6h")]
    assert "Sloth AlertWindows 'weekly', page quick: 8% of the budget in 1h" in result.yaml
    warnings = [w.format() for w in result.warnings]
    assert any(w.startswith(f"batch.yaml:{WEEK_WINDOWS.splitlines().index('  sloPeriod: 30d') + 1}:")
               and "sloPeriod 30d is not the import window 7d" in w for w in warnings), warnings
    assert result.skipped == ()


def test_alert_windows_for_another_period_leave_the_defaults() -> None:
    result = import_sloth(WEEK_WINDOWS, "batch.yaml")  # 30d: the monthly windows are incomplete
    [sla] = load_text(result.yaml)
    policies = sla.spec.alerting.policies
    assert policies is not None and [p.budget_spent for p in policies] == [2, 5, 10, 10]
    messages = [w.message for w in result.warnings]
    assert any("sloPeriod 7d is not the import window 30d" in m for m in messages), messages
    assert any("not used (the SLOs get Sloth's default ones): expected page.slow" in m for m in messages), messages
