"""Pick the prober for a probe's scheme, and make sure nothing escapes it but a result."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from slaforge.exporter.http_probe import HttpProber
from slaforge.exporter.result import OTHER, ProbeResult
from slaforge.exporter.tcp_probe import TcpProber
from slaforge.spec.model import Probe


class Prober(Protocol):
    async def run(self) -> ProbeResult: ...

    def close(self) -> None: ...


def make_prober(probe: Probe, max_body_bytes: int) -> Prober:
    if probe.scheme == "tcp":
        return TcpProber(probe)
    return HttpProber(probe, max_body_bytes)


async def run_safely(prober: Prober) -> ProbeResult:
    """Run one probe; a bug or an unforeseen error becomes reason ``other``, never a crash."""
    start = time.perf_counter()
    try:
        return await prober.run()
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        return ProbeResult.failed(OTHER, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
