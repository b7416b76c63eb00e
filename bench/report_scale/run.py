"""Report and review at scale: `slaforge report` and `slaforge review` against a backfilled Prometheus.

    python -m bench report_scale                          # 1,000 SLAs, review on 200 (about 25 minutes)
    python -m bench report_scale --slas 10 --review-slas 10 --no-docs   # a quick check that it works

Steps: write N SLAs (one or two ratio objectives each, some with credit tiers and a weekly
maintenance window); stream the recorded 5m pieces of the last complete month for all of them,
and of the 5 months before for the first R (the review's), to OpenMetrics text, one file per
TSDB block (`promtool tsdb create-blocks-from openmetrics`, one pass each); every tenth SLA has
no pieces for the first days of the month but its raw counters (every 30 s), so that the report
computes that stretch from the SLI's own series. Start Prometheus 2.42 on 127.0.0.1 on that
storage, then time the CLI as a user runs it and count the HTTP API requests it made (from
Prometheus's own `prometheus_http_requests_total`, before and after):

1. `slaforge report ALL --period MONTH --format json` (N SLAs, a tenth of them partly raw);
2. `slaforge report RAW --period MONTH --format json` (the raw subset alone: queries per SLA with the fallback);
3. `slaforge review REVIEW --periods 6 --format json` (the first R SLAs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import docs
from bench.report_scale import data, grouped
from tests.support.prometheus import PrometheusServer, backfill_openmetrics

ROOT = Path(__file__).resolve().parents[2]
SLAFORGE = Path(sys.executable).parent / "slaforge"
BLOCK_HOURS = 486  # promtool's block size for --max-block-duration=486h; Prometheus keeps such blocks as they are
GOAL_S = 60.0
GROUPS_GOAL_S = 30.0  # issue 15: a month's report of 10,000 groups
CPU = "cpu"


def months_back(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - n
    return index // 12, index % 12 + 1


def stamp(year: int, month: int) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())


def api_requests(prom: PrometheusServer) -> dict[str, float]:
    """Requests Prometheus has answered so far, per API handler, and its CPU seconds (its own /metrics)."""
    text = prom.session.get(f"{prom.url}/metrics", timeout=30).text
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("prometheus_http_requests_total{") and 'handler="/api/v1/' in line:
            handler = line.split('handler="', 1)[1].split('"', 1)[0]
            out[handler] = out.get(handler, 0.0) + float(line.rsplit(" ", 1)[1])
        elif line.startswith("process_cpu_seconds_total "):
            out[CPU] = float(line.split()[1])
    return out


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(prom: PrometheusServer, args: list[str], out: Path, slas: int, log: Any) -> dict[str, Any]:
    """Run the CLI once; wall time, the requests it made, and a summary of its JSON."""
    before = api_requests(prom)
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run([str(SLAFORGE), *args, "--prometheus", prom.url, "--format", "json", "-o", str(out)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    cpu = children_cpu() - cpu0
    after = api_requests(prom)
    prom_cpu = after.pop(CPU, 0.0) - before.pop(CPU, 0.0)
    if proc.returncode != 0:
        raise RuntimeError(f"slaforge {args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    per_handler = {h: int(after.get(h, 0) - before.get(h, 0)) for h in after if after.get(h, 0) != before.get(h, 0)}
    queries = sum(per_handler.values())
    result = {"command": "slaforge " + " ".join(args) + " --prometheus URL --format json -o FILE",
              "wall_s": round(wall, 2), "cli_cpu_s": round(cpu, 2), "prometheus_cpu_s": round(prom_cpu, 2),
              "load": round(os.getloadavg()[0], 1), "slas": slas, "queries": queries,
              "queries_per_sla": round(queries / slas, 3), "by_handler": per_handler,
              "warnings": len(proc.stderr.splitlines()), **summary(json.loads(out.read_text()))}
    log(f"  {result['command']}: {wall:.1f}s (CPU: CLI {cpu:.1f}s, Prometheus {prom_cpu:.1f}s), "
        f"{queries} queries ({queries / slas:.2f} per SLA) {per_handler}")
    return result


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    """Counts over the objectives of a report or a review, to show that the numbers are there."""
    objectives = [o for s in doc.get("slas", []) for o in s.get("objectives", [])]
    out: dict[str, Any] = {"objectives": len(objectives)}
    if objectives and "periods" in objectives[0]:  # a review
        cells = [p for o in objectives for p in o["periods"]]
        out["objective_periods"] = len(cells)
        out["no_data"] = sum(1 for p in cells if p.get("no_data"))
        out["missed"] = sum(1 for p in cells if p.get("met") is False)
        out["raw"] = sum(1 for p in cells if p.get("source") == "raw")
        out["findings"] = sum(len(o.get("findings", [])) for o in objectives)
    else:
        out["no_data"] = sum(1 for o in objectives if o.get("no_data"))
        out["missed"] = sum(1 for o in objectives if o.get("met") is False)
        out["raw"] = sum(1 for o in objectives if o.get("source") == "raw")
        out["credits"] = sum(1 for o in objectives if o.get("credit"))
    return out


def backfill(layout: data.Layout, workdir: Path, storage: Path, result: dict[str, Any], log: Any) -> None:
    """Stream each block's samples to a file and let promtool write the block (one pass each)."""
    shutil.rmtree(storage, ignore_errors=True)
    samples = 0
    t0 = time.perf_counter()
    for lo, hi in data.windows(layout, BLOCK_HOURS * 3600):
        om = workdir / "window.om"
        with om.open("w") as out:
            count = data.write_window(out, layout, lo, hi)
            out.write("# EOF\n")
        if count:
            t1 = time.perf_counter()
            backfill_openmetrics(om, storage, block_hours=BLOCK_HOURS)
            log(f"  {datetime.fromtimestamp(lo, UTC):%Y-%m-%d}: {count:,} samples "
                f"({om.stat().st_size / 1e6:.0f} MB), promtool {time.perf_counter() - t1:.0f}s")
        om.unlink()
        samples += count
    result["backfilled_samples"] = samples
    result["backfill_s"] = round(time.perf_counter() - t0, 1)
    log(f"backfilled {samples:,} samples in {result['backfill_s']:.0f}s")


def backfill_grouped(slas: int, customers: int, layout: data.Layout, workdir: Path, result: dict[str, Any],
                     log: Any) -> Path:
    """The grouped case's month of pieces in its own storage (kept and reused like the other)."""
    storage = workdir / "grouped"
    done = workdir / "backfill-grouped.json"
    first, last = layout.month_start - layout.margin, layout.last
    marker = repr((slas, customers, first, last, grouped.VERSION))
    if done.exists() and json.loads(done.read_text()).get("layout") == marker:
        result.update(json.loads(done.read_text())["result"])
        log(f"reusing the backfilled grouped storage in {storage}")
        return storage
    shutil.rmtree(storage, ignore_errors=True)
    (workdir / "backfill-daily.json").unlink(missing_ok=True)  # its blocks went with the storage
    samples = 0
    t0 = time.perf_counter()
    block = BLOCK_HOURS * 3600
    lo = first // block * block
    while lo <= last:
        om = workdir / "grouped.om"
        with om.open("w") as out:
            count = grouped.write_window(out, slas, customers, first, last, lo, lo + block)
            out.write("# EOF\n")
        if count:
            backfill_openmetrics(om, storage, block_hours=BLOCK_HOURS)
            log(f"  grouped {datetime.fromtimestamp(lo, UTC):%Y-%m-%d}: {count:,} samples")
        om.unlink()
        samples += count
        lo += block
    got = {"grouped_samples": samples, "grouped_backfill_s": round(time.perf_counter() - t0, 1),
           "group_slas": slas, "customers": customers}
    result.update(got)
    done.write_text(json.dumps({"layout": marker, "result": got}))
    log(f"backfilled {samples:,} grouped samples in {got['grouped_backfill_s']:.0f}s")
    return storage


def backfill_daily(slas: int, customers: int, layout: data.Layout, workdir: Path, storage: Path, log: Any) -> None:
    """The grouped SLAs' daily series (as their rules write them) in blocks of their own, next to the
    pieces (Prometheus reads overlapping blocks); kept and reused like the pieces."""
    done = workdir / "backfill-daily.json"
    marker = repr((slas, customers, layout.month_start, layout.month_end, grouped.DAILY_VERSION))
    if done.exists() and json.loads(done.read_text()).get("layout") == marker and storage.exists():
        log("reusing the backfilled daily sums")
        return
    t0 = time.perf_counter()
    om = workdir / "daily.om"
    with om.open("w") as out:
        count = grouped.write_daily(out, slas, customers, layout.month_start, layout.month_end)
        out.write("# EOF\n")
    backfill_openmetrics(om, storage, block_hours=BLOCK_HOURS)
    om.unlink()
    done.write_text(json.dumps({"layout": marker}))
    log(f"backfilled {count:,} daily samples in {time.perf_counter() - t0:.0f}s")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench report_scale", description=__doc__.split("\n")[0])
    parser.add_argument("--slas", type=int, default=1000, help="SLAs in the month's report (default 1000)")
    parser.add_argument("--review-slas", type=int, default=1000,
                        help="SLAs with 6 months of pieces, reviewed (default 1000)")
    parser.add_argument("--raw-days", type=int, default=4, help="days at the month's start read from raw counters")
    parser.add_argument("--group-slas", type=int, default=100,
                        help="grouped SLAs in the grouped case (default 100; 0 leaves it out)")
    parser.add_argument("--customers", type=int, default=100, help="customers (groups) of each grouped SLA")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the data here (and reuse it)")
    parser.add_argument("--report-only", type=Path, default=None, metavar="RESULT_JSON",
                        help="only rewrite the docs section from a previous run's result.json")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--backfill-only", action="store_true",
                        help="write (or keep) the backfilled storage in --workdir and stop")
    args = parser.parse_args(argv)
    if args.report_only is not None:
        write_section(json.loads(args.report_only.read_text()))
        return 0

    def log(msg: str) -> None:
        print(msg, flush=True)

    n, r = args.slas, min(args.review_slas, args.slas)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="slaforge-bench-report-"))
    workdir.mkdir(parents=True, exist_ok=True)
    today = datetime.now(UTC)
    year, month = months_back(today.year, today.month, 1)  # the last complete month
    first_year, first_month = months_back(year, month, 5)
    layout = data.Layout(month_start=stamp(year, month), month_end=stamp(today.year, today.month),
                         review_start=stamp(first_year, first_month), review_slas=r, slas=n,
                         raw_days=args.raw_days)
    period = f"{year:04d}-{month:02d}"
    raw = [i for i in range(n) if data.is_raw(i)]
    files = {"all": workdir / "all.yaml", "raw": workdir / "raw.yaml", "review": workdir / "review.yaml",
             "grouped": workdir / "grouped.yaml"}
    data.write_slas(files["all"], list(range(n)))
    data.write_slas(files["raw"], raw)
    data.write_slas(files["review"], list(range(r)))
    result: dict[str, Any] = {
        "slas": n, "review_slas": r, "raw_slas": len(raw), "raw_days": args.raw_days, "period": period,
        "objectives": sum(len(data.objectives(i)) for i in range(n)),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Prometheus 2.42",
    }

    storage = workdir / "data"
    done = workdir / "backfill.json"
    if done.exists() and json.loads(done.read_text()).get("layout") == repr((layout, data.VERSION)):
        result.update(json.loads(done.read_text())["result"])
        log(f"reusing the backfilled storage in {storage}")
    else:
        backfill(layout, workdir, storage, result, log)
        done.write_text(json.dumps({"layout": repr((layout, data.VERSION)), "result": {
            k: result[k] for k in ("backfilled_samples", "backfill_s")}}))
    if args.group_slas:
        grouped_storage = backfill_grouped(args.group_slas, args.customers, layout, workdir, result, log)
        backfill_daily(args.group_slas, args.customers, layout, workdir, grouped_storage, log)
    if args.backfill_only:
        return 0

    with PrometheusServer(workdir / "prom", storage=storage) as prom:
        log(f"prometheus at {prom.url}")
        result["report"] = timed(prom, ["report", str(files["all"]), "--period", period],
                                 workdir / "report.json", n, log)
        if raw:
            result["report_raw"] = timed(prom, ["report", str(files["raw"]), "--period", period],
                                         workdir / "report-raw.json", len(raw), log)
        result["review"] = timed(prom, ["review", str(files["review"]), "--periods", "6"],
                                 workdir / "review.json", r, log)
    if args.group_slas:
        grouped.write_slas(files["grouped"], args.group_slas)
        with PrometheusServer(workdir / "prom-grouped", storage=grouped_storage) as prom:
            log(f"prometheus (grouped) at {prom.url}")
            result["report_groups"] = timed(prom, ["report", str(files["grouped"]), "--period", period],
                                            workdir / "report-grouped.json", args.group_slas, log)
    result["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    options = [f"--slas {n}" if n != 1000 else "", f"--review-slas {r}" if r != 1000 else "",
               f"--raw-days {args.raw_days}" if args.raw_days != 4 else ""]
    result["bench_command"] = " ".join(["python -m bench report_scale", *filter(None, options)])
    (workdir / "result.json").write_text(json.dumps(result, indent=2))
    log(json.dumps(result, indent=2))
    log(markdown(result))
    if not args.no_docs:
        write_section(result)
    slow = [k for k in ("report", "review") if result[k]["wall_s"] > GOAL_S]
    if "report_groups" in result and result["report_groups"]["wall_s"] > GROUPS_GOAL_S:
        slow.append("report_groups")
    return 1 if slow else 0


BEGIN, END = "<!-- bench:report_scale:begin -->", "<!-- bench:report_scale:end -->"
DOCS = ROOT / "docs" / "benchmarks.md"


def markdown(r: dict[str, Any]) -> str:
    rows = ["| run | SLAs | objectives | wall | CPU: CLI + Prometheus | load | queries | per SLA | checks |",
            "|---|---|---|---|---|---|---|---|---|"]
    for key, label in (("report", f"`report --period {r['period']}`"),
                       ("report_raw", f"`report --period {r['period']}`, raw subset alone"),
                       ("review", "`review --periods 6`"),
                       ("report_groups", f"`report --period {r['period']}`, grouped: "
                                         f"{r.get('group_slas', 0)} SLAs x {r.get('customers', 0)} customers")):
        run = r.get(key)
        if run is None:
            continue
        if key == "report_groups":
            checks = (f"{run['objectives']:,} rows (groups): {run['missed']} missed, {run['credits']} with a credit, "
                      f"{run['no_data']} no data")
        elif key == "review":
            checks = (f"{run['objective_periods']} objective-periods: {run['missed']} missed, "
                      f"{run['raw']} partly raw, {run['no_data']} no data; {run['findings']} findings")
        else:
            checks = (f"{run['missed']} missed, {run['credits']} with a credit, {run['raw']} partly raw, "
                      f"{run['no_data']} no data")
        rows.append(f"| {label} | {run['slas']} | {run['objectives']} | **{run['wall_s']:.1f} s** | "
                    f"{run['cli_cpu_s']:.1f} + {run['prometheus_cpu_s']:.1f} s | {run['load']:.1f} | "
                    f"{run['queries']} | {run['queries_per_sla']:.2f} | {checks} |")
    return "\n".join(rows)


def verdict(r: dict[str, Any]) -> str:
    """Whether each run met its goal, and its CPU (client + Prometheus): about its wall time when idle."""
    parts = []
    for key, label, goal in (("report", "The report", GOAL_S), ("review", "the review", GOAL_S),
                             ("report_groups", f"the grouped report (goal {GROUPS_GOAL_S:.0f} s)", GROUPS_GOAL_S)):
        run = r.get(key)
        if run is None:
            continue
        cpu = run["cli_cpu_s"] + run["prometheus_cpu_s"]
        met = "met" if run["wall_s"] <= goal else "**not met**"
        parts.append(f"{label} took {run['wall_s']:.0f} s ({met}; {cpu:.0f} s of CPU, "
                     f"{cpu / run['slas'] * 1000:.0f} ms per SLA)")
    return "; ".join(parts) + "."


def write_section(result: dict[str, Any]) -> None:
    """Rewrite this benchmark's section of docs/benchmarks.md (other sections untouched)."""
    r = result
    section = "\n".join([
        BEGIN,
        "## Report and review at scale",
        "",
        f"Rerun with `.venv/bin/{r['bench_command']} --workdir DIR` (about 15 minutes on the shared machine the "
        "first time, most of it backfilling; a second run with the same `--workdir` reuses the storage). "
        f"Last run: {r.get('date', '?')}, "
        f"on this project's machine ({r['machine']}, shared with other work).",
        "",
        f"{r['slas']:,} synthetic SLAs, {r['objectives']:,} objectives (one or two ratio objectives each; credit",
        "tiers on half, a weekly 2h maintenance window on a fifth). Their recorded 5m pieces were",
        f"backfilled with `promtool tsdb create-blocks-from openmetrics`: the month {r['period']} for all",
        f"of them, and the 5 months before for the first {r['review_slas']:,} (the review's 6 periods), "
        f"{r['backfilled_samples']:,} samples",
        f"in {r['backfill_s']:.0f} s. Every tenth SLA ({r['raw_slas']}) has no pieces for the first "
        f"{r['raw_days']} days of the month, only its",
        "raw counters (every 30 s): the report computes that stretch from the SLI's own series",
        "([sources](reports.md#sources-recorded-and-raw)). The grouped case (issue 15) is "
        f"{r.get('group_slas', 0)} SLAs of one objective `group_by: [customer]` with "
        f"{r.get('customers', 0)} customers each, a month of pieces per customer "
        f"({r.get('grouped_samples', 0):,} samples, {r.get('grouped_backfill_s', 0):.0f} s), in a Prometheus "
        "of its own. Prometheus 2.42 on that storage; each run is",
        "the CLI as a user runs it (`slaforge report|review FILE --prometheus URL --format json -o FILE`,",
        "process start to exit), once; queries are the API requests Prometheus counted",
        "(`prometheus_http_requests_total`, before and after).",
        "",
        markdown(r),
        "",
        f"Goals: report and review under {GOAL_S:.0f} s (issue 17), the grouped report under "
        f"{GROUPS_GOAL_S:.0f} s (issue 15). {verdict(r)}",
        "",
        "Before this query plan (main at cf9832c, 2026-12-02, load 7.7 to 10.3): the report of 1,000 SLAs",
        "took 354.1 s (127.7 + 45.9 s of CPU, 2,233 queries) and the review of 200 SLAs 316.9 s (133.6 + 48.6 s,",
        "2,447 queries): 3 series of 2,976 15-minute buckets per objective and month, about 12,500 samples",
        "per SLA, each checked, bucketed and summed in Python, and every SLA asked on its own, one query",
        "after the other. What changed ([the numbers](reports.md#the-numbers)):",
        "",
        "- **days, not buckets**: the report asks the sums per local day (the review per period), with",
        "  the number of pieces and the lowest piece of each; 15-minute buckets only over days partly",
        "  recorded, and the raw fallback per day too (one query over all the days without pieces). About",
        "  150 samples per objective and month instead of 8,928. The JSON is byte for byte what the",
        "  buckets-only plan gives (`report` of 100 SLAs, `review` of 30, on this storage; and",
        "  `tests/report/test_query_plan.py`);",
        "- **SLAs asked together**: those of one period and timezone share the sums and `ALERTS` queries",
        "  (`sla=~\"...\"`, 100 per query, 10 of those that group by labels): 100 single-SLA queries of a",
        "  month cost Prometheus 0.96 s of CPU, the same as one query 0.32 s;",
        "- **4 queries in flight**, and per client, not per request: the deadline watchdog's thread (starting",
        "  a thread per request cost about 10 ms on the loaded machine) and the environment's proxy",
        "  settings (reading `os.environ` per request cost about 2.5 ms).",
        "",
        "**The grouped case** read, until 2026-12-02, a month of pieces for each of the 10,000 groups: about",
        "173 million samples, each read by 5 sums (bad, valid, their count and the lowest bad and valid",
        "piece), 29 to 32 s of Prometheus CPU, and took 52 s at load 2.8 (the goal is 30 s). The rules of an",
        "SLA with credit tiers already wrote a daily sum of each side for SLACreditAtRisk; they now also",
        "write the day's piece count and lowest piece beside it, and the report reads those four numbers",
        "per day and group ([days the rules added up](reports.md#the-numbers)) and the pieces only for the",
        "days they do not answer. The grouped storage holds them as the rules write them (37 s after each",
        "midnight; `grouped.write_daily`, 1.2 million samples): Prometheus's CPU fell from about 30 s to",
        "about 1 s, and the client, now the whole cost, checks 1.2 million daily numbers and assembles and",
        "writes 10,000 rows. The JSON of the 10,000 rows is identical to the one read from the pieces.",
        "The other runs read pieces only (their storage has no daily sums, as after `slaforge backfill`):",
        "for their SLAs with credit tiers the report asks the daily sums first and finds none (one query",
        "per chunk more).",
        "",
        "The wall times above are on a machine whose load average was the `load` column (2 cores shared",
        "with other engineers' benchmarks), so the CPU columns are the reproducible part: on an idle",
        "machine the wall time is at most about their sum. The raw subset's time is mostly Prometheus",
        "evaluating the SLI's own counters (a 1-minute subquery over 4 days per objective).",
        END,
    ])
    docs.write_section(section, BEGIN, END, DOCS)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
