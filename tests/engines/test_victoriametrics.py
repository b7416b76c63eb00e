"""VictoriaMetrics as a second real engine: the same scenario through Prometheus and through vmalert.

Nine hours of request counters (100 requests a minute, a sample every 15s) with a 30-minute total
outage at 07:00. Prometheus evaluates the generated rules by rule backfill (promtool, in passes of
rules that read each other); VictoriaMetrics by vmalert's replay mode, once with the rule file as
generated for Prometheus and once with ``--engine vmalert``. Both must page on the outage, resolve
after it and record the same window ratios.

``test_live_page_lag`` runs vmalert live (wall clock) on the same kind of outage and measures how
much later than Prometheus it pages: at most one evaluation with ``--engine vmalert``.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from slaforge.conventions import (
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
    OBJECTIVE_RATIO,
    PAGE_BURN_RATE,
    SLA_INFO,
    TICKET_BURN_RATE,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
)
from slaforge.rules import EngineOptions, generate_rule_file
from slaforge.rules.render import dump
from slaforge.spec import load_text
from slaforge.spec.model import SLA
from tests.support.prometheus import PrometheusServer, backfill_openmetrics, backfill_rules
from tests.support.victoria import VictoriaMetrics, VmAlert, replay, strip_annotations

pytestmark = pytest.mark.e2e

SLA_TEXT = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: api, labels: {team: web}}
spec:
  service: api
  provider: Example Provider
  customer: ACME Corp
  window: 30d
  timezone: UTC
  objectives:
    - name: errors
      target: 99.9
      sli:
        ratio:
          errors: http_requests_total{job="api",code=~"5.."}
          total: http_requests_total{job="api"}
  escalation:
    - {after: 0m, receiver: oncall}
"""

HOUR = 3600
STEP = 15  # seconds between samples
PER_SAMPLE = 25  # requests per sample: 100 a minute
T0 = 1_780_272_000  # 2026-06-01T00:00:00Z
OUTAGE = (T0 + 7 * HOUR, T0 + 7 * HOUR + 1800)
END = T0 + 9 * HOUR
PAGE = 'ALERTS{alertname="SLAErrorBudgetBurn",severity="page",alertstate="firing"}'


def the_sla() -> SLA:
    return load_text(SLA_TEXT, "api.yaml")[0]


def counters(start: int, end: int, outage: tuple[int, int]) -> list[tuple[int, float, float]]:
    """(t, good, bad) cumulative counters every STEP seconds; every request fails during the outage."""
    rows, good, bad = [], 0.0, 0.0
    for t in range(start, end + 1, STEP):
        if t > start:
            if outage[0] < t <= outage[1]:
                bad += PER_SAMPLE
            else:
                good += PER_SAMPLE
        rows.append((t, good, bad))
    return rows


def prometheus_text(rows: list[tuple[int, float, float]]) -> list[str]:
    out = []
    for t, good, bad in rows:
        out.append(f'http_requests_total{{job="api",code="200"}} {good:g} {t * 1000}')
        out.append(f'http_requests_total{{job="api",code="500"}} {bad:g} {t * 1000}')
    return out


def openmetrics(rows: list[tuple[int, float, float]]) -> str:
    lines = ["# TYPE http_requests counter"]
    for code, index in (("200", 1), ("500", 2)):
        lines += [f'http_requests_total{{job="api",code="{code}"}} {row[index]:g} {row[0]}' for row in rows]
    return "\n".join(lines) + "\n# EOF\n"


def only(document: dict[str, Any], names: set[str]) -> dict[str, Any]:
    groups = []
    for group in document["groups"]:
        rules = [r for r in group["rules"] if r.get("record") in names]
        if rules:
            groups.append({**group, "rules": rules})
    return {"groups": groups}


def replay_passes(document: dict[str, Any]) -> list[dict[str, Any]]:
    """vmalert replays groups one after the other, but the 1m group reads the 5m group's ratios
    (and the 5m group the 1m pieces and budget): the 1m group's per-SLA rules first, then the 5m
    group's recording rules, the rest of the 1m group, the 5m group's alerts."""
    fast, long_ = document["groups"]
    first = {OBJECTIVE_RATIO, SLA_INFO, BAD_EVENTS_1M, VALID_EVENTS_1M}

    def part(group: dict[str, Any], keep: Any) -> dict[str, Any]:
        return {"groups": [{**group, "rules": [r for r in group["rules"] if keep(r)]}]}

    return [
        part(fast, lambda r: r.get("record") in first),
        part(long_, lambda r: "record" in r),
        part(fast, lambda r: r.get("record") not in first),
        part(long_, lambda r: "alert" in r),
    ]


def replay_all(document: dict[str, Any], folder: Path, url: str, start: int, end: int) -> None:
    for index, part in enumerate(replay_passes(strip_annotations(document))):
        rule_file = folder / f"pass{index}.yml"
        rule_file.write_text(dump(part))
        replay(rule_file, url, start, end, folder / f"replay{index}.log")


def prometheus_backfill(tmp: Path, sla: SLA, rows: list[tuple[int, float, float]], start: int, end: int) -> Path:
    """TSDB blocks of the raw counters and of every recording rule, in passes of rules that read
    each other. Every pass is written as ``slaforge.rules.yml``, so that promtool evaluates each
    group at the same offsets in every pass (as one Prometheus loading the file would)."""
    storage = tmp / "prom-data"
    backfill_openmetrics(openmetrics(rows), storage)
    document = generate_rule_file([sla])
    ratios = {r["record"] for g in document["groups"] for r in g["rules"] if "ratio_rate" in r.get("record", "")}
    passes = [
        {OBJECTIVE_RATIO, SLA_INFO, BAD_EVENTS_1M, VALID_EVENTS_1M},
        {BAD_EVENTS_5M, VALID_EVENTS_5M},
        ratios,
        {PAGE_BURN_RATE, TICKET_BURN_RATE},
    ]
    for index, names in enumerate(passes):
        folder = tmp / f"pass{index}"
        folder.mkdir()
        (folder / "slaforge.rules.yml").write_text(yaml.safe_dump(only(document, names)))
        with PrometheusServer(tmp / f"prom{index}", storage=storage) as server:
            backfill_rules(folder / "slaforge.rules.yml", server.url, folder / "blocks", start, end)
        for block in (folder / "blocks").iterdir():
            shutil.move(str(block), storage / block.name)
    return storage


def stamps(samples: list[list[Any]] | list[tuple[float, float]]) -> list[float]:
    return [float(s[0]) for s in samples]


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Prometheus (backfilled) and two VictoriaMetrics (replayed: as generated, and --engine vmalert)."""
    tmp = tmp_path_factory.mktemp("engines")
    sla = the_sla()
    rows = counters(T0, END, OUTAGE)
    layouts = {
        "prometheus-layout": generate_rule_file([sla]),
        "vmalert-layout": generate_rule_file([sla], EngineOptions("vmalert")),
    }

    def run_vm(name: str) -> VictoriaMetrics:
        vm = VictoriaMetrics(tmp / name, cache=False).__enter__()
        vm.import_text(prometheus_text(rows))
        replay_all(layouts[name], tmp / name, vm.url, T0, END)
        vm.flush()
        return vm

    with ThreadPoolExecutor(max_workers=3) as pool:
        vms = {name: pool.submit(run_vm, name) for name in layouts}
        storage = pool.submit(prometheus_backfill, tmp, sla, rows, T0, END).result()
        done = {name: future.result() for name, future in vms.items()}
    try:
        with PrometheusServer(tmp / "prom", storage=storage) as prom:
            yield {"prometheus": prom, **done}
    finally:
        for vm in done.values():
            vm.__exit__()


def prometheus_page(prom: PrometheusServer) -> list[float]:
    """Evaluation times at which Prometheus's page fires: the alert selects the recorded condition."""
    result = prom.query(f'{PAGE_BURN_RATE}{{sla="api",objective="errors"}}[10h]', END)
    return stamps(result[0]["values"]) if result else []


@pytest.mark.parametrize("layout", ["prometheus-layout", "vmalert-layout"])
def test_vmalert_pages_and_resolves_like_prometheus(engines: dict[str, Any], layout: str) -> None:
    vm: VictoriaMetrics = engines[layout]
    fired = stamps(vm.samples(PAGE, T0, END))
    prom = prometheus_page(engines["prometheus"])
    assert fired and prom, (fired, prom)
    # pages within minutes of the outage's start, on both engines, at most one evaluation apart
    # (vmalert evaluates on the minute, Prometheus at an offset within it)
    assert OUTAGE[0] < fired[0] <= OUTAGE[0] + 5 * 60
    assert abs(fired[0] - prom[0]) <= 60
    # resolves once the 30m window is clean (the 6h/30m pair), on both; never fires before the outage
    # (up to two evaluations apart: the instants differ, and MetricsQL's increase() takes the sample
    # before the range where Prometheus extrapolates, which moves the edge of a piece by a minute)
    assert OUTAGE[1] < fired[-1] <= OUTAGE[1] + 35 * 60
    assert abs(fired[-1] - prom[-1]) <= 120
    assert not vm.samples(PAGE, T0, OUTAGE[0])


@pytest.mark.parametrize("layout", ["prometheus-layout", "vmalert-layout"])
@pytest.mark.parametrize(("window", "at", "expected"), [
    ("1h", OUTAGE[0] + 50 * 60, 0.5),  # the whole outage, half of the hour
    ("6h", END, 0.5 / 6),
    ("30d", END, 3000 / (9 * 60 * 100)),  # every event since T0 is in the window
])
def test_window_ratio_matches_prometheus(engines: dict[str, Any], layout: str, window: str, at: int,
                                         expected: float) -> None:
    name = f'slaforge:sli_errors:ratio_rate{window}{{sla="api",objective="errors"}}'
    prom = engines["prometheus"].value(f"last_over_time({name}[10m])", at)
    vm = engines[layout].query(f"last_over_time({name}[10m])", at)
    assert prom is not None and vm, (prom, vm)
    assert float(vm[0]["value"][1]) == pytest.approx(prom, rel=0.01)
    assert prom == pytest.approx(expected, rel=0.01)


# --- live ---------------------------------------------------------------------------------------

LIVE_TIMEOUT = 9 * 60
PHASE = 40  # seconds into a minute at which vmalert starts


def live_run(tmp: Path, layout: str, sla: SLA, history_start: int, now: int, outage: tuple[int, int],
             rows: list[tuple[int, float, float]]) -> float | None:
    """vmalert live on one VictoriaMetrics: the pieces of the last hours replayed first (so that
    the 1h window is full), then live evaluations; the time the page fired (activeAt), or None."""
    folder = tmp / layout
    options = EngineOptions("vmalert") if layout == "vmalert-layout" else None
    document = generate_rule_file([sla], options)
    with VictoriaMetrics(folder) as vm:
        vm.import_text(prometheus_text(rows))
        history = folder / "history.yml"
        history.write_text(dump(only(document, {OBJECTIVE_RATIO, SLA_INFO, BAD_EVENTS_1M, VALID_EVENTS_1M})))
        replay(history, vm.url, history_start, now - 60, folder / "replay.log")
        rule_file = folder / "rules.yml"
        rule_file.write_text(dump(document))
        # vmalert runs its groups from its start, querying as of the minute (aligned); started 40s
        # into a minute, "now" is more than VictoriaMetrics's -search.latencyOffset (30s) past the
        # query time, which it would otherwise move back
        time.sleep((PHASE - time.time()) % 60)
        with VmAlert(folder, [rule_file], vm.url) as vmalert:
            deadline = outage[0] + LIVE_TIMEOUT
            while time.time() < deadline:
                for alert in vmalert.alerts():
                    labels = alert["labels"]
                    if labels.get("alertname") == "SLAErrorBudgetBurn" and labels.get("severity") == "page" \
                            and alert["state"] == "firing":
                        return parse_time(alert["activeAt"])
                time.sleep(2)
    return None


def parse_time(text: str) -> float:
    """vmalert's RFC 3339 times (nanoseconds allowed)."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
    assert match, text
    zone = "+00:00" if match[3] == "Z" else match[3]
    return datetime.fromisoformat(match[1] + zone).timestamp() + float(match[2] or 0)


@pytest.mark.slow
def test_live_page_lag(tmp_path: Path) -> None:
    """A total outage starting two minutes after vmalert starts: vmalert (``--engine vmalert``) pages
    at most one evaluation after the first minute at or after Prometheus's page.

    SLAFORGE_VMALERT_BASELINE=1 also runs the rule file as generated for Prometheus and prints both
    lags (docs/deploying.md quotes them).
    """
    sla = the_sla()
    now = int(time.time()) // 60 * 60
    history_start = now - 2 * HOUR
    outage = (now + 3 * 60, now + 23 * 60)
    rows = counters(history_start, outage[1] + 20 * 60, outage)
    layouts = ["vmalert-layout"]
    if os.environ.get("SLAFORGE_VMALERT_BASELINE"):
        layouts.append("prometheus-layout")
    with ThreadPoolExecutor(max_workers=len(layouts) + 1) as pool:
        runs = {name: pool.submit(live_run, tmp_path, name, sla, history_start, now, outage, rows)
                for name in layouts}
        storage = prometheus_backfill(tmp_path, sla, rows, history_start, outage[1] + 20 * 60)
        with PrometheusServer(tmp_path / "prom", storage=storage) as prom:
            result = prom.query(f'{PAGE_BURN_RATE}{{sla="api"}}[4h]', outage[1] + 20 * 60)
        fired = {name: future.result() for name, future in runs.items()}
    assert result, "Prometheus never paged"
    prom_fire = min(t for t in stamps(result[0]["values"]) if t > outage[0])
    aligned = math.ceil(prom_fire / 60) * 60  # the first minute at or after Prometheus's page
    # activeAt is vmalert's wall clock; the evaluation it fired in queried as of the minute before
    evaluated = {name: None if t is None else t // 60 * 60 for name, t in fired.items()}
    print(f"\npage after the outage's start: Prometheus {prom_fire - outage[0]:.0f}s; " + "; ".join(
        f"vmalert {name}: " + ("never" if t is None else
                               f"evaluation of {t - outage[0]:.0f}s, later than Prometheus by {t - prom_fire:.0f}s "
                               f"(wall clock {fired[name] - outage[0]:.0f}s)")
        for name, t in evaluated.items()))
    vm_fire = evaluated["vmalert-layout"]
    assert vm_fire is not None, "vmalert never paged"
    assert vm_fire <= aligned + 60, (vm_fire - prom_fire, evaluated)
