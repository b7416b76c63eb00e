"""What the exporter knows about each probe and objective, updated after every probe.

A probe's state keeps its counters, histogram and last result, plus a cache of its rendered metric
lines that is dropped whenever the state changes (see :mod:`.collector.render`).
"""

from __future__ import annotations

import time
from bisect import bisect_left

from slaforge.conventions import FAILURE_REASONS
from slaforge.exporter.result import ProbeResult
from slaforge.exporter.rolling import WINDOWS, RollingCounts
from slaforge.exporter.secrets import redact, secrets_of
from slaforge.exporter.targets import ObjectiveRef, Target

REASON_INDEX = {reason: i for i, reason in enumerate(FAILURE_REASONS)}


class ObjectiveState:
    """In-memory SLI of one probe or probe_latency objective over the windows 5m, 1h, 1d."""

    __slots__ = ("ref", "windows")

    def __init__(self, ref: ObjectiveRef) -> None:
        self.ref = ref
        self.windows = {label: RollingCounts(span, n) for label, (span, n) in WINDOWS.items()}

    def record(self, now: float, success: bool, duration: float) -> None:
        # the same events as the generated rules: probe -> successes over probes; probe_latency ->
        # probes that ended within the threshold (the histogram's le bucket) over all probes
        threshold = self.ref.threshold
        good = success if threshold is None else duration <= threshold
        for window in self.windows.values():
            window.add(now, good)

    def ratios(self, now: float) -> dict[str, float | None]:
        return {label: w.ratio(now) for label, w in self.windows.items()}


class ProbeState:
    __slots__ = (
        "bucket_counts", "cache", "cert_expiry", "duration_sum", "failures", "last_duration",
        "last_lag", "last_message", "last_reason", "last_success", "last_time", "objectives",
        "prefixes", "previous_success", "secrets", "status_code", "target", "total",
    )

    def __init__(self, target: Target) -> None:
        self.target = target
        self.secrets = secrets_of(target.probe)
        self.total = 0
        self.failures = [0] * len(FAILURE_REASONS)
        self.bucket_counts = [0] * (len(target.buckets) + 1)  # the last one is +Inf
        self.duration_sum = 0.0
        self.last_success: bool | None = None
        self.previous_success: bool | None = None
        self.last_duration: float | None = None
        self.last_reason: str | None = None
        self.last_message = ""
        self.last_time: float | None = None  # unix time of the last result
        self.last_lag = 0.0
        self.status_code = 0
        self.cert_expiry: float | None = None
        self.objectives: list[ObjectiveState] = []
        self.cache: tuple[bytes, ...] | None = None
        self.prefixes: object = None  # rendered label prefixes, owned by collector.render

    def record(self, result: ProbeResult, now: float) -> None:
        """Account one finished probe; ``now`` is the monotonic clock used by the SLI windows."""
        self.total += 1
        if not result.success:
            self.failures[REASON_INDEX[result.reason or "other"]] += 1
        self.bucket_counts[bisect_left(self.target.buckets, result.duration)] += 1
        self.duration_sum += result.duration
        self.previous_success = self.last_success
        self.last_success = result.success
        self.last_duration = result.duration
        self.last_reason = result.reason
        self.last_message = redact(result.message, self.secrets) if result.message else ""
        self.last_time = time.time()
        self.status_code = result.status_code
        if result.cert_expiry is not None:
            self.cert_expiry = result.cert_expiry
        for objective in self.objectives:
            objective.record(now, result.success, result.duration)
        self.cache = None

    @property
    def state(self) -> str:
        if self.last_success is None:
            return "pending"
        return "up" if self.last_success else "down"
