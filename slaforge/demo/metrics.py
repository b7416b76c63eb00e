"""The demo target's own request metrics, in its own registry, for the ratio and latency SLI kinds."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

# 0.3 is among the buckets so that a latency SLI with threshold 0.3 can be shown
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "http_requests", "Requests answered by the demo target, by status code.",
            ["code"], registry=self.registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds", "Time taken to answer a request.",
            buckets=BUCKETS, registry=self.registry,
        )

    def observe(self, code: int, seconds: float) -> None:
        self.requests.labels(code=str(code)).inc()
        self.duration.observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
