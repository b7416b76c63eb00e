"""The exporter process: configuration, probes, metrics server, reloads and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import resource
import signal
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from slaforge import __version__
from slaforge.exporter.collector import ExporterCollector, Exposition, ProbeCollector, SchedulerStats
from slaforge.exporter.collector.families import ExporterInfo
from slaforge.exporter.collector.render import CONTENT_TYPE, refresh
from slaforge.exporter.log import Logger
from slaforge.exporter.prober import Prober, make_prober
from slaforge.exporter.reload import ConfigSource, Key, plan
from slaforge.exporter.scheduler import Scheduler
from slaforge.exporter.secrets import redact, secrets_of
from slaforge.exporter.server import WRITE_TIMEOUT, Chunks, HttpServer, Response
from slaforge.exporter.state import ObjectiveState, ProbeState
from slaforge.exporter.status_page import render as render_status
from slaforge.exporter.targets import Target, build_targets, objectives_of
from slaforge.spec import SpecError
from slaforge.spec.model import SLA


class StartError(Exception):
    """The exporter cannot start; the message is for the operator (one line, no traceback)."""


class ApplyError(Exception):
    """A configuration could not be put in place; nothing of it was."""


class Exporter:
    def __init__(
        self,
        paths: Sequence[str | Path],
        host: str,
        port: int,
        *,
        shard: tuple[int, int] = (0, 1),
        max_body_bytes: int = 1 << 20,
        watch_interval: float = 5.0,
        schedule_grid: float = 0.05,
        write_timeout: float = WRITE_TIMEOUT,
        logger: Logger | None = None,
    ) -> None:
        self.source = ConfigSource(paths)
        self.host = host
        self.port = port
        self.shard = shard
        self.max_body_bytes = max_body_bytes
        self.watch_interval = watch_interval
        self.log = logger or Logger()
        self.slas: list[SLA] = []
        self.targets: dict[Key, Target] = {}
        self.states: dict[Key, ProbeState] = {}
        self.objectives: dict[Key, ObjectiveState] = {}
        self.stats = SchedulerStats()
        self.info = ExporterInfo(shard)
        self.scheduler = Scheduler(self.stats, on_result=self._on_result, grid=schedule_grid)
        self.exposition = Exposition()
        self.exposition.register(ProbeCollector(lambda: self.states.values(), lambda: self.objectives.values()))
        self.exposition.register(ExporterCollector(self.info, self.stats))
        self.server = HttpServer(self.handle, host, port, write_timeout)
        self.ready = False
        self._stop = asyncio.Event()
        self._reload_lock = asyncio.Lock()
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._background: set[asyncio.Task[bool]] = set()

    @property
    def listen(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.server.port}"

    # --- lifecycle ------------------------------------------------------------------------

    async def run(self, slas: list[SLA]) -> None:
        loop = asyncio.get_running_loop()
        # name resolution runs in the default executor: give it room for slow resolvers (an unanswered
        # lookup keeps its thread until the resolver gives up, whatever the probe's timeout)
        loop.set_default_executor(ThreadPoolExecutor(max_workers=64, thread_name_prefix="slaforge-resolve"))
        files = raise_open_files_limit()
        self._signature = self.source.signature()
        try:
            await self.apply(slas)
        except ApplyError as exc:
            raise StartError(str(exc)) from None
        try:
            await self.server.start()
        except OSError as exc:
            await self.scheduler.stop_all()
            raise StartError(f"cannot listen on {self.listen}: {exc.strerror or exc}") from None
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        loop.add_signal_handler(signal.SIGHUP, self._reload_soon)
        self.ready = True
        self.log.info(
            "started", version=__version__, slas=len(self.slas), probes=len(self.states),
            objectives=len(self.objectives), listen=self.listen, shard=f"{self.shard[0]}/{self.shard[1]}",
            open_files_limit=files,
            files=[str(p) for p in self.source.paths],
        )
        watcher = loop.create_task(self._watch()) if self.watch_interval > 0 else None
        await self._stop.wait()
        self.log.info("stopping", reason="signal")
        self.ready = False
        if watcher is not None:
            watcher.cancel()
        await self.server.close()
        await self.scheduler.stop_all()
        self.log.info("stopped")

    def stop(self) -> None:
        self._stop.set()

    def _reload_soon(self) -> None:
        task = asyncio.get_running_loop().create_task(self.reload("SIGHUP"))
        self._background.add(task)  # keep a reference until it is done
        task.add_done_callback(self._background.discard)

    # --- configuration --------------------------------------------------------------------

    def _probers_for(self, targets: list[Target]) -> list[Prober]:
        """A prober for each target, or :class:`ApplyError` with none left open."""
        probers: list[Prober] = []
        for target in targets:
            try:
                probers.append(make_prober(target.probe, self.max_body_bytes))
            except Exception as exc:
                for prober in probers:
                    prober.close()
                message = redact(f"{type(exc).__name__}: {exc}", secrets_of(target.probe))
                raise ApplyError(f"cannot prepare probe {target.sla}/{target.probe.name}: {message}") from None
        return probers

    async def apply(self, slas: list[SLA]) -> dict[str, int]:
        """Put ``slas`` in place, all of it, or raise :class:`ApplyError` having changed nothing.

        Everything that can fail (building the probers: TLS contexts, CA files) happens before the first
        change; what follows only moves prepared objects into place.
        """
        targets = build_targets(slas, self.shard)
        change = plan(self.targets, targets)
        starting = change.restart + change.add
        probers = self._probers_for(starting)
        for key in change.remove + [t.key for t in change.restart]:
            await self.scheduler.stop(key)
            self.states.pop(key, None)
            self.targets.pop(key, None)
        for target in change.restart + change.add:
            self.targets[target.key] = target
            self.states[target.key] = ProbeState(target)
        objectives: dict[Key, ObjectiveState] = {}
        for state in self.states.values():
            state.objectives = []
        for ref in objectives_of(slas):
            owner = self.states.get((ref.sla, ref.probe))
            if owner is None:
                continue  # the probe belongs to another shard
            key = (ref.sla, ref.name)
            kept = self.objectives.get(key)
            objective = kept if kept is not None and kept.ref == ref else ObjectiveState(ref)
            objectives[key] = objective
            owner.objectives.append(objective)
        self.objectives = objectives
        self.slas = list(slas)
        for target, prober in zip(starting, probers, strict=True):
            state = self.states[target.key]
            refresh(state)  # rendered before its first result too: no scrape pays for many probes at once
            self.scheduler.start(state, prober)
        # the configuration's objects live until the next reload: keep them out of the garbage
        # collector's scans, which would otherwise pause probes and scrapes for tens of milliseconds
        # (unfrozen first, so that what the previous configuration left behind can be collected)
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.info.slas = len(slas)
        counts: dict[str, int] = {}
        for target in self.targets.values():
            counts[target.probe.scheme] = counts.get(target.probe.scheme, 0) + 1
        self.info.targets = counts
        self.info.last_reload_ok = True
        self.info.last_reload_time = time.time()
        return change.summary()

    async def reload(self, trigger: str) -> bool:
        async with self._reload_lock:
            loop = asyncio.get_running_loop()
            self._signature = self.source.signature()
            try:
                slas = await loop.run_in_executor(None, self.source.load)
            except SpecError as exc:
                self.info.reloads["failure"] += 1
                self.info.last_reload_ok = False
                self.log.error(
                    "reload rejected, keeping the previous configuration", trigger=trigger,
                    problems=[p.format() for p in exc.problems],
                )
                return False
            except Exception as exc:
                self.info.reloads["failure"] += 1
                self.info.last_reload_ok = False
                self.log.error("reload failed, keeping the previous configuration", trigger=trigger,
                               error=f"{type(exc).__name__}: {exc}")
                return False
            try:
                summary = await self.apply(slas)
            except ApplyError as exc:
                self.info.reloads["failure"] += 1
                self.info.last_reload_ok = False
                self.log.error("reload failed, keeping the previous configuration", trigger=trigger,
                               error=str(exc))
                return False
            self.info.reloads["success"] += 1
            self.log.info("reloaded", trigger=trigger, slas=len(slas), probes=len(self.states), **summary)
            return True

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.watch_interval)
            try:
                signature = self.source.signature()
            except Exception as exc:
                self.log.warning("cannot check the SLA files", error=str(exc))
                continue
            if signature != self._signature:
                await self.reload("file change")

    def _on_result(self, state: ProbeState) -> None:
        refresh(state)
        if state.last_success != state.previous_success:
            target = state.target
            if state.previous_success is None and state.last_success:
                return  # the first result, and a good one: nothing to tell
            if state.last_success:
                self.log.info("probe up", sla=target.sla, probe=target.probe.name,
                              duration=round(state.last_duration or 0, 4))
            else:
                self.log.warning("probe down", sla=target.sla, probe=target.probe.name, reason=state.last_reason,
                                 message=state.last_message)

    # --- HTTP -----------------------------------------------------------------------------

    async def handle(self, method: str, target: str) -> Response:
        path = target.split("?", 1)[0]
        if path == "/-/reload":
            if method != "POST":
                return Response(405, b"use POST\n", headers=[("Allow", "POST")])
            ok = await self.reload("HTTP")
            return Response(200 if ok else 400, b"reloaded\n" if ok else b"rejected, see the logs\n")
        if method not in ("GET", "HEAD"):
            return Response(405, b"method not allowed\n", headers=[("Allow", "GET, HEAD")])
        if path == "/metrics":
            started = time.perf_counter()
            body = Chunks(self.exposition.render_chunks())
            self.info.render_seconds = time.perf_counter() - started
            return Response(200, body, CONTENT_TYPE)
        if path == "/-/healthy":
            return Response(200, b"OK\n")
        if path == "/-/ready":
            return Response(200, b"ready\n") if self.ready else Response(503, b"not ready\n")
        if path in ("/", "/status"):
            page = render_status(self.slas, self.states, self.objectives, self.info, self.listen,
                                 time.monotonic())
            return Response(200, page.encode(), "text/html; charset=utf-8")
        return Response(404, b"not found; try /, /metrics, /-/healthy, /-/ready\n")


def raise_open_files_limit() -> int:
    """Lift the soft limit on open files to the hard one: every probe in flight holds a socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            return wanted
    return soft


def run(exporter: Exporter, slas: list[SLA]) -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        asyncio.run(exporter.run(slas))
        return
    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(exporter.run(slas))
