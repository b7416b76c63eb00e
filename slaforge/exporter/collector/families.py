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
)
from slaforge.exporter.collector.render import render_probes, render_sli
from slaforge.exporter.collector.table import LABELS, PROBE_FAMILIES, SLI_FAMILY, ProbeFamily, go_float, sli_values
from slaforge.exporter.state import ObjectiveState, ProbeState

LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


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
        states = list(self.states())
        for family in PROBE_FAMILIES:
            yield probe_family(family, states)
        sli = GaugeMetricFamily(SLI_FAMILY.name, SLI_FAMILY.help, labels=list(SLI_FAMILY.labels))
        for ref, window, ratio in sli_values(self.objectives(), self.clock()):
            sli.add_metric([ref.sla, ref.name, window], ratio)
        yield sli


def probe_family(family: ProbeFamily, states: Iterable[ProbeState]) -> Metric:
    """One row of PROBE_FAMILIES as a prometheus_client family, from the same readers as the fast writer."""
    labels = [*LABELS, family.by[0]] if family.by is not None else list(LABELS)
    metric: GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily
    if family.kind == "histogram":
        metric = HistogramMetricFamily(family.name, family.help, labels=labels)
    elif family.kind == "counter":
        metric = CounterMetricFamily(family.name, family.help, labels=labels)
    else:
        metric = GaugeMetricFamily(family.name, family.help, labels=labels)
    for state in states:
        values = family.read(state) if family.applies(state.target) else None
        if values is None:
            continue
        names = [state.target.sla, state.target.probe.name]
        if isinstance(metric, HistogramMetricFamily):
            bounds = [go_float(b) for b in (*state.target.buckets, math.inf)]
            metric.add_metric(names, list(zip(bounds, values[:-2], strict=True)), values[-2])
        elif family.by is not None:
            for label_value, value in zip(family.by[1], values, strict=True):
                metric.add_metric([*names, label_value], value)
        else:
            metric.add_metric(names, values[0])
    return metric


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
