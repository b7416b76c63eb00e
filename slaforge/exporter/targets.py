"""From SLAs to probe targets: what to probe, its histogram buckets, its phase and its shard."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from slaforge.spec.model import SLA, Probe

# Upper bounds of slaforge_probe_duration_seconds, before the probe's own latency thresholds are added;
# buckets above the probe's timeout are dropped (no probe can last longer).
BASE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True, slots=True)
class ObjectiveRef:
    """A probe or probe_latency objective fed by a probe."""

    sla: str
    name: str
    probe: str
    target: float  # percent
    threshold: float | None  # seconds, for probe_latency


@dataclass(frozen=True, slots=True)
class Target:
    sla: str
    probe: Probe
    buckets: tuple[float, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.sla, self.probe.name)

    @property
    def phase(self) -> float:
        """Stable fraction of the interval (0 <= phase < 1) at which this probe runs."""
        return _hash_fraction(f"phase\0{self.sla}\0{self.probe.name}")


def _hash_fraction(text: str) -> float:
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def shard_of(sla: str, probe: str, count: int) -> int:
    """The shard (0..count-1) that owns a probe: a stable hash, the same in every process."""
    digest = hashlib.sha256(f"shard\0{sla}\0{probe}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count


def parse_shard(text: str) -> tuple[int, int]:
    """``I/N`` -> (I, N) with 0 <= I < N."""
    try:
        index_text, count_text = text.split("/")
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise ValueError(f"--shard must look like I/N (e.g. 0/3), got {text!r}") from None
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard {text}: need 0 <= I < N (shards are numbered from 0)")
    return index, count


def buckets_for(probe: Probe, thresholds: Iterable[float]) -> tuple[float, ...]:
    limit = probe.timeout.seconds
    chosen = {b for b in BASE_BUCKETS if b <= limit}
    above = [b for b in BASE_BUCKETS if b > limit]
    if above:
        chosen.add(above[0])  # one bucket at or above the timeout
    chosen.update(thresholds)
    return tuple(sorted(chosen))


def objectives_of(slas: Iterable[SLA]) -> list[ObjectiveRef]:
    out = []
    for sla in slas:
        for obj in sla.spec.objectives:
            probe = obj.sli.probe_name
            if probe is None:
                continue
            threshold = obj.sli.probe_latency.threshold.seconds if obj.sli.probe_latency else None
            out.append(ObjectiveRef(sla.name, obj.name, probe, obj.target, threshold))
    return out


def build_targets(slas: Iterable[SLA], shard: tuple[int, int] = (0, 1)) -> list[Target]:
    """Every probe of every SLA that belongs to this shard."""
    slas = list(slas)
    thresholds: dict[tuple[str, str], list[float]] = {}
    for ref in objectives_of(slas):
        if ref.threshold is not None:
            thresholds.setdefault((ref.sla, ref.probe), []).append(ref.threshold)
    index, count = shard
    out = []
    for sla in slas:
        for probe in sla.spec.probes:
            if count > 1 and shard_of(sla.name, probe.name, count) != index:
                continue
            out.append(Target(sla.name, probe, buckets_for(probe, thresholds.get((sla.name, probe.name), []))))
    return out
