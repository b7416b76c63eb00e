"""The report against a real Prometheus holding a backfilled month (tests/report/data.py).

Truths are computed by hand from the data's construction: October 2026 in UTC is 8,928 slots of
5 minutes; each acme objective has 100 valid events per slot (125 for the boundary ones), so
892,800 (1,116,000) valid events, and the bad events listed in data.ACME_BAD.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.report import PrometheusClient, PrometheusUnreachable, QueryRejected, build_report, report_json
from slaforge.spec import load_slas
from tests.support.prometheus import PrometheusServer, free_port

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def truncated(bad: int, valid: int) -> float:
    """The achieved percent as the report shows it: truncated to 4 decimals."""
    value = (1 - Fraction(bad, valid)) * 100
    return int(value * 10_000) / 10_000


def run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def october(month_prometheus: PrometheusServer, sla_files: dict[str, Path]) -> dict[str, Any]:
    slas = load_slas([sla_files["acme"], sla_files["berlin"]])
    client = PrometheusClient(month_prometheus.url)
    report = build_report(slas, client, "2026-10", NOW)
    data = report_json(report)
    data["_queries"] = client.queries
    return data


def objectives(data: dict[str, Any], sla: str) -> dict[str, dict[str, Any]]:
    entry = next(s for s in data["slas"] if s["sla"] == sla)
    return {o["objective"]: o for o in entry["objectives"]}


@pytest.mark.parametrize(
    ("name", "bad", "valid", "met", "credit"),
    [
        ("met", 800, 892_800, True, 0),  # 99.9103%: met
        ("tier1", 2_000, 892_800, False, 10),  # 99.7759%: below 99.9
        ("tier2", 20_000, 892_800, False, 25),  # 97.7598%: below 99
        ("tier3", 100_000, 892_800, False, 100),  # 88.7992%: below 95
        ("boundary", 1_116, 1_116_000, True, 0),  # exactly 99.9%: not below 99.9
        ("boundary-minus", 1_117, 1_116_000, False, 10),  # 99.89991%: below 99.9
    ],
)
def test_achieved_and_credit_match_hand_computed_truth(
    october: dict[str, Any], name: str, bad: int, valid: int, met: bool, credit: int
) -> None:
    o = objectives(october, "acme")[name]
    assert (o["bad_events"], o["valid_events"]) == (bad, valid)
    assert o["achieved"] == truncated(bad, valid)
    assert o["met"] is met
    assert o["credit"] == credit
    assert o["error_budget_spent"] == round(float(Fraction(bad, valid) / Fraction(1, 1000)), 4)
    assert o["no_data"] is False
    assert o["maintenance_seconds"] == 0


def test_literal_values_of_the_contract_shape(october: dict[str, Any]) -> None:
    o = objectives(october, "acme")
    assert (o["met"]["achieved"], o["tier1"]["achieved"], o["tier3"]["achieved"]) == (99.9103, 99.7759, 88.7992)
    assert (o["boundary"]["achieved"], o["boundary-minus"]["achieved"]) == (99.9, 99.8999)
    assert october["period"] == {
        "label": "2026-10", "start": "2026-09-30T22:00:00Z", "end": "2026-11-01T00:00:00Z", "partial": False,
    }
    keys = {"objective", "target", "achieved", "met", "error_budget_spent", "maintenance_seconds", "credit",
            "incidents"}
    assert keys <= set(o["met"])


def test_no_data_is_neither_100_nor_0(october: dict[str, Any]) -> None:
    o = objectives(october, "acme")
    for name in ("nodata", "idle"):  # no series at all; series that only ever recorded 0 valid events
        assert o[name]["no_data"] is True
        assert o[name]["achieved"] is None
        assert o[name]["met"] is None
        assert o[name]["credit"] is None
        assert o[name]["error_budget_spent"] is None
    assert o["nodata"]["data_coverage"] == 0.0
    assert o["idle"]["data_coverage"] == 1.0
    # what is missing, in words (the same sentence is the warning on stderr)
    assert o["idle"]["no_data_reason"].startswith("no valid events: the SLI's series were there but counted")
    assert o["nodata"]["no_data_reason"].startswith("neither the slaforge recording rules")


def test_maintenance_excluded_in_the_slas_timezone(october: dict[str, Any]) -> None:
    berlin = next(s for s in october["slas"] if s["sla"] == "berlin")
    assert berlin["period"]["start"] == "2026-10-01T00:00:00+02:00"
    assert berlin["period"]["end"] == "2026-11-01T00:00:00+01:00"  # 745 hours: DST ended Oct 25
    o = berlin["objectives"][0]
    # 1h of the window straddling the start + Sundays 4th, 18th, 25th (2h each, the 25th after the
    # DST change) + 3h on the 11th (a 2h `once` overlapping the weekly one by 1h) = 10h.
    assert o["maintenance_seconds"] == 36_000
    assert len(berlin["maintenance_windows"]) == 5
    # 8,940 local slots, 120 of them maintenance (recorded as 0), 60 valid events per slot; bad:
    # a 6h outage (72 x 60) and 30 in the last local slot; the 60s just outside are not counted.
    valid, bad = (8_940 - 120) * 60, 72 * 60 + 30
    assert (o["valid_events"], o["bad_events"]) == (valid, bad)
    assert o["achieved"] == truncated(bad, valid) == 99.178
    assert (o["met"], o["credit"]) == (False, 5)


def test_worst_days_and_incidents(october: dict[str, Any]) -> None:
    o = objectives(october, "acme")["tier2"]
    assert [(d["date"], d["achieved"], d["bad_events"]) for d in o["worst_days"]] == [
        ("2026-10-05", 50.0, 14_400), ("2026-10-06", 80.5555, 5_600),
    ]
    incidents = [(i["start"], i["end"], i["duration_seconds"], i["open_at_start"], i["open_at_end"])
                 for i in o["incidents"]]
    assert incidents == [
        ("2026-10-01T00:00:00Z", "2026-10-01T00:20:00Z", 1200, True, False),
        ("2026-10-05T12:05:00Z", "2026-10-05T20:00:00Z", 28_500, False, False),
        ("2026-10-05T20:10:00Z", "2026-10-05T21:00:00Z", 3000, False, False),
        ("2026-10-07T08:00:00Z", "2026-10-07T10:00:00Z", 7200, False, False),  # two policies, merged
        ("2026-10-31T23:30:00Z", "2026-11-01T00:00:00Z", 1800, False, True),
    ]  # the pending alert of Oct 9 and the ticket of Oct 12 are not incidents
    assert objectives(october, "acme")["tier1"]["incidents"] == []


def test_time_to_detect_and_to_resolve(october: dict[str, Any]) -> None:
    """From the first minute of the run of burning minutes that led into the page (11:52; the run of
    11:45-11:49 ended before it) to the page (12:05); none where no ratio was recorded."""
    incidents = objectives(october, "acme")["tier2"]["incidents"]
    assert [i["time_to_detect_seconds"] for i in incidents] == [None, 780, None, None, None]
    assert [i["time_to_resolve_seconds"] for i in incidents] == [1200, 28500, 3000, 7200, None]
    assert objectives(october, "acme")["tier2"]["incidents_over_target"] is None  # no resolve_within


def test_queries_per_sla_whatever_the_objectives(october: dict[str, Any]) -> None:
    """Three per SLA for a complete period (the daily sums its rules write, having credit tiers; the
    days' sums from the pieces, as the test data holds no daily sums; incidents); acme's ``nodata``
    objective adds one range query of its raw SLI series (for the whole period, not per day), one
    reading the rule groups' evaluation offsets (to join raw and recorded stretches exactly) and one
    asking whether its rules were loaded, to say what is missing."""
    assert october["_queries"] == 2 * 3 + 3 + 1  # and one for the time to detect (acme has pages)


def test_partial_period(month_prometheus: PrometheusServer, sla_files: dict[str, Path]) -> None:
    result = run(["report", str(sla_files["acme"]), "--prometheus", month_prometheus.url,
                  "--period", "this-month", "--now", "2026-10-16T00:00:00Z", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"]["partial"] is True
    assert data["slas"][0]["period"]["until"] == "2026-10-16T00:00:00Z"
    o = objectives(data, "acme")
    valid = 15 * 288 * 100  # Oct 1 .. 15
    assert o["tier3"]["valid_events"] == valid
    assert o["tier3"]["achieved"] == truncated(100_000, valid) == 76.8518
    assert o["tier3"]["credit"] == 100
    assert o["tier1"]["achieved"] == 100.0  # its outage is on Oct 20
    assert o["met"]["achieved"] == truncated(700, valid)
    assert [i["open_at_end"] for i in o["tier2"]["incidents"]] == [False, False, False, False]


def test_future_period_is_refused(month_prometheus: PrometheusServer, sla_files: dict[str, Path]) -> None:
    result = run(["report", str(sla_files["acme"]), "--prometheus", month_prometheus.url,
                  "--period", "2026-12", "--now", "2026-11-22T12:00:00Z"])
    assert result.exit_code == 1
    assert "period 2026-12 (UTC) has not started yet" in result.stderr
    assert result.stdout == ""


def test_unreachable_prometheus(sla_files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = run(["report", str(sla_files["acme"]), "--prometheus", f"http://127.0.0.1:{free_port()}",
                  "--period", "2026-10", "-o", str(out)])
    assert result.exit_code == 1
    assert "cannot reach Prometheus at http://127.0.0.1:" in result.stderr
    assert "connection refused" in result.stderr
    assert not out.exists()


def test_a_password_in_the_url_is_never_shown(sla_files: dict[str, Path]) -> None:
    url = f"http://reporter:s3cret@127.0.0.1:{free_port()}"
    result = run(["report", str(sla_files["acme"]), "--prometheus", url, "--period", "2026-10"])
    assert result.exit_code == 1
    assert "cannot reach Prometheus at http://reporter:***@127.0.0.1:" in result.stderr
    assert "s3cret" not in result.stderr


def test_not_a_prometheus(month_prometheus: PrometheusServer, sla_files: dict[str, Path]) -> None:
    result = run(["report", str(sla_files["acme"]), "--prometheus", month_prometheus.url + "/graph",
                  "--period", "2026-10"])
    assert result.exit_code == 1
    assert "is --prometheus the Prometheus base URL?" in result.stderr


def test_rejected_query_says_why(month_prometheus: PrometheusServer) -> None:
    client = PrometheusClient(month_prometheus.url)
    with pytest.raises(QueryRejected, match=r"rejected the query \(bad_data, HTTP 400\).*\n  query: sum\("):
        client.query("sum(", NOW)


def test_cli_formats_carry_the_same_numbers(month_prometheus: PrometheusServer, sla_files: dict[str, Path],
                                            output_dir: Path) -> None:
    base = ["report", str(sla_files["acme"]), str(sla_files["berlin"]), "--prometheus", month_prometheus.url,
            "--period", "2026-10", "--now", "2026-11-22T12:00:00Z"]
    md = run([*base, "--format", "md"])
    assert md.exit_code == 0
    assert "acme/nodata: no data in 2026-10: neither the slaforge recording rules" in md.stderr
    assert "are the recording rules loaded" not in md.stderr  # the old, misleading hint
    assert "| acme | tier1 | 99.9% | 99.7759% | breached | 224.01% | 0s | 0 | 10% |" in md.stdout
    assert "| berlin | availability | 99.5% | 99.178% | breached | 164.40% | 10h | 0 | 5% |" in md.stdout
    assert "| acme | nodata | 99.9% | no data | no data | no data | 0s | 0 | no data |" in md.stdout
    (output_dir / "report.md").write_text(md.stdout)
    html_path = output_dir / "report.html"
    html = run([*base, "--format", "html", "-o", str(html_path)])
    assert html.exit_code == 0 and html.stdout == ""
    page = html_path.read_text()
    assert "99.7759%" in page and "224.01%" in page and "99.178%" in page
    again = run([*base, "--format", "json"])
    assert again.stdout == run([*base, "--format", "json"]).stdout  # deterministic


def test_a_silent_server_times_out_with_a_clear_message() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts connections into the backlog, never answers
        client = PrometheusClient(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.5)
        with pytest.raises(PrometheusUnreachable, match=r"did not answer within 0.5s"):
            client.query("up", NOW)


def test_period_errors_come_before_any_query(sla_files: dict[str, Path]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: a query would fail differently
    result = run(["report", str(sla_files["acme"]), "--prometheus", url, "--period", "october"])
    assert result.exit_code == 1
    assert "unknown period 'october'; use one of 2026-10, 2026-Q4" in result.stderr
    result = run(["report", str(sla_files["acme"]), "--prometheus", url, "--now", "2026-10-01"])
    assert result.exit_code == 1
    assert "has no UTC offset" in result.stderr


def test_partial_quarter(month_prometheus: PrometheusServer, sla_files: dict[str, Path]) -> None:
    slas = load_slas([sla_files["acme"]])
    client = PrometheusClient(month_prometheus.url)
    data = report_json(build_report(slas, client, "2026-Q4", datetime(2026, 11, 3, tzinfo=UTC)))
    assert data["period"] == {"label": "2026-Q4", "start": "2026-10-01T00:00:00Z",
                              "end": "2027-01-01T00:00:00Z", "partial": True}
    o = objectives(data, "acme")
    valid = (31 + 2) * 288 * 100  # October and November 1-2
    assert (o["met"]["bad_events"], o["met"]["valid_events"]) == (800, valid)
    assert o["tier1"]["achieved"] == truncated(2_000, valid)
    assert client.queries == 3 + 3 + 1  # daily sums, buckets, incidents; nodata: offsets, raw, rules; detect


def test_days_add_up_to_the_totals_on_a_partial_period(month_prometheus: PrometheusServer,
                                                        sla_files: dict[str, Path]) -> None:
    """As of Oct 3 00:07:30 the 5m piece stamped 00:05 (100 bad of `met`'s 100 valid) follows the last
    whole 15-minute bucket: it is in the totals, so it is in Oct 3 too, and in the chart's last point."""
    slas = load_slas([sla_files["acme"], sla_files["berlin"]])
    now = datetime(2026, 10, 3, 0, 7, 30, tzinfo=UTC)
    report = build_report(slas, PrometheusClient(month_prometheus.url), "this-month", now)
    checked = 0
    for s in report.slas:
        for o in s.objectives:
            if o.valid_events is None or o.outcome.achieved is None:
                continue
            assert sum(d.valid for d in o.days) == o.valid_events
            assert sum(d.bad for d in o.days) == o.bad_events
            assert sum(d.valid_count for d in o.days) == o.valid_count
            assert sum(d.bad_count for d in o.days) == o.bad_count
            assert o.curve[-1][1] == pytest.approx(float(o.outcome.achieved), abs=1e-9)
            checked += 1
    assert checked == 7
    met = next(o for o in report.slas[0].objectives if o.name == "met")
    assert (met.days[-1].day.isoformat(), met.days[-1].bad, met.days[-1].valid) == ("2026-10-03", 100, 100)
    assert (met.bad_count, met.valid_count) == (100, 2 * 288 * 100 + 100)
