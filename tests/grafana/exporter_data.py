"""Exporter-shaped series as OpenMetrics text, for backfilling a Prometheus the dashboards are run against.

Per probe: slaforge_probes_total, slaforge_probe_failures_total{reason}, the duration histogram and the
last-probe gauges, as the exporter exposes them. Per service: request counters and a request-duration
histogram, as the service's own instrumentation would. Failure shares switch at ``incident_start``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from slaforge import conventions as c

PROBE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_BUCKETS = (0.05, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class ProbeSeries:
    sla: str
    probe: str
    failing_before: float  # share of probes failing before the incident
    failing_during: float  # ... and from incident_start on
    http: bool = True
    tls: bool = False


@dataclass(frozen=True)
class ServiceSeries:
    job: str
    requests_per_step: int
    errors_before: int  # 5xx requests per step
    errors_during: int


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"


def _le(bound: float) -> str:
    return repr(bound)


def _steps(start: int, end: int, step: int) -> list[int]:
    return list(range(start, end + 1, step))


def _failed(index: int, share: float) -> bool:
    """Spread failures evenly: probe ``index`` fails when the running share crosses a whole number."""
    return int((index + 1) * share) > int(index * share)


def openmetrics(
    probes: list[ProbeSeries],
    services: list[ServiceSeries],
    *,
    start: int,
    end: int,
    step: int,
    incident_start: int,
) -> str:
    times = _steps(start, end, step)
    lines: list[str] = []
    lines += _probe_families(probes, times, incident_start)
    lines += _service_families(services, times, incident_start)
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def _probe_outcomes(p: ProbeSeries, times: list[int], incident_start: int) -> Iterator[tuple[int, bool, float]]:
    for i, t in enumerate(times):
        share = p.failing_during if t >= incident_start else p.failing_before
        failed = _failed(i, share)
        yield t, failed, (0.7 if failed else 0.08 + (i % 5) * 0.01)


def _probe_families(probes: list[ProbeSeries], times: list[int], incident_start: int) -> list[str]:
    total_name = c.PROBES_TOTAL.removesuffix("_total")
    fail_name = c.PROBE_FAILURES_TOTAL.removesuffix("_total")
    out = [f"# TYPE {total_name} counter"]
    for p in probes:
        labels = _labels(sla=p.sla, probe=p.probe)
        out += [f"{c.PROBES_TOTAL}{labels} {i + 1} {t}" for i, t in enumerate(times)]
    out.append(f"# TYPE {fail_name} counter")
    for p in probes:
        outcomes = list(_probe_outcomes(p, times, incident_start))
        for reason in c.FAILURE_REASONS:
            labels = _labels(sla=p.sla, probe=p.probe, reason=reason)
            count = 0
            for i, (t, failed, _) in enumerate(outcomes):
                # failures alternate between timeout and status; the other reasons stay at 0
                if failed and reason == ("timeout" if i % 2 else "status"):
                    count += 1
                out.append(f"{c.PROBE_FAILURES_TOTAL}{labels} {count} {t}")
    out.append(f"# TYPE {c.PROBE_DURATION} histogram")
    for p in probes:
        counts = [0] * len(PROBE_BUCKETS)
        total = 0.0
        labels = {"sla": p.sla, "probe": p.probe}
        for n, (t, _, seconds) in enumerate(_probe_outcomes(p, times, incident_start), start=1):
            total += seconds
            for b, bound in enumerate(PROBE_BUCKETS):
                counts[b] += seconds <= bound
            for b, bound in enumerate(PROBE_BUCKETS):
                out.append(f"{c.PROBE_DURATION}_bucket{_labels(**labels, le=_le(bound))} {counts[b]} {t}")
            out.append(f"{c.PROBE_DURATION}_bucket{_labels(sla=p.sla, probe=p.probe, le='+Inf')} {n} {t}")
            out.append(f"{c.PROBE_DURATION}_count{_labels(sla=p.sla, probe=p.probe)} {n} {t}")
            out.append(f"{c.PROBE_DURATION}_sum{_labels(sla=p.sla, probe=p.probe)} {total:.3f} {t}")
    gauges = [
        (c.PROBE_SUCCESS, lambda p, failed, s, t: 0 if failed else 1, lambda p: True),
        (c.PROBE_LAST_DURATION, lambda p, failed, s, t: s, lambda p: True),
        (c.PROBE_HTTP_STATUS, lambda p, failed, s, t: 503 if failed else 200, lambda p: p.http),
        (c.PROBE_TLS_EXPIRY, lambda p, failed, s, t: t + 30 * 86400, lambda p: p.tls),
    ]
    for name, value, applies in gauges:
        out.append(f"# TYPE {name} gauge")
        for p in probes:
            if not applies(p):
                continue
            labels = _labels(sla=p.sla, probe=p.probe)
            for t, failed, seconds in _probe_outcomes(p, times, incident_start):
                out.append(f"{name}{labels} {value(p, failed, seconds, t)} {t}")
    return out


def _service_families(services: list[ServiceSeries], times: list[int], incident_start: int) -> list[str]:
    out = ["# TYPE http_requests counter"]
    for s in services:
        for code in ("200", "500"):
            count = 0
            for t in times:
                errors = s.errors_during if t >= incident_start else s.errors_before
                count += errors if code == "500" else s.requests_per_step - errors
                out.append(f"http_requests_total{_labels(job=s.job, code=code)} {count} {t}")
    out.append("# TYPE http_request_duration_seconds histogram")
    for s in services:
        n = 0
        total = 0.0
        counts = [0] * len(REQUEST_BUCKETS)
        for t in times:
            # 95% of requests at 50ms, 5% at 2s: under the 0.3s threshold 95% of the time
            fast, slow = s.requests_per_step * 95 // 100, s.requests_per_step - s.requests_per_step * 95 // 100
            n += fast + slow
            total += fast * 0.05 + slow * 2.0
            for b, bound in enumerate(REQUEST_BUCKETS):
                counts[b] += (fast if bound >= 0.05 else 0) + (slow if bound >= 2.0 else 0)
                out.append(f"http_request_duration_seconds_bucket{_labels(job=s.job, le=_le(bound))} {counts[b]} {t}")
            out.append(f"http_request_duration_seconds_bucket{_labels(job=s.job, le='+Inf')} {n} {t}")
            out.append(f"http_request_duration_seconds_count{_labels(job=s.job)} {n} {t}")
            out.append(f"http_request_duration_seconds_sum{_labels(job=s.job)} {total:.3f} {t}")
    return out
