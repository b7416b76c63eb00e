"""Synthetic SLAs, Sloth replicas and 30 days of OpenMetrics history for the rules benchmark.

Every service ``svc-NNNN`` serves a diurnal load (12 h busy at 1000 req/min with 0.05% errors,
12 h quiet at 10 req/min with 20% errors), exposed as the counter Sloth's getting-started example
reads: ``http_request_duration_seconds_count{job, code}``. Both tools' rules read the same series.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import yaml

from slaforge.conventions import (
    BAD_EVENTS_1D,
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
    BAD_EVENTS_DAY5M,
    VALID_EVENTS_1D,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
    VALID_EVENTS_DAY5M,
)
from slaforge.spec.model import SLA

# ../shared/peers next to the checkout (found from a git worktree one level deeper too)
PEERS = next(
    (p / "shared" / "peers" for p in Path(__file__).resolve().parents[3:5] if (p / "shared" / "peers").is_dir()),
    Path(__file__).resolve().parents[3] / "shared" / "peers",
)
SLOTH_GEN = PEERS / "sloth" / "getting-started.gen.yml"
PYRRA_GEN = PEERS / "pyrra" / "http-errors.gen.yaml"
# Pyrra's fixture: its selector's job, its SLO name and its counter, rewritten per replica
PYRRA_JOB, PYRRA_SLO, PYRRA_METRIC = "thanos-receive-default", "monitoring-http-errors", "http_requests_total"
METRIC = "http_request_duration_seconds_count"
DAY = 86400
BUSY = (1000.0, 0.0005)  # requests per minute, error ratio: first half of each day
QUIET = (10.0, 0.2)


def service(i: int) -> str:
    return f"svc-{i:04d}"


def sla_document(i: int) -> dict[str, Any]:
    svc = service(i)
    return {
        "apiVersion": "slaforge/v1",
        "kind": "SLA",
        "metadata": {"name": svc, "labels": {"team": "bench"}},
        "spec": {
            "service": svc,
            "provider": "Bench",
            "customer": "Bench",
            "window": "30d",
            "objectives": [{
                "name": "requests-availability",
                "target": 99.9,
                "sli": {"ratio": {
                    "errors": f'{METRIC}{{job="{svc}",code=~"(5..|429)"}}',
                    "total": f'{METRIC}{{job="{svc}"}}',
                }},
                # credit tiers: the SLACreditAtRisk period-to-date rules are part of the cost
                "credits": [{"below": 99.9, "credit": 10}, {"below": 99.0, "credit": 25}],
            }],
            "alerting": {"annotations": {"runbook_url": f"https://runbooks.example.com/{svc}"}},
            "escalation": [{"after": "0m", "receiver": "oncall"}, {"after": "30m", "receiver": "lead"}],
        },
    }


def slas(n: int) -> list[SLA]:
    return [SLA.model_validate(sla_document(i)) for i in range(n)]


def write_sla_files(n: int, path: Path) -> None:
    path.write_text(yaml.safe_dump_all([sla_document(i) for i in range(n)], sort_keys=False))


def sloth_rules(n: int) -> str:
    """Sloth's generated groups, replicated per service by rewriting its service name."""
    text = SLOTH_GEN.read_text()
    if "myservice" not in text or "\ngroups:\n" not in text:
        raise RuntimeError(f"{SLOTH_GEN}: expected the getting-started output for 'myservice'")
    body = text.split("\ngroups:\n", 1)[1]
    return "groups:\n" + "".join(body.replace("myservice", service(i)) for i in range(n))


def pyrra_rules(n: int) -> str:
    """Pyrra's groups (increase every 2m30s, burn rates and generic rules every 30s), replicated per
    service: its job selector, SLO name and counter rewritten to ours (``code=~"5.."`` matches 500)."""
    text = PYRRA_GEN.read_text()
    if any(word not in text for word in (PYRRA_JOB, PYRRA_SLO, PYRRA_METRIC)) or "\ngroups:\n" not in text:
        raise RuntimeError(f"{PYRRA_GEN}: expected the http-errors fixture of {PYRRA_JOB}")
    body = text.split("\ngroups:\n", 1)[1].replace(PYRRA_METRIC, METRIC)
    return "groups:\n" + "".join(
        body.replace(PYRRA_JOB, service(i)).replace(PYRRA_SLO, f"{service(i)}-http-errors") for i in range(n)
    )


def pyrra_group_interval(group: str) -> float:
    """Seconds between two runs of a replicated Pyrra group (from its name, as in the fixture)."""
    return 150.0 if group.endswith("-increase") else 30.0


def sloth_ratio5m_labels(i: int) -> dict[str, str]:
    """Labels of Sloth's recorded 5m error ratio (its 30d rule averages this series)."""
    return {k: v.replace("myservice", service(i)) for k, v in _sloth_ratio5m_labels().items()}


@lru_cache(maxsize=1)
def _sloth_ratio5m_labels() -> dict[str, str]:
    doc = yaml.safe_load(SLOTH_GEN.read_text())
    for group in doc["groups"]:
        for rule in group["rules"]:
            if rule.get("record") == "slo:sli_error:ratio_rate5m":
                return {str(k): str(v) for k, v in rule["labels"].items()}
    raise RuntimeError("no slo:sli_error:ratio_rate5m in Sloth's output")


# --- traffic ------------------------------------------------------------------------------

def cumulative(t: float) -> tuple[float, float]:
    """(good, bad) requests served from time 0 to t (seconds), diurnal, exact."""
    days, rest = divmod(t, DAY)
    half = DAY / 2
    per_day_busy = BUSY[0] * half / 60
    per_day_quiet = QUIET[0] * half / 60
    busy_s = min(rest, half)
    quiet_s = max(0.0, rest - half)
    busy = days * per_day_busy + BUSY[0] * busy_s / 60
    quiet = days * per_day_quiet + QUIET[0] * quiet_s / 60
    bad = busy * BUSY[1] + quiet * QUIET[1]
    return busy + quiet - bad, bad


def _labels(labels: dict[str, str]) -> str:
    return ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))


def _times(start: int, end: int, step: int) -> Iterator[int]:
    first = start + (-start) % step
    return iter(range(first, end + 1, step))


def write_openmetrics(out: TextIO, n: int, origin: int, end: int, raw_detail_from: int, peers: bool = True) -> int:
    """30 days of history for n services; returns the number of samples written.

    Raw counters: every 30 min, then every 1 min from ``raw_detail_from`` (Sloth reads up to 3d raw);
    with ``peers=False`` (our rules alone) only the last hour, every minute: our rules read the raw
    counters over 2m and 15m only.
    slaforge's 5m pieces: every 5m for 30 days (its long windows sum them); 1m pieces: last 6h
    (labels sla and objective, as the rules write them).
    Sloth's recorded 5m ratio (``peers`` only): every 5m for 30 days (its 30d window averages it; in a
    live system it is recorded every evaluation, 1m here, so this understates Sloth's cost five times).
    Every service has the same traffic, so each timestamp's values are formatted once.
    """
    count = 0
    start = end - 30 * DAY
    if peers:
        raw_times = [t for t in _times(start, raw_detail_from, 1800)] + list(_times(raw_detail_from + 60, end, 60))
    else:
        raw_times = list(_times(end - 3600, end, 60))
    raw = [[f" {cumulative(t - origin)[index]:.6g} {t}\n" for t in raw_times] for index in (0, 1)]
    for i in range(n):
        svc = service(i)
        for code, index in (("200", 0), ("500", 1)):
            prefix = f"{METRIC}{{{_labels({'job': svc, 'code': code, 'instance': 'bench'})}}}"
            out.write("".join(prefix + v for v in raw[index]))
            count += len(raw_times)
    for name, step, first in (
        (BAD_EVENTS_5M, 300, start), (VALID_EVENTS_5M, 300, start),
        (BAD_EVENTS_1M, 60, end - 6 * 3600), (VALID_EVENTS_1M, 60, end - 6 * 3600),
    ):
        rng = 300 if step == 300 else 120
        scale = 1 if step == 300 else 2
        values = []
        for t in _times(first, end, step):
            g1, b1 = cumulative(t - origin)
            g0, b0 = cumulative(t - rng - origin)
            value = (b1 - b0) if "bad" in name else (g1 + b1 - g0 - b0)
            values.append(f" {value / scale:.6g} {t}\n")
        for i in range(n):
            prefix = f"{name}{{{_labels({'sla': service(i), 'objective': 'requests-availability'})}}}"
            out.write("".join(prefix + v for v in values))
            count += len(values)
    count += _period_pieces(out, n, origin, end)
    if peers:
        ratios = []
        for t in _times(start, end, 300):
            g1, b1 = cumulative(t - origin)
            g0, b0 = cumulative(t - 300 - origin)
            ratios.append(f" {(b1 - b0) / (g1 + b1 - g0 - b0):.6g} {t}\n")
        for i in range(n):
            prefix = f"slo:sli_error:ratio_rate5m{{{_labels(sloth_ratio5m_labels(i))}}}"
            out.write("".join(prefix + r for r in ratios))
            count += len(ratios)
    out.write("# EOF\n")
    return count


def _period_pieces(out: TextIO, n: int, origin: int, end: int) -> int:
    """History of the SLACreditAtRisk pieces (UTC calendar months): the 5m pieces numbered by day
    for the last 26h, and one daily sum per midnight of the last 31 days, numbered by period."""
    count = 0
    five = list(_times(end - 26 * 3600, end, 300))
    midnights = list(_times(end - 31 * DAY, end, DAY))
    for name, times, span in ((BAD_EVENTS_DAY5M, five, 300), (VALID_EVENTS_DAY5M, five, 300),
                              (BAD_EVENTS_1D, midnights, DAY), (VALID_EVENTS_1D, midnights, DAY)):
        for i in range(n):
            base = {"sla": service(i), "objective": "requests-availability"}
            lines = []
            for t in times:
                g1, b1 = cumulative(t - origin)
                g0, b0 = cumulative(t - span - origin)
                value = (b1 - b0) if "bad" in name else (g1 + b1 - g0 - b0)
                if span == DAY:
                    number = {"period": str((datetime.fromtimestamp(t - DAY, UTC).month - 1) % 3)}
                else:
                    number = {"day": str(t // DAY % 3)}
                lines.append(f"{name}{{{_labels({**base, **number})}}} {value:.6g} {t}\n")
            out.writelines(lines)
            count += len(lines)
    return count


def check_names() -> None:
    """The Sloth file's 30d rule reads the ratio series we backfill (fail early if it changes)."""
    if not re.search(r"sum_over_time\(slo:sli_error:ratio_rate5m", SLOTH_GEN.read_text()):
        raise RuntimeError("Sloth's output no longer averages slo:sli_error:ratio_rate5m")
