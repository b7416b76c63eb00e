"""Grouped objectives in Alertmanager: one notification and one inhibition per group, and the
documented recipe that routes one customer's escalations to its own receiver (docs/escalation.md)."""

from __future__ import annotations

import time
from pathlib import Path

import requests
import yaml

from slaforge.alertmanager import render_alertmanager
from slaforge.spec import load_slas
from tests.alertmanager.test_alertmanager import check, route
from tests.support.alertmanager import running_alertmanager

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multi-customer-api.yaml"


def config(tmp_path: Path) -> Path:
    for rel, content in render_alertmanager(load_slas([str(EXAMPLE)])):
        (tmp_path / rel).write_text(content)
    return tmp_path / "alertmanager.yml"


def test_premium_customer_recipe_routes_its_escalations(tmp_path: Path) -> None:
    path = config(tmp_path)
    data = yaml.safe_load(path.read_text())
    # the recipe: one route above the receiver routes of the escalation subtree
    data["route"]["routes"][0]["routes"].insert(
        0, {"matchers": ['customer="acme"', 'level="1"'], "receiver": "acme-premium"})
    data["receivers"].append({"name": "acme-premium"})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    check(path)
    esc = ["alertname=SLAEscalation", "sla=tenant-api", "objective=tenant-availability", "receiver=platform-oncall"]
    assert route(path, *esc, "level=1", "customer=acme") == "acme-premium"
    assert route(path, *esc, "level=1", "customer=globex") == "platform-oncall"
    assert route(path, "alertname=SLAGroupsExceeded", "severity=ticket", "sla=tenant-api") == "slaforge-ticket"


def test_a_customers_page_inhibits_only_its_own_tickets(tmp_path: Path) -> None:
    path = config(tmp_path)
    with running_alertmanager(path, tmp_path) as url:
        deadline = time.monotonic() + 30
        page = {"alertname": "SLAErrorBudgetBurn", "severity": "page", "sla": "tenant-api",
                "objective": "tenant-availability", "customer": "acme"}
        alerts = [page, {**page, "severity": "ticket"}, {**page, "severity": "ticket", "customer": "globex"}]
        requests.post(f"{url}/api/v2/alerts", json=[{"labels": a} for a in alerts], timeout=5).raise_for_status()
        state: dict[tuple[str, str], str] = {}
        while time.monotonic() < deadline:
            state = {
                (a["labels"]["severity"], a["labels"]["customer"]): a["status"]["state"]
                for a in requests.get(f"{url}/api/v2/alerts", timeout=5).json()
            }
            if len(state) == 3 and state[("ticket", "acme")] != "active":
                break
            time.sleep(0.2)
        assert state == {("page", "acme"): "active", ("ticket", "acme"): "suppressed", ("ticket", "globex"): "active"}
