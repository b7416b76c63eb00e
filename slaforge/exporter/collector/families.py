"""The exporter's collectors: probe series, SLI ratios and the exporter's own health."""

from __future__ import annotations

import math
import platform
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    InfoMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from slaforge import __version__
from slaforge.conventions import (
    EXPORTER_BUILD_INFO,
    EXPORTER_IN_FLIGHT,
    EXPORTER_MAX_LAG,
    EXPORTER_RELOAD_OK,
    EXPORTER_RELOAD_TIME,
    EXPORTER_RELOADS,
    EXPORTER_RENDER_SECONDS,
    EXPORTER_SCHEDULING_LAG,
    EXPORTER_SHARD,
    EXPORTER_SKIPPED,
    EXPORTER_SLAS,
    EXPORTER_START_TIME,
    EXPORTER_TARGETS,
    FAILURE_REASONS,
    PROBE_DURATION,
    PROBE_FAILURES_TOTAL,
    PROBE_HTTP_STATUS,
    PROBE_LAST_DURATION,
    PROBE_SUCCESS,
    PROBE_TLS_EXPIRY,
    PROBES_TOTAL,
    SLI_RATIO,
)
from slaforge.exporter.collector.render import PROBE_FAMILIES, SLI_HELP, go_float, render_probes, render_sli
from slaforge.exporter.state import ObjectiveState, ProbeState

LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_HELP = {name: help_text for name, _, help_text in PROBE_FAMILIES}


class ProbeCollector(Collector):
    """Probe series and SLI ratios of the current targets, rendered from their state at scrape time."""

    def __init__(
        self,
        states: Callable[[], Iterable[ProbeState]],
        objectives: Callable[[], Iterable[ObjectiveState]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.states = states
        self.objectives = objectives
        self.clock = clock

    def render_chunks(self) -> list[bytes]:
        chunks = render_probes(self.states())
        chunks.append(render_sli(self.objectives(), self.clock()).encode())
        return chunks

    def collect(self) -> Iterator[Metric]:
        """The same series through prometheus_client's objects (slow; the reference for tests)."""
        labels = ["sla", "probe"]
        success = GaugeMetricFamily(PROBE_SUCCESS, _HELP[PROBE_SUCCESS], labels=labels)
        last = GaugeMetricFamily(PROBE_LAST_DURATION, _HELP[PROBE_LAST_DURATION], labels=labels)
        total = CounterMetricFamily(PROBES_TOTAL, _HELP[PROBES_TOTAL], labels=labels)
        failures = CounterMetricFamily(PROBE_FAILURES_TOTAL, _HELP[PROBE_FAILURES_TOTAL], labels=[*labels, "reason"])
        hist = HistogramMetricFamily(PROBE_DURATION, _HELP[PROBE_DURATION], labels=labels)
        status = GaugeMetricFamily(PROBE_HTTP_STATUS, _HELP[PROBE_HTTP_STATUS], labels=labels)
        expiry = GaugeMetricFamily(PROBE_TLS_EXPIRY, _HELP[PROBE_TLS_EXPIRY], labels=labels)
        for st in self.states():
            values = [st.target.sla, st.target.probe.name]
            if st.last_success is not None:
                success.add_metric(values, 1.0 if st.last_success else 0.0)
                last.add_metric(values, st.last_duration or 0.0)
            total.add_metric(values, st.total)
            for reason, count in zip(FAILURE_REASONS, st.failures, strict=True):
                failures.add_metric([*values, reason], count)
            cumulative, buckets = 0, []
            for bound, count in zip([*st.target.buckets, math.inf], st.bucket_counts, strict=True):
                cumulative += count
                buckets.append((go_float(bound), cumulative))
            hist.add_metric(values, buckets, st.duration_sum)
            if st.target.probe.scheme != "tcp":
                status.add_metric(values, st.status_code)
            if st.cert_expiry is not None:
                expiry.add_metric(values, st.cert_expiry)
        yield from (success, last, total, failures, hist, status, expiry)
        sli = GaugeMetricFamily(SLI_RATIO, SLI_HELP, labels=["sla", "objective", "window"])
        now = self.clock()
        for objective in self.objectives():
            for window, ratio in objective.ratios(now).items():
                if ratio is not None:
                    sli.add_metric([objective.ref.sla, objective.ref.name, window], ratio)
        yield sli


class SchedulerStats:
    """Scheduling lag (actual start - planned start) of every probe run, and the runs skipped."""

    def __init__(self) -> None:
        self.lag_counts = [0] * (len(LAG_BUCKETS) + 1)
        self.lag_sum = 0.0
        self.skipped = 0
        self.in_flight = 0
        self._max = [0.0, 0.0]  # this minute, last minute
        self._minute = 0

    def observe_lag(self, lag: float, now: float) -> None:
        lag = max(lag, 0.0)
        self.lag_counts[bisect_left(LAG_BUCKETS, lag)] += 1
        self.lag_sum += lag
        minute = int(now // 60)
        if minute != self._minute:
            self._max = [0.0, self._max[0] if minute == self._minute + 1 else 0.0]
            self._minute = minute
        if lag > self._max[0]:
            self._max[0] = lag

    def max_lag(self, now: float) -> float:
        minute = int(now // 60)
        if minute == self._minute:
            return max(self._max)
        return self._max[0] if minute == self._minute + 1 else 0.0

    def share_within(self, seconds: float) -> float:
        """Share of runs that started at most ``seconds`` late (rounded to a bucket bound)."""
        total = sum(self.lag_counts)
        if not total:
            return 1.0
        index = bisect_left(LAG_BUCKETS, seconds)
        return sum(self.lag_counts[: index + 1]) / total


class ExporterInfo:
    """What the exporter reports about itself; the app updates it."""

    def __init__(self, shard: tuple[int, int]) -> None:
        self.shard = shard
        self.slas = 0
        self.targets: dict[str, int] = {}
        self.reloads = {"success": 0, "failure": 0}
        self.last_reload_ok = True
        self.last_reload_time = time.time()
        self.start_time = time.time()
        self.render_seconds = 0.0


class ExporterCollector(Collector):
    def __init__(self, info: ExporterInfo, stats: SchedulerStats, clock: Callable[[], float] = time.monotonic):
        self.info = info
        self.stats = stats
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        info, stats = self.info, self.stats
        build = InfoMetricFamily(EXPORTER_BUILD_INFO.removesuffix("_info"), "Version of the exporter.")
        build.add_metric([], {"version": __version__, "python": platform.python_version()})
        yield build
        shard = InfoMetricFamily(EXPORTER_SHARD.removesuffix("_info"), "Which share of the probes this process runs.")
        shard.add_metric([], {"index": str(info.shard[0]), "count": str(info.shard[1])})
        yield shard
        yield GaugeMetricFamily(EXPORTER_START_TIME, "Unix time the exporter started.", value=info.start_time)
        yield GaugeMetricFamily(EXPORTER_SLAS, "SLAs loaded.", value=info.slas)
        targets = GaugeMetricFamily(EXPORTER_TARGETS, "Probes run by this process, by scheme.", labels=["scheme"])
        for scheme in ("http", "https", "tcp"):
            targets.add_metric([scheme], info.targets.get(scheme, 0))
        yield targets
        reloads = CounterMetricFamily(EXPORTER_RELOADS, "Configuration reloads by result.", labels=["result"])
        for result, count in info.reloads.items():
            reloads.add_metric([result], count)
        yield reloads
        yield GaugeMetricFamily(EXPORTER_RELOAD_OK, "1 if the last reload succeeded.", value=int(info.last_reload_ok))
        yield GaugeMetricFamily(EXPORTER_RELOAD_TIME, "Unix time of the last successful (re)load.",
                                value=info.last_reload_time)
        lag = HistogramMetricFamily(EXPORTER_SCHEDULING_LAG, "How late probe runs started against their schedule.")
        cumulative, buckets = 0, []
        for bound, count in zip([*LAG_BUCKETS, math.inf], stats.lag_counts, strict=True):
            cumulative += count
            buckets.append((go_float(bound), cumulative))
        lag.add_metric([], buckets, stats.lag_sum)
        yield lag
        yield GaugeMetricFamily(EXPORTER_MAX_LAG, "Largest scheduling lag over the last one to two minutes.",
                                value=stats.max_lag(self.clock()))
        yield CounterMetricFamily(EXPORTER_SKIPPED, "Probe runs skipped because the previous one ran too late.",
                                  value=stats.skipped)
        yield GaugeMetricFamily(EXPORTER_IN_FLIGHT, "Probes running now.", value=stats.in_flight)
        yield GaugeMetricFamily(EXPORTER_RENDER_SECONDS, "Time taken to render the previous /metrics response.",
                                value=info.render_seconds)
