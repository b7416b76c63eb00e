"""`slaforge review`: three months (August to October 2026) of recorded 5m pieces with known truth,
the periods and findings they give, and each finding's threshold raised and not raised.

SLA ``reviewed`` (target 99.9, ``resolve_within: 1h``), 100 valid events per 5m piece:

=========  ===============================================  ======================
objective  truth                                            findings
=========  ===============================================  ======================
breached   2,000 bad in August and October (missed), none   breached-repeatedly
           in September
loose      no bad event, no page                            target-too-loose
noisy      100 bad a month (11-12% of the budget), two      noisy-paging
           10-minute pages in September
slow       800 bad in October (89.6%), one 2h page in it    slow-resolution
gap        pieces only from September 1, none bad           no-data
=========  ===============================================  ======================
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.conventions import BAD_EVENTS_5M, VALID_EVENTS_5M
from slaforge.plan import plan_for
from slaforge.report.credits import outcome
from slaforge.report.incidents import Incident
from slaforge.report.model import ObjectiveReport
from slaforge.report.periods import resolve_period
from slaforge.report.review import PeriodNumbers, findings, last_periods
from slaforge.spec import load_text
from tests.report.data import OpenMetrics, stamps
from tests.support.browser import screenshot
from tests.support.prometheus import PrometheusServer, backfill_openmetrics

REVIEWED = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: reviewed}
spec:
  service: shop
  provider: Example Provider
  customer: ACME Corp
  window: 30d
  probes:
    - {name: web, url: 'https://shop.example.com/'}
  objectives:
""" + "".join(f"""    - name: {name}
      target: 99.9
      sli: {{probe: web}}
      credits:
        - {{below: 99.9, credit: 10}}
""" for name in ("breached", "loose", "noisy", "slow", "gap")) + """  incidents:
    resolve_within: 1h
"""

DATA_START = datetime(2026, 7, 31, tzinfo=UTC)
DATA_END = datetime(2026, 11, 2, tzinfo=UTC)
NOW = "2026-11-05T00:00:00Z"


def t(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


BAD = {  # objective -> {stamp: bad events}
    "breached": {**{t(8, 10, 10, 5 * i): 100.0 for i in range(1, 11)},
                 **{t(8, 11, 10, 5 * i): 100.0 for i in range(1, 11)},
                 **{t(10, 10, 10, 5 * i): 100.0 for i in range(1, 11)},
                 **{t(10, 11, 10, 5 * i): 100.0 for i in range(1, 11)}},
    "noisy": {t(8, 15, 12, 5): 100.0, t(9, 15, 12, 5): 100.0, t(10, 15, 12, 5): 100.0},
    "slow": {t(10, 15, 10, 5 * i): 100.0 for i in range(1, 9)},
}
PAGES = {"noisy": [(t(9, 10, 10), t(9, 10, 10, 10)), (t(9, 20, 10), t(9, 20, 10, 10))],
         "slow": [(t(10, 15, 10), t(10, 15, 12))]}


def review_data() -> str:
    builder = OpenMetrics()
    for name in ("breached", "loose", "noisy", "slow", "gap"):
        labels = {"sla": "reviewed", "objective": name}
        begin = t(9, 1) if name == "gap" else DATA_START
        times = list(stamps(begin, DATA_END))
        bad = BAD.get(name, {})
        builder.add(VALID_EVENTS_5M, labels, ((s, 100) for s in times))
        builder.add(BAD_EVENTS_5M, labels, ((s, bad.get(s, 0)) for s in times))
        for a, b in PAGES.get(name, []):
            builder.add("ALERTS", {"alertname": "SLAErrorBudgetBurn", "alertstate": "firing", "severity": "page",
                                   **labels}, ((a, 1), *((s, 1) for s in stamps(a, b, 30))))
    return builder.text()


@pytest.fixture(scope="module")
def review_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PrometheusServer, Path]]:
    work = tmp_path_factory.mktemp("review")
    backfill_openmetrics(review_data(), work / "data", block_hours=24 * 40)
    sla = work / "reviewed.yaml"
    sla.write_text(REVIEWED)
    with PrometheusServer(work, storage=work / "data") as server:
        yield server, sla


def run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def review(review_prometheus: tuple[PrometheusServer, Path]) -> dict[str, Any]:
    server, sla = review_prometheus
    result = run(["review", str(sla), "--prometheus", server.url, "--periods", "3", "--now", NOW,
                  "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["objective"]: o for o in data["slas"][0]["objectives"]}


@pytest.mark.e2e
def test_three_months_give_the_periods_and_the_expected_findings(review: dict[str, Any]) -> None:
    assert review["periods"] == ["2026-08", "2026-09", "2026-10"]
    objectives = by_name(review)
    assert {name: [f["code"] for f in o["findings"]] for name, o in objectives.items()} == {
        "breached": ["breached-repeatedly"],
        "loose": ["target-too-loose"],
        "noisy": ["noisy-paging"],
        "slow": ["slow-resolution"],
        "gap": ["no-data"],
    }
    breached = objectives["breached"]["periods"]
    assert [(p["period"], p["achieved"], p["met"], p["credit"]) for p in breached] == [
        ("2026-08", 99.7759, False, 10), ("2026-09", 100.0, True, 0), ("2026-10", 99.7759, False, 10)]
    assert breached[0]["error_budget_spent"] == 2.2401
    slow = objectives["slow"]["periods"][2]
    assert (slow["incidents"], slow["longest_incident_seconds"], slow["incidents_over_target"]) == (1, 7200, 1)
    assert slow["error_budget_spent"] == 0.8961
    noisy = objectives["noisy"]["periods"][1]
    assert (noisy["incidents"], noisy["longest_incident_seconds"], noisy["median_incident_seconds"]) == (2, 600, 600)
    assert noisy["pages_per_week"] == round(2 * 7 / 30, 2)
    assert objectives["gap"]["periods"][0]["no_data"] is True
    messages = {name: o["findings"][0]["message"] for name, o in objectives.items()}
    assert messages["breached"].startswith("missed the 99.9% target in 2 of 3 periods (2026-08: 99.7759%, "
                                           "2026-10: 99.7759%)")
    assert "1 of 1 page incidents lasted longer than the 1h resolution target (longest 2h, in 2026-10)" \
        in messages["slow"]
    assert "2026-09: 2 pages, 11.6% of the budget spent" in messages["noisy"]
    assert "spent at most 0% of the error budget in any of the 3 periods" in messages["loose"]
    assert messages["gap"].startswith("no data in 1 of 3 periods (2026-08)")


@pytest.mark.e2e
@pytest.mark.browser
def test_review_markdown_and_html(review_prometheus: tuple[PrometheusServer, Path], output_dir: Path) -> None:
    server, sla = review_prometheus
    md = run(["review", str(sla), "--prometheus", server.url, "--periods", "3", "--now", NOW])
    assert md.exit_code == 0, md.output
    assert "| Achieved | 99.7759% | 100% | 99.7759% |" in md.stdout
    assert "- **breached-repeatedly**: missed the 99.9% target in 2 of 3 periods" in md.stdout
    page = output_dir / "review.html"
    html = run(["review", str(sla), "--prometheus", server.url, "--periods", "3", "--now", NOW,
                "--format", "html", "-o", str(page)])
    assert html.exit_code == 0, html.output
    text = page.read_text()
    assert text.count('class="mini"') == 5 and "<script" not in text
    data = screenshot(page, output_dir / "review.png", height=2400)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


# --- each finding's threshold, without Prometheus ------------------------------------------------

SLA = load_text(REVIEWED, "reviewed.yaml")[0]
PERIODS = last_periods(plan_for(SLA), 4, datetime(2026, 11, 5, tzinfo=UTC))


def row(index: int, bad: int | None, incidents: tuple[float, ...] = (), valid: int = 1_000_000) -> PeriodNumbers:
    period = PERIODS[index]
    start = period.start
    report = ObjectiveReport(
        name="x", description=None, target=99.9, tiers=(),
        outcome=outcome(None if bad is None else Fraction(bad), None if bad is None else Fraction(valid), 99.9, ()),
        bad_events=None, valid_events=None, maintenance_seconds=0, days=(),
        incidents=tuple(Incident(start + timedelta(days=i + 1), start + timedelta(days=i + 1, seconds=s), False,
                                 False) for i, s in enumerate(incidents)),
        coverage=None, curve=(), resolve_within=3600,
    )
    return PeriodNumbers(period, report)


def codes(rows: list[PeriodNumbers], resolve_within: float | None = 3600) -> list[str]:
    return [f.code for f in findings(99.9, resolve_within, rows)]


def test_periods_are_the_last_complete_ones_oldest_first() -> None:
    assert [p.label for p in PERIODS] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert not any(p.partial for p in PERIODS)
    quarterly = load_text(REVIEWED.replace("window: 30d", "window: 30d\n  calendar: quarter"), "q.yaml")[0]
    periods = last_periods(plan_for(quarterly), 2, datetime(2026, 11, 5, tzinfo=UTC))
    assert [p.label for p in periods] == ["2026-Q2", "2026-Q3"]
    assert resolve_period("last", calendar="month", timezone_name="UTC",
                          now=datetime(2026, 11, 5, tzinfo=UTC)).label == PERIODS[-1].label


@pytest.mark.parametrize(("bads", "raised"), [
    ((2000, 2000, 0, 0), True),  # missed in exactly half
    ((2000, 0, 0, 0), False),  # once in four
    ((1000, 1000, 0, 0), False),  # exactly 99.9%: met
])
def test_breached_repeatedly(bads: tuple[int, ...], raised: bool) -> None:
    assert ("breached-repeatedly" in codes([row(i, b) for i, b in enumerate(bads)])) is raised


@pytest.mark.parametrize(("bads", "raised"), [
    ((100, 0, 50, 0), True),  # at most exactly a tenth of the budget
    ((101, 0, 50, 0), False),  # a little more than a tenth once
    ((0, 0, None, 0), False),  # a period without data: not enough to say
])
def test_target_too_loose(bads: tuple[int | None, ...], raised: bool) -> None:
    assert ("target-too-loose" in codes([row(i, b) for i, b in enumerate(bads)])) is raised


@pytest.mark.parametrize(("durations", "resolve_within", "raised"), [
    ((3601.0,), 3600, True),
    ((3600.0, 60.0), 3600, False),  # exactly the target is not over it
    ((7200.0,), None, False),  # no target, no finding
])
def test_slow_resolution(durations: tuple[float, ...], resolve_within: float | None, raised: bool) -> None:
    rows = [row(0, 800, durations), row(1, 800), row(2, 800), row(3, 800)]
    assert ("slow-resolution" in codes(rows, resolve_within)) is raised


@pytest.mark.parametrize(("bad", "pages", "raised"), [
    (500, (60.0,), True),  # met, exactly half the budget spent, paged
    (501, (60.0,), False),  # met but less than half left
    (2000, (60.0,), False),  # missed: the page was right
    (100, (), False),  # no page
])
def test_noisy_paging(bad: int, pages: tuple[float, ...], raised: bool) -> None:
    rows = [row(0, bad, pages), row(1, 800), row(2, 800), row(3, 800)]
    assert ("noisy-paging" in codes(rows)) is raised


@pytest.mark.parametrize(("bads", "raised"), [((None, 800, 800, 800), True), ((800, 800, 800, 800), False)])
def test_no_data(bads: tuple[int | None, ...], raised: bool) -> None:
    assert ("no-data" in codes([row(i, b) for i, b in enumerate(bads)])) is raised
