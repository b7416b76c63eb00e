"""The report's query plan (days first, buckets only where needed; SLAs asked together) gives exactly
the numbers of the plan it replaced: every bucket asked (``coarse_spans`` returning None, which the
report still does when days do not begin on the bucket grid). Same Prometheus, same period, same
JSON, same days, same coverage: on a DST month in Europe/Berlin, a partial period, a month half
recorded and half raw, a month of raw counters only, a group selected with ``--group``, the review.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import slaforge.report.batch as batch
from slaforge.report import PrometheusClient, build_report, report_json
from slaforge.report.model import Report
from slaforge.report.review import build_review
from slaforge.report.review_render import review_json
from slaforge.report.spans import sla_matcher
from slaforge.spec import load_slas
from slaforge.spec.model import SLA
from tests.report.test_report_groups import RAW_NOW, raw_server, sla_file  # noqa: F401  (fixtures)
from tests.report.test_report_history import HALF, raw_only, recorded, slas  # noqa: F401  (fixtures)
from tests.support.prometheus import PrometheusServer

collect = importlib.import_module("slaforge.report.collect")  # the package's `collect` is the function
pytestmark = pytest.mark.e2e


class Recording(PrometheusClient):
    """A client that keeps the text of every query it sends."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.sent: list[str] = []

    def _call(self, endpoint: str, params: dict[str, str]) -> Any:
        self.sent.append(params["query"])
        return super()._call(endpoint, params)


def shape(report: Report) -> list[Any]:
    """What the report says, days and coverage included (the JSON shows only the worst days)."""
    return [report_json(report)] + [
        (o.title, o.coverage, o.raw_stretches, [(d.day, d.bad, d.valid, d.bad_count, d.valid_count, d.source)
                                                for d in o.days])
        for s in report.slas for o in s.objectives
    ]


def both(slas: list[SLA], url: str, period: str, now: datetime, monkeypatch: pytest.MonkeyPatch,
         **options: Any) -> tuple[list[Any], list[Any], int, int]:
    new = PrometheusClient(url)
    got = shape(build_report(slas, new, period, now, **options))
    with monkeypatch.context() as patch:
        patch.setattr(collect, "coarse_spans", lambda *args: None)
        old = PrometheusClient(url)
        expected = shape(build_report(slas, old, period, now, **options))
    return got, expected, new.queries, old.queries


@pytest.mark.parametrize("when", [datetime(2026, 11, 22, tzinfo=UTC), datetime(2026, 10, 16, 13, 7, 30, tzinfo=UTC)])
def test_a_dst_month_and_a_partial_one(month_prometheus: PrometheusServer, sla_files: dict[str, Path],
                                       monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    """berlin's October has a 25-hour day (Europe/Berlin); as of Oct 16 13:07:30 the month is partial."""
    slas = load_slas([sla_files["acme"], sla_files["berlin"]])
    period = "2026-10" if when.month == 11 else "this-month"
    got, expected, _, _ = both(slas, month_prometheus.url, period, when, monkeypatch)
    assert got == expected
    berlin = next(s for s in got[0]["slas"] if s["sla"] == "berlin")
    assert berlin["period"]["timezone"] == "Europe/Berlin"


def test_half_recorded_half_raw_and_raw_only(recorded: PrometheusServer, raw_only: PrometheusServer,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for server in (recorded, raw_only):
        got, expected, _, _ = both(slas(), server.url, "2026-10", datetime(2026, 11, 20, tzinfo=UTC), monkeypatch)
        assert got == expected
    got, expected, _, _ = both(slas()[:1], recorded.url, "this-month", HALF.replace(hour=9, minute=7), monkeypatch)
    assert got == expected


def test_a_group_selected_reads_only_its_raw_series(raw_server: PrometheusServer, sla_file: Path,  # noqa: F811
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    slas = load_slas([str(sla_file)])
    got, expected, _, _ = both(slas, raw_server.url, "2026-10", RAW_NOW, monkeypatch, group={"customer": "globex"})
    assert got == expected
    client = Recording(raw_server.url)
    build_report(slas, client, "2026-10", RAW_NOW, group={"customer": "globex"})
    raw = [q for q in client.sent if "sum by (customer) (increase(http_requests_total" in q]  # availability's
    assert raw and all('customer="globex"' in q and 'customer="acme"' not in q for q in raw)


def test_the_review(recorded: PrometheusServer, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    now = datetime(2026, 11, 20, tzinfo=UTC)
    got = review_json(build_review(slas(), PrometheusClient(recorded.url), 2, now))
    with monkeypatch.context() as patch:
        patch.setattr(collect, "coarse_spans", lambda *args: None)
        expected = review_json(build_review(slas(), PrometheusClient(recorded.url), 2, now))
    assert got == expected


def test_slas_asked_together_give_what_each_gives_alone(month_prometheus: PrometheusServer,
                                                        sla_files: dict[str, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten SLAs of one period asked together: acme, and names around it that a loose match would confuse."""
    text = sla_files["acme"].read_text()
    names = ["acme", "acm", "cme", "acme-2", "xacme", "acme-acme", "a", "ac", "acmeacme", "acme0"]
    folder = sla_files["acme"].parent / "together"
    folder.mkdir(exist_ok=True)
    for i, name in enumerate(names):
        (folder / f"{i}.yaml").write_text(text.replace("{name: acme}", f"{{name: {name}}}", 1))
    slas = load_slas(sorted(str(p) for p in folder.glob("*.yaml")))
    now = datetime(2026, 11, 22, tzinfo=UTC)
    client = PrometheusClient(month_prometheus.url)
    together = report_json(build_report(slas, client, "2026-10", now))
    monkeypatch.setattr(batch, "AT_LEAST", 10_000)
    alone_client = PrometheusClient(month_prometheus.url)
    alone = report_json(build_report(slas, alone_client, "2026-10", now))
    assert together == alone
    assert client.queries < alone_client.queries
    data = {s["sla"]: s for s in together["slas"]}
    assert data["acme"]["objectives"][0]["valid_events"] > 0  # only the real acme has series
    assert all(o["no_data"] for name in names[1:] for o in data[name]["objectives"])


def test_sla_names_are_matched_as_they_are() -> None:
    assert sla_matcher(["a.b", "c|d", "(e)"]) == 'sla=~"a\\\\.b|c\\\\|d|\\\\(e\\\\)"'
    assert sla_matcher(["a.b"]) == 'sla="a.b"'
