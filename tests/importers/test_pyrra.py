"""`slaforge import pyrra`: Pyrra ServiceLevelObjective resources become SLA YAML, or located refusals."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

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
    assert [o.name for s in load_text(result.yaml) for o in s.spec.objectives] == ["api-errors"]
    skipped = [p.format() for p in result.skipped]
    expected = [
        (line_of(name, "grouping: [route]"), "spec.indicator.ratio.grouping", "grouping by (route) keeps one series"),
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
    text = (FIXTURES / "refused.pyrra.yaml").read_text().split("---", 1)[1]
    result = CliRunner().invoke(cli, ["import", "pyrra", "-"], input=text)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("<stdin>:") == 4 and "Traceback" not in result.stderr
