"""Limits on the size of an SLA (issue 12, item 11): every output grows with them, so each is bounded.

Before, a 5 MB provider gave a 334 MB rule file and 10,000 objectives a 257 MB dashboard.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.spec import limits
from tests.spec.helpers import BASE, assert_located, at, edit, one_problem
from tests.support.prometheus import promtool


@pytest.mark.parametrize(
    ("old", "field", "limit"),
    [
        ("provider: Payments Platform", "spec.provider", limits.TEXT),
        ("service: checkout-api", "spec.service", limits.TEXT),
        ("customer: ACME Corp", "spec.customer", limits.TEXT),
        ("receiver: payments-lead", "spec.escalation[1].receiver", limits.TEXT),
        ("labels: {team: payments}", "metadata.labels.team", limits.TEXT),
        ('annotations: {runbook_url: "https://runbooks.example.com/checkout"}',
         "spec.alerting.annotations.runbook_url", limits.DESCRIPTION),
        ("histogram: http_request_duration_seconds{job=\"checkout\"}",
         "spec.objectives[3].sli.latency.histogram", limits.SELECTOR),
        ("url: https://checkout.example.com/healthz", "spec.probes[0].url", limits.URL),
        ("timezone: UTC", "spec.timezone", limits.TEXT),
    ],
)
def test_a_text_over_its_limit_is_refused_where_it_is_written(old: str, field: str, limit: int) -> None:
    key, _, value = old.partition(": ")
    if value.startswith("{"):  # a mapping: lengthen its one value
        inner_key, _, inner = value[1:-1].partition(": ")
        long = json.dumps(inner.strip('"') + "x" * (limit + 1 - len(inner.strip('"'))))
        new = f"{key}: {{{inner_key}: {long}}}"
        needle = f"{inner_key}: »{long[:20]}"
    else:
        long = json.dumps(value + "x" * (limit + 1 - len(value)))
        new = f"{key}: {long}"
        needle = f"{key}: »{long[:20]}"
    text = edit(BASE, old, new)
    assert_located(one_problem(text), at(text, needle), field, f"too long: at most {limit} characters, got {limit + 1}")


def test_the_description_limit() -> None:
    long = "d" * (limits.DESCRIPTION + 1)
    text = edit(BASE, "  window: 30d\n", f"  description: {long}\n  window: 30d\n")
    assert_located(one_problem(text), at(text, f"description: »{long[:10]}"), "spec.description", "too long")


def _objectives(count: int) -> str:
    return "".join(f"    - {{name: o{i}, target: 99, sli: {{probe: healthz}}}}\n" for i in range(count))


def test_too_many_objectives_are_refused_at_the_list() -> None:
    start = BASE.index("  objectives:\n") + len("  objectives:\n")
    end = BASE.index("  alerting:\n")
    text = BASE[:start] + _objectives(limits.OBJECTIVES + 1) + BASE[end:]
    problem = one_problem(text)
    assert_located(problem, at(text, "»- {name: o0"), "spec.objectives",
                   f"too many: at most {limits.OBJECTIVES} items, got {limits.OBJECTIVES + 1}")


def test_too_many_labels_are_refused() -> None:
    labels = ", ".join(f"l{i}: v" for i in range(limits.LABELS + 1))
    text = edit(BASE, "labels: {team: payments}", f"labels: {{{labels}}}")
    assert_located(one_problem(text), at(text, "labels: »{l0"), "metadata.labels", "too many: at most 16 items, got 17")


def test_a_5mb_provider_is_one_line_of_error_not_a_334mb_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "sla.yaml"
    path.write_text(edit(BASE, "provider: Payments Platform", "provider: " + "P" * 5_000_000))
    result = CliRunner().invoke(cli, ["rules", str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().endswith("spec.provider: too long: at most 256 characters, got 5000000")
    assert len(result.stderr) < 300


def _largest_sla() -> dict[str, object]:
    """One SLA at every limit that matters for the rules: the largest rule file one SLA can give."""
    big = "x" * limits.TEXT
    selector = 'm{job=~"' + "a" * (limits.SELECTOR - 10) + '"}'
    assert len(selector) == limits.SELECTOR
    return {
        "apiVersion": "slaforge/v1", "kind": "SLA",
        "metadata": {"name": "n" * 63, "labels": {f"label_{i}": big for i in range(limits.LABELS)}},
        "spec": {
            "service": big, "provider": big, "customer": big, "window": "30d",
            "description": "d" * limits.DESCRIPTION,
            "objectives": [
                {"name": f"o{i}", "description": "d" * limits.DESCRIPTION, "target": 99.9,
                 "sli": {"ratio": {"errors": selector, "total": selector.replace("m{", "t{")}}}
                for i in range(limits.OBJECTIVES)
            ],
            "alerting": {
                "labels": {f"alert_{i}": big for i in range(limits.LABELS)},
                "annotations": {f"note_{i}": "n" * limits.DESCRIPTION for i in range(limits.LABELS)},
            },
        },
    }


def test_the_largest_sla_gives_a_bounded_rule_file_promtool_accepts(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(_largest_sla()))
    out = tmp_path / "rules.yml"
    result = CliRunner().invoke(cli, ["rules", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size < 16_000_000, out.stat().st_size
    check = subprocess.run([promtool(), "check", "rules", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, (check.stdout + check.stderr)[-2000:]
