"""Grouped objectives vs one SLA per customer: S SLAs x C customers, one real Prometheus.

    python -m bench groups_eval                        # 10 SLAs x 10 customers (about 15 minutes, two Prometheus runs)
    python -m bench groups_eval --slas 100 --customers 100   # the issue's 10,000 groups (about 35 minutes)

The same traffic twice: S SLAs with one 99.9% ratio objective `group_by: [customer]` over C
customers each ("grouped"), and S x C SLAs, one per service and customer, selecting their customer
("separate"). Each form runs in a Prometheus 2.42 of its own, one after the other (so that their
memory can be compared), over the same live counters (a scrape target), with 30 days of its own 5m
pieces backfilled, so that the 30d windows read a full month. Reported per form: rules and
recorded series, the median evaluation time (`prometheus_rule_group_last_duration_seconds`) of its
1m and 5m groups after their first (cold) evaluation, Prometheus's CPU and resident memory.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.rules_eval.data import DAY, cumulative
from bench.rules_eval.run import measure
from slaforge.conventions import BAD_EVENTS_5M, RULE_GROUP, RULE_GROUP_LONG, VALID_EVENTS_5M
from slaforge.rules import render
from slaforge.spec.model import SLA
from tests.support.prometheus import PrometheusServer, backfill_openmetrics, free_port

METRIC = "bench_requests_total"
OBJECTIVE = "availability"


def service(i: int) -> str:
    return f"svc-{i:03d}"


def customer(j: int) -> str:
    return f"cust-{j:03d}"


def _sla(name: str, selector: str, grouped: bool) -> SLA:
    objective: dict[str, Any] = {
        "name": OBJECTIVE, "target": 99.9,
        "sli": {"ratio": {"errors": f'{METRIC}{{{selector},code="500"}}', "total": f"{METRIC}{{{selector}}}"}},
    }
    if grouped:
        objective["group_by"] = ["customer"]
    return SLA.model_validate({
        "apiVersion": "slaforge/v1", "kind": "SLA", "metadata": {"name": name},
        "spec": {"service": name, "provider": "Bench", "customer": "Bench", "window": "30d",
                 "objectives": [objective], "escalation": [{"after": "0m", "receiver": "oncall"}]},
    })


def grouped_slas(s: int) -> list[SLA]:
    return [_sla(f"grp-{service(i)}", f'job="{service(i)}"', True) for i in range(s)]


def separate_slas(s: int, c: int) -> list[SLA]:
    return [
        _sla(f"sep-{service(i)}-{customer(j)}", f'job="{service(i)}",customer="{customer(j)}"', False)
        for i in range(s) for j in range(c)
    ]


def history(path: Path, s: int, c: int, origin: int, end: int, side: str) -> int:
    """30 days of 5m pieces for one side (the rules write them live from then on)."""
    count = 0
    times = list(range(end - 30 * DAY + 300, end + 1, 300))
    values = []
    for t in times:
        g1, b1 = cumulative(t - origin)
        g0, b0 = cumulative(t - 300 - origin)
        values.append((b1 - b0, g1 + b1 - g0 - b0))
    with path.open("w") as out:
        for name, index in ((BAD_EVENTS_5M, 0), (VALID_EVENTS_5M, 1)):
            out.write(f"# TYPE {name} gauge\n")
            for i in range(s):
                for j in range(c):
                    labels = (f'customer="{customer(j)}",objective="{OBJECTIVE}",sla="grp-{service(i)}"'
                              if side == "grouped" else f'objective="{OBJECTIVE}",sla="sep-{service(i)}-{customer(j)}"')
                    pairs = zip(times, values, strict=True)
                    out.writelines(f"{name}{{{labels}}} {v[index]:.6g} {t}\n" for t, v in pairs)
                    count += len(times)
        out.write("# EOF\n")
    return count


@contextmanager
def live_target(s: int, c: int, origin: int) -> Iterator[str]:
    class Counters(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            good, bad = cumulative(time.time() - origin)
            lines = []
            for i in range(s):
                for j in range(c):
                    labels = f'job="{service(i)}",customer="{customer(j)}",instance="bench"'
                    lines.append(f'{METRIC}{{{labels},code="200"}} {good:.6g}\n')
                    lines.append(f'{METRIC}{{{labels},code="500"}} {bad:.6g}\n')
            body = "".join(lines).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Counters)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.shutdown()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench groups_eval", description=__doc__.split("\n")[0])
    parser.add_argument("--slas", type=int, default=10)
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=2.0,
                        help="least sampling time per form once both its groups have run")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    s, c = args.slas, args.customers
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="slaforge-bench-groups-"))
    workdir.mkdir(parents=True, exist_ok=True)
    files = {"grouped": workdir / "grouped.rules.yml", "separate": workdir / "separate.rules.yml"}
    files["grouped"].write_text(render(grouped_slas(s)))
    files["separate"].write_text(render(separate_slas(s, c)))
    result: dict[str, Any] = {"slas": s, "customers": c, "groups": s * c}
    for side, path in files.items():
        doc_rules = path.read_text().count("\n  - record: ") + path.read_text().count("\n  - alert: ")
        result[f"{side}_rules"] = doc_rules
        result[f"{side}_rule_file_bytes"] = path.stat().st_size
    end = int(time.time()) // 300 * 300 - 300
    origin = end - 30 * DAY
    for side, path in files.items():
        om = workdir / f"history-{side}.om"
        storage = workdir / f"data-{side}"
        result[f"{side}_backfilled_samples"] = history(om, s, c, origin, end, side)
        backfill_openmetrics(om, storage)
        om.unlink()
        with live_target(s, c, origin) as target:
            scrape = [{"job_name": "bench", "honor_labels": True, "static_configs": [{"targets": [target]}]}]
            with PrometheusServer(workdir / f"prom-{side}", rule_files=[path], scrape_configs=scrape, storage=storage,
                                  evaluation_interval="1m", scrape_interval="1m") as prom:
                m = measure(prom, 2, args.minutes, lambda msg, form=side: print(f"{form}: {msg}", flush=True))
                for group, key in ((RULE_GROUP, "1m"), (RULE_GROUP_LONG, "5m")):
                    values = m["evals"].get(f"{path.resolve()};{group}", [])
                    result[f"{side}_{key}_ms"] = round(statistics.median(values) * 1000, 1) if values else None
                result[f"{side}_prometheus_rss_max_mib"] = round(m["rss_max_bytes"] / 2**20, 1)
                result[f"{side}_prometheus_cpu_s_per_minute"] = round(m["cpu_s_per_minute"], 2)
                result[f"{side}_iterations_missed"] = m["missed"]
                prefix = "grp-" if side == "grouped" else "sep-"
                recorded = f'{{__name__=~"slaforge:.*|slaforge_sla_info",sla=~"{prefix}.*"}}'
                result[f"{side}_recorded_series"] = prom.value(f"count({recorded})")
                result[f"{side}_head_series"] = prom.value("prometheus_tsdb_head_series")
                first = (f'sla="grp-{service(0)}",customer="{customer(0)}"' if side == "grouped"
                         else f'sla="sep-{service(0)}-{customer(0)}"')
                result[f"{side}_ratio_30d_first"] = prom.value(f"slaforge:sli_errors:ratio_rate30d{{{first}}}")
        result[f"{side}_load_average"] = os.getloadavg()
        shutil.rmtree(storage, ignore_errors=True)
    for side in files:
        fast, slow = result[f"{side}_1m_ms"] or 0.0, result[f"{side}_5m_ms"] or 0.0
        result[f"{side}_per_minute_ms"] = round(fast + slow / 5, 1)
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (workdir / "result.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0
