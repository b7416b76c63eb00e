"""The probe families of /metrics: the fast text writer against a golden file and prometheus_client.

The fixed state below covers every family and every case of it: never probed, ok, each failure
reason, http and tcp, with and without a certificate, a latency threshold among the buckets, label
values that need escaping or hold a % sign, and SLI windows with and without events.
UPDATE_GOLDEN=1 rewrites the golden file; review the diff (it must only change on purpose).
"""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client.exposition import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from slaforge.exporter.collector import Exposition, ProbeCollector
from slaforge.exporter.result import ProbeResult
from slaforge.exporter.state import ObjectiveState, ProbeState
from slaforge.exporter.targets import ObjectiveRef, Target, buckets_for
from slaforge.spec.model import Probe

GOLDEN = Path(__file__).parent / "golden" / "probe_metrics.txt"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NOW = 1000.0

RESULTS = (
    ProbeResult(True, 0.012, status_code=200, cert_expiry=1.9e9),
    ProbeResult.failed("timeout", 5.0, "x"),
    ProbeResult.failed("status", 0.3, "x", status_code=503),
    ProbeResult(True, 0.25, status_code=204),
    ProbeResult.failed("connect", 0.001, "x"),
    ProbeResult.failed("tls", 0.1, "x"),
    ProbeResult.failed("body", 1 / 3, "x", status_code=200),
    ProbeResult.failed("other", 2.0, "x"),
    ProbeResult(True, 10.0, status_code=200, cert_expiry=1.7e9 + 0.5),
)


def fixed_state() -> tuple[list[ProbeState], list[ObjectiveState]]:
    states: list[ProbeState] = []
    objectives: list[ObjectiveState] = []
    urls = ("https://a.example/x", "http://b.example/", "tcp://c.example:5432")
    slas = ("shop", 'we"ird\\sla\nname%d%%')
    for i in range(12):
        probe = Probe.model_validate({"name": f"p{i}", "url": urls[i % 3], "interval": "30s"})
        state = ProbeState(Target(slas[i % 2], probe, buckets_for(probe, [0.25] if i % 4 else [])))
        if i % 5 == 0:
            threshold = 0.25 if i % 2 else None
            objective = ObjectiveState(ObjectiveRef(state.target.sla, f"o{i}", probe.name, 99.9, threshold))
            state.objectives.append(objective)
            objectives.append(objective)
        for k in range(i):  # p0 never probed; the others see results in turn
            state.record(RESULTS[k % len(RESULTS)], NOW - 4000 + 400 * k)
        states.append(state)
    objectives.append(ObjectiveState(ObjectiveRef("shop", "silent", "p11", 99.0, None)))  # no event
    return states, objectives


def exposition() -> tuple[Exposition, list[ProbeState]]:
    states, objectives = fixed_state()
    ex = Exposition()
    ex.register(ProbeCollector(lambda: states, lambda: objectives, clock=lambda: NOW))
    return ex, states


def test_probe_metrics_match_the_golden_file() -> None:
    ex, states = exposition()
    text = ex.render().decode()
    if UPDATE:
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), f"{GOLDEN} differs: rerun with UPDATE_GOLDEN=1 and review"
    # rendered again from the per-probe cache, and after one probe's cache was dropped: the same bytes
    assert ex.render().decode() == text
    states[3].cache = None
    assert ex.render().decode() == text


Sample = tuple[str, tuple[tuple[str, str], ...], float]


def _families(text: str) -> list[tuple[str, str, str, list[Sample]]]:
    """Each family's name, type, help and samples; the samples sorted, since prometheus_client writes a
    histogram's _count before its _sum and the fast writer the other way round (both are valid)."""
    return [
        (f.name, f.type, f.documentation, sorted((s.name, tuple(sorted(s.labels.items())), s.value) for s in f.samples))
        for f in text_string_to_metric_families(text)
    ]


def test_fast_writer_parses_as_the_collector_renders() -> None:
    """Every family, its type, help and every sample (name, labels, value) are the same whether written
    by the fast writer or by prometheus_client from the collector."""
    ex, _ = exposition()
    fast = _families(ex.render().decode())
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ex._collectors[0])
    reference = _families(generate_latest(registry).decode())
    assert fast == reference
    names = [name for name, *_ in fast]
    assert names == [
        "slaforge_probe_success", "slaforge_probe_last_duration_seconds", "slaforge_probes",
        "slaforge_probe_failures", "slaforge_probe_duration_seconds", "slaforge_probe_http_status_code",
        "slaforge_probe_tls_cert_expiry_timestamp_seconds", "slaforge_sli_ratio",
    ]
    assert all(samples for *_, samples in fast)
