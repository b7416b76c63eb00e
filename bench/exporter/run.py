"""Exporter benchmark: CPU per probe against blackbox_exporter, and 10,000 targets.

    python -m bench exporter            # quick: about two minutes
    python -m bench exporter --full     # longer windows
    python -m bench exporter --no-docs  # print only; do not rewrite docs/benchmarks.md

1. CPU per probe at RATE probes/s against a local nginx, fresh connection per probe, side by side in the
   same run with Debian's prometheus-blackbox-exporter driven at the same rate (a separate driver process
   issues RATE /probe?target=... requests per second on keep-alive connections; only blackbox's own CPU
   is counted, from /proc/PID/stat). The slaforge exporter is scraped every 15 s meanwhile, as Prometheus
   would, and that CPU is counted.
2. 10,000 targets (30 s interval, so 333 probes/s): /metrics latency, resident memory, share of runs on
   schedule, and the in-process cost of the fast exposition against prometheus_client's rendering.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.docs import write_section
from bench.exporter import shards
from bench.exporter.procs import cpu_seconds, rss_bytes, start_blackbox, start_exporter, start_nginx
from bench.exporter.report import write_docs
from bench.exporter.synthetic import render_costs

ROOT = Path(__file__).resolve().parents[2]


def sla_file(path: Path, url: str, probes: int, interval: str, timeout: str, per_sla: int = 100) -> Path:
    docs = []
    for s in range(0, probes, per_sla):
        lines = [f"apiVersion: slaforge/v1\nkind: SLA\nmetadata: {{name: bench-{s // per_sla}}}\nspec:\n"
                 "  service: bench\n  provider: bench\n  customer: bench\n  window: 30d\n  probes:\n"]
        for i in range(s, min(s + per_sla, probes)):
            lines.append(f"    - {{name: p{i}, url: '{url}', interval: {interval}, timeout: {timeout}}}\n")
        lines.append(f"  objectives:\n    - {{name: availability, target: 99.9, sli: {{probe: p{s}}}}}\n")
        docs.append("".join(lines))
    path.write_text("---\n".join(docs))
    return path


_BUFFER = bytearray(64 << 20)


def scrape(port: int) -> tuple[bytes, float]:
    """GET /metrics: (body, seconds from connect to the last byte), read with as little client work as
    possible so that the time is the exporter's."""
    view = memoryview(_BUFFER)
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
        size = 0
        while True:
            got = sock.recv_into(view[size:])
            if not got:
                break
            size += got
    elapsed = time.perf_counter() - started
    head, _, body = bytes(view[:size]).partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"/metrics: {head[:200]!r}")
    return body, elapsed


def total(body: bytes, name: str) -> float:
    return sum(float(m.group(1)) for m in re.finditer(rb"^" + name.encode() + rb"(?:\{[^}]*\})? (\S+)$",
                                                       body, re.M))


def single(body: bytes, line_start: str) -> float:
    for line in body.decode().splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def cpu_benchmark(work: Path, nginx_port: int, rate: int, seconds: float, grid: str) -> dict[str, Any]:
    interval = 2
    target = f"http://127.0.0.1:{nginx_port}/healthz"
    sla = sla_file(work / "cpu.yaml", target, rate * interval, f"{interval}s", "1s")
    exporter, ex_port = start_exporter(work, sla, "--schedule-grid", grid)
    blackbox, bb_port = start_blackbox(work)
    probe_url = (f"http://127.0.0.1:{bb_port}/probe?module=http_2xx&target="
                 + urllib.parse.quote(target, safe=""))
    warm = 6.0
    driver = subprocess.Popen([sys.executable, "-m", "bench.exporter.driver", probe_url, str(rate),
                               str(warm + seconds + 2)], stdout=subprocess.PIPE, cwd=ROOT)
    try:
        time.sleep(warm)
        body, _ = scrape(ex_port)
        e0, b0, p0, f0 = cpu_seconds(exporter.pid), cpu_seconds(blackbox.pid), total(body, "slaforge_probes_total"), \
            total(body, "slaforge_probe_failures_total")
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds - 15:
            time.sleep(15)
            scrape(ex_port)  # as Prometheus would
        time.sleep(max(0.0, seconds - (time.monotonic() - t0)))
        body, _ = scrape(ex_port)
        e1, b1 = cpu_seconds(exporter.pid), cpu_seconds(blackbox.pid)
        elapsed = time.monotonic() - t0
        p1, f1 = total(body, "slaforge_probes_total"), total(body, "slaforge_probe_failures_total")
        out, _ = driver.communicate(timeout=60)
        drive = json.loads(out)
    finally:
        if driver.poll() is None:
            driver.kill()
        exporter.stop()
        blackbox.stop()
    ours_probes = p1 - p0
    bb_probes = rate * elapsed
    ours = (e1 - e0) / ours_probes * 1e6
    theirs = (b1 - b0) / bb_probes * 1e6
    return {
        "rate": rate, "seconds": round(elapsed, 1), "schedule_grid": grid,
        "slaforge": {"probes": int(ours_probes), "failed": int(f1 - f0), "cpu_s": round(e1 - e0, 2),
                     "us_per_probe": round(ours)},
        "blackbox": {"probes": int(bb_probes), "driver": drive, "cpu_s": round(b1 - b0, 2),
                     "us_per_probe": round(theirs)},
        "ratio": round(ours / theirs, 3),
    }


def scale_benchmark(work: Path, nginx_port: int, targets: int, seconds: float) -> dict[str, Any]:
    sla = sla_file(work / "scale.yaml", f"http://127.0.0.1:{nginx_port}/healthz", targets, "30s", "5s")
    started = time.monotonic()
    exporter, port = start_exporter(work, sla)
    startup = time.monotonic() - started
    latencies, renders, rss, size = [], [], [], 0
    try:
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds:
            time.sleep(5)
            body, latency = scrape(port)
            latencies.append(latency)
            renders.append(single(body, "slaforge_exporter_metrics_render_seconds"))  # the previous scrape's
            rss.append(rss_bytes(exporter.pid))
            size = len(body)
        cpu = cpu_seconds(exporter.pid)
        lag = "slaforge_exporter_scheduling_lag_seconds"
        runs = single(body, f"{lag}_count")
        on_time_100ms = single(body, f'{lag}_bucket{{le="0.1"}}') / runs if runs else 0
        on_time_1s = single(body, f'{lag}_bucket{{le="1.0"}}') / runs if runs else 0
        skipped = single(body, "slaforge_exporter_probes_skipped_total")
        reported = len(re.findall(rb"^slaforge_probe_success\{", body, re.M))
        succeeded = len(re.findall(rb"^slaforge_probe_success\{[^}]*\} 1$", body, re.M))
        probes = total(body, "slaforge_probes_total")
    finally:
        exporter.stop()
    return {
        "targets": targets, "interval": "30s", "seconds": round(time.monotonic() - t0, 1),
        "startup_s": round(startup, 2), "metrics_bytes": size,
        "metrics_ms_median": round(statistics.median(latencies) * 1000, 1),
        "metrics_ms_max": round(max(latencies) * 1000, 1),
        "render_ms_median": round(statistics.median(renders[1:] or renders) * 1000, 1),
        "rss_mb_max": round(max(rss) / 2**20, 1),
        "probes": int(probes), "probed_at_least_once": reported, "last_probe_ok": succeeded,
        "on_schedule_100ms": round(on_time_100ms, 5), "on_schedule_1s": round(on_time_1s, 5),
        "skipped": int(skipped), "cpu_percent": round(cpu / (time.monotonic() - started) * 100, 1),
    }


def sharded(args: argparse.Namespace, argv: list[str]) -> int:
    command = " ".join(["python -m bench exporter", *argv])
    with tempfile.TemporaryDirectory(prefix="slaforge-bench-shards-") as tmp:
        work = Path(tmp)
        nginx, nginx_port = start_nginx(work)
        try:
            sla = sla_file(work / "shards.yaml", f"http://127.0.0.1:{nginx_port}/healthz", args.targets,
                           f"{shards.INTERVAL_S}s", "5s")
            result = shards.run(work, nginx_port, sla, args.shards, args.targets, args.seconds,
                                lambda m: print(m, flush=True), nginx_pids=(nginx.pid,))
        finally:
            nginx.stop()
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    result["command"] = command
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"exporter-shards-{args.shards}x{args.targets}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    print(shards.markdown(result))
    if not args.no_docs:
        write_section(shards.section(result, command), shards.BEGIN, shards.END, ROOT / "docs" / "benchmarks.md")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench exporter")
    parser.add_argument("--full", action="store_true", help="longer measuring windows")
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--schedule-grid", default="0.05", help="passed to the exporter in the CPU part")
    parser.add_argument("--only", choices=["cpu", "scale"], help="run one part (the docs are not rewritten)")
    parser.add_argument("--shards", type=int, default=0,
                        help="only the sharded run: N exporters share --targets (rewrites its own section)")
    parser.add_argument("--seconds", type=float, default=120.0, help="measuring window of the sharded run")
    args = parser.parse_args(argv)
    if args.shards:
        return sharded(args, argv)
    cpu_window, scale_window = (120.0, 100.0) if args.full else (40.0, 45.0)
    results: dict[str, Any] = {"mode": "full" if args.full else "quick",
                               "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="slaforge-bench-") as tmp:
        work = Path(tmp)
        nginx, nginx_port = start_nginx(work)
        try:
            if args.only in (None, "cpu"):
                print(f"CPU per probe at {args.rate}/s, {cpu_window:.0f}s window ...", flush=True)
                results["cpu"] = cpu_benchmark(work, nginx_port, args.rate, cpu_window, args.schedule_grid)
                print(json.dumps(results["cpu"], indent=1), flush=True)
            if args.only in (None, "scale"):
                print(f"{args.targets} targets, {scale_window:.0f}s ...", flush=True)
                results["scale"] = scale_benchmark(work, nginx_port, args.targets, scale_window)
                print(json.dumps(results["scale"], indent=1), flush=True)
        finally:
            nginx.stop()
    results["render"] = render_costs(args.targets)
    print(json.dumps(results["render"], indent=1))
    if args.only:
        return 0
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "exporter.json").write_text(json.dumps(results, indent=1))
    ratio = results["cpu"]["ratio"]
    print(f"slaforge {results['cpu']['slaforge']['us_per_probe']} us/probe vs blackbox_exporter "
          f"{results['cpu']['blackbox']['us_per_probe']} us/probe: ratio {ratio} (goal <= 0.5)")
    if not args.no_docs:
        write_docs(ROOT / "docs" / "benchmarks.md", results, " ".join(["python -m bench exporter", *argv]))
    return 0
