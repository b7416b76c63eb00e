"""A month of backfilled data with known totals, and the SLAs it belongs to.

The series are the recorded 5m event counts the report reads (``BAD_EVENTS_5M`` /
``VALID_EVENTS_5M``): a sample stamped ``t`` counts the events of ``(t-5m, t]``, and during
declared maintenance both are 0, as the generated rules record them. ``ALERTS`` samples every
30s stand for page alerts that fired. Every truth in the tests is computed by hand from the
numbers below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from slaforge.conventions import BAD_EVENTS_5M, VALID_EVENTS_5M, error_ratio_rule

SLOT = 300
DATA_START = datetime(2026, 9, 28, tzinfo=UTC)
DATA_END = datetime(2026, 11, 3, tzinfo=UTC)
OCT = datetime(2026, 10, 1, tzinfo=UTC)

ACME_YAML = """
apiVersion: slaforge/v1
kind: SLA
metadata: {{name: acme}}
spec:
  service: shop
  provider: Example Provider
  customer: ACME Corp
  window: 30d
  calendar: month
  timezone: UTC
  objectives:
{objectives}
  escalation:
    - {{after: 0m, receiver: acme-oncall}}
"""

TIERS = """      credits:
        - {below: 99.9, credit: 10}
        - {below: 99.0, credit: 25}
        - {below: 95.0, credit: 100}"""

ACME_OBJECTIVES = ("met", "tier1", "tier2", "tier3", "boundary", "boundary-minus", "idle", "nodata")


def acme_yaml() -> str:
    parts = []
    for name in ACME_OBJECTIVES:
        parts.append(f"    - name: {name}\n      target: 99.9\n      sli: {{probe: web}}\n{TIERS}")
    body = ACME_YAML.format(objectives="\n".join(parts))
    return body.replace(
        "  objectives:",
        "  probes:\n    - {name: web, url: 'https://shop.example.com/'}\n  objectives:",
    )


BERLIN_YAML = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: berlin}
spec:
  service: directory
  provider: Example Provider
  customer: Berlin Office
  window: 7d
  calendar: month
  timezone: Europe/Berlin
  maintenance:
    - weekly: {day: sunday, start: "03:00", duration: 2h}
    - once: {start: "2026-10-11T02:00:00", duration: 2h}
    - once: {start: "2026-09-30T23:00:00", duration: 2h}
    - once: {start: "2026-11-15T01:00:00Z", duration: 4h}
  probes:
    - {name: ldap, url: 'tcp://ldap.example.com:636'}
  objectives:
    - name: availability
      target: 99.5
      sli: {probe: ldap}
      credits:
        - {below: 99.5, credit: 5}
        - {below: 98.0, credit: 15}
"""


def stamps(start: datetime, end: datetime, step: int = SLOT) -> Iterable[datetime]:
    """Sample times in ``(start, end]``."""
    t = start + timedelta(seconds=step)
    while t <= end:
        yield t
        t += timedelta(seconds=step)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class OpenMetrics:
    """Collects samples and writes them grouped by metric family, as promtool wants them."""

    def __init__(self) -> None:
        self.families: dict[str, dict[tuple[tuple[str, str], ...], dict[int, float]]] = defaultdict(dict)

    def add(self, metric: str, labels: dict[str, str], samples: Iterable[tuple[datetime, float]]) -> None:
        series = self.families[metric].setdefault(tuple(sorted(labels.items())), {})
        for moment, value in samples:
            series[int(moment.timestamp())] = value

    def text(self) -> str:
        lines: list[str] = []
        for metric in sorted(self.families):
            lines.append(f"# TYPE {metric} gauge")
            for key in sorted(self.families[metric]):
                label_text = ",".join(f'{k}="{v}"' for k, v in key)
                for ts, value in sorted(self.families[metric][key].items()):
                    lines.append(f"{metric}{{{label_text}}} {value:g} {ts}")
        lines.append("# EOF")
        return "\n".join(lines) + "\n"


def _bad_run(first_stamp: datetime, slots: int, per_slot: float) -> dict[datetime, float]:
    return {first_stamp + timedelta(seconds=SLOT * i): per_slot for i in range(slots)}


# Bad events per objective of `acme`, by sample stamp (valid is 100 per slot, 125 for the boundary ones).
ACME_BAD: dict[str, dict[datetime, float]] = {
    # 700 bad on Oct 3, 100 in the last slot of October (stamped Nov 1 00:00, counted), and a decoy
    # of 100 stamped Oct 1 00:00 (events of Sep 30 23:55-24:00, not counted): 800 bad.
    "met": {**_bad_run(at(3, 0, 5), 7, 100), at(1, 0, 0, month=11): 100, at(1): 100},
    "tier1": _bad_run(at(20, 10, 5), 20, 100),  # 2,000 bad on Oct 20
    "tier2": _bad_run(at(5, 12, 5), 200, 100),  # 20,000 bad: 14,400 on Oct 5, 5,600 on Oct 6
    "tier3": _bad_run(at(10, 0, 5), 1000, 100),  # 100,000 bad from Oct 10 00:00 to Oct 13 11:20
    "boundary": {**_bad_run(at(8, 0, 5), 8, 125), at(8, 1, 0): 116},  # 1,116 of 1,116,000
    "boundary-minus": {**_bad_run(at(8, 0, 5), 8, 125), at(8, 1, 0): 117},  # 1,117 of 1,116,000
}
BOUNDARY = ("boundary", "boundary-minus")


def _alerts(builder: OpenMetrics, objective: str, start: datetime, end: datetime,
            state: str = "firing", severity: str = "page", extra: dict[str, str] | None = None) -> None:
    labels = {"alertname": "SLAErrorBudgetBurn", "alertstate": state, "severity": severity,
              "sla": "acme", "objective": objective, **(extra or {})}
    builder.add("ALERTS", labels, ((t, 1) for t in [start, *stamps(start, end, 30)]))


def add_acme(builder: OpenMetrics) -> None:
    for name in ACME_OBJECTIVES:
        if name == "nodata":
            continue
        labels = {"sla": "acme", "objective": name}
        per_slot = 125 if name in BOUNDARY else 0 if name == "idle" else 100
        bad = ACME_BAD.get(name, {})
        times = list(stamps(DATA_START, DATA_END))
        builder.add(VALID_EVENTS_5M, labels, ((t, per_slot) for t in times))
        builder.add(BAD_EVENTS_5M, labels, ((t, bad.get(t, 0)) for t in times))
    # Page incidents of tier2, as the 1h and the 6h policies would fire them (two series).
    one, six = {"long_window": "1h"}, {"long_window": "6h"}
    _alerts(builder, "tier2", at(30, 23, 50, month=9), at(1, 0, 20), extra=one)  # open at the start
    _alerts(builder, "tier2", at(5, 12, 5), at(5, 20, 0), extra=one)
    _alerts(builder, "tier2", at(5, 20, 10), at(5, 21, 0), extra=one)  # 10 min later: a new incident
    _alerts(builder, "tier2", at(7, 8, 0), at(7, 9, 0), extra=one)  # overlapping policies: one incident
    _alerts(builder, "tier2", at(7, 8, 30), at(7, 10, 0), extra=six)
    _alerts(builder, "tier2", at(31, 23, 30), at(1, 0, 30, month=11), extra=one)  # open at the end
    _alerts(builder, "tier2", at(9, 1, 0), at(9, 2, 0), state="pending", extra=one)  # not firing
    _alerts(builder, "tier2", at(12, 1, 0), at(12, 2, 0), severity="ticket", extra=one)  # not a page
    # tier2's 5m error ratio, once a minute from Oct 5 11:40: above the lowest page threshold
    # (6 x 0.001) from 11:52 (after a dip at 11:51), 13 minutes before its page fires at 12:05
    ratio = [(at(5, 11, 40) + timedelta(minutes=i), 0.05 if i >= 12 or 5 <= i < 10 else 0.001) for i in range(40)]
    builder.add(error_ratio_rule("5m"), {"sla": "acme", "objective": "tier2"}, ratio)


# --- berlin: October in Europe/Berlin is 2026-09-30T22:00Z .. 2026-10-31T23:00Z --------------
BERLIN_START = datetime(2026, 9, 30, 22, tzinfo=UTC)
BERLIN_END = datetime(2026, 10, 31, 23, tzinfo=UTC)
# Maintenance in UTC as the SLA declares it (Sundays 03:00 local; Oct 25 is the DST change).
BERLIN_MAINTENANCE = [
    (datetime(2026, 9, 30, 21, tzinfo=UTC), datetime(2026, 9, 30, 23, tzinfo=UTC)),  # once, 23:00 local
    (datetime(2026, 10, 4, 1, tzinfo=UTC), datetime(2026, 10, 4, 3, tzinfo=UTC)),
    (datetime(2026, 10, 11, 0, tzinfo=UTC), datetime(2026, 10, 11, 3, tzinfo=UTC)),  # once 02:00 + weekly
    (datetime(2026, 10, 18, 1, tzinfo=UTC), datetime(2026, 10, 18, 3, tzinfo=UTC)),
    (datetime(2026, 10, 25, 2, tzinfo=UTC), datetime(2026, 10, 25, 4, tzinfo=UTC)),  # 03:00 CET
    (datetime(2026, 9, 27, 1, tzinfo=UTC), datetime(2026, 9, 27, 3, tzinfo=UTC)),  # before the data
    (datetime(2026, 11, 1, 2, tzinfo=UTC), datetime(2026, 11, 1, 4, tzinfo=UTC)),
]
BERLIN_BAD: dict[datetime, float] = {
    # (October's first local hour is maintenance: the `once` window of Sep 30 23:00 local, 2h)
    BERLIN_START - timedelta(hours=1): 60,  # Sep 30 22:55-23:00 local: not October
    BERLIN_END: 30,  # the last slot of October (local)
    BERLIN_END + timedelta(minutes=5): 60,  # November already
    **_bad_run(at(14, 10, 5), 72, 60),  # a 6h outage
}


def in_berlin_maintenance(stamp: datetime) -> bool:
    slot_start = stamp - timedelta(seconds=SLOT)
    return any(a <= slot_start and stamp <= b for a, b in BERLIN_MAINTENANCE)


def add_berlin(builder: OpenMetrics) -> None:
    labels = {"sla": "berlin", "objective": "availability"}
    times = list(stamps(DATA_START, DATA_END))
    builder.add(VALID_EVENTS_5M, labels, ((t, 0 if in_berlin_maintenance(t) else 60) for t in times))
    builder.add(BAD_EVENTS_5M, labels,
                ((t, 0 if in_berlin_maintenance(t) else BERLIN_BAD.get(t, 0)) for t in times))


def month_data() -> str:
    builder = OpenMetrics()
    add_acme(builder)
    add_berlin(builder)
    return builder.text()
