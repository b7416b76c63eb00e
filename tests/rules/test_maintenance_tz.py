"""Maintenance windows in local time, DST included: the generated PromQL, evaluated by a real
Prometheus at instants around 2026's DST changes, agrees with the tz database's wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from slaforge.conventions import LABEL_TIMEZONE, TIMEZONE_OFFSET
from slaforge.rules.maintenance import active_at, active_expr, offset_expr, offset_steps
from slaforge.spec import load_slas
from slaforge.spec.model import SLA, WEEKDAYS
from tests.rules.helpers import EXAMPLES, fixture
from tests.support.prometheus import PrometheusServer

STEP = 900  # every 15 minutes


def wall_clock_truth(sla: SLA, t: int) -> bool:
    """Is the local wall-clock time inside a declared window (computed with zoneinfo)?"""
    local = datetime.fromtimestamp(t, tz=UTC).astimezone(ZoneInfo(sla.spec.timezone)).replace(tzinfo=None)
    for m in sla.spec.maintenance:
        if m.weekly is not None:
            day = WEEKDAYS.index(m.weekly.day)
            monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0)
            start = monday + timedelta(days=day, hours=m.weekly.start.hour, minutes=m.weekly.start.minute)
            for begin in (start - timedelta(days=7), start):
                if begin <= local < begin + timedelta(seconds=m.weekly.duration.seconds):
                    return True
        elif m.daily is not None:
            start = local.replace(hour=m.daily.start.hour, minute=m.daily.start.minute, second=0)
            for begin in (start - timedelta(days=1), start):
                if begin <= local < begin + timedelta(seconds=m.daily.duration.seconds):
                    return True
        elif m.once is not None:
            begin = m.once.start if m.once.start.tzinfo else m.once.start.replace(
                tzinfo=ZoneInfo(sla.spec.timezone))
            if begin.timestamp() <= t < begin.timestamp() + m.once.duration.seconds:
                return True
    return False


def ranges() -> list[tuple[int, int]]:
    """Weeks around the 2026 DST changes in Europe and the US, a plain week, and 2026-12-01."""
    days = ["2026-03-07", "2026-03-27", "2026-07-01", "2026-10-23", "2026-10-30", "2026-11-28"]
    out = []
    for day in days:
        start = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())
        out.append((start, start + 4 * 86400))
    return out


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> PrometheusServer:
    server = PrometheusServer(tmp_path_factory.mktemp("prom-tz"))
    server.start()
    yield server  # type: ignore[misc]
    server.stop()


def slas() -> list[SLA]:
    return [*load_slas([str(EXAMPLES / "internal-directory.yaml")]), fixture("weekly-tz"), fixture("low-target")]


@pytest.mark.parametrize("sla", slas(), ids=lambda s: s.name)
def test_promql_matches_wall_clock(sla: SLA, prometheus: PrometheusServer) -> None:
    expr = active_expr(sla)
    assert expr is not None
    selector = f'{TIMEZONE_OFFSET}{{{LABEL_TIMEZONE}="{sla.spec.timezone}"}}'
    expr = expr.replace(selector, f"vector({offset_expr(sla.spec.timezone)})")
    checked = opened = 0
    for start, end in ranges():
        result = prometheus.query_range(expr, start, end, STEP)
        assert len(result) == 1
        for ts, value in result[0]["values"]:
            t = int(ts)
            truth = wall_clock_truth(sla, t)
            assert (value == "1") == truth, (sla.name, datetime.fromtimestamp(t, tz=UTC), value)
            assert active_at(sla, t) == truth
            checked += 1
            opened += truth
    assert checked > 2000 and opened > 10


def test_offset_steps_cover_dst_years() -> None:
    berlin = offset_steps("Europe/Berlin")
    assert berlin.base == 3600 and len(berlin.changes) == 62
    assert berlin.at(datetime(2026, 7, 1, tzinfo=UTC).timestamp()) == 7200
    assert offset_steps("Asia/Kolkata").changes == ()
    assert offset_steps("UTC").base == 0


def test_no_tz_rule_for_utc_or_fixed_zones(tmp_path: Path) -> None:
    expr = active_expr(fixture("low-target"))
    assert expr is not None and TIMEZONE_OFFSET not in expr and "19800" in expr
