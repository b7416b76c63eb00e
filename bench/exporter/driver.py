"""Drive blackbox_exporter at a fixed rate: ``python -m bench.exporter.driver URL RATE SECONDS``.

Issues RATE GET requests per second to URL (a /probe?target=... address) on keep-alive connections,
as Prometheus would, and prints {"sent", "ok", "failed", "late"} as JSON at the end. Runs in its own
process so that its CPU is never counted as blackbox_exporter's.
"""

from __future__ import annotations

import asyncio
import json
import sys

import uvloop

from slaforge.exporter.http_probe import HttpProber
from slaforge.spec.model import Probe


async def drive(url: str, rate: float, seconds: float) -> dict[str, int]:
    probe = Probe.model_validate({"name": "driver", "url": url, "interval": "10s", "timeout": "5s",
                                  "keepalive": True, "expect": {"body_regex": r"probe_success 1\b"}})
    idle: list[HttpProber] = []
    stats = {"sent": 0, "ok": 0, "failed": 0, "late": 0, "connections": 0}
    pending: set[asyncio.Task[None]] = set()

    async def one() -> None:
        prober = idle.pop() if idle else None
        if prober is None:
            prober = HttpProber(probe)
            stats["connections"] += 1
        result = await prober.run()
        stats["ok" if result.success else "failed"] += 1
        idle.append(prober)

    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    total = int(rate * seconds)
    for i in range(total):
        planned = start + i / rate
        delay = planned - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.05:
            stats["late"] += 1
        task = loop.create_task(one())
        pending.add(task)
        task.add_done_callback(pending.discard)
        stats["sent"] += 1
    if pending:
        await asyncio.wait(pending, timeout=10)
    for prober in idle:
        prober.close()
    return stats


def main() -> None:
    url, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    print(json.dumps(uvloop.run(drive(url, rate, seconds))), flush=True)


if __name__ == "__main__":
    main()
