"""`slaforge backfill`: the recorded 5m pieces for time before the rules ran, written as TSDB blocks
by ``promtool tsdb create-blocks-from rules``.

The generated rules build the 5m pieces from 1m pieces, which read the maintenance state, which
for a DST timezone reads the time-zone offset series: four passes, each of whose blocks must be in
the server before the next is evaluated (promtool evaluates against the server, not against the
blocks it writes). The backfill instead records each 5m piece in one rule, straight from the SLI's
own series, with exactly the meaning of the pieces (:mod:`slaforge.report.raw`, the same
expression the report uses for unrecorded time): one pass, one folder of blocks to load. The 1m
pieces and the ratios are not backfilled: the ratios of 2h and more are sums of the 5m pieces, so
once the blocks are loaded every window (and the report) has its history; windows of 1h and less
only look at the last hour.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from slaforge.conventions import BAD_EVENTS_5M, LABEL_OBJECTIVE, LABEL_SLA, VALID_EVENTS_5M
from slaforge.maintenance import lay_out
from slaforge.plan import plan_for
from slaforge.report.client import PrometheusClient
from slaforge.report.raw import piece_queries
from slaforge.report.spans import sla_matcher
from slaforge.rules.model import RecordingRule, RuleGroup, document, record
from slaforge.spec.model import SLA

RULE_FILE = "slaforge-backfill.rules.yml"  # fixed name: promtool's evaluation offset hashes it
GROUP = "slaforge-backfill"
INTERVAL = "5m"


class BackfillError(Exception):
    """promtool is missing or failed; the message says which, fit to print."""


def backfill_rules(slas: Sequence[SLA], start: datetime, end: datetime) -> dict[str, Any]:
    """One group, every 5m: per objective the bad and valid 5m pieces from the SLI's own series (the
    rule document, typed as the generated rules are; :func:`slaforge.rules.render.dump` writes it)."""
    rules: list[RecordingRule] = []
    for sla in map(plan_for, slas):
        windows = lay_out(sla.windows, sla.timezone, start - timedelta(days=1), end + timedelta(days=1))
        for objective in sla.objectives:
            bad, valid = piece_queries(sla, objective, 300, windows)
            labels = {LABEL_OBJECTIVE: objective.name, LABEL_SLA: sla.name}
            rules += [record(BAD_EVENTS_5M, bad, labels), record(VALID_EVENTS_5M, valid, labels)]
    return document([RuleGroup(GROUP, INTERVAL, tuple(rules))])


def run_promtool(folder: Path, url: str, shown_url: str, start: datetime, end: datetime) -> Path:
    """Evaluate ``folder/RULE_FILE`` over ``[start, end]`` into ``folder/blocks``; returns that folder.

    promtool runs in ``folder`` with the bare file name, so that the group's evaluation offset (hashed
    from the group's name and the file's path as given) is the same on every run.
    """
    promtool = shutil.which("promtool")
    if promtool is None:
        raise BackfillError("promtool is not installed (it comes with Prometheus); put it on PATH")
    blocks = folder / "blocks"
    blocks.mkdir(parents=True, exist_ok=True)
    command = [promtool, "tsdb", "create-blocks-from", "rules", f"--start={start.timestamp():.0f}",
               f"--end={end.timestamp():.0f}", f"--url={url}", f"--output-dir={blocks.resolve()}",
               f"--eval-interval={INTERVAL}", RULE_FILE]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, cwd=folder)
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or "").strip().replace(url, shown_url)
        raise BackfillError(f"promtool failed (exit {exc.returncode}): {detail[-2000:]}") from None
    return blocks


def recorded_already(client: PrometheusClient, slas: Sequence[SLA], start: datetime, end: datetime) -> list[str]:
    """The SLAs that already have recorded 5m pieces in ``[start, end]`` (one query)."""
    seconds = (end - start).total_seconds()
    selector = f"{VALID_EVENTS_5M}{{{sla_matcher([s.name for s in slas])}}}"
    _, series = client.query(f"count by ({LABEL_SLA}) (count_over_time({selector}[{seconds:.0f}s]))", end)
    return sorted(item.labels.get(LABEL_SLA, "") for item in series)
