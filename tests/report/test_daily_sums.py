"""The report reads the daily sums the rules write (slaforge.report.daily) and gives exactly what it
gives from the 5m pieces; a day whose daily numbers are missing or not trustworthy is read from its
pieces as before.

The month of data.py (acme in UTC, berlin in Europe/Berlin with its 25-hour day), plus for every
local day the four daily series as the rules write them at the first evaluation of the next day
(here 37 s after midnight): the sums, the number and the lowest of the pieces stamped in the day.
Three days of acme are spoilt: Oct 7's numbers stamped exactly at midnight (the rules would then
count a piece in the wrong day), Oct 12's piece count one short (the day is then refined into
buckets, as a day with a missing piece is), Oct 20 without any (the rules did not run at its end).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from slaforge.conventions import (
    BAD_EVENTS_1D,
    BAD_EVENTS_5M,
    LOWEST_PIECE_1D,
    PIECES_1D,
    VALID_EVENTS_1D,
    VALID_EVENTS_5M,
)
from slaforge.report import build_report
from slaforge.report.answer import Series
from slaforge.report.daily import answered, daily_answer
from slaforge.spec import load_slas
from tests.report.data import OpenMetrics, add_acme, add_berlin, at
from tests.report.test_query_plan import Recording, both
from tests.support.prometheus import PrometheusServer, backfill_openmetrics

collect = importlib.import_module("slaforge.report.collect")
PHASE = timedelta(seconds=37)  # when the rules' 5m group evaluates, after each midnight
SPOILT_AT_MIDNIGHT, ONE_SHORT, NOT_WRITTEN = at(8), at(13), at(21)  # the ends of Oct 7, 12 and 20


def local_days(zone: str) -> list[tuple[datetime, datetime]]:
    tz = ZoneInfo(zone)
    first = datetime(2026, 9, 29, tzinfo=tz)
    out = []
    for i in range(36):
        begin, end = first + timedelta(days=i), first + timedelta(days=i + 1)
        out.append((begin.astimezone(UTC), end.astimezone(UTC)))
    return out


def add_daily(builder: OpenMetrics, sla: str, zone: str) -> None:
    """The daily series of every (sla, objective) in the builder, from its pieces."""
    pieces = {metric: {dict(key)["objective"]: series for key, series in builder.families[metric].items()
                       if dict(key)["sla"] == sla}
              for metric in (BAD_EVENTS_5M, VALID_EVENTS_5M)}
    for objective, valid in pieces[VALID_EVENTS_5M].items():
        bad = pieces[BAD_EVENTS_5M][objective]
        for begin, end in local_days(zone):
            stamps = [t for t in valid if begin.timestamp() < t <= end.timestamp()]
            if not stamps or (sla == "acme" and end == NOT_WRITTEN):
                continue
            written = end if (sla == "acme" and end == SPOILT_AT_MIDNIGHT) else end + PHASE
            labels = {"sla": sla, "objective": objective, "period": "1"}
            count = len(stamps) - (1 if sla == "acme" and end == ONE_SHORT else 0)
            for metric, value in ((BAD_EVENTS_1D, sum(bad[t] for t in stamps)),
                                  (VALID_EVENTS_1D, sum(valid[t] for t in stamps)),
                                  (PIECES_1D, count),
                                  (LOWEST_PIECE_1D, min(min(bad[t], valid[t]) for t in stamps))):
                builder.add(metric, labels, [(written, value)])


@pytest.fixture(scope="module")
def daily_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    builder = OpenMetrics()
    add_acme(builder)
    add_berlin(builder)
    add_daily(builder, "acme", "UTC")
    add_daily(builder, "berlin", "Europe/Berlin")
    work = tmp_path_factory.mktemp("prometheus-daily")
    backfill_openmetrics(builder.text(), work / "data")
    with PrometheusServer(work, storage=work / "data") as server:
        yield server


def pieces_read(client: Recording) -> set[str]:
    """The days the coarse query of the pieces was sent for (``@`` each day's end)."""
    coarse = [q for q in client.sent if "min_over_time(" in q and VALID_EVENTS_5M in q]
    return {part.split(" @ ")[1].split(")")[0] for q in coarse for part in q.split("[")[1:] if " @ " in part}


@pytest.mark.e2e
def test_the_daily_sums_give_what_the_pieces_give(daily_prometheus: PrometheusServer, sla_files: dict[str, Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    slas = load_slas([sla_files["acme"], sla_files["berlin"]])
    now = datetime(2026, 11, 22, tzinfo=UTC)
    got, expected, _, _ = both(slas, daily_prometheus.url, "2026-10", now, monkeypatch)
    assert got == expected
    acme = next(s for s in got[0]["slas"] if s["sla"] == "acme")
    assert {o["objective"]: o["credit"] for o in acme["objectives"]}["tier3"] == 100
    # only acme's two untrustworthy days and its missing one were read from the pieces
    client = Recording(daily_prometheus.url)
    build_report(slas[1:], client, "2026-10", now)
    assert any("count1d" in q for q in client.sent)
    assert pieces_read(client) == set()
    client = Recording(daily_prometheus.url)
    build_report(slas[:1], client, "2026-10", now)
    assert pieces_read(client) == {f"{SPOILT_AT_MIDNIGHT.timestamp():.3f}", f"{NOT_WRITTEN.timestamp():.3f}"}
    # Oct 12, one piece short by its count, was asked in buckets like any partly recorded day
    buckets = [q for q in client.sent if "count_over_time(" in q and "min_over_time(" not in q]
    assert buckets


@pytest.mark.e2e
def test_a_month_in_progress_reads_the_day_in_progress_from_its_pieces(
        daily_prometheus: PrometheusServer, sla_files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    slas = load_slas([sla_files["berlin"]])
    now = datetime(2026, 10, 16, 13, 7, 30, tzinfo=UTC)
    got, expected, _, _ = both(slas, daily_prometheus.url, "this-month", now, monkeypatch)
    assert got == expected
    client = Recording(daily_prometheus.url)
    build_report(slas, client, "this-month", now)
    assert len(pieces_read(client)) == 1  # Oct 16 so far


def series(name: str, objective: str, *samples: tuple[float, str], group: str | None = None) -> Series:
    labels = {"__name__": name, "sla": "s", "objective": objective, "period": "0"}
    if group:
        labels["customer"] = group
    return Series(labels, tuple(samples))


def four(objective: str, t: float, bad: str = "1", group: str | None = None) -> list[Series]:
    return [series(BAD_EVENTS_1D, objective, (t, bad), group=group), series(VALID_EVENTS_1D, objective, (t, "10"),
                                                                               group=group),
            series(PIECES_1D, objective, (t, "288"), group=group), series(LOWEST_PIECE_1D, objective, (t, "0"),
                                                                           group=group)]


def test_which_days_a_daily_answer_covers() -> None:
    day, next_day = (0.0, 86400.0), (86400.0, 172800.0)
    spans = [day, next_day]
    # a day's numbers in [end, end + 5m): taken, the lowest piece standing for both sides
    got = daily_answer(four("a", 86400.5), spans, ())
    assert got == {"s": {"a": {86400.0: {"bad": "1", "valid": "10", "pieces": "288", "lowbad": "0",
                                         "lowvalid": "0"}}}}
    assert answered(got["s"]) == {86400.0}
    # 5m or more after the day's end, or before it: not that day's
    assert daily_answer(four("a", 86400.0 + 300), spans, ()) == {}
    assert daily_answer(four("a", 86399.0), [next_day], ()) == {}
    # exactly at midnight, twice, or one kind missing: the day is left to the pieces
    assert daily_answer(four("a", 86400.0), spans, ()) == {}
    twice = [*four("a", 86400.5), series(BAD_EVENTS_1D, "a", (86401.0, "2"))]
    assert daily_answer(twice, spans, ()) == {}
    assert daily_answer(four("a", 86400.5)[1:], spans, ()) == {}
    assert daily_answer([*four("a", 86400.5), series(PIECES_1D, "b", (86400.5, "288"))], spans, ()) == {}
    # one group written, the other not: the day is answered, the other group had no piece that day
    grouped = daily_answer(four("a", 86400.5, group="acme"), spans, ("customer",))
    assert list(grouped["s"]) == ["a\x1fcustomer=acme"]
    # a value that is no number spoils the day
    assert daily_answer(four("a", 86400.5, bad="NaN"), spans, ()) == {}
