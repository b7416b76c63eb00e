"""The one table of the exporter's probe metric families: what both /metrics writers read.

Each row says a family's name, type, help, extra label and how to read its values from a probe's
state. The fast text writer (:mod:`.render`) turns a row into a format string once per kind of
target; the collector (:mod:`.families`) turns it into prometheus_client objects, which the tests
use as the reference. Adding a probe metric is adding its name to :mod:`slaforge.conventions` and
a row here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

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
from slaforge.exporter.targets import ObjectiveRef, Target

Values = tuple[float, ...]
LABELS = (LABEL_SLA, LABEL_PROBE)  # every probe series has these two labels, in this order


def _always(target: Target) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class ProbeFamily:
    """One family of probe series.

    ``read`` gives the values of a probe's series, or None when the probe has none (yet):
    - a plain gauge or counter: one value;
    - with ``by`` = (label, its values): one value per label value, in that order;
    - a histogram: the cumulative count of each of the target's buckets and +Inf, the sum, the count.
    ``number`` is how a value is written: ``int`` as an integer, ``float`` as Python's repr (which is
    what Prometheus parses back to the same float). ``applies`` is decided once per target: a family
    that does not apply to a target never has a series for it.
    """

    name: str
    kind: Literal["gauge", "counter", "histogram"]
    help: str
    read: Callable[[ProbeState], Values | None]
    number: Literal["int", "float"] = "int"
    by: tuple[str, tuple[str, ...]] | None = None
    applies: Callable[[Target], bool] = _always


def _success(state: ProbeState) -> Values | None:
    return None if state.last_success is None else (state.last_success,)


def _last_duration(state: ProbeState) -> Values | None:
    return None if state.last_success is None or state.last_duration is None else (state.last_duration,)


def _histogram(state: ProbeState) -> Values:
    cumulative = tuple(accumulate(state.bucket_counts))
    return (*cumulative, state.duration_sum, cumulative[-1])


def _expiry(state: ProbeState) -> Values | None:
    return None if state.cert_expiry is None else (state.cert_expiry,)


def _http(target: Target) -> bool:
    return target.probe.scheme != "tcp"


# In the order they are exposed.
PROBE_FAMILIES: tuple[ProbeFamily, ...] = (
    ProbeFamily(PROBE_SUCCESS, "gauge", "Last probe: 1 ok, 0 failed.", _success),
    ProbeFamily(PROBE_LAST_DURATION, "gauge", "Duration of the last probe in seconds.", _last_duration, "float"),
    ProbeFamily(PROBES_TOTAL, "counter", "Probes completed.", lambda s: (s.total,)),
    ProbeFamily(PROBE_FAILURES_TOTAL, "counter", "Failed probes by reason: timeout, connect, tls, status, body, other.",
                lambda s: tuple(s.failures), by=(LABEL_REASON, FAILURE_REASONS)),
    ProbeFamily(PROBE_DURATION, "histogram",
                "Probe durations in seconds; the buckets include every probe_latency threshold of the probe.",
                _histogram),
    ProbeFamily(PROBE_HTTP_STATUS, "gauge", "HTTP status of the last probe (0 when none).",
                lambda s: (s.status_code,), applies=_http),
    ProbeFamily(PROBE_TLS_EXPIRY, "gauge", "Unix time at which the peer's leaf certificate expires.", _expiry, "float"),
)


@dataclass(frozen=True, slots=True)
class ObjectiveFamily:
    """The in-memory SLI of the probe objectives: one series per objective and window with events."""

    name: str
    kind: Literal["gauge"]
    help: str
    labels: tuple[str, str, str]


SLI_FAMILY = ObjectiveFamily(
    SLI_RATIO, "gauge",
    "Good over valid probes of a probe or probe_latency objective over a window, kept in memory.",
    (LABEL_SLA, LABEL_OBJECTIVE, LABEL_WINDOW),
)


def sli_values(objectives: Iterable[ObjectiveState], now: float) -> Iterator[tuple[ObjectiveRef, str, float]]:
    """(objective, window, ratio) of every window that has seen an event."""
    for objective in objectives:
        for window, counts in objective.windows.items():
            ratio = counts.ratio(now)
            if ratio is not None:
                yield objective.ref, window, ratio


def go_float(value: float) -> str:
    """A bucket bound as Prometheus writes it (1.0, 0.25, +Inf)."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))
