"""One steady timer per probe.

A probe runs at ``k * interval + phase`` (wall-clock aligned), where ``phase`` is a stable hash of
its SLA and probe names: probes are spread evenly over their interval, keep the same slot across
restarts and reloads (no thundering herd), and a probe never overlaps itself because its next run
is only awaited after the current one (the timeout is shorter than the interval). Start times are
absolute, so lateness never accumulates; a run that would start more than an interval late is
skipped and counted.

Phases are rounded to a grid (50 ms by default): the few probes due within the same 50 ms start in one
wake-up of the event loop instead of one wake-up each, which halves the CPU per probe at a few hundred
probes per second. The spread stays even at that resolution, and each probe keeps an exact interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable

from slaforge.exporter.collector.families import SchedulerStats
from slaforge.exporter.prober import Prober, run_safely
from slaforge.exporter.state import ProbeState


def offset_of(interval: float, phase: float, grid: float = 0.0) -> float:
    """Seconds after each multiple of ``interval`` at which a probe of this ``phase`` (0..1) runs."""
    offset = phase * interval
    if grid > 0 and interval > grid:
        offset = (round(offset / grid) * grid) % interval
    return offset


def first_slot(now_wall: float, interval: float, offset: float) -> float:
    """Wall time of the first slot ``k * interval + offset`` strictly after ``now_wall``."""
    k = math.floor((now_wall - offset) / interval) + 1
    return k * interval + offset


class Scheduler:
    def __init__(
        self, stats: SchedulerStats, on_result: Callable[[ProbeState], None] | None = None, grid: float = 0.05
    ) -> None:
        self.stats = stats
        self.grid = grid
        self.on_result = on_result
        self.tasks: dict[tuple[str, str], asyncio.Task[None]] = {}
        self.probers: dict[tuple[str, str], Prober] = {}

    def start(self, state: ProbeState, prober: Prober) -> None:
        key = state.target.key
        self.probers[key] = prober
        self.tasks[key] = asyncio.get_running_loop().create_task(self._run(state, prober), name=f"probe {key}")

    async def stop(self, key: tuple[str, str]) -> None:
        task = self.tasks.pop(key, None)
        prober = self.probers.pop(key, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if prober is not None:
            prober.close()

    async def stop_all(self) -> None:
        keys = list(self.tasks)
        for key in keys:
            task = self.tasks.get(key)
            if task is not None:
                task.cancel()
        for key in keys:
            await self.stop(key)

    async def _run(self, state: ProbeState, prober: Prober) -> None:
        loop = asyncio.get_running_loop()
        stats = self.stats
        interval = state.target.probe.interval.seconds
        now_wall, now = time.time(), loop.time()
        offset = offset_of(interval, state.target.phase, self.grid)
        planned = now + (first_slot(now_wall, interval, offset) - now_wall)
        while True:
            delay = planned - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            started = loop.time()
            lag = started - planned
            stats.observe_lag(lag, time.monotonic())
            state.last_lag = lag
            stats.in_flight += 1
            try:
                result = await run_safely(prober)
            finally:
                stats.in_flight -= 1
            state.record(result, time.monotonic())  # the clock the SLI windows are read with
            if self.on_result is not None:
                try:
                    self.on_result(state)
                except Exception:  # a failing observer must not stop the probe's schedule
                    state.cache = None
            planned += interval
            behind = loop.time() - planned
            if behind >= interval:
                missed = math.floor(behind / interval)
                stats.skipped += missed
                planned += missed * interval
