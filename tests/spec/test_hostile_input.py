"""Input that used to pass `validate` and then broke an output or a command (issue 12, items 3, 4, 13)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from tests.spec.helpers import BASE, assert_located, at, edit, one_problem
from tests.support.prometheus import promtool

# --- item 3: a trailing newline is not part of a name -------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "path"),
    [
        ("name: checkout", 'name: "checkout\\n"', 'name: »"checkout', "metadata.name"),
        ("labels: {team: payments}", 'labels: {"team\\n": payments}', 'labels: »{"team', "metadata.labels"),
        ("- name: healthz", '- name: "healthz\\n"', '- name: »"healthz', "spec.probes[0].name"),
        ("- name: availability", '- name: "availability\\n"', '- name: »"availability', "spec.objectives[0].name"),
        ("labels: {}", 'labels: {"sev\\n": x}', 'labels: »{"sev', "spec.alerting.labels"),
        ("annotations: {runbook_url:", 'annotations: {"runbook_url\\n":', '"runbook_url\\n": »"https',
         "spec.alerting.annotations.runbook_url\n"),
        ('start: "02:00"', 'start: "02:00\\n"', 'start: »"02:00', "spec.maintenance[0].weekly.start"),
        ('status: ["2xx"]', 'status: ["2xx\\n"]', 'status: »["2xx', "spec.probes[0].expect.status"),
        ("headers: {}", 'headers: {"X-A\\n": "1"}', '"X-A\\n": »"1"', "spec.probes[0].headers.X-A\n"),
    ],
)
def test_a_trailing_newline_does_not_pass_a_name_check(old: str, new: str, needle: str, path: str) -> None:
    text = edit(BASE, old, new)
    problem = one_problem(text)
    assert (problem.path, problem.line) == (path, at(text, needle)[0]), problem.format()


# --- item 4: targets whose error budget rounds to zero ------------------------------------


def test_a_target_that_rounds_to_100_is_refused_where_it_is_written() -> None:
    text = edit(BASE, "target: 99.95", "target: 99.99999999999999")
    assert_located(one_problem(text), at(text, "target: »99.99999999999999"), "spec.objectives[2].target",
                   "leaves an error budget of 1.42e-14%, which rounds to zero")


@pytest.mark.parametrize(
    ("target", "fragment"),
    [("99.9999999999", "rounds to zero"), ('"99.12345678%"', "more than 7 decimals"), ("nan", "strictly between")],
)
def test_targets_slaforge_cannot_represent(target: str, fragment: str) -> None:
    text = edit(BASE, "target: 99.95", f"target: {target}")
    assert_located(one_problem(text), at(text, f"target: »{target}"), "spec.objectives[2].target", fragment)


def test_credit_tiers_follow_the_same_rule() -> None:
    text = edit(BASE, "{below: 99.0, credit: 25}", "{below: 99.000000001, credit: 25}")
    assert_located(one_problem(text), at(text, "below: »99.000000001"), "spec.objectives[0].credits[1].below",
                   "more than 7 decimals")


def test_explain_reports_instead_of_dividing_by_zero(tmp_path: Path) -> None:
    path = tmp_path / "sla.yaml"
    path.write_text(edit(BASE, "target: 99.95", "target: 99.99999999999999"))
    result = CliRunner().invoke(cli, ["explain", str(path)])
    assert result.exit_code == 1 and not isinstance(result.exception, ZeroDivisionError), result.exception
    assert "spec.objectives[2].target: the target 99.99999999999999 leaves an error budget" in result.stderr


def test_the_smallest_budget_gives_rules_promtool_accepts_and_an_explain(tmp_path: Path) -> None:
    path = tmp_path / "sla.yaml"
    path.write_text(edit(BASE, "target: 99.95", "target: 99.9999999"))
    explained = CliRunner().invoke(cli, ["explain", str(path)])
    assert explained.exit_code == 0, explained.output
    assert "api-errors: 99.9999999% over 30d" in explained.stdout
    assert "error budget: 1e-07% of events" in explained.stdout
    rules = tmp_path / "rules.yml"
    assert CliRunner().invoke(cli, ["rules", str(path), "-o", str(rules)]).exit_code == 0
    check = subprocess.run([promtool(), "check", "rules", str(rules)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


# --- item 13: time zones whose meaning depends on the host --------------------------------


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Berlin"])
def test_host_dependent_zone_files_are_not_time_zones(zone: str) -> None:
    text = edit(BASE, "timezone: UTC", f"timezone: {zone}")
    assert_located(one_problem(text), at(text, f"timezone: »{zone}"), "spec.timezone",
                   f"{zone!r} is not an IANA timezone name")


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Europe/Berlin", "America/New_York", "US/Eastern"])
def test_iana_zone_names_stay_valid(zone: str) -> None:
    from slaforge.spec import load_text

    assert load_text(edit(BASE, "timezone: UTC", f"timezone: {zone}"))[0].spec.timezone == zone


def test_a_zone_in_the_wrong_case_gets_a_suggestion() -> None:
    text = edit(BASE, "timezone: UTC", "timezone: europe/berlin")
    assert_located(one_problem(text), at(text, "timezone: »europe"), "spec.timezone", "did you mean 'Europe/Berlin'?")
