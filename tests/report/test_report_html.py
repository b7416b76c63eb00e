"""The HTML report: self-contained, printable, same numbers as JSON and Markdown, and it renders
in headless Chromium (screenshot kept in tests/output/report.png)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from slaforge.plan import plan_for
from slaforge.report import PrometheusClient, build_report, render_html, render_json, render_markdown
from slaforge.report.assemble import assemble_sla
from slaforge.report.collect import Bucket, RawSLA
from slaforge.report.model import Report
from slaforge.report.periods import resolve_period
from slaforge.spec import load_slas, load_text
from tests.report.data import acme_yaml
from tests.support.prometheus import PrometheusServer

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def synthetic_report() -> Report:
    """A report assembled from hand-made query results: no Prometheus needed."""
    sla = load_text(acme_yaml(), "acme.yaml")[0]
    period = resolve_period("2026-10", calendar="month", timezone_name="UTC", now=NOW)
    raw = RawSLA()
    start = period.start.timestamp()
    raw.buckets["tier1"] = [Bucket(start + 900 * (i - 1), start + 900 * i, "100" if 1900 <= i < 1920 else "0",
                                   "300", "recorded") for i in range(1, 2977)]
    raw.buckets["met"] = [Bucket(start + 900 * (i - 1), start + 900 * i, "0", "300", "recorded")
                          for i in range(1, 2977)]
    raw.firing["tier1"] = [start + 86400 * 19 + 36000 + 30 * i for i in range(100)]
    return Report(as_of=NOW, prometheus="http://prometheus.example:9090",
                  slas=(assemble_sla(plan_for(sla), period, raw),))


def test_html_is_self_contained_and_printable() -> None:
    page = render_html(synthetic_report())
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "@import" not in page and "url(" not in page
    assert "@media print" in page
    assert page.count("<svg") == 8  # one chart per objective
    assert "99.7759%" in page and "224.01%" in page
    assert "2026-10-20 10:00" in page  # the incident, in the SLA's timezone


def test_markdown_and_json_carry_the_same_numbers() -> None:
    report = synthetic_report()
    data = json.loads(render_json(report))
    tier1 = next(o for o in data["slas"][0]["objectives"] if o["objective"] == "tier1")
    assert (tier1["achieved"], tier1["error_budget_spent"], tier1["credit"]) == (99.7759, 2.2401, 10)
    assert tier1["worst_days"][0]["date"] == "2026-10-20"
    md = render_markdown(report)
    assert "| acme | tier1 | 99.9% | 99.7759% | breached | 224.01% | 0s | 1 | 10% |" in md
    assert "| acme | met | 99.9% | 100% | met | 0.00% | 0s | 0 | 0% |" in md
    assert "| acme | nodata | 99.9% | no data | no data | no data | 0s | 0 | no data |" in md


def test_rendering_is_deterministic() -> None:
    assert render_html(synthetic_report()) == render_html(synthetic_report())


@pytest.mark.e2e
@pytest.mark.browser
def test_html_renders_in_headless_chromium(month_prometheus: PrometheusServer, sla_files: dict[str, Path],
                                           output_dir: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.fail("chromium is not installed; run `make system-deps`")
    slas = load_slas([sla_files["acme"], sla_files["berlin"]])
    report = build_report(slas, PrometheusClient(month_prometheus.url), "2026-10", NOW)
    page = output_dir / "report.html"
    page.write_text(render_html(report))
    shot = output_dir / "report.png"
    shot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             f"--screenshot={shot}", "--window-size=1200,1600", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=60,
        )
    assert shot.exists()
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a blank page is a few kB


def test_partial_period_is_marked_everywhere() -> None:
    sla = load_text(acme_yaml(), "acme.yaml")[0]
    now = datetime(2026, 10, 16, tzinfo=UTC)
    period = resolve_period("this-month", calendar="month", timezone_name="UTC", now=now)
    report = Report(as_of=now, prometheus="http://p:9090", slas=(assemble_sla(plan_for(sla), period, RawSLA()),))
    assert "Partial period" in render_markdown(report)
    assert "Partial period." in render_html(report)
    data = json.loads(render_json(report))
    assert data["period"]["partial"] is True
    assert data["slas"][0]["period"]["until"] == "2026-10-16T00:00:00Z"
    assert all(o["no_data"] for o in data["slas"][0]["objectives"])


def berlin_report(name: str = "directory") -> Report:
    """The Berlin SLA (renamed ``name``) with a page incident across the autumn DST change."""
    from tests.report.data import BERLIN_YAML

    sla = load_text(BERLIN_YAML.replace("metadata: {name: berlin}", f"metadata: {{name: {name}}}"), "b.yaml")[0]
    period = resolve_period("2026-10", calendar="month", timezone_name="Europe/Berlin", now=NOW)
    raw = RawSLA()
    first = period.start.timestamp()
    raw.buckets["availability"] = [Bucket(first, first + 900, "10", "89280", "recorded")]
    # firing from 00:30 to 01:30 UTC on Oct 25: 02:30 CEST, i.e. in the hour that happens twice
    start = datetime(2026, 10, 25, 0, 30, tzinfo=UTC).timestamp()
    raw.firing["availability"] = [start + 30 * i for i in range(121)]
    return Report(as_of=NOW, prometheus="http://prometheus.example:9090",
                  slas=(assemble_sla(plan_for(sla), period, raw),))


def test_local_times_carry_their_utc_offset() -> None:
    """02:30 happens twice in Berlin on Oct 25: the offset says which (and the period's ends show DST)."""
    md = render_markdown(berlin_report())
    assert "Period 2026-10: 2026-10-01 00:00 +02:00 to 2026-11-01 00:00 +01:00 (Europe/Berlin)." in md
    assert "| 2026-10-25 02:30 +02:00 | 2026-10-25 02:30 +01:00 | unknown | 1h |" in md
    html = render_html(berlin_report())
    assert "<tr><td>2026-10-25 02:30 +02:00</td><td>2026-10-25 02:30 +01:00</td>" in html
    assert "2026-10-01 00:00 +02:00 to 2026-11-01 00:00 +01:00 (Europe/Berlin)" in html


def test_an_sla_named_after_its_service_is_titled_once() -> None:
    md = render_markdown(berlin_report("directory"))
    assert "\n## directory\n" in md and "directory: directory" not in md
    assert "<h2>directory</h2>" in render_html(berlin_report("directory"))
    assert "\n## other: directory\n" in render_markdown(berlin_report("other"))
    assert "<h2>other: directory</h2>" in render_html(berlin_report("other"))
