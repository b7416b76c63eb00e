"""The text exposition (format 0.0.4), rendered from the probes' state without per-scrape objects.

prometheus_client would build a Metric and a Sample object per series at every scrape (about 2 s for
10,000 probes); here each probe keeps its rendered lines until its next result, and the label
prefixes of its series are built once per target.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import accumulate
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
from slaforge.promql_text import escape

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


class Templates:
    """Format strings of a probe's series, ``{0}`` standing for its labels; shared by every probe with
    the same buckets, so that a probe itself only keeps its label string."""

    __slots__ = ("duration", "expiry", "failures", "histogram", "http", "status", "success", "total")

    def __init__(self, buckets: Sequence[float], http: bool) -> None:
        self.http = http
        labels = "{{{0}}}"
        self.success = PROBE_SUCCESS + labels + " {1:d}\n"
        self.duration = PROBE_LAST_DURATION + labels + " {1!r}\n"
        self.total = PROBES_TOTAL + labels + " {1:d}\n"
        self.failures = "".join(
            f'{PROBE_FAILURES_TOTAL}{{{{{{0}},{LABEL_REASON}="{reason}"}}}} {{{i}:d}}\n'
            for i, reason in enumerate(FAILURE_REASONS, start=1)
        )
        bounds = [*buckets, math.inf]
        lines = [
            f'{PROBE_DURATION}_bucket{{{{{{0}},le="{go_float(bound)}"}}}} {{{i}:d}}\n'
            for i, bound in enumerate(bounds, start=1)
        ]
        n = len(bounds)
        lines.append(f"{PROBE_DURATION}_sum{labels} {{{n + 1}!r}}\n{PROBE_DURATION}_count{labels} {{{n}:d}}\n")
        self.histogram = "".join(lines)
        self.status = PROBE_HTTP_STATUS + labels + " {1:d}\n"
        self.expiry = PROBE_TLS_EXPIRY + labels + " {1!r}\n"


_TEMPLATES: dict[tuple[tuple[float, ...], bool], Templates] = {}


class Prefixes:
    """A target's label string and its (shared) templates."""

    __slots__ = ("key", "labels", "templates")

    def __init__(self, sla: str, probe: str, buckets: tuple[float, ...], http: bool) -> None:
        self.key = (sla, probe, buckets)
        self.labels = f'{LABEL_SLA}="{escape(sla)}",{LABEL_PROBE}="{escape(probe)}"'
        templates = _TEMPLATES.get((buckets, http))
        if templates is None:
            if len(_TEMPLATES) > 10_000:
                _TEMPLATES.clear()
            templates = _TEMPLATES[(buckets, http)] = Templates(buckets, http)
        self.templates = templates


def prefixes_of(state: ProbeState) -> Prefixes:
    target = state.target
    prefixes = state.prefixes
    if not isinstance(prefixes, Prefixes) or prefixes.key != (target.sla, target.probe.name, target.buckets):
        prefixes = Prefixes(target.sla, target.probe.name, target.buckets, target.probe.scheme != "tcp")
        state.prefixes = prefixes
    return prefixes


def render_probe(state: ProbeState) -> tuple[bytes, ...]:
    """One text fragment per family of PROBE_FAMILIES (empty when the probe has no such series)."""
    p = prefixes_of(state)
    t, labels = p.templates, p.labels
    if state.last_success is None:
        success = duration = b""
    else:
        success = t.success.format(labels, state.last_success).encode()
        duration = t.duration.format(labels, state.last_duration).encode()
    cumulative = list(accumulate(state.bucket_counts))
    histogram = t.histogram.format(labels, *cumulative, state.duration_sum).encode()
    status = t.status.format(labels, state.status_code).encode() if t.http else b""
    expiry = t.expiry.format(labels, state.cert_expiry).encode() if state.cert_expiry is not None else b""
    return (success, duration, t.total.format(labels, state.total).encode(),
            t.failures.format(labels, *state.failures).encode(), histogram, status, expiry)


def refresh(state: ProbeState) -> None:
    """Render a probe's lines as soon as its result is in, so that a scrape only has to join them."""
    state.cache = render_probe(state)


def render_probes(states: Iterable[ProbeState]) -> list[bytes]:
    """The probe families as chunks, to be joined once with everything else."""
    fragments = []
    for state in states:
        cached = state.cache
        if cached is None:
            cached = state.cache = render_probe(state)
        fragments.append(cached)
    out = []
    for i, (name, kind, help_text) in enumerate(PROBE_FAMILIES):
        out.append(header(name, kind, help_text).encode())
        out.extend([f[i] for f in fragments])
    return out


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
    def render_chunks(self) -> list[bytes]: ...


class Exposition:
    """The exporter's own CollectorRegistry, rendered collector by collector.

    Collectors with a ``render_chunks`` method render themselves (the probe collector); the others are
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
        return b"".join(self.render_chunks())

    def render_chunks(self) -> list[bytes]:
        """The exposition as many byte strings, to be written without joining them."""
        parts: list[bytes] = []
        for collector in self._collectors:
            fast = getattr(collector, "render_chunks", None)
            if fast is not None:
                parts.extend(fast())
            else:
                parts.append(generate_latest(collector))
        return parts
