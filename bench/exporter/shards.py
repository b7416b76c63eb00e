"""Sharded exporters at scale: N exporters (``--shard I/N``) share T targets, scraped by a real Prometheus.

    python -m bench exporter --shards 4 --targets 10000      # 10,000 targets over 4 shards (about 4 minutes)

Every exporter loads the same SLA file (T http probes of a local nginx, 30 s interval, 100 per SLA)
and probes only its share (a stable hash of SLA and probe names). A Prometheus 2.42 scrapes the N
exporters every 15 s with the configuration of docs/deploying.md ("Many probes: sharded exporters",
hosts replaced by 127.0.0.1 ports, checked with ``promtool check config``). Measured per shard: the
probes it owns, startup, Prometheus's ``scrape_duration_seconds`` (median and max over the window),
the /metrics size, resident memory, CPU, and the schedule kept, from the exporter's own metrics
(``slaforge_exporter_scheduling_lag_seconds``, ``slaforge_exporter_probes_skipped_total``, probes run
against probes due).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml

from bench.exporter.procs import Proc, cpu_seconds, rss_bytes, start_exporter
from bench.rules_eval.run import _short, cpu_by_process, others
from tests.support.prometheus import PrometheusServer, promtool

INTERVAL_S = 30
JOB = "slaforge-exporter"


def scrape_config(hosts: list[str]) -> dict[str, Any]:
    """The scrape job for N sharded exporters (docs/deploying.md shows it with exporter-I:9105)."""
    return {
        "job_name": JOB,
        "scrape_interval": "15s",
        "scrape_timeout": "10s",
        "static_configs": [{"targets": hosts}],
    }


def check_config(path: Path, hosts: list[str]) -> None:
    path.write_text(yaml.safe_dump({"scrape_configs": [scrape_config(hosts)]}, sort_keys=False))
    subprocess.run([promtool(), "check", "config", str(path)], check=True, capture_output=True, text=True)


def _value(body: str, start: str) -> float:
    for line in body.splitlines():
        if line.startswith(start + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _sum(body: str, name: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
               if line.startswith(name + "{") or line.startswith(name + " "))


def _metrics(port: int) -> str:
    import urllib.request
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60) as response:
        return str(response.read().decode())


def run(work: Path, nginx_port: int, sla_file: Path, shards: int, targets: int, seconds: float,
        log: Any, nginx_pids: tuple[int, ...] = ()) -> dict[str, Any]:
    exporters: list[tuple[Proc, int, float]] = []
    result: dict[str, Any] = {"shards": shards, "targets": targets, "interval_s": INTERVAL_S, "window_s": seconds}
    try:
        for index in range(shards):
            t0 = time.monotonic()
            proc, port = start_exporter(work, sla_file, "--shard", f"{index}/{shards}")
            exporters.append((proc, port, time.monotonic() - t0))
        hosts = [f"127.0.0.1:{port}" for _, port, _ in exporters]
        check_config(work / "scrape-check.yml", hosts)
        log(f"{shards} exporters up; Prometheus scrapes them every 15 s; warm-up {INTERVAL_S + 5} s")
        with PrometheusServer(work / "prom", scrape_configs=[scrape_config(hosts)], scrape_interval="15s",
                              evaluation_interval="15s") as prom:
            time.sleep(INTERVAL_S + 5)  # every probe has run once
            mine = {os.getpid(), *(proc.pid for proc, _, _ in exporters), *nginx_pids}
            if prom._proc is not None:
                mine.add(prom._proc.pid)
            busy_before = cpu_by_process()
            before = [(_metrics(port), cpu_seconds(proc.pid), time.monotonic()) for proc, port, _ in exporters]
            rss: list[list[int]] = [[] for _ in exporters]
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                for i, (proc, _, _) in enumerate(exporters):
                    rss[i].append(rss_bytes(proc.pid))
                time.sleep(5)
            after = [(_metrics(port), cpu_seconds(proc.pid), time.monotonic()) for proc, port, _ in exporters]
            window = f"{int(seconds)}s"
            durations = prom.session.get(f"{prom.url}/api/v1/query", params={
                "query": f'scrape_duration_seconds{{job="{JOB}"}}[{window}]'}, timeout=30).json()["data"]["result"]
            by_host = {d["metric"]["instance"]: [float(v) for _, v in d["values"]] for d in durations}
            up = prom.value(f'sum(up{{job="{JOB}"}})')
            result["others_cpu_percent"] = others(busy_before, seconds, mine)
        result["prometheus_up"] = up
        per_shard = []
        lag = "slaforge_exporter_scheduling_lag_seconds"
        for i, ((_proc, port, startup), (b0, c0, t0), (b1, c1, t1)) in enumerate(zip(exporters, before, after,
                                                                                     strict=True)):
            owned = sum(1 for line in b1.splitlines() if line.startswith("slaforge_probe_success{"))
            runs = _value(b1, f"{lag}_count") - _value(b0, f"{lag}_count")
            on_100ms = _value(b1, f'{lag}_bucket{{le="0.1"}}') - _value(b0, f'{lag}_bucket{{le="0.1"}}')
            on_1s = _value(b1, f'{lag}_bucket{{le="1.0"}}') - _value(b0, f'{lag}_bucket{{le="1.0"}}')
            probes = _sum(b1, "slaforge_probes_total") - _sum(b0, "slaforge_probes_total")
            failures = _sum(b1, "slaforge_probe_failures_total") - _sum(b0, "slaforge_probe_failures_total")
            due = owned * (t1 - t0) / INTERVAL_S
            scrape = by_host.get(f"127.0.0.1:{port}", [])
            per_shard.append({
                "shard": f"{i}/{shards}", "probes_owned": owned, "startup_s": round(startup, 2),
                "metrics_bytes": len(b1.encode()),
                "scrape_ms_median": round(statistics.median(scrape) * 1000, 1) if scrape else None,
                "scrape_ms_max": round(max(scrape) * 1000, 1) if scrape else None, "scrapes": len(scrape),
                "rss_mb_max": round(max(rss[i]) / 2**20, 1),
                "cpu_percent": round((c1 - c0) / (t1 - t0) * 100, 1),
                "probes_run": int(probes), "probes_due": round(due), "run_share": round(probes / due, 4) if due else 0,
                "failures": int(failures),
                "on_schedule_100ms": round(on_100ms / runs, 5) if runs else 0,
                "on_schedule_1s": round(on_1s / runs, 5) if runs else 0,
                "skipped": int(_value(b1, "slaforge_exporter_probes_skipped_total")),
                "max_lag_s": _value(b1, "slaforge_exporter_scheduling_lag_max_seconds"),
            })
        result["per_shard"] = per_shard
        result["probes_owned_total"] = sum(s["probes_owned"] for s in per_shard)
    finally:
        for proc, _, _ in exporters:
            proc.stop()
    result["load_average"] = os.getloadavg()
    return result


def markdown(r: dict[str, Any]) -> str:
    lines = ["| shard | probes | startup | Prometheus scrape, median / max | /metrics | RSS (max) | CPU | "
             "probes run / due | on schedule (100 ms / 1 s) | skipped | failed |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in r["per_shard"]:
        lines.append(
            f"| {s['shard']} | {s['probes_owned']:,} | {s['startup_s']:.2f} s | {s['scrape_ms_median']} ms / "
            f"{s['scrape_ms_max']} ms ({s['scrapes']} scrapes) | {s['metrics_bytes'] / 2**20:.1f} MiB | "
            f"{s['rss_mb_max']:.0f} MB | {s['cpu_percent']:.1f}% | {s['probes_run']:,} / {s['probes_due']:,} | "
            f"{s['on_schedule_100ms']:.2%} / {s['on_schedule_1s']:.2%} | {s['skipped']} | {s['failures']} |")
    return "\n".join(lines)


BEGIN, END = "<!-- bench:exporter_shards:begin -->", "<!-- bench:exporter_shards:end -->"


def section(r: dict[str, Any], command: str) -> str:
    total_rss = sum(s["rss_mb_max"] for s in r["per_shard"])
    total_cpu = sum(s["cpu_percent"] for s in r["per_shard"])
    return "\n".join([
        BEGIN,
        f"### {r['shards']} sharded exporters, {r['targets']:,} targets",
        "",
        f"Rerun with `.venv/bin/{command}` (about {int(r['window_s'] // 60) + 2} minutes). Last run: {r['date']},",
        "on this project's 2-core machine, shared with other engineers' work (load average "
        f"{r['load_average'][0]:.2f} at the end; other processes during the window, share of one core: "
        + (", ".join(f"`{_short(cmd)}` {pct:.0f}%" for cmd, pct in r.get("others_cpu_percent", [])) or "nothing")
        + ").",
        "",
        f"{r['shards']} exporters, each `slaforge exporter FILE --shard I/{r['shards']}` on the same SLA file of "
        f"{r['targets']:,} http probes of a local nginx (interval {r['interval_s']} s, so "
        f"{r['targets'] / r['interval_s']:,.0f} probes/s in all), scraped every 15 s by a Prometheus 2.42 with the",
        "configuration of [deploying](deploying.md#many-probes-sharded-exporters) (hosts replaced by local",
        f"ports, checked with `promtool check config`). Measured over {r['window_s']:.0f} s after a warm-up of one",
        "interval: Prometheus's `scrape_duration_seconds` per shard, the exporter's resident memory (max, sampled",
        "every 5 s), its CPU (`/proc`), and its own schedule metrics (`slaforge_exporter_scheduling_lag_seconds`,",
        "`slaforge_exporter_probes_skipped_total`; probes run against probes due in the window).",
        "",
        markdown(r),
        "",
        f"Every probe is owned by exactly one shard: {r['probes_owned_total']:,} owned in all, for "
        f"{r['targets']:,} targets; Prometheus saw {r['prometheus_up']:.0f} of {r['shards']} targets up. In all, "
        f"{total_rss:,.0f} MB resident and {total_cpu:.0f}% of one core for the {r['shards']} exporters.",
        END,
    ])
