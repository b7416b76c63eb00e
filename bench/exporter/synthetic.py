"""In-process cost of rendering /metrics for many probes: the fast exposition against prometheus_client."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client.exposition import generate_latest

from slaforge.exporter.collector import Exposition, ProbeCollector
from slaforge.exporter.collector.render import refresh
from slaforge.exporter.result import ProbeResult
from slaforge.exporter.state import ObjectiveState, ProbeState
from slaforge.exporter.targets import ObjectiveRef, Target, buckets_for
from slaforge.spec.model import Probe


def render_costs(count: int) -> dict[str, Any]:
    states, objectives = [], []
    for i in range(count):
        probe = Probe.model_validate({"name": f"p{i}", "url": f"https://h{i}.example/healthz", "interval": "30s"})
        state = ProbeState(Target(f"sla-{i // 100}", probe, buckets_for(probe, [0.3])))
        if i % 100 == 0:
            obj = ObjectiveState(ObjectiveRef(state.target.sla, "availability", probe.name, 99.9, None))
            state.objectives.append(obj)
            objectives.append(obj)
        for k in range(3):
            state.record(ProbeResult(k != 1, 0.004 * (k + 1), status_code=200, cert_expiry=1.9e9), 0.0)
        states.append(state)
    exposition = Exposition()
    exposition.register(ProbeCollector(lambda: states, lambda: objectives, clock=lambda: 1.0))

    def timed(fn: Any) -> tuple[float, int]:
        started = time.perf_counter()
        size = len(fn())
        return time.perf_counter() - started, size

    for state in states:
        state.cache = None
    cold, size = timed(exposition.render)  # nothing cached: every probe rendered at scrape time
    started = time.perf_counter()
    for state in states:
        refresh(state)  # what the scheduler does after each result
    per_result = (time.perf_counter() - started) / count
    warm = min(timed(exposition.render)[0] for _ in range(3))  # the normal case
    naive, _ = timed(lambda: generate_latest(exposition.registry))
    return {"probes": count, "bytes": size, "fast_all_changed_ms": round(cold * 1000, 1),
            "fast_cached_ms": round(warm * 1000, 1), "refresh_us": round(per_result * 1e6, 1),
            "prometheus_client_ms": round(naive * 1000, 1)}
