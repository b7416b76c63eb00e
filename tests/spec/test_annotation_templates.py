"""alerting.annotations are templates on purpose; `validate` refuses one Prometheus cannot parse,
with its place (issue 12, item 2). The check agrees with promtool on every template below."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from slaforge import gotemplate
from slaforge.cli import cli
from tests.support.prometheus import promtool

GOOD = [
    "plain text",
    "https://runbooks.example/{{ $labels.sla }}",
    "{{ $value | humanizePercentage }} spent",
    '{{ with query "up" }}{{ . | first | value }}{{ else }}none{{ end }}',
    "{{ if gt $value 1.0 }}high{{ else if lt $value 0.5 }}low{{ else }}mid{{ end }}",
    "{{ range $i, $s := query `up` }}{{ $i }}={{ $s.Value }} {{ end }}",
    '{{ $x := "a" }}{{ $x }}{{- /* a comment */ -}}',
    '{{ printf "%.2f" $value }} {{ "{{" }} literal',
    "{{ (index $labels \"sla\") | toUpper }}",
    "}} alone and { single",
    "{{ $externalURL }}/{{ $externalLabels.cluster }}",
    "{{ range query `up` }}{{ if . }}{{ break }}{{ end }}{{ end }}",
]
BAD = [
    "ACME {{ Corp",
    "{{ Corp }}",
    "{{ $nope }}",
    "{{ if true }}open",
    "{{ end }}",
    "{{ else }}",
    '{{ "unterminated }}',
    "{{ (toUpper \"x\" }}",
    "{{ toUpper \"x\") }}",
    "{{ }}",
    "{{/* open comment }}",
    "{{ query `up` ",
    "{{ break }}",
]


def promtool_accepts(template: str, tmp_path: Path) -> bool:
    doc = {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "vector(1)", "annotations": {"t": template}}]}]}
    path = tmp_path / "one.yml"
    path.write_text(yaml.safe_dump(doc))
    return subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True).returncode == 0


def accepts(template: str) -> bool:
    try:
        gotemplate.check(template)
    except gotemplate.TemplateError:
        return False
    return True


@pytest.mark.parametrize("template", GOOD + BAD)
def test_agrees_with_promtool(template: str, tmp_path: Path) -> None:
    assert accepts(template) == promtool_accepts(template, tmp_path) == (template in GOOD)


def test_validate_locates_a_broken_annotation(tmp_path: Path) -> None:
    path = tmp_path / "sla.yaml"
    path.write_text(
        "apiVersion: slaforge/v1\nkind: SLA\nmetadata: {name: ann}\nspec:\n  service: s\n  provider: p\n"
        "  customer: c\n  window: 30d\n  objectives:\n"
        "    - {name: a, target: 99, sli: {ratio: {errors: 'x_total{code=\"5\"}', total: x_total}}}\n"
        "  alerting:\n    annotations:\n      runbook_url: 'https://r/{{ $labels.sla }}'\n"
        "      summary: 'ACME {{ Corp'\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{path}:14:16: spec.alerting.annotations.summary: not a valid Prometheus template: unclosed action "
        '(write {{ "{{" }} for a literal {{)'
    )
