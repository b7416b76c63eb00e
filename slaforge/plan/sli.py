"""What each SLI kind counts: the one table over the kinds (probe, probe_latency, ratio, latency).

Every kind reduces to two counters, valid events and bad events (``bad``, or ``valid - good``
never below 0). A kind's row here says which series those are, and how people read the SLI; the
rules, the promtool tests, explain, the dashboards and the status page read that row instead of
looking at the SLI's kind themselves. A new SLI kind is one more branch of :func:`sli_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from slaforge.conventions import LABEL_PROBE, LABEL_SLA, PROBE_DURATION, PROBE_FAILURES_TOTAL, PROBES_TOTAL
from slaforge.promql_text import le_regex
from slaforge.spec.model import SLI, SLIKind, selectors_text
from slaforge.spec.promql import Matcher, Selector

Terms = tuple[str, ...]  # selectors (as PromQL text) whose events are added up


@dataclass(frozen=True)
class RatioCounters:
    """A ratio SLI's own counters: bad = errors, or total - good (exactly one of the two is given)."""

    total: tuple[Selector, ...]
    errors: tuple[Selector, ...] = ()
    good: tuple[Selector, ...] = ()
    total_text: str = ""  # as the author wrote them: ``a + b`` for a sum
    errors_text: str = ""
    good_text: str = ""


@dataclass(frozen=True)
class SLIPlan:
    """One objective's SLI: the events to count and how people read it."""

    kind: SLIKind
    valid: Terms  # valid events
    bad: Terms | None  # bad events, when counted directly
    good: Terms | None  # else good events: bad = valid - good
    summary: str  # `slaforge explain`: "probe success ratio of home"
    source: str  # the status page: where the SLI is measured
    probe: str | None = None  # the probe the SLI reads (probe kinds)
    histogram: Selector | None = None  # classic histogram without suffix (latency kinds)
    histogram_text: str = ""  # the histogram as the author wrote it (latency)
    threshold: float | None = None  # seconds (latency kinds)
    counters: RatioCounters | None = None  # the author's counters (ratio)

    @property
    def own_histogram(self) -> Selector | None:
        """The service's own histogram (latency), not the exporter's (probe_latency)."""
        return self.histogram if self.probe is None else None


@lru_cache(maxsize=4096)
def parse(text: str) -> Selector:
    """Selector.parse, cached: the same selectors are read by several generators."""
    return Selector.parse(text)


def _terms(value: str | Terms) -> Terms:
    return (value,) if isinstance(value, str) else value


def _parsed(value: str | Terms | None) -> tuple[Selector, ...]:
    return () if value is None else tuple(parse(text) for text in _terms(value))


def _histogram(sel: Selector) -> Selector:
    for suffix in ("_bucket", "_count", "_sum"):
        if sel.metric.endswith(suffix):
            return Selector(sel.metric[: -len(suffix)], sel.matchers)
    return sel


def _latency(kind: SLIKind, histogram: Selector, threshold: float, summary: str, source: str,
             probe: str | None = None, text: str = "") -> SLIPlan:
    """A latency kind: valid = the histogram's count, good = its bucket at the threshold (any
    spelling of le)."""
    le = Matcher("le", "=~", le_regex(threshold))
    return SLIPlan(
        kind=kind,
        valid=(histogram.render(metric=f"{histogram.metric}_count"),),
        bad=None,
        good=(histogram.render(metric=f"{histogram.metric}_bucket", extra=(le,)),),
        summary=summary,
        source=source,
        probe=probe,
        histogram=histogram,
        histogram_text=text,
        threshold=threshold,
    )


def _probe_selector(metric: str, sla: str, probe: str) -> Selector:
    return Selector(metric, (Matcher(LABEL_SLA, "=", sla), Matcher(LABEL_PROBE, "=", probe)))


def sli_plan(sla: str, sli: SLI) -> SLIPlan:
    """The row of the SLI's kind, for the SLA named ``sla``."""
    if sli.probe is not None:
        return SLIPlan(
            kind="probe",
            valid=(_probe_selector(PROBES_TOTAL, sla, sli.probe).render(),),
            bad=(_probe_selector(PROBE_FAILURES_TOTAL, sla, sli.probe).render(),),
            good=None,
            summary=f"probe success ratio of {sli.probe}",
            source=f"probe {sli.probe}",
            probe=sli.probe,
        )
    if sli.probe_latency is not None:
        probe, limit = sli.probe_latency.probe, sli.probe_latency.threshold
        return _latency(
            "probe_latency", _probe_selector(PROBE_DURATION, sla, probe), limit.seconds,
            summary=f"share of {probe} probes faster than {limit}", source=f"probe {probe} faster than {limit}",
            probe=probe,
        )
    if sli.ratio is not None:
        # the loader validated them (and stripped them); used as the user wrote them
        ratio = sli.ratio
        counters = RatioCounters(
            total=_parsed(ratio.total),
            errors=_parsed(ratio.errors),
            good=_parsed(ratio.good),
            total_text=selectors_text(ratio.total),
            errors_text=selectors_text(ratio.errors),
            good_text=selectors_text(ratio.good),
        )
        if ratio.good is not None:
            summary = f"{counters.good_text} / {counters.total_text}"
        else:
            summary = f"1 - {counters.errors_text} / {counters.total_text}"
        return SLIPlan(
            kind="ratio",
            valid=_terms(ratio.total),
            bad=None if ratio.errors is None else _terms(ratio.errors),
            good=None if ratio.good is None else _terms(ratio.good),
            summary=summary,
            source="ratio of counters (Prometheus rules)",
            counters=counters,
        )
    if sli.latency is not None:
        latency = sli.latency
        histogram = _histogram(parse(latency.histogram))
        return _latency(
            "latency", histogram, latency.threshold,
            summary=f"share of {histogram} faster than {latency.threshold:g}s",
            source="histogram latency (Prometheus rules)", text=latency.histogram,
        )
    raise AssertionError(f"unknown SLI kind {sli.kind}")
