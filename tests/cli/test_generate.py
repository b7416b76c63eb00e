"""`slaforge generate`: every artefact for every example, checked by the real tools, or nothing at all."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from slaforge.cli import cli
from tests.conftest import EXAMPLES

SOURCES = [str(EXAMPLES), str(EXAMPLES / "demo")]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    result = CliRunner().invoke(cli, ["generate", *SOURCES, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_writes_the_three_folders(generated: Path) -> None:
    files = sorted(str(p.relative_to(generated)) for p in generated.rglob("*") if p.is_file())
    assert "rules/slaforge.rules.yaml" in files
    assert "rules/slaforge.rules.test.yaml" in files
    assert "alertmanager/alertmanager.yml" in files
    assert "grafana/provisioning/dashboards/slaforge.yaml" in files
    dashboards = [f for f in files if f.startswith("grafana/dashboards/")]
    # one per SLA (demo, directory, payments-api, storefront, tenant-api) plus the overview
    assert len(dashboards) == 6
    for name in dashboards:
        assert json.loads((generated / name).read_text())["uid"]
    assert not [f for f in files if Path(f).name.startswith(".") and f != ".slaforge-manifest"], "temporary files left"


def test_rules_pass_promtool_check(generated: Path) -> None:
    # the generated promtool unit tests are run per example in tests/rules/test_generated_tests.py
    rules = generated / "rules"
    check = subprocess.run(["promtool", "check", "rules", str(rules / "slaforge.rules.yaml")],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    tests = yaml.safe_load((rules / "slaforge.rules.test.yaml").read_text())
    assert tests["rule_files"] == ["slaforge.rules.yaml"]
    assert len(tests["tests"]) >= 2 * 4  # healthy and outage for each of the four SLAs (+ maintenance)


def test_alertmanager_config_passes_amtool(generated: Path) -> None:
    result = subprocess.run(["amtool", "check-config", str(generated / "alertmanager" / "alertmanager.yml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_is_deterministic(generated: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", *SOURCES, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for path in generated.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / path.relative_to(generated)).read_bytes(), path


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    good = yaml.safe_load((EXAMPLES / "payments-api.yaml").read_text())
    good["spec"]["windw"] = "30d"
    bad.write_text(yaml.safe_dump(good))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["generate", str(EXAMPLES), str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "did you mean 'window'?" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_rules_tests_load_the_file_generate_writes(generated: Path, tmp_path: Path) -> None:
    """`rules --tests` without --rule-file loads the rule file under the name `generate` writes (was `.yml`
    there and `.yaml` here): the tests written beside that file run as they are."""
    out = tmp_path / "tests.yaml"
    result = CliRunner().invoke(cli, ["rules", *SOURCES, "--tests", "-o", str(out)])
    assert result.exit_code == 0, result.output
    loaded = yaml.safe_load(out.read_text())["rule_files"]
    assert loaded == ["slaforge.rules.yaml"]
    assert (generated / "rules" / loaded[0]).is_file()
    generated_tests = yaml.safe_load((generated / "rules/slaforge.rules.test.yaml").read_text())
    assert generated_tests["rule_files"] == loaded
