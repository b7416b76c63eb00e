"""Days the rules have already added up. Pure: the query and the reading of its answer.

The rules of an SLA with credit tiers write, at the first 5m evaluation of each local day, the
previous day's bad and valid sums, how many 5m pieces it had and the lowest of them
(:func:`slaforge.rules.credit.day_checks`). Those four numbers are what the report's coarse query
(:func:`slaforge.report.spans.recorded_span_query`) computes from the day's 288 pieces, so the
report reads them instead: one sample per day and row instead of 288 read five times, which is
what makes a month of 10,000 groups a few seconds of Prometheus instead of half a minute.

A day's numbers are taken only when they are unambiguous, else the day is asked from its pieces
as before:

* the samples are stamped in ``[end, end + 5m)`` of the day (the rules' first evaluation of the
  next day), each kind once per row;
* none is stamped exactly at the day's end: the rules count a piece stamped exactly at midnight
  in the new day, the report in the old one (``(begin, end]``), so with evaluations on that grid
  the two would differ by a piece;
* the four kinds are all there for every row that has any of them: the rules write them in one
  evaluation, so a row without a sample that day had no piece that day (as the pieces would say).

What the numbers then say (whole, partly recorded, empty) is judged as for the pieces
(:func:`slaforge.report.spans.classify_recorded`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from slaforge.conventions import (
    BAD_EVENTS_1D,
    LABEL_OBJECTIVE,
    LABEL_SLA,
    LOWEST_PIECE_1D,
    PIECES_1D,
    VALID_EVENTS_1D,
)
from slaforge.report.answer import Series
from slaforge.report.client import is_number
from slaforge.report.groups import row_key
from slaforge.report.spans import Span, sla_matcher

CLOSE_MS = 300_000  # the daily numbers are written within 5m after the day's end
KINDS = {BAD_EVENTS_1D: "bad", VALID_EVENTS_1D: "valid", PIECES_1D: "pieces", LOWEST_PIECE_1D: "low"}
Top = dict[str, dict[float, dict[str, str]]]  # row key -> span end -> kind -> value


def daily_query(names: Sequence[str], only: str, spans: Sequence[Span]) -> tuple[str, float]:
    """(instant query, its time): the raw samples of the four daily series of these SLAs written
    from the first span's end to 5m after the last one's."""
    first = round(spans[0][1] * 1000)
    at = round(spans[-1][1] * 1000) + CLOSE_MS - 1
    metrics = "|".join(KINDS)  # fixed names: ':' is no regex operator
    selector = f'{{__name__=~"{metrics}",{sla_matcher(names)}{only}}}'
    return f"{selector}[{at - first + 1}ms] @ {at / 1000:.3f}", at / 1000


def daily_answer(series: Iterable[Series], spans: Sequence[Span], groups: tuple[str, ...]) -> dict[str, Top]:
    """By SLA, the rows' numbers of the spans the daily samples answer unambiguously (see the module
    docstring), as the coarse query's answer gives them (``lowbad``/``lowvalid`` both the lowest piece)."""
    ends = sorted(e for _, e in spans)
    ends_ms = [round(e * 1000) for e in ends]
    got: dict[str, Top] = {}
    spoilt: dict[str, set[float]] = {}
    for item in series:
        kind = KINDS.get(item.labels.get("__name__", ""))
        if kind is None:
            continue
        owner = item.labels.get(LABEL_SLA, "")
        rows = got.setdefault(owner, {})
        key = row_key(item.labels.get(LABEL_OBJECTIVE, ""), item.labels, groups)
        for t, v in item.samples:
            t_ms = round(t * 1000)
            i = bisect_right(ends_ms, t_ms) - 1
            if i < 0 or t_ms - ends_ms[i] >= CLOSE_MS:
                continue
            end = ends[i]
            found = rows.setdefault(key, {}).setdefault(end, {})
            if t_ms == ends_ms[i] or kind in found or not is_number(v):
                spoilt.setdefault(owner, set()).add(end)
            found[kind] = v
    out: dict[str, Top] = {}
    for owner, rows in got.items():
        bad_ends = set(spoilt.get(owner, ()))
        for values in rows.values():
            bad_ends |= {end for end, kinds in values.items() if len(kinds) != len(KINDS)}
        for key, values in rows.items():
            kept = {end: {"bad": kinds["bad"], "valid": kinds["valid"], "pieces": kinds["pieces"],
                          "lowbad": kinds["low"], "lowvalid": kinds["low"]}
                    for end, kinds in values.items() if end not in bad_ends}
            if kept:
                out.setdefault(owner, {})[key] = kept
    return out


def answered(top: Top) -> set[float]:
    """The span ends an SLA's daily answer covers (any row answering a day answers it for all)."""
    return {end for values in top.values() for end in values}
