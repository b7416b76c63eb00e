"""A month of the SLI's own counters (no recorded pieces) with numbers computed by hand, and the
generated rules backfilled over it, for the report's raw fallback and the review.

``history``: a probe SLI, 10 probes a minute from 2026-09-30 22:00 to 2026-11-01 01:00 UTC, one
sample a minute on the minute. October:

* an outage on Oct 20 from 10:00 to 12:00: 5 of the 10 probes of each minute fail (600 bad);
* a shorter one across midnight of Oct 15, from 23:50 to 00:10 (100 bad): where the test of half
  recorded, half raw data joins the two, so that a piece counted twice or left out shows;
* a declared maintenance window (``once``) on Oct 10 from 02:00 to 03:00 in which every probe fails:
  excluded, with the 1m pieces the rules zero around it: those at ``u`` in ``[02:00, 03:02)``, 62
  pieces of 10 probes;
* a page incident from 10:05 to 11:55 on Oct 20 (``ALERTS`` samples every 30 s), over the SLA's
  ``resolve_within: 1h``.

Valid events: 44,640 minutes minus the 62 zeroed pieces, times 10 = 445,780; bad events 700:
achieved (1 - 700/445,780) = 99.84297%, below the 99.9 tier (credit 10), not below 99 (25). Worst day:
Oct 20, 600 bad of 14,400 (95.8333%).

``fresh`` has only its rules' static series (rules loaded, no 5m piece, no SLI series) and ``absent``
nothing at all: the report says which.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from slaforge.conventions import (
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
    MAINTENANCE_ACTIVE,
    OBJECTIVE_RATIO,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
)
from slaforge.rules import generate_rule_file
from slaforge.spec.model import SLA
from tests.report.data import OpenMetrics
from tests.support.prometheus import PrometheusServer, backfill_openmetrics, backfill_rules

HISTORY_YAML = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: history}
spec:
  service: shop
  provider: Example Provider
  customer: ACME Corp
  window: 30d
  timezone: UTC
  maintenance:
    - once: {start: "2026-10-10T02:00:00Z", duration: 1h}
  probes:
    - {name: web, url: 'https://shop.example.com/'}
  objectives:
    - name: availability
      target: 99.9
      sli: {probe: web}
      credits:
        - {below: 99.9, credit: 10}
        - {below: 99.0, credit: 25}
  incidents:
    resolve_within: 1h
"""

OTHER_YAML = """
apiVersion: slaforge/v1
kind: SLA
metadata: {{name: {name}}}
spec:
  service: {name}
  provider: Example Provider
  customer: ACME Corp
  window: 30d
  probes:
    - {{name: web, url: 'https://{name}.example.com/'}}
  objectives:
    - name: availability
      target: 99.9
      sli: {{probe: web}}
"""

START = datetime(2026, 9, 30, 22, tzinfo=UTC)
END = datetime(2026, 11, 1, 1, tzinfo=UTC)
OUTAGE = (datetime(2026, 10, 20, 10, tzinfo=UTC), datetime(2026, 10, 20, 12, tzinfo=UTC))
JUNCTION = (datetime(2026, 10, 15, 23, 50, tzinfo=UTC), datetime(2026, 10, 16, 0, 10, tzinfo=UTC))
MAINTENANCE = (datetime(2026, 10, 10, 2, tzinfo=UTC), datetime(2026, 10, 10, 3, tzinfo=UTC))
PAGE = (datetime(2026, 10, 20, 10, 5, tzinfo=UTC), datetime(2026, 10, 20, 11, 55, tzinfo=UTC))
VALID, BAD = 445_780, 700


def failures_in_minute(end: datetime) -> int:
    begin = end - timedelta(minutes=1)
    if OUTAGE[0] <= begin < OUTAGE[1] or JUNCTION[0] <= begin < JUNCTION[1]:
        return 5
    if MAINTENANCE[0] <= begin < MAINTENANCE[1]:
        return 10
    return 0


def counters(builder: OpenMetrics, sla: str = "history", start: datetime = START, end: datetime = END,
             failures: object = failures_in_minute) -> None:
    probes = failed = 0
    probe_samples, failure_samples = [], []
    t = start
    while t <= end:
        if t > start:
            probes += 10
            failed += failures(t)  # type: ignore[operator]
        probe_samples.append((t, probes))
        failure_samples.append((t, failed))
        t += timedelta(minutes=1)
    builder.add("slaforge_probes_total", {"sla": sla, "probe": "web"}, probe_samples)
    builder.add("slaforge_probe_failures_total", {"sla": sla, "probe": "web", "reason": "status"},
                failure_samples)


def alerts(builder: OpenMetrics, sla: str, begin: datetime, end: datetime) -> None:
    labels = {"alertname": "SLAErrorBudgetBurn", "alertstate": "firing", "severity": "page", "sla": sla,
              "objective": "availability", "long_window": "1h"}
    samples = []
    t = begin
    while t <= end:
        samples.append((t, 1))
        t += timedelta(seconds=30)
    builder.add("ALERTS", labels, samples)


def history_data() -> str:
    builder = OpenMetrics()
    counters(builder)
    alerts(builder, "history", *PAGE)
    # `fresh`: its rules were loaded (the static series) but have not recorded a 5m piece
    stamps = [START + timedelta(minutes=i) for i in range(0, int((END - START).total_seconds() // 60), 1)]
    builder.add(OBJECTIVE_RATIO, {"sla": "fresh", "objective": "availability"}, ((t, 0.999) for t in stamps))
    return builder.text().replace("# TYPE slaforge_probes_total gauge", "# TYPE slaforge_probes counter").replace(
        "# TYPE slaforge_probe_failures_total gauge", "# TYPE slaforge_probe_failures counter")


def backfill_pieces(slas: list[SLA], storage: Path, work: Path, start: datetime, end: datetime) -> None:
    """The generated rules over the stored counters, in the passes of tests/report/test_report_chain.py.

    Every pass's file has the same name (in its own folder), so that promtool evaluates the
    maintenance state and the 1m pieces at the same offset, as Prometheus does within one group.
    """
    rule_file = generate_rule_file(slas)
    passes = [({MAINTENANCE_ACTIVE}, "60s"), ({BAD_EVENTS_1M, VALID_EVENTS_1M}, "60s"),
              ({BAD_EVENTS_5M, VALID_EVENTS_5M}, "300s")]
    for index, (names, interval) in enumerate(passes):
        folder = work / f"pass{index}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "slaforge.rules.yml"
        path.write_text(yaml.safe_dump(only(rule_file, names)))
        out = folder / "blocks"
        with PrometheusServer(folder / "prom", storage=storage) as server:
            backfill_rules(path, server.url, out, int(start.timestamp()), int(end.timestamp()),
                           eval_interval=interval)
        for block in out.iterdir():
            shutil.move(str(block), storage / block.name)


def only(rule_file: dict, names: set[str]) -> dict:  # type: ignore[type-arg]
    groups = []
    for group in rule_file["groups"]:
        rules = [r for r in group["rules"] if r.get("record") in names]
        if rules:
            groups.append({**group, "rules": rules})
    return {"groups": groups}


def raw_storage(storage: Path) -> None:
    backfill_openmetrics(history_data(), storage)
