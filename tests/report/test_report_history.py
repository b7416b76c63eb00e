"""The report from the SLI's own series where the rules recorded nothing (see history.py for the
hand-computed truth), and the same numbers when half of the month, or all of it, is recorded pieces."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.conventions import BAD_EVENTS_5M, VALID_EVENTS_5M
from slaforge.report import PrometheusClient, build_report, render_html, render_markdown, report_json
from slaforge.report.model import Report
from slaforge.spec import load_text
from slaforge.spec.model import SLA
from tests.report.history import (
    BAD,
    END,
    HISTORY_YAML,
    OTHER_YAML,
    START,
    VALID,
    backfill_pieces,
    raw_storage,
)
from tests.support.browser import screenshot
from tests.support.prometheus import PrometheusServer

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 11, 20, tzinfo=UTC)
HALF = datetime(2026, 10, 16, tzinfo=UTC)


def slas() -> list[SLA]:
    return [load_text(HISTORY_YAML, "history.yaml")[0],
            load_text(OTHER_YAML.format(name="fresh"), "fresh.yaml")[0],
            load_text(OTHER_YAML.format(name="absent"), "absent.yaml")[0]]


def report(server: PrometheusServer) -> tuple[Report, int]:
    client = PrometheusClient(server.url)
    built = build_report(slas(), client, "2026-10", NOW)
    return built, client.queries


def objective(data: dict[str, Any], sla: str) -> dict[str, Any]:
    entry = next(s for s in data["slas"] if s["sla"] == sla)
    result: dict[str, Any] = entry["objectives"][0]
    return result


@pytest.fixture(scope="module")
def raw_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    work = tmp_path_factory.mktemp("history-raw")
    raw_storage(work / "data")
    with PrometheusServer(work, storage=work / "data") as server:
        yield server


@pytest.fixture(scope="module")
def recorded(raw_only: PrometheusServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    work = tmp_path_factory.mktemp("history-recorded")
    storage = work / "data"
    storage.mkdir()
    for block in raw_only.storage.iterdir():
        if (block / "meta.json").exists():
            shutil.copytree(block, storage / block.name)
    backfill_pieces(slas()[:1], storage, work, START, END)
    with PrometheusServer(work / "prom", storage=storage) as server:
        yield server


def check_truth(o: dict[str, Any]) -> None:
    achieved = (1 - Fraction(BAD, VALID)) * 100
    assert (o["valid_events"], o["bad_events"]) == (VALID, BAD)
    assert o["achieved"] == int(achieved * 10_000) / 10_000 == 99.8429
    assert (o["met"], o["credit"]) == (False, 10)
    assert o["worst_days"][0] == {"date": "2026-10-20", "achieved": 95.8333, "bad_events": 600,
                                  "valid_events": 14_400, "source": o["worst_days"][0]["source"]}
    assert [(i["start"], i["end"], i["duration_seconds"], i["over_target"]) for i in o["incidents"]] == [
        ("2026-10-20T10:05:00Z", "2026-10-20T11:55:00Z", 6600, True)]
    assert o["incidents_over_target"] == 1
    assert o["maintenance_seconds"] == 3600


@pytest.mark.browser
def test_a_month_of_raw_counters_only(raw_only: PrometheusServer, output_dir: Path) -> None:
    built, queries = report(raw_only)
    data = report_json(built)
    o = objective(data, "history")
    check_truth(o)
    assert o["source"] == "raw" and o["worst_days"][0]["source"] == "raw"
    assert o["raw_stretches"] == [{"start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z"}]
    # history: the daily sums (it has credit tiers: none here), buckets, incidents, its raw series in
    # one range query (not one per day), the time to detect (it paged); fresh and absent: buckets,
    # incidents, raw series, whether their rules were loaded
    assert queries == 5 + 4 + 4
    md = render_markdown(built)
    assert "computed from the SLI's own series" in md and "700 bad of 445,780 valid events*" in md
    assert "| 2026-10-20 10:05 +00:00 | 2026-10-20 11:55 +00:00 | unknown | 1h 50m | **yes** |" in md
    page = output_dir / "report-raw.html"
    page.write_text(render_html(built))
    assert "computed from the SLI&#39;s own series" in page.read_text()
    assert screenshot(page, output_dir / "report-raw.png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_partial_period_from_raw_counters_adds_up(raw_only: PrometheusServer) -> None:
    """As of Oct 16 00:07:30 the tail after the last whole bucket is read from the raw counters too
    (the 1m pieces of (23:58:30, 00:06:00]: 8 of them), and the days add up to the totals."""
    now = datetime(2026, 10, 16, 0, 7, 30, tzinfo=UTC)
    client = PrometheusClient(raw_only.url)
    built = build_report(slas()[:1], client, "this-month", now)
    o = built.slas[0].objectives[0]
    assert o.valid_count == 15 * 14_400 - 620 + 80
    assert sum(d.valid for d in o.days) == o.valid_events and sum(d.bad for d in o.days) == o.bad_events
    assert sum(d.valid_count for d in o.days) == o.valid_count
    assert o.days[-1].day.isoformat() == "2026-10-16" and o.source == "raw"
    assert client.queries == 6  # daily sums, buckets, tail, incidents, raw buckets (one range query), raw tail


def test_no_data_says_what_is_missing(raw_only: PrometheusServer) -> None:
    data = report_json(report(raw_only)[0])
    fresh, absent = objective(data, "fresh"), objective(data, "absent")
    assert fresh["no_data"] and absent["no_data"]
    assert "rules are loaded but had not recorded a 5m piece" in fresh["no_data_reason"]
    assert "neither the slaforge recording rules" in absent["no_data_reason"]


def test_recorded_pieces_give_the_same_numbers(recorded: PrometheusServer) -> None:
    data = report_json(report(recorded)[0])
    o = objective(data, "history")
    check_truth(o)
    assert o["source"] == "recorded" and o["raw_stretches"] == []


def test_half_recorded_half_raw_gives_the_same_numbers(recorded: PrometheusServer) -> None:
    """The 5m pieces of the first half of October deleted: that half is read from the raw counters,
    joined to the recorded half where an outage runs across the junction (Oct 16 00:00)."""
    all_pieces = report_json(report(recorded)[0])
    for name in (VALID_EVENTS_5M, BAD_EVENTS_5M):
        response = requests.post(f"{recorded.url}/api/v1/admin/tsdb/delete_series",
                                 params={"match[]": f'{name}{{sla="history"}}', "start": START.timestamp(),
                                         "end": HALF.timestamp()}, timeout=60)
        assert response.status_code == 204, response.text
    half = report_json(report(recorded)[0])
    o, whole = objective(half, "history"), objective(all_pieces, "history")
    check_truth(o)
    assert o["source"] == "raw"
    assert o["raw_stretches"] == [{"start": "2026-10-01T00:00:00Z", "end": "2026-10-16T00:00:00Z"}]
    for key in ("achieved", "credit", "error_budget_spent", "valid_events", "bad_events", "worst_days"):
        if key == "worst_days":
            assert [{**d, "source": ""} for d in o[key]] == [{**d, "source": ""} for d in whole[key]]
        else:
            assert o[key] == whole[key], key
    assert o["valid_events_exact"] == whole["valid_events_exact"]


def test_backfill_records_the_pieces_the_report_reads(raw_only: PrometheusServer, tmp_path: Path) -> None:
    """`slaforge backfill` over the raw month: one promtool pass, no 5m evaluation left out, and the
    report from the backfilled pieces gives the hand-computed numbers; a second run over the same
    range is refused (it would count the events twice)."""
    sla_file = tmp_path / "history.yaml"
    sla_file.write_text(HISTORY_YAML)
    out = tmp_path / "backfill"
    args = ["backfill", str(sla_file), "--prometheus", raw_only.url, "--start", "2026-09-30T23:00:00Z",
            "--end", "2026-11-01T00:30:00Z", "-o", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "move them into Prometheus' data directory" in result.stdout
    storage = tmp_path / "data"
    storage.mkdir()
    for block in [*raw_only.storage.iterdir(), *(out / "blocks").iterdir()]:
        if (block / "meta.json").exists():
            shutil.copytree(block, storage / block.name)
    with PrometheusServer(tmp_path / "prom", storage=storage) as server:
        found = [float(t) for t, _ in server.query(f'{VALID_EVENTS_5M}{{sla="history"}}[33d]',
                                                   END.timestamp())[0]["values"]]
        assert [b - a for a, b in itertools.pairwise(found)] == [300.0] * (len(found) - 1)
        data = report_json(report(server)[0])
        again = CliRunner().invoke(cli, [*args[:3], server.url, *args[4:]], catch_exceptions=False)
    o = objective(data, "history")
    check_truth(o)
    assert o["source"] == "recorded"
    assert again.exit_code == 1
    assert "history already has recorded 5m pieces between 2026-09-30T23:00:00Z and" in again.output
