"""`slaforge export openslo`: OpenSLO v1 documents, what they cannot express named, and a round trip."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from slaforge.burnrate import sla_policies
from slaforge.cli import cli
from slaforge.importers.openslo import import_openslo
from slaforge.importers.openslo_export import export_openslo
from slaforge.plan import plan_for
from slaforge.rules.sli import plan_events
from slaforge.spec import load_slas, load_text
from slaforge.spec.model import SLA

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD_SLA = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: orders, labels: {team: orders}}
spec:
  service: orders
  provider: P
  customer: C
  window: 90d
  calendar: quarter
  timezone: America/New_York
  objectives:
    - name: payments
      description: Payments that succeed.
      target: 99.5
      sli:
        ratio:
          good: [orders_payments_ok_total, orders_refunds_ok_total]
          total: [orders_payments_total, orders_refunds_total]
"""


def test_documents_are_openslo_v1() -> None:
    slas = load_slas([EXAMPLES])
    text, notes = export_openslo(slas)
    docs = list(yaml.safe_load_all(text))
    assert {d["apiVersion"] for d in docs} == {"openslo/v1"}
    kinds = [d["kind"] for d in docs]
    assert kinds.count("DataSource") == 1 and kinds.count("SLO") == sum(len(s.spec.objectives) for s in slas)
    assert kinds.count("Service") == len({s.spec.service for s in slas})
    for slo in (d for d in docs if d["kind"] == "SLO"):
        assert slo["spec"]["budgetingMethod"] == "Occurrences"
        metric = slo["spec"]["indicator"]["spec"]["ratioMetric"]
        assert "total" in metric and ("good" in metric) != ("bad" in metric)
        assert metric["total"]["metricSource"]["metricSourceRef"] == "prometheus"
    joined = "\n".join(notes)
    for missing in ("credits of objective", "maintenance", "escalation", "probes"):
        assert missing in joined


def _round_trip(slas: list) -> list:  # type: ignore[type-arg]
    text, _ = export_openslo(slas)
    result = import_openslo(text, "exported.yaml", provider="P", customer="C")
    assert result.skipped == ()
    return load_text(result.yaml)


def test_round_trip_keeps_every_field_openslo_carries() -> None:
    originals = [*load_slas([EXAMPLES]), *load_text(GOOD_SLA)]
    imported = {o.name: (s, o) for s in _round_trip(originals) for o in s.spec.objectives}
    assert len(imported) == sum(len(s.spec.objectives) for s in originals)
    for sla in originals:
        for objective in sla.spec.objectives:
            twin_sla, twin = imported[objective.name]
            assert twin.target == objective.target
            assert twin.description == objective.description
            # the same series, read the same way, by the generated rules
            ours = plan_events(plan_for(sla).objective(objective.name).sli)
            theirs = plan_events(plan_for(twin_sla).objective(twin.name).sli)
            assert theirs.increase("5m") == ours.increase("5m")
            assert twin_sla.spec.service == sla.spec.service
            assert twin_sla.metadata.labels == sla.metadata.labels
            assert twin_sla.spec.window == sla.spec.window
            if (sla.spec.calendar, sla.spec.window.prom) in (("month", "30d"), ("quarter", "90d")):
                assert (twin_sla.spec.calendar, twin_sla.spec.timezone) == (sla.spec.calendar, sla.spec.timezone)
            # the burn-rate policies of the enabled severities, as AlertPolicy burnrate conditions
            assert _policies(twin_sla) == _policies(sla)


def _policies(sla: SLA) -> list[tuple[str, float, str, str]]:
    on = {"page": sla.spec.alerting.page.enabled, "ticket": sla.spec.alerting.ticket.enabled}
    return [(p.severity, round(p.budget_fraction, 9), p.long_window.prom, p.short_window.prom)
            for p in sla_policies(sla) if on[p.severity]]


def test_policies_become_alert_policies_and_an_odd_short_window_is_named() -> None:
    text = GOOD_SLA + """\
  alerting:
    ticket: {enabled: false}
    policies:
      - {severity: page, budget_spent: 2, long: 1h, short: 5m}
      - {severity: page, budget_spent: 10, long: 1d, short: 1h}
      - {severity: ticket, budget_spent: 10, long: 3d, short: 6h}
"""
    exported, notes = export_openslo(load_text(text))
    docs = list(yaml.safe_load_all(exported))
    conditions = [d["spec"]["conditions"][0]["spec"] for d in docs if d["kind"] == "AlertPolicy"]
    # 2% of 90d within 1h: burn 43.2x; 10% within 1d: 9x; the ticket is switched off
    assert conditions == [
        {"severity": "page", "condition": {"kind": "burnrate", "threshold": 43.2, "lookbackWindow": "1h",
                                           "alertAfter": "0m"}},
        {"severity": "page", "condition": {"kind": "burnrate", "threshold": 9, "lookbackWindow": "1d",
                                           "alertAfter": "0m"}}]
    [slo] = [d for d in docs if d["kind"] == "SLO"]
    assert slo["spec"]["alertPolicies"] == [{"alertPolicyRef": "orders-page-1h-5m"},
                                            {"alertPolicyRef": "orders-page-1d-1h"}]
    assert "the short window 1h of the page policy over 1d" in notes[0]
    [twin] = load_text(import_openslo(exported, "x.yaml", provider="P", customer="C").yaml)
    assert _policies(twin) == [("page", 0.02, "1h", "5m"), ("page", 0.1, "1d", "2h")]


def test_command_writes_documents_and_names_what_is_lost(tmp_path: Path) -> None:
    out = tmp_path / "openslo.yaml"
    result = CliRunner().invoke(cli, ["export", "openslo", str(EXAMPLES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "not expressible in OpenSLO" in result.stderr and "credits of objective" in result.stderr
    assert CliRunner().invoke(cli, ["import", "openslo", str(out)]).exit_code == 0
    bad = CliRunner().invoke(cli, ["export", "openslo", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
