"""TCP connect probes (tcp://host:port): success when the connection opens within the timeout."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from slaforge.exporter.result import CONNECT, TIMEOUT, ProbeResult
from slaforge.spec.model import Probe


class TcpProber:
    def __init__(self, probe: Probe) -> None:
        parts = urlsplit(probe.url)
        self.probe = probe
        self.host = parts.hostname or ""
        self.port = parts.port or 0
        self.timeout = probe.timeout.seconds

    async def run(self) -> ProbeResult:
        start = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                _, writer = await asyncio.open_connection(self.host, self.port)
        except TimeoutError:
            return ProbeResult.failed(
                TIMEOUT, time.perf_counter() - start, f"no connection within {self.probe.timeout}"
            )
        except OSError as exc:
            return ProbeResult.failed(
                CONNECT, time.perf_counter() - start, f"connect to {self.host}:{self.port}: {exc.strerror or exc}"
            )
        duration = time.perf_counter() - start
        writer.transport.close()
        return ProbeResult(True, duration)

    def close(self) -> None:
        pass
