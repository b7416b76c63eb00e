"""The whole chain: raw request counters -> the real generated recording rules (backfilled with
`promtool tsdb create-blocks-from rules`) -> the report.

Two days of ``http_requests_total`` at one sample a minute (the report runs on the partial
October as of its 3rd day): 10 good requests a minute throughout, a 4h outage of 20 errors a
minute (counted), and errors during a declared maintenance window (daily 03:00-04:00: excluded
by the rules, so never seen by the report), and in September (not October).

The rules are backfilled in three passes, as each reads series recorded by the one before (promtool
evaluates against the server, not the blocks it writes): ``slaforge:maintenance:active``, the 1m
pieces (gated by it), then the 5m pieces (sums of five 1m pieces), each at its group's interval.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from slaforge.conventions import (
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
    MAINTENANCE_ACTIVE,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
)
from slaforge.report import PrometheusClient, build_report, report_json
from slaforge.rules import generate_rule_file
from slaforge.rules.maintenance import active_at
from slaforge.spec import load_text
from tests.report.data import OpenMetrics
from tests.support.prometheus import PrometheusServer, backfill_openmetrics, backfill_rules

pytestmark = pytest.mark.e2e

CHAIN = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: chain}
spec:
  service: api
  provider: Example Provider
  customer: ACME Corp
  window: 30d
  timezone: UTC
  maintenance:
    - daily: {start: "03:00", duration: 1h}
  objectives:
    - name: errors
      target: 99
      sli:
        ratio:
          errors: http_requests_total{job="api",code=~"5.."}
          total: http_requests_total{job="api"}
      credits:
        - {below: 99, credit: 10}
        - {below: 95, credit: 30}
"""

START = datetime(2026, 9, 30, 22, tzinfo=UTC)  # a little of September, for the first 5m piece
END = datetime(2026, 10, 3, 1, tzinfo=UTC)
OCT, NOW = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 3, tzinfo=UTC)  # 2 days of October
OUTAGE = (datetime(2026, 10, 1, 10, tzinfo=UTC), datetime(2026, 10, 1, 14, tzinfo=UTC))
MAINTENANCE_OUTAGE = (datetime(2026, 10, 2, 3, tzinfo=UTC), datetime(2026, 10, 2, 4, tzinfo=UTC))
SEPTEMBER_OUTAGE = (datetime(2026, 9, 30, 22, 30, tzinfo=UTC), datetime(2026, 9, 30, 23, 30, tzinfo=UTC))


def errors_in_minute(end: datetime) -> int:
    """5xx requests in the minute ending at ``end``."""
    begin = end - timedelta(minutes=1)
    if OUTAGE[0] <= begin < OUTAGE[1]:
        return 20
    if MAINTENANCE_OUTAGE[0] <= begin < MAINTENANCE_OUTAGE[1] or SEPTEMBER_OUTAGE[0] <= begin < SEPTEMBER_OUTAGE[1]:
        return 50
    return 0


def minutes() -> list[datetime]:
    count = int((END - START).total_seconds() // 60)
    return [START + timedelta(minutes=i) for i in range(count + 1)]


def raw_counters() -> str:
    builder = OpenMetrics()
    ok = err = 0
    ok_samples, err_samples = [], []
    for i, t in enumerate(minutes()):
        if i:
            ok += 10
            err += errors_in_minute(t)
        ok_samples.append((t, ok))
        err_samples.append((t, err))
    builder.add("http_requests_total", {"job": "api", "code": "200"}, ok_samples)
    builder.add("http_requests_total", {"job": "api", "code": "500"}, err_samples)
    return builder.text().replace("# TYPE http_requests_total gauge", "# TYPE http_requests counter")


def counters() -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Samples of (all requests, 5xx requests), one a minute from START."""
    totals, errors = [], []
    total = error = 0
    for i, m in enumerate(minutes()):
        if i:
            e = errors_in_minute(m)
            error += e
            total += 10 + e
        totals.append((m.timestamp(), float(total)))
        errors.append((m.timestamp(), float(error)))
    return totals, errors


def increase(samples: list[tuple[float, float]], t: float, rng: float = 300) -> float:
    """Prometheus 2.x ``increase(x[rng])`` at ``t`` over regular counter samples without resets:
    the samples of [t - rng, t], extrapolated towards the range's ends."""
    inside = [(s, v) for s, v in samples if t - rng <= s <= t]
    if len(inside) < 2:
        return 0.0
    (first_t, first_v), (last_t, last_v) = inside[0], inside[-1]
    sampled = last_t - first_t
    average = sampled / (len(inside) - 1)
    to_start, to_end = first_t - (t - rng), t - last_t
    if last_v > first_v and first_v >= 0:
        to_start = min(to_start, sampled * first_v / (last_v - first_v))  # never before the zero point
    extend = (to_start if to_start < average * 1.1 else average / 2) + (
        to_end if to_end < average * 1.1 else average / 2)
    return (last_v - first_v) * (sampled + extend) / sampled


def truth(sla, fives: list[float], ones: list[float], gates: list[float]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Bad and valid events of the report's range as the rules count them, at the instants the
    rules were really evaluated (promtool offsets each group within its interval, as Prometheus
    does): a 5m piece stamped t is the sum of the 1m pieces of [t-6m30s, t-1m30s]; a 1m piece stamped u is
    increase(...[2m]) / 2 at u, left out when a maintenance sample of [u-2m, u] (Prometheus 2.x
    ranges include both ends) was 1."""
    totals, errors = counters()
    bad = valid = 0.0
    for t in fives:
        if not OCT.timestamp() < t <= NOW.timestamp():
            continue
        for u in (u for u in ones if t - 390 <= u <= t - 90):
            if any(u - 120 <= s <= u and active_at(sla, s) for s in gates):
                continue
            bad += increase(errors, u, 120) / 2
            valid += increase(totals, u, 120) / 2
    return bad, valid


def only(rule_file: dict, names: set[str]) -> dict:  # type: ignore[type-arg]
    groups = []
    for group in rule_file["groups"]:
        rules = [r for r in group["rules"] if r.get("record") in names]
        if rules:
            groups.append({**group, "rules": rules})
    return {"groups": groups}


def test_report_from_raw_counters_through_the_generated_rules(tmp_path: Path) -> None:
    sla = load_text(CHAIN, "chain.yaml")[0]
    storage = tmp_path / "data"
    backfill_openmetrics(raw_counters(), storage)
    rule_file = generate_rule_file([sla])
    start, end = int(START.timestamp()), int(END.timestamp())
    passes = [({MAINTENANCE_ACTIVE}, "60s"), ({BAD_EVENTS_1M, VALID_EVENTS_1M}, "60s"),
              ({BAD_EVENTS_5M, VALID_EVENTS_5M}, "300s")]
    for index, (names, interval) in enumerate(passes):
        path = tmp_path / f"pass{index}.rules.yml"
        path.write_text(yaml.safe_dump(only(rule_file, names)))
        out = tmp_path / f"pass{index}"
        with PrometheusServer(tmp_path / f"prom{index}", storage=storage) as server:
            backfill_rules(path, server.url, out, start, end, eval_interval=interval)
        for block in out.iterdir():
            shutil.move(str(block), storage / block.name)

    with PrometheusServer(tmp_path / "prom-report", storage=storage) as server:
        at = END.timestamp()
        stamps = [[float(t) for t, _ in server.query(f'{name}{{sla="chain"}}[3d]', at)[0]["values"]]
                  for name in (VALID_EVENTS_5M, VALID_EVENTS_1M, MAINTENANCE_ACTIVE)]
        report = report_json(build_report([sla], PrometheusClient(server.url), "2026-10", NOW))
    for found, step in zip(stamps[:2], (300, 60), strict=True):  # promtool left no evaluation out
        assert [b - a for a, b in pairwise(found)] == [pytest.approx(step)] * (len(found) - 1)
    bad, valid = truth(sla, *stamps)
    assert bad == pytest.approx(4_800)  # the outage, wherever the pieces fall; nothing of maintenance
    # 2,880 1m pieces of 10 good requests, about 61 of them left out around each of the two 1h
    # windows (depending on the evaluation offsets), plus the errors
    assert any(valid == pytest.approx((2880 - 2 * n) * 10 + 4_800) for n in (60, 61, 62, 63)), valid

    o = report["slas"][0]["objectives"][0]
    assert report["slas"][0]["period"]["partial"] is True
    assert o["bad_events"] == pytest.approx(bad, rel=1e-9)
    assert o["valid_events"] == pytest.approx(valid, rel=1e-9)
    achieved = (1 - Fraction(bad) / Fraction(valid)) * 100
    assert o["achieved"] == int(achieved * 10_000) / 10_000
    assert 85 < o["achieved"] < 86
    assert (o["met"], o["credit"]) == (False, 30)
    assert o["maintenance_seconds"] == 2 * 3600
    assert o["worst_days"][0]["date"] == "2026-10-01"
