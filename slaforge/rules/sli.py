"""Bad and valid events of each SLI kind, as PromQL over the raw series.

Every kind reduces to two counters: valid events and bad events. The generator turns them into
event counts per piece (``increase`` over a short range, summed over all series of the selector),
and every window's ratio is then a ratio of sums of those pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from slaforge.conventions import (
    LABEL_PROBE,
    LABEL_SLA,
    PROBE_DURATION,
    PROBE_FAILURES_TOTAL,
    PROBES_TOTAL,
)
from slaforge.spec.model import SLA, Objective
from slaforge.spec.promql import Matcher, Selector


@dataclass(frozen=True)
class Events:
    """Raw counter selectors of one objective.

    bad events = ``bad`` when set; else ``valid - good`` (latency kinds, from a histogram bucket).
    """

    valid: str
    bad: str | None = None
    good: str | None = None

    def increase(self, rng: str, divide: int = 1, offset: str = "") -> tuple[str, str]:
        """(bad, valid) event counts over ``rng`` (ending ``offset`` before the evaluation time when
        given, for the report's reading of history), one sample each, optionally divided."""
        div = f" / {divide}" if divide != 1 else ""
        off = f" offset {offset}" if offset else ""
        valid = f"sum(increase({self.valid}[{rng}]{off})){div}"
        if self.bad is not None:
            # an error counter often has no series until the first error: count that as 0
            bad = f"(sum(increase({self.bad}[{rng}]{off})) or vector(0)){div}"
        else:
            assert self.good is not None
            # a missing bucket counts every event as bad: a wrong le fails loudly, not silently
            bad = (
                f"clamp_min(sum(increase({self.valid}[{rng}]{off})) - "
                f"(sum(increase({self.good}[{rng}]{off})) or vector(0)), 0){div}"
            )
        return bad, valid


def le_regex(threshold: float) -> str:
    """Regex matching every spelling of a bucket bound: ``0.3``, ``0.30``, ``3e-01``; ``1``, ``1.0``.

    Prometheus 2 keeps the exposition's text (Go clients write ``1``, Python ``1.0``, some ``0.30``);
    Prometheus 3 normalises classic-histogram ``le`` labels to the shortest float (``1.0``, ``0.3``).
    """
    text = repr(float(threshold))  # shortest round-trip form: 0.3, 1.0, 1e-05, 2.5e+20
    spellings: list[str] = []
    if "e" not in text and "inf" not in text:
        whole, _, frac = text.partition(".")
        frac = frac.rstrip("0")
        if frac:
            spellings.append(re.escape(f"{whole}.{frac}") + "0*")
        else:
            spellings.append(re.escape(whole) + r"(\.0*)?")
    mantissa, _, exponent = f"{threshold:e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    exp_value = int(exponent)
    spellings.append(
        re.escape(mantissa) + r"(\.0*)?" * ("." not in mantissa) + ("0*" if "." in mantissa else "")
        + f"[eE]{'-' if exp_value < 0 else '[+]?'}0*{abs(exp_value)}"
    )
    return "|".join(dict.fromkeys(spellings))


@lru_cache(maxsize=4096)
def parse(text: str) -> Selector:
    """Selector.parse, cached: the generator renders the same selectors several times."""
    return Selector.parse(text)


def _histogram(text: str) -> Selector:
    sel = parse(text)
    for suffix in ("_bucket", "_count", "_sum"):
        if sel.metric.endswith(suffix):
            return Selector(sel.metric[: -len(suffix)], sel.matchers)
    return sel


def _probe_selector(sla: SLA, metric: str, probe: str) -> str:
    return Selector(metric, (Matcher(LABEL_SLA, "=", sla.name), Matcher(LABEL_PROBE, "=", probe))).render()


def events(sla: SLA, objective: Objective) -> Events:
    sli = objective.sli
    if sli.probe is not None:
        return Events(
            valid=_probe_selector(sla, PROBES_TOTAL, sli.probe),
            bad=_probe_selector(sla, PROBE_FAILURES_TOTAL, sli.probe),
        )
    if sli.probe_latency is not None:
        base = Selector(
            PROBE_DURATION,
            (Matcher(LABEL_SLA, "=", sla.name), Matcher(LABEL_PROBE, "=", sli.probe_latency.probe)),
        )
        le = Matcher("le", "=~", le_regex(sli.probe_latency.threshold.seconds))
        return Events(
            valid=base.render(metric=f"{PROBE_DURATION}_count"),
            good=base.render(metric=f"{PROBE_DURATION}_bucket", extra=(le,)),
        )
    if sli.ratio is not None:
        # the loader validated them (and stripped them); used as the user wrote them
        return Events(valid=sli.ratio.total, bad=sli.ratio.errors)
    if sli.latency is not None:
        sel = _histogram(sli.latency.histogram)
        le = Matcher("le", "=~", le_regex(sli.latency.threshold))
        return Events(
            valid=sel.render(metric=f"{sel.metric}_count"),
            good=sel.render(metric=f"{sel.metric}_bucket", extra=(le,)),
        )
    raise AssertionError(f"unknown SLI kind {sli.kind}")
