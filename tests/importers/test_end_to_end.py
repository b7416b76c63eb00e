"""Each importer end to end: the imported SLAs' rules pass `promtool check rules`, and the promtool
tests `slaforge rules --tests` generates for them pass `promtool test rules`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from tests.support.prometheus import promtool

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("tool", "fixture", "objectives"),
    [
        ("sloth", "forms.sloth.yaml", 7),
        ("sloth", "crd.sloth.yaml", 1),
        ("sloth", "sloth-openslo.v1alpha.yaml", 1),
        ("openslo", "shop.openslo.yaml", 3),
        ("sloth", "partial.sloth.yaml", 3),  # grouped by tenant, and Sloth's four alerts
        ("pyrra", "shop.pyrra.yaml", 2),
        ("pyrra", "refused.pyrra.yaml", 2),  # grouped by route, and Pyrra's four alerts for 2w
    ],
)
def test_imported_rules_pass_promtool(tool: str, fixture: str, objectives: int, tmp_path: Path) -> None:
    runner = CliRunner()
    slas = tmp_path / "slas.yaml"
    result = runner.invoke(cli, ["import", tool, str(FIXTURES / fixture), "-o", str(slas), "--provider", "P",
                                 "--customer", "C"])
    assert result.exit_code == 0, result.output
    rules, tests = tmp_path / "slaforge.rules.yaml", tmp_path / "tests.yml"
    assert runner.invoke(cli, ["rules", str(slas), "-o", str(rules)]).exit_code == 0
    assert runner.invoke(cli, ["rules", str(slas), "--tests", "-o", str(tests)]).exit_code == 0
    assert tests.read_text().count("objective=") >= objectives  # every objective is exercised
    check = subprocess.run([promtool(), "check", "rules", str(rules)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    run = subprocess.run([promtool(), "test", "rules", str(tests)], capture_output=True, text=True, check=False,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
