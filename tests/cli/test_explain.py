"""`slaforge explain`: budgets, burn-rate alerts and credit tiers in numbers a person can check by hand."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from slaforge.burnrate import burn_alerts, downtime_below, error_budget_time
from slaforge.cli import cli
from slaforge.spec import load_slas, load_text
from slaforge.spec.durations import Duration
from tests.spec.helpers import BASE, edit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args: str | Path) -> Any:
    result = CliRunner().invoke(cli, ["explain", *map(str, args)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result


def explain_json(*paths: str | Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run("--format", "json", *paths).stdout)
    return data


def objective(data: dict[str, Any], sla: str, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        o for s in data["slas"] if s["sla"] == sla for o in s["objectives"] if o["objective"] == name
    ]
    assert len(found) == 1
    return found[0]


def by_long_window(alerts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["long_window"]: a for a in alerts}


def sla_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sla.yaml"
    path.write_text(text)
    return path


# --- the arithmetic, directly ---------------------------------------------------------------


def test_error_budget_of_99_9_over_30d_is_43m_12s() -> None:
    [sla] = load_text(BASE)
    budget = error_budget_time(sla.spec.objectives[0], Duration.parse("30d"))
    assert budget == Duration.parse("43m12s")
    assert budget.human() == "43m 12s"


@pytest.mark.parametrize(
    ("window", "factors"),
    [("30d", (14.4, 6.0, 1.0)), ("28d", (13.44, 5.6, 0.1 * 28 / 3)), ("7d", (3.36, 1.4, 0.1 * 7 / 3)),
     ("90d", (43.2, 18.0, 3.0))],
)
def test_burn_factors_come_from_the_window(window: str, factors: tuple[float, float, float]) -> None:
    [sla] = load_text(BASE)
    alerts = burn_alerts(sla.spec.objectives[0], Duration.parse(window))
    assert [a.factor for a in alerts] == pytest.approx(factors)
    assert [a.severity for a in alerts] == ["page", "page", "ticket"]
    assert [(str(a.long_window), str(a.short_window)) for a in alerts] == [("1h", "5m"), ("6h", "30m"), ("3d", "6h")]
    assert [a.budget_spent_when_firing for a in alerts] == pytest.approx([0.02, 0.05, 0.10])


def test_downtime_below_a_tier() -> None:
    assert downtime_below(99.0, Duration.parse("30d")).human() == "7h 12m"
    assert downtime_below(95.0, Duration.parse("30d")).human() == "1d 12h"


# --- text ---------------------------------------------------------------------------------------


def test_text_for_the_storefront_example() -> None:
    out = run(EXAMPLES / "storefront-website.yaml").stdout
    assert out.startswith("SLA storefront: Web Platform Team -> Retail Division (storefront-web)\n")
    assert "  window 30d rolling, reported per month, timezone UTC\n" in out
    assert "availability: 99.9% over 30d  [probe success ratio of homepage]" in out
    assert "error budget: 0.1% of events = 43m 12s of total outage per 30d" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["page", "1h", "&", "5m", "14.4x", "1.44%", "2%", "52s"] in lines
    assert ["page", "6h", "&", "30m", "6x", "0.6%", "5%", "2m", "10s"] in lines
    assert ["ticket", "3d", "&", "6h", "1x", "0.1%", "10%", "4m", "19s"] in lines
    assert "credits per 30-day month:" in out
    assert ["99.9%", "10%", "43m", "12s"] in lines
    assert ["99%", "25%", "7h", "12m"] in lines
    assert ["95%", "100%", "1d", "12h"] in lines
    assert "latency: 99% over 30d  [share of homepage probes faster than 500ms]" in out


def test_text_for_the_28d_example() -> None:
    out = run(EXAMPLES / "payments-api.yaml").stdout
    lines = [line.split() for line in out.splitlines()]
    assert ["page", "1h", "&", "5m", "13.44x", "0.672%", "2%", "24s"] in lines
    assert ["page", "6h", "&", "30m", "5.6x", "0.28%", "5%", "1m"] in lines
    assert "factor below 1: fires while the budget would still last the window" in out
    assert "share of http_request_duration_seconds{job=\"payments-api\"} faster than 0.3s" in out
    # credits are per calendar month even though the window is 28 days: 0.05% of 30 days
    assert ["99.95%", "10%", "21m", "36s"] in lines


def test_text_says_when_page_alerts_are_disabled() -> None:
    out = run(EXAMPLES / "internal-directory.yaml").stdout
    assert "(page alerts are disabled in spec.alerting)" in out
    assert "credits per" not in out  # no credits in that SLA


# --- JSON -------------------------------------------------------------------------------------


def test_json_for_the_storefront_example() -> None:
    data = explain_json(EXAMPLES / "storefront-website.yaml")
    [sla] = data["slas"]
    assert {k: sla[k] for k in ("sla", "service", "provider", "customer", "window", "calendar", "timezone")} == {
        "sla": "storefront", "service": "storefront-web", "provider": "Web Platform Team",
        "customer": "Retail Division", "window": "30d", "calendar": "month", "timezone": "UTC",
    }
    availability = objective(data, "storefront", "availability")
    assert availability["target"] == 99.9
    assert availability["sli"] == "probe"
    assert availability["error_budget_ratio"] == pytest.approx(0.001)
    assert availability["error_budget_time"] == "43m12s"
    assert availability["error_budget_human"] == "43m 12s"
    assert availability["error_budget_seconds"] == 2592
    alerts = by_long_window(availability["alerts"])
    assert alerts["1h"] == {
        "severity": "page", "long_window": "1h", "short_window": "5m", "factor": 14.4,
        "error_ratio_threshold": pytest.approx(0.0144), "budget_spent_when_fired": pytest.approx(0.02),
        "time_to_fire_on_total_outage": "51s840ms", "time_to_fire_human": "52s",
        "time_to_fire_seconds": pytest.approx(51.84), "generated": True, "note": None,
        "min_events_per_minute": None,
    }
    assert (alerts["6h"]["factor"], alerts["6h"]["error_ratio_threshold"]) == (6.0, pytest.approx(0.006))
    assert alerts["6h"]["time_to_fire_seconds"] == pytest.approx(129.6)
    assert (alerts["3d"]["severity"], alerts["3d"]["factor"]) == ("ticket", 1.0)
    assert alerts["3d"]["time_to_fire_seconds"] == pytest.approx(259.2)
    assert availability["credit_period"] == "30-day month"
    assert [(c["below"], c["credit"], c["downtime"], c["downtime_seconds"]) for c in availability["credits"]] == [
        (99.9, 10, "43m12s", 2592), (99.0, 25, "7h12m", 25920), (95.0, 100, "1d12h", 129600)
    ]


def test_json_28d_window_factor_13_44() -> None:
    errors = objective(explain_json(EXAMPLES / "payments-api.yaml"), "payments-api", "api-errors")
    alerts = by_long_window(errors["alerts"])
    assert alerts["1h"]["factor"] == 13.44
    assert alerts["1h"]["error_ratio_threshold"] == pytest.approx(0.00672)
    assert alerts["6h"]["factor"] == 5.6
    assert alerts["3d"]["factor"] == pytest.approx(0.933333)
    assert errors["error_budget_seconds"] == pytest.approx(28 * 86400 * 0.0005)


def test_json_7d_window_ticket_over_3d() -> None:
    data = explain_json(EXAMPLES / "internal-directory.yaml")
    ldaps = objective(data, "directory", "ldaps-availability")
    assert ldaps["window"] == "7d"
    assert ldaps["error_budget_human"] == "50m 24s"  # 0.5% of 7 days
    alerts = by_long_window(ldaps["alerts"])
    ticket = alerts["3d"]
    assert (ticket["severity"], ticket["short_window"], ticket["generated"]) == ("ticket", "6h", True)
    assert ticket["factor"] == pytest.approx(0.233333)
    assert ticket["error_ratio_threshold"] == pytest.approx(0.005 * 0.7 / 3)
    assert ticket["budget_spent_when_fired"] == pytest.approx(0.10)
    # page alerts exist in the maths but are switched off in this SLA
    assert alerts["1h"]["generated"] is False
    assert alerts["1h"]["note"] == "page alerts are disabled in spec.alerting"
    assert alerts["1h"]["factor"] == 3.36
    assert data["slas"][0]["calendar"] == "quarter"


def test_json_all_examples_at_once_in_given_order() -> None:
    paths = [EXAMPLES / "payments-api.yaml", EXAMPLES / "storefront-website.yaml", EXAMPLES / "internal-directory.yaml"]
    assert [s["sla"] for s in explain_json(*paths)["slas"]] == ["payments-api", "storefront", "directory"]


def test_window_shorter_than_3d_drops_the_ticket_alert(tmp_path: Path) -> None:
    data = explain_json(sla_file(tmp_path, edit(BASE, "window: 30d", "window: 1d")))
    alerts = by_long_window(objective(data, "checkout", "availability")["alerts"])
    assert alerts["3d"]["generated"] is False
    assert alerts["3d"]["note"] == "not generated: the 3d long window exceeds the 1d SLA window"
    assert alerts["1h"]["generated"] is True and alerts["1h"]["factor"] == 0.48


def test_loose_target_makes_fast_burn_unreachable(tmp_path: Path) -> None:
    text = edit(edit(BASE, "target: 99.9\n", "target: 90\n"), "        - {below: 99.9, credit: 10}\n", "")
    text = edit(edit(text, "{below: 99.0, credit: 25}", "{below: 89, credit: 25}"), "below: 95.0", "below: 80")
    path = sla_file(tmp_path, text)
    alerts = by_long_window(objective(explain_json(path), "checkout", "availability")["alerts"])
    assert alerts["1h"]["error_ratio_threshold"] == pytest.approx(1.44)
    assert alerts["1h"]["generated"] is False
    assert alerts["1h"]["time_to_fire_on_total_outage"] is None
    assert alerts["1h"]["note"] == "not generated: the threshold is above 100% errors, so it could never fire"
    assert alerts["6h"]["generated"] is True  # 6 x 10% = 60% errors is reachable
    text_out = run(path).stdout
    assert "never" in text_out


def test_calendar_none_reads_credits_over_the_window(tmp_path: Path) -> None:
    data = explain_json(sla_file(tmp_path, edit(BASE, "calendar: month", "calendar: none")))
    availability = objective(data, "checkout", "availability")
    assert availability["credit_period"] == "30d window"
    assert availability["credits"][0]["downtime_human"] == "43m 12s"


def test_quarter_credits_are_read_over_91_days(tmp_path: Path) -> None:
    data = explain_json(sla_file(tmp_path, edit(BASE, "calendar: month", "calendar: quarter")))
    availability = objective(data, "checkout", "availability")
    assert availability["credit_period"] == "91-day quarter"
    assert availability["credits"][0]["downtime_seconds"] == pytest.approx(91 * 86400 * 0.001)


def test_sli_descriptions_of_every_kind(tmp_path: Path) -> None:
    data = explain_json(sla_file(tmp_path, BASE))
    described = {o["objective"]: (o["sli"], o["sli_description"]) for o in data["slas"][0]["objectives"]}
    assert described == {
        "availability": ("probe", "probe success ratio of healthz"),
        "latency": ("probe_latency", "share of healthz probes faster than 300ms"),
        "api-errors": (
            "ratio", '1 - http_requests_total{job="checkout",code=~"5.."} / http_requests_total{job="checkout"}'
        ),
        "api-latency": ("latency", 'share of http_request_duration_seconds{job="checkout"} faster than 0.3s'),
    }


def test_invalid_file_explains_nothing_and_exits_1(tmp_path: Path) -> None:
    path = sla_file(tmp_path, edit(BASE, "timeout: 5s", "timeout: 20s"))
    result = CliRunner().invoke(cli, ["explain", "--format", "json", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:20:16: spec.probes[0].timeout: the timeout (20s) must be shorter than the interval (15s)\n"
    )


def test_unknown_format_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["explain", "--format", "yaml", str(EXAMPLES)])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


# --- the whole SLA: maintenance, escalation, every alert ------------------------------------------

BERLIN = """\
apiVersion: slaforge/v1
kind: SLA
metadata: {name: static-site}
spec:
  service: static-site
  provider: Web
  customer: Everyone
  window: 30d
  timezone: Europe/Berlin
  maintenance:
    - weekly: {day: sunday, start: "02:30", duration: 2h}
    - daily: {start: "23:00", duration: 30m}
    - once: {start: "2026-10-20T10:00:00", duration: 90m}
      description: disk swap
  alerting:
    ticket: {enabled: false}
  escalation:
    - {after: 0m, receiver: web-oncall}
    - {after: 1h30m, receiver: web-lead}
  probes: [{name: home, url: "https://example.com/"}]
  objectives:
    - {name: availability, target: 99.9, sli: {probe: home}}
"""
# 23:15 in Berlin on the eve of the autumn DST change (03:00 CEST -> 02:00 CET on Oct 25)
EVE_OF_DST = "2026-10-24T21:15:00Z"

BERLIN_TEXT = """\
SLA static-site: Web -> Everyone
  window 30d rolling, reported per month, timezone Europe/Berlin
  maintenance, on the wall clock of Europe/Berlin:
    every sunday 02:30 for 2h
    every day 23:00 for 30m
    once 2026-10-20 10:00 +02:00 for 1h 30m (disk swap), already over
    now, 2026-10-24 23:15 +02:00: open until 2026-10-24 23:30 +02:00
    next:
      Sun 2026-10-25 02:30 +02:00 -> 2026-10-25 02:00 +01:00  (2026-10-25 00:30 -> 2026-10-25 01:00 UTC)  30m
      Sun 2026-10-25 02:30 +01:00 -> 2026-10-25 04:30 +01:00  (2026-10-25 01:30 -> 2026-10-25 03:30 UTC)  2h
      Sun 2026-10-25 23:00 +01:00 -> 2026-10-25 23:30 +01:00  (2026-10-25 22:00 -> 2026-10-25 22:30 UTC)  30m
    inside a window errors never count and no slaforge alert fires (SLASLIAbsent waits 5m more after it closes)
  escalation, while a page keeps firing (one SLAEscalation per step and objective):
    level 1  web-oncall  immediately
    level 2  web-lead    after 1h 30m

  availability: 99.9% over 30d  [probe success ratio of home]
    error budget: 0.1% of events = 43m 12s of total outage per 30d
    alert   windows   factor  error ratio >  budget spent  fires after outage
    page    1h & 5m   14.4x   1.44%          2%            52s
    page    6h & 30m  6x      0.6%           5%            2m 10s
    ticket  3d & 6h   1x      0.1%           10%           4m 19s              (ticket alerts are disabled in spec.alerting)
    alerts:
      SLAErrorBudgetBurn       severity=page                on   2% of the budget in 1h (error ratio > 1.44% over 1h and 5m) or 5% of the budget in 6h (error ratio > 0.6% over 6h and 30m)
      SLAErrorBudgetBurn       severity=ticket              off  ticket alerts are disabled in spec.alerting
      SLAErrorBudgetExhausted  severity=ticket              on   more than the whole error budget (0.1% of events) is spent over the last 30d
      SLASLIAbsent             severity=ticket              on   no valid events for 15m (the SLI's series are missing or not increasing)
      SLAEscalation            receiver=web-oncall level=1  on   the page fires: notifies immediately, while the 5m burn rate is over 1
      SLAEscalation            receiver=web-lead level=2    on   the page has kept firing for 1h 30m and the 5m burn rate is over 1
"""  # noqa: E501


def test_text_of_the_whole_sla_on_the_eve_of_a_dst_change(tmp_path: Path) -> None:
    """Maintenance as wall-clock windows of the SLA's zone (the weekly one straddles the autumn change and
    is laid out in two pieces, as the rules exclude it), escalation in order, and every alert, on or off."""
    assert run(sla_file(tmp_path, BERLIN), "--now", EVE_OF_DST).stdout == BERLIN_TEXT


def test_json_of_maintenance_escalation_and_alerts(tmp_path: Path) -> None:
    [sla] = explain_json(sla_file(tmp_path, BERLIN), "--now", "2026-10-25T00:45:00+02:00")["slas"]
    maintenance = sla["maintenance"]
    assert (maintenance["now"], maintenance["now_local"]) == ("2026-10-24T22:45:00Z", "2026-10-25 00:45 +02:00")
    assert maintenance["open_now"] is None
    assert maintenance["next"][0] == {
        "start": "2026-10-25T02:30:00+02:00", "end": "2026-10-25T02:00:00+01:00",
        "start_utc": "2026-10-25T00:30:00Z", "end_utc": "2026-10-25T01:00:00Z",
        "duration_seconds": 1800.0, "duration_human": "30m",
        "local": "Sun 2026-10-25 02:30 +02:00 -> 2026-10-25 02:00 +01:00",
        "utc": "2026-10-25 00:30 -> 2026-10-25 01:00 UTC",
    }
    assert [w["kind"] for w in maintenance["windows"]] == ["weekly", "daily", "once"]
    assert maintenance["windows"][0] == {
        "kind": "weekly", "day": "sunday", "start": "02:30", "duration": "2h", "duration_seconds": 7200.0,
        "description": None, "text": "every sunday 02:30 for 2h",
    }
    assert maintenance["windows"][2] == {
        "kind": "once", "start": "2026-10-20T10:00:00+02:00", "start_utc": "2026-10-20T08:00:00Z",
        "end_utc": "2026-10-20T09:30:00Z", "over": True, "duration": "1h30m", "duration_seconds": 5400.0,
        "description": "disk swap", "text": "once 2026-10-20 10:00 +02:00 for 1h 30m (disk swap)",
    }
    assert sla["escalation"]["steps"] == [
        {"level": 1, "receiver": "web-oncall", "after": "0s", "after_seconds": 0.0, "when": "immediately"},
        {"level": 2, "receiver": "web-lead", "after": "1h30m", "after_seconds": 5400.0, "when": "after 1h 30m"},
    ]
    [availability] = sla["objectives"]
    assert [(a["alert"], a["labels"], a["generated"], a["note"]) for a in availability["alert_rules"]] == [
        ("SLAErrorBudgetBurn", {"severity": "page"}, True, None),
        ("SLAErrorBudgetBurn", {"severity": "ticket"}, False, "ticket alerts are disabled in spec.alerting"),
        ("SLAErrorBudgetExhausted", {"severity": "ticket"}, True, None),
        ("SLASLIAbsent", {"severity": "ticket"}, True, None),
        ("SLAEscalation", {"receiver": "web-oncall", "level": "1"}, True, None),
        ("SLAEscalation", {"receiver": "web-lead", "level": "2"}, True, None),
    ]


def test_the_listed_windows_are_the_ones_the_rules_exclude(tmp_path: Path) -> None:
    """Each listed window is open, per the rules' own mirror of their PromQL, from its first second to its
    last, and closed just outside it; and 'open now' agrees with the rules too."""
    from slaforge.rules.maintenance import active_at

    [sla] = load_text(BERLIN)
    for now in ("2026-10-24T21:15:00Z", "2026-10-24T22:45:00Z", "2026-03-28T20:00:00Z"):
        [data] = explain_json(sla_file(tmp_path, BERLIN), "--now", now)["slas"]
        windows = data["maintenance"]["next"]
        assert len(windows) == 3
        for w in windows:
            start, end = (datetime.fromisoformat(w[k]).timestamp() for k in ("start", "end"))
            assert active_at(sla, start) and active_at(sla, end - 1), w
            assert not active_at(sla, start - 1) and not active_at(sla, end), w
        moment = datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp()
        assert (data["maintenance"]["open_now"] is not None) == active_at(sla, moment)


def test_alert_set_matches_the_generated_rules_for_every_example() -> None:
    from slaforge.rules import render

    rules_text = render(load_slas([EXAMPLES]))
    data = explain_json(EXAMPLES)
    listed = sorted(
        (a["alert"], s["sla"], o["objective"], tuple(sorted(a["labels"].items())))
        for s in data["slas"] for o in s["objectives"] for a in o["alert_rules"] if a["generated"]
    )
    generated = sorted(
        (r["alert"], r["labels"]["sla"], r["labels"]["objective"],
         tuple(sorted((k, v) for k, v in r["labels"].items() if k in ("severity", "receiver", "level", "credit"))))
        for g in yaml.safe_load(rules_text)["groups"] for r in g["rules"] if "alert" in r
    )
    assert listed == generated


def test_short_window_turns_the_ticket_off_with_the_reason(tmp_path: Path) -> None:
    data = explain_json(sla_file(tmp_path, edit(BASE, "window: 30d", "window: 1d")))
    ticket = objective(data, "checkout", "availability")["alert_rules"][1]
    assert ticket == {
        "alert": "SLAErrorBudgetBurn", "labels": {"severity": "ticket"}, "generated": False, "fires_when": "never",
        "note": "none of its burn-rate conditions can fire with a 1d window and this target",
    }


def test_no_maintenance_and_no_escalation(tmp_path: Path) -> None:
    text = BASE.split("  maintenance:")[0] + "  probes:" + BASE.split("  probes:")[1].split("  escalation:")[0]
    out = run(sla_file(tmp_path, text), "--now", "2026-12-02T12:00:00Z").stdout
    assert out.startswith(
        "SLA checkout: Payments Platform -> ACME Corp (checkout-api)\n"
        "  window 30d rolling, reported per month, timezone UTC\n"
        "  maintenance: none declared\n"
        "  escalation: none\n\n"
    )
    assert "SLAEscalation" not in out


def test_utc_sla_lists_windows_once_without_a_utc_column(tmp_path: Path) -> None:
    out = run(sla_file(tmp_path, BASE), "--now", "2026-12-01T03:00:00Z").stdout
    assert (
        "  maintenance, on the wall clock of UTC:\n"
        "    every sunday 02:00 for 2h\n"
        "    once 2026-12-01 02:00 +00:00 for 4h\n"
        "    now, 2026-12-01 03:00 +00:00: open until 2026-12-01 06:00 +00:00\n"
        "    next:\n"
        "      Sun 2026-12-06 02:00 +00:00 -> 2026-12-06 04:00 +00:00  2h\n"
        "      Sun 2026-12-13 02:00 +00:00 -> 2026-12-13 04:00 +00:00  2h\n"
        "      Sun 2026-12-20 02:00 +00:00 -> 2026-12-20 04:00 +00:00  2h\n"
    ) in out


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-12-01T02:00:00", "give the offset too, such as 2026-12-01T02:00:00Z"),
     ("tomorrow", "expected an ISO 8601 time such as 2026-12-01T02:00:00Z, got 'tomorrow'")],
)
def test_now_must_be_an_instant(value: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["explain", "--now", value, str(EXAMPLES)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


POLICIES = """\
    page: {enabled: true}
    policies:
      - {severity: page, budget_spent: 2%, long: 1h, short: 5m}
      - {severity: page, budget_spent: 10%, long: 1d, short: 2h}
      - {severity: ticket, budget_spent: 10%, long: 3d, short: 6h}
    min_events: 600
"""


def test_policies_min_events_and_credit_at_risk(tmp_path: Path) -> None:
    """An SLA's own policies, each with its factor and time to fire; what min_events means; one
    SLACreditAtRisk per credit tier."""
    data = explain_json(sla_file(tmp_path, edit(BASE, "    page: {enabled: true}\n", POLICIES)))
    availability = objective(data, "checkout", "availability")
    assert [(a["severity"], a["long_window"], a["short_window"], a["factor"], a["time_to_fire_human"],
             a["min_events_per_minute"]) for a in availability["alerts"]] == [
        ("page", "1h", "5m", 14.4, "52s", 10),
        ("page", "1d", "2h", 3, "4m 19s", pytest.approx(0.416667)),
        ("ticket", "3d", "6h", 1, "4m 19s", pytest.approx(0.138889)),
    ]
    assert availability["min_events"] == 600
    assert availability["min_events_meaning"].startswith(
        "a burn alert stays silent unless its long window holds at least 600 valid events: it needs on average "
        "10/min over 1h"
    )
    credit = [(a["labels"], a["generated"]) for a in availability["alert_rules"] if a["alert"] == "SLACreditAtRisk"]
    assert credit == [
        ({"severity": "ticket", "credit": "10"}, True), ({"severity": "ticket", "credit": "25"}, True),
        ({"severity": "ticket", "credit": "100"}, True),
    ]
    text = run(sla_file(tmp_path, edit(BASE, "    page: {enabled: true}\n", POLICIES))).stdout
    assert "page    1d & 2h  3x" in text and "min_events 600: a burn alert stays silent" in text
