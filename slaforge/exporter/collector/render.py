"""The text exposition (format 0.0.4), rendered from the probes' state without per-scrape objects.

prometheus_client would build a Metric and a Sample object per series at every scrape (about 2 s for
10,000 probes); here each probe keeps its rendered lines until its next result, and the label
prefixes of its series are built once per target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from prometheus_client.exposition import generate_latest
from prometheus_client.registry import CollectorRegistry

from slaforge.conventions import (
    FAILURE_REASONS,
    LABEL_OBJECTIVE,
    LABEL_PROBE,
    LABEL_REASON,
    LABEL_SLA,
    LABEL_WINDOW,
    PROBE_DURATION,
    PROBE_FAILURES_TOTAL,
    PROBE_HTTP_STATUS,
    PROBE_LAST_DURATION,
    PROBE_SUCCESS,
    PROBE_TLS_EXPIRY,
    PROBES_TOTAL,
    SLI_RATIO,
)
from slaforge.exporter.state import ObjectiveState, ProbeState

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# (name, type, help) in the order they are exposed; render_probe returns one fragment per family.
PROBE_FAMILIES: tuple[tuple[str, str, str], ...] = (
    (PROBE_SUCCESS, "gauge", "Last probe: 1 ok, 0 failed."),
    (PROBE_LAST_DURATION, "gauge", "Duration of the last probe in seconds."),
    (PROBES_TOTAL, "counter", "Probes completed."),
    (PROBE_FAILURES_TOTAL, "counter",
     "Failed probes by reason: timeout, connect, tls, status, body, other."),
    (PROBE_DURATION, "histogram",
     "Probe durations in seconds; the buckets include every probe_latency threshold of the probe."),
    (PROBE_HTTP_STATUS, "gauge", "HTTP status of the last probe (0 when none)."),
    (PROBE_TLS_EXPIRY, "gauge", "Unix time at which the peer's leaf certificate expires."),
)
SLI_HELP = "Good over valid probes of a probe or probe_latency objective over a window, kept in memory."


def go_float(value: float) -> str:
    """A bucket bound as Prometheus writes it (1.0, 0.25, +Inf)."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def header(name: str, kind: str, help_text: str) -> str:
    return f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n"


class Prefixes:
    """Every series name with its labels, up to the space before the value, for one target."""

    __slots__ = ("buckets", "count", "duration", "expiry", "failures", "key", "status", "success", "sum", "total")

    def __init__(self, sla: str, probe: str, buckets: Sequence[float]) -> None:
        self.key = (sla, probe, tuple(buckets))
        labels = f'{LABEL_SLA}="{escape(sla)}",{LABEL_PROBE}="{escape(probe)}"'
        self.success = f"{PROBE_SUCCESS}{{{labels}}} "
        self.duration = f"{PROBE_LAST_DURATION}{{{labels}}} "
        self.total = f"{PROBES_TOTAL}{{{labels}}} "
        self.failures = [f'{PROBE_FAILURES_TOTAL}{{{labels},{LABEL_REASON}="{r}"}} ' for r in FAILURE_REASONS]
        bounds = [*buckets, math.inf]
        self.buckets = [f'{PROBE_DURATION}_bucket{{{labels},le="{go_float(b)}"}} ' for b in bounds]
        self.sum = f"{PROBE_DURATION}_sum{{{labels}}} "
        self.count = f"{PROBE_DURATION}_count{{{labels}}} "
        self.status = f"{PROBE_HTTP_STATUS}{{{labels}}} "
        self.expiry = f"{PROBE_TLS_EXPIRY}{{{labels}}} "


def prefixes_of(state: ProbeState) -> Prefixes:
    target = state.target
    prefixes = state.prefixes
    if not isinstance(prefixes, Prefixes) or prefixes.key != (target.sla, target.probe.name, target.buckets):
        prefixes = Prefixes(target.sla, target.probe.name, target.buckets)
        state.prefixes = prefixes
    return prefixes


def render_probe(state: ProbeState) -> tuple[str, ...]:
    """One text fragment per family of PROBE_FAMILIES (empty when the probe has no such series)."""
    p = prefixes_of(state)
    if state.last_success is None:
        success = duration = ""
    else:
        success = p.success + ("1\n" if state.last_success else "0\n")
        duration = p.duration + repr(state.last_duration) + "\n"
    total = f"{p.total}{state.total}\n"
    failures = "".join([f"{prefix}{count}\n" for prefix, count in zip(p.failures, state.failures, strict=True)])
    lines = []
    cumulative = 0
    for prefix, count in zip(p.buckets, state.bucket_counts, strict=True):
        cumulative += count
        lines.append(f"{prefix}{cumulative}\n")
    lines.append(f"{p.sum}{state.duration_sum!r}\n{p.count}{cumulative}\n")
    histogram = "".join(lines)
    http = state.target.probe.scheme != "tcp"
    status = f"{p.status}{state.status_code}\n" if http else ""
    expiry = f"{p.expiry}{state.cert_expiry!r}\n" if state.cert_expiry is not None else ""
    return (success, duration, total, failures, histogram, status, expiry)


def render_probes(states: Iterable[ProbeState]) -> str:
    fragments = []
    for state in states:
        cached = state.cache
        if cached is None:
            cached = state.cache = render_probe(state)
        fragments.append(cached)
    out = []
    for i, (name, kind, help_text) in enumerate(PROBE_FAMILIES):
        out.append(header(name, kind, help_text))
        out.extend([f[i] for f in fragments])
    return "".join(out)


def render_sli(objectives: Iterable[ObjectiveState], now: float) -> str:
    out = [header(SLI_RATIO, "gauge", SLI_HELP)]
    for objective in objectives:
        ref = objective.ref
        labels = f'{LABEL_SLA}="{escape(ref.sla)}",{LABEL_OBJECTIVE}="{escape(ref.name)}"'
        for window, counts in objective.windows.items():
            ratio = counts.ratio(now)
            if ratio is not None:
                out.append(f'{SLI_RATIO}{{{labels},{LABEL_WINDOW}="{window}"}} {ratio!r}\n')
    return "".join(out)


class FastCollector(Protocol):
    def render_text(self) -> str: ...


class Exposition:
    """The exporter's own CollectorRegistry, rendered collector by collector.

    Collectors with a ``render_text`` method render themselves (the probe collector); the others are
    rendered by prometheus_client. Every collector also works through the plain registry
    (``generate_latest(exposition.registry)``), which is how the tests check the fast path.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._collectors: list[Any] = []

    def register(self, collector: Any) -> None:
        self.registry.register(collector)
        self._collectors.append(collector)

    def render(self) -> bytes:
        parts: list[bytes] = []
        for collector in self._collectors:
            fast = getattr(collector, "render_text", None)
            if fast is not None:
                parts.append(fast().encode())
            else:
                parts.append(generate_latest(collector))
        return b"".join(parts)
