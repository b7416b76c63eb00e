"""`slaforge import pyrra`: Pyrra ServiceLevelObjective resources become SLA YAML, or located refusals."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from slaforge.burnrate import factor, sla_policies
from slaforge.cli import cli
from slaforge.importers.pyrra import import_pyrra
from slaforge.spec import load_text

FIXTURES = Path(__file__).parent / "fixtures"


def line_of(name: str, needle: str) -> int:
    lines = (FIXTURES / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_ratio_and_latency_indicators() -> None:
    name = "shop.pyrra.yaml"
    result = import_pyrra((FIXTURES / name).read_text(), name)
    [sla] = load_text(result.yaml)
    assert (sla.name, sla.spec.service, sla.spec.window.prom, sla.metadata.labels) == ("shop", "shop", "28d",
                                                                                      {"team": "web"})
    errors, latency = sla.spec.objectives
    assert (errors.name, errors.target, errors.description) == ("shop-errors", 99.5,
                                                                "Shop requests that do not fail.")
    assert errors.sli.ratio is not None and errors.sli.ratio.errors == (
        'shop_http_requests_total{job="shop",code=~"5.."}')
    assert latency.sli.latency is not None
    assert (latency.sli.latency.histogram, latency.sli.latency.threshold) == ('shop_http_request_seconds{job="shop"}',
                                                                              0.25)
    warnings = [w.format() for w in result.warnings]
    assert any(w.startswith(f"{name}:{line_of(name, 'prometheus: k8s')}:") and "Kubernetes label 'prometheus'" in w
               for w in warnings)
    assert any("the alert name 'ShopSlow' is not carried" in w for w in warnings)


def test_refusals_are_named_and_the_rest_converts(tmp_path: Path) -> None:
    name = "refused.pyrra.yaml"
    result = import_pyrra((FIXTURES / name).read_text(), name)
    [sla] = load_text(result.yaml)
    assert [(o.name, o.group_by) for o in sla.spec.objectives] == [("api-errors", ()), ("api-per-route", ("route",))]
    skipped = [p.format() for p in result.skipped]
    expected = [
        (line_of(name, "grouping: [route, severity]"), "spec.indicator.ratio.grouping",
         "grouping by 'severity': slaforge sets that label itself"),
        (line_of(name, "bool_gauge:"), "spec.indicator.bool_gauge", "a bool_gauge indicator samples a 0/1 gauge"),
        (line_of(name, "latencyNative:"), "spec.indicator.latencyNative", "reads a native histogram"),
        (line_of(name, 'target: "100"'), "spec.target", "a target of '100' has no slaforge equivalent"),
    ]
    assert len(skipped) == len(expected), skipped
    for line, path, message in expected:
        assert any(f.startswith(f"{name}:{line}:") and f": {path}: " in f and message in f for f in skipped), (
            line, path, skipped)
    result_cli = CliRunner().invoke(cli, ["import", "pyrra", str(FIXTURES / name), "-o", str(tmp_path / "a.yaml")])
    assert result_cli.exit_code == 0 and "wrote 1 SLA(s)" in result_cli.stderr


def test_nothing_converts_exit_1() -> None:
    docs = (FIXTURES / "refused.pyrra.yaml").read_text().split("---\n")
    text = "---\n".join(d for d in docs if "name: api-errors" not in d and "name: api-per-route" not in d)
    result = CliRunner().invoke(cli, ["import", "pyrra", "-"], input=text)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("<stdin>:") == 4 and "Traceback" not in result.stderr


def test_pyrra_alert_windows_become_policies() -> None:
    # 28d (4w): Pyrra's own windows, on slaforge's grid as they are
    result = import_pyrra((FIXTURES / "shop.pyrra.yaml").read_text(), "shop.pyrra.yaml")
    [sla] = load_text(result.yaml)
    policies = sla.spec.alerting.policies
    assert policies is not None
    assert [(p.severity, p.long.prom, p.short.prom) for p in policies] == [
        ("page", "1h", "5m"), ("page", "6h", "30m"), ("ticket", "1d", "2h"), ("ticket", "4d", "6h")]
    assert [round(factor(p, sla.spec.window), 9) for p in sla_policies(sla)] == [14, 7, 2, 1]
    assert "Pyrra's alerts wait before firing (2m (critical 14x), 15m (critical 7x), 1h (warning 2x)" in result.yaml


def test_pyrra_windows_off_the_grid_are_rounded_with_the_same_factor() -> None:
    text = """\
apiVersion: pyrra.dev/v1alpha1
kind: ServiceLevelObjective
metadata: {name: api, namespace: api}
spec:
  target: "99.9"
  window: 30d
  indicator:
    ratio:
      errors: {metric: 'api_requests_total{code=~"5.."}'}
      total: {metric: api_requests_total}
"""
    result = import_pyrra(text, "api.yaml")
    [sla] = load_text(result.yaml)
    policies = sla.spec.alerting.policies
    assert policies is not None
    # Pyrra: 30d/672 = 64m (rounded to the minute), 30d/8064 = 5m; slaforge sums 5m pieces beyond 1h: 65m
    assert [(p.long.prom, p.short.prom) for p in policies] == [
        ("1h5m", "5m"), ("6h25m", "32m"), ("1d1h45m", "2h10m"), ("4d6h50m", "6h25m")]
    assert [round(factor(p, sla.spec.window), 9) for p in sla_policies(sla)] == [14, 7, 2, 1]
    warnings = [w.format() for w in result.warnings]
    assert any(w.startswith("api.yaml:6:3: spec.window: Pyrra's critical alert: burn rate 14x over 1h4m")
               and "carried as 1h5m/5m with the same burn factor 14" in w for w in warnings), warnings
