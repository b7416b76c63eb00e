"""The exporter's pure parts: windows, targets, sharding, the schedule and the fast exposition."""

from __future__ import annotations

import io
import json
import math

import yaml
from prometheus_client.exposition import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from slaforge.exporter.collector import ExporterCollector, Exposition, ProbeCollector, SchedulerStats
from slaforge.exporter.collector.families import ExporterInfo
from slaforge.exporter.log import Logger
from slaforge.exporter.reload import plan
from slaforge.exporter.result import ProbeResult
from slaforge.exporter.rolling import RollingCounts
from slaforge.exporter.scheduler import first_slot, offset_of
from slaforge.exporter.state import ObjectiveState, ProbeState
from slaforge.exporter.targets import build_targets, objectives_of, parse_shard, shard_of
from slaforge.spec.model import SLA


def make_sla(name: str = "shop", probes: int = 3, threshold: str = "250ms") -> SLA:
    doc = yaml.safe_load(f"""
apiVersion: slaforge/v1
kind: SLA
metadata: {{name: {name}}}
spec:
  service: s
  provider: p
  customer: c
  window: 30d
  probes: []
  objectives:
    - {{name: availability, target: 99.9, sli: {{probe: p0}}}}
    - {{name: fast, target: 99, sli: {{probe_latency: {{probe: p0, threshold: {threshold}}}}}}}
    - {{name: api, target: 99, sli: {{ratio: {{errors: 'e_total{{code="5"}}', total: e_total}}}}}}
""")
    doc["spec"]["probes"] = [
        {"name": f"p{i}", "url": f"https://h{i}.example/x" if i % 2 else f"tcp://h{i}:80", "interval": "10s"}
        for i in range(probes)
    ]
    return SLA.model_validate(doc)


def test_rolling_window_slides_and_forgets() -> None:
    window = RollingCounts(span=60, buckets=6)
    for second in range(60):
        window.add(1000 + second, good=second % 2 == 0)
    assert window.ratio(1059) == 0.5
    assert window.valid == 60
    # 30 s later the oldest three buckets (30 events) have slid out
    assert window.ratio(1089.5) is not None
    assert window.valid == 30
    assert window.ratio(5000) is None  # everything forgotten


def test_rolling_memory_is_constant() -> None:
    window = RollingCounts(span=300, buckets=30)
    for i in range(100_000):
        window.add(i * 0.01, good=True)
    assert len(window._valid) == 30
    assert window.valid <= 30_000


def test_buckets_include_latency_thresholds_and_stop_at_timeout() -> None:
    (p0, p1, *_) = build_targets([make_sla(threshold="123ms")])
    assert 0.123 in p0.buckets
    assert p0.buckets[-1] >= p0.probe.timeout.seconds
    assert all(b <= 10 for b in p0.buckets)
    assert 0.123 not in p1.buckets


def test_only_probe_objectives_are_measured() -> None:
    refs = objectives_of([make_sla()])
    assert [(r.name, r.threshold) for r in refs] == [("availability", None), ("fast", 0.25)]


def test_shards_partition_probes_stably() -> None:
    sla = make_sla(probes=60)
    everything = {t.key for t in build_targets([sla])}
    parts = [{t.key for t in build_targets([sla], (i, 3))} for i in range(3)]
    assert set().union(*parts) == everything
    assert sum(len(p) for p in parts) == len(everything)
    assert all(parts)
    # a stable hash: this value never changes between processes or releases
    assert shard_of("shop", "p0", 3) == shard_of("shop", "p0", 3)
    assert parse_shard("2/3") == (2, 3)
    for bad in ("3/3", "-1/2", "x", "1/0"):
        try:
            parse_shard(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_phase_spreads_probes_over_the_interval() -> None:
    targets = build_targets([make_sla("a", probes=100), make_sla("b", probes=100)])  # 100 per SLA at most
    phases = sorted(t.phase for t in targets)
    # roughly uniform: every tenth of the interval gets some probes
    deciles = {int(p * 10) for p in phases}
    assert deciles == set(range(10))
    assert first_slot(1000.0, 10.0, offset_of(10.0, 0.25)) == 1002.5
    assert first_slot(1002.5, 10.0, 2.5) == 1012.5
    # on a 50 ms grid: 10 s * 0.12345 = 1.2345 s -> 1.25 s
    assert offset_of(10.0, 0.12345, 0.05) == 1.25
    assert offset_of(10.0, 0.999, 0.05) == 0.0  # 9.99 s rounds to 10 s, which is the next 0
    assert offset_of(0.03, 0.5, 0.05) == 0.015  # an interval shorter than the grid is not rounded


def test_reload_plan_keeps_unchanged_probes() -> None:
    old = {t.key: t for t in build_targets([make_sla(probes=3)])}
    changed = make_sla(probes=4, threshold="300ms")  # p0's buckets change, p3 is new
    p = plan(old, build_targets([changed]))
    assert [t.probe.name for t in p.keep] == ["p1", "p2"]
    assert [t.probe.name for t in p.restart] == ["p0"]
    assert [t.probe.name for t in p.add] == ["p3"]
    assert p.remove == []


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def test_fast_exposition_equals_prometheus_client_rendering() -> None:
    targets = build_targets([make_sla(probes=5), make_sla("weird", probes=2)])
    states = [ProbeState(t) for t in targets]
    objectives = []
    for ref in objectives_of([make_sla(probes=5)]):
        obj = ObjectiveState(ref)
        objectives.append(obj)
        states[1].objectives.append(obj)
    clock = [100.0]
    results = [
        ProbeResult(True, 0.012, status_code=200, cert_expiry=1.9e9),
        ProbeResult.failed("timeout", 5.0, "x"),
        ProbeResult.failed("status", 0.3, "x", status_code=503),
        ProbeResult(True, 0.26, status_code=204),
    ]
    for i, state in enumerate(states):
        for r in results[: i % 5]:
            state.record(r, clock[0])
    ex = Exposition()
    ex.register(ProbeCollector(lambda: states, lambda: objectives, clock=lambda: clock[0]))
    ex.register(ExporterCollector(ExporterInfo((0, 1)), SchedulerStats(), clock=lambda: clock[0]))
    fast = ex.render().decode()
    reference = generate_latest(ex.registry).decode()
    assert _samples(fast) == _samples(reference)
    assert len(_samples(fast)) > 100
    # the cache is used, and dropped on the next result
    assert states[1].cache is not None
    states[1].record(results[0], clock[0])
    assert states[1].cache is None
    assert _samples(ex.render().decode()) == _samples(generate_latest(ex.registry).decode())
    sli = {k: v for k, v in _samples(fast).items() if k[0] == "slaforge_sli_ratio"}
    assert sli[("slaforge_sli_ratio", frozenset({("sla", "shop"), ("objective", "availability"),
                                                 ("window", "5m")}))] == 1.0
    assert math.isclose(sli[("slaforge_sli_ratio", frozenset({("sla", "shop"), ("objective", "fast"),
                                                              ("window", "1d")}))], 1.0)


def test_logs_are_structured() -> None:
    stream = io.StringIO()
    Logger("json", stream=stream).info("started", probes=3, listen="127.0.0.1:1")
    record = json.loads(stream.getvalue())
    assert record["event"] == "started" and record["probes"] == 3
    stream = io.StringIO()
    Logger("logfmt", stream=stream).error("reload rejected", problems=["a.yaml:1:2: x: bad value"])
    line = stream.getvalue()
    assert line.startswith("ts=") and "level=error" in line and 'event="reload rejected"' in line
