"""`slaforge explain`: budgets, burn-rate alerts and credit tiers in numbers a person can check by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slaforge.burnrate import burn_alerts, downtime_below, error_budget_time
from slaforge.cli import cli
from slaforge.spec import load_text
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
