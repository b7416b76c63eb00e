"""The generated Alertmanager configuration, checked by the real amtool (Alertmanager 0.25)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml

from slaforge.alertmanager import render_alertmanager
from slaforge.spec import load_slas, load_text
from tests.support.alertmanager import running_alertmanager

pytestmark = pytest.mark.e2e

ODD = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: odd}
spec:
  service: s
  provider: p
  customer: c
  window: 30d
  probes: [{name: web, url: 'https://example.com/'}]
  objectives: [{name: availability, target: 99.9, sli: {probe: web}}]
  escalation:
    - {after: 0m, receiver: 'team "blue" #1'}
    - {after: 1h, receiver: "it's me, slaforge-page?"}
    - {after: 2h, receiver: slaforge-page}
"""


def amtool() -> str:
    path = shutil.which("amtool")
    if path is None:
        pytest.fail("amtool is not installed; run `make system-deps` (prometheus-alertmanager)")
    return path


def write(tmp_path: Path, slas_paths: list[str | Path] | None = None, text: str | None = None) -> Path:
    slas = load_text(text, "odd.yaml") if text is not None else load_slas(slas_paths or [])
    for rel, content in render_alertmanager(slas):
        (tmp_path / rel).write_text(content)
    return tmp_path / "alertmanager.yml"


def check(config: Path) -> str:
    result = subprocess.run([amtool(), "check-config", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def route(config: Path, *labels: str) -> str:
    result = subprocess.run(
        [amtool(), "config", "routes", "test", f"--config.file={config}", *labels],
        capture_output=True, text=True,
    )
    return result.stdout.strip()


@pytest.fixture()
def examples_config(tmp_path: Path, examples_dir: Path) -> Path:
    return write(tmp_path, [examples_dir])


def test_examples_config_passes_amtool(examples_config: Path) -> None:
    out = check(examples_config)
    assert "SUCCESS" in out
    assert "1 inhibit rules" in out
    assert "10 receivers" in out  # default, page, ticket + 7 escalation receivers of the examples


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (["alertname=SLAEscalation", "sla=payments-api", "objective=api-errors", "receiver=payments-lead",
          "level=2"], "payments-lead"),
        (["alertname=SLAEscalation", "sla=storefront", "receiver=web-oncall", "level=1"], "web-oncall"),
        (["alertname=SLAEscalation", "sla=gone", "receiver=nobody-any-more", "level=1"], "slaforge-page"),
        (["alertname=SLAErrorBudgetBurn", "severity=page", "sla=storefront"], "slaforge-page"),
        (["alertname=SLAErrorBudgetBurn", "severity=ticket", "sla=storefront"], "slaforge-ticket"),
        (["alertname=SLAErrorBudgetExhausted", "severity=ticket"], "slaforge-ticket"),
        (["alertname=SLASLIAbsent", "severity=ticket"], "slaforge-ticket"),
        (["alertname=Watchdog"], "slaforge-default"),
    ],
)
def test_routes(examples_config: Path, labels: list[str], receiver: str) -> None:
    assert route(examples_config, *labels) == receiver


def test_grouping_and_inhibition(examples_config: Path) -> None:
    config = yaml.safe_load(examples_config.read_text())
    # the examples include a grouped SLA (group_by: [customer]): one notification per customer
    assert config["route"]["group_by"] == ["sla", "objective", "customer"]
    escalation = config["route"]["routes"][0]
    assert escalation["group_by"] == ["sla", "objective", "customer", "level"]
    assert config["inhibit_rules"] == [{
        "source_matchers": ['alertname="SLAErrorBudgetBurn"', 'severity="page"'],
        "target_matchers": ['alertname=~"SLAErrorBudgetBurn|SLAErrorBudgetExhausted"', 'severity="ticket"'],
        "equal": ["sla", "objective", "customer"],
    }]
    # skeletons only: no integration, no secret
    assert all(set(r) == {"name"} for r in config["receivers"])


def test_filled_in_examples_are_valid_too(examples_config: Path) -> None:
    """Uncommenting a receiver's example (as the docs tell people to) gives a valid configuration."""
    text = examples_config.read_text()
    start = text.index('  - name: "payments-oncall"\n')
    block_end = text.index("\n  # ", start)
    block = text[start:block_end]
    filled = re.sub(r"^    # (?!Fill)", "    ", block, flags=re.MULTILINE)
    examples_config.write_text(text.replace(block, filled))
    check(examples_config)
    receivers = {r["name"]: r for r in yaml.safe_load(examples_config.read_text())["receivers"]}
    assert set(receivers["payments-oncall"]) == {"name", "pagerduty_configs", "slack_configs", "webhook_configs"}


def test_awkward_receiver_names_are_quoted(tmp_path: Path) -> None:
    config = write(tmp_path, text=ODD)
    check(config)
    names = [r["name"] for r in yaml.safe_load(config.read_text())["receivers"]]
    # escalation receivers in escalation order (level 1 first), not by name
    assert names == ["slaforge-default", "slaforge-page", "slaforge-ticket", 'team "blue" #1',
                     "it's me, slaforge-page?"]
    assert route(config, "alertname=SLAEscalation", 'receiver="team \\"blue\\" #1"') == 'team "blue" #1'
    assert route(config, "alertname=SLAEscalation", "receiver=it's me, slaforge-page?") == "it's me, slaforge-page?"


def test_escalation_routes_in_escalation_order_and_after_0m_reads_immediately(examples_dir: Path) -> None:
    text = dict(render_alertmanager(load_slas([examples_dir])))["alertmanager.yml"]
    escalation = yaml.safe_load(text)["route"]["routes"][0]
    assert [r["receiver"] for r in escalation["routes"]] == [
        "payments-oncall", "platform-oncall", "web-oncall", "payments-lead", "platform-lead", "web-lead",
        "payments-director",
    ]
    assert "        # payments-api level 1 immediately\n" in text
    assert "        # storefront level 2 after 20m\n" in text
    assert "  # Escalation: payments-api level 3 after 2h\n" in text
    assert "after 0s" not in text
def test_receiver_names_are_data_for_alertmanager(tmp_path: Path) -> None:
    """A receiver named like a template or holding HTML: amtool accepts the config, routes to it,
    and the README shows it in a code span (issue 12)."""
    name = 'ACME {{ Corp "x" `<b>`'
    text = ODD.replace("receiver: 'team \"blue\" #1'", "receiver: 'ACME {{ Corp \"x\" `<b>`'")
    config = write(tmp_path, text=text)
    check(config)
    assert route(config, "alertname=SLAEscalation", 'receiver="ACME {{ Corp \\"x\\" `<b>`"') == name
    readme = render_alertmanager(load_text(text, "odd.yaml"))[1][1]
    assert "- `` ACME {{ Corp \"x\" `<b>` ``: escalation of odd level 1 immediately" in readme


def test_no_escalation_at_all(tmp_path: Path) -> None:
    config = write(tmp_path, text=ODD.split("  escalation:")[0])
    check(config)
    assert route(config, "alertname=SLAEscalation", "receiver=x") == "slaforge-page"


def test_deterministic_and_readme(examples_dir: Path) -> None:
    slas = load_slas([examples_dir])
    first = render_alertmanager(slas)
    assert first == render_alertmanager(list(reversed(slas)))
    assert [rel for rel, _ in first] == ["alertmanager.yml", "README.md"]
    assert "payments-director`: escalation of payments-api level 3 after 2h" in first[1][1]


def test_a_page_inhibits_the_tickets_of_its_objective_in_a_real_alertmanager(
    examples_config: Path, tmp_path: Path
) -> None:
    with running_alertmanager(examples_config, tmp_path) as url:
        deadline = time.monotonic() + 30
        page = {"alertname": "SLAErrorBudgetBurn", "severity": "page", "sla": "storefront",
                "objective": "availability"}
        alerts = [
            page,
            {**page, "severity": "ticket"},
            {**page, "alertname": "SLAErrorBudgetExhausted", "severity": "ticket"},
            {**page, "severity": "ticket", "objective": "latency"},  # another objective: not inhibited
            {**page, "alertname": "SLAEscalation", "receiver": "web-lead", "level": "2"},
        ]
        del alerts[-1]["severity"]
        requests.post(f"{url}/api/v2/alerts", json=[{"labels": a} for a in alerts], timeout=5).raise_for_status()
        state: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
        while time.monotonic() < deadline:
            state = {
                (a["labels"]["alertname"], a["labels"].get("severity", "-"), a["labels"]["objective"]):
                    (a["status"]["state"], [r["name"] for r in a["receivers"]])
                for a in requests.get(f"{url}/api/v2/alerts", timeout=5).json()
            }
            if len(state) == len(alerts) and state[("SLAErrorBudgetBurn", "ticket", "availability")][0] != "active":
                break
            time.sleep(0.2)
        assert state == {
            ("SLAErrorBudgetBurn", "page", "availability"): ("active", ["slaforge-page"]),
            ("SLAErrorBudgetBurn", "ticket", "availability"): ("suppressed", ["slaforge-ticket"]),
            ("SLAErrorBudgetExhausted", "ticket", "availability"): ("suppressed", ["slaforge-ticket"]),
            ("SLAErrorBudgetBurn", "ticket", "latency"): ("active", ["slaforge-ticket"]),
            ("SLAEscalation", "-", "availability"): ("active", ["web-lead"]),
        }
