"""Coarse spans of a period: whole local days (the report) or the whole period (the review). Pure.

The report's numbers are sums of 15-minute buckets of recorded 5m pieces; a day (or a period) whose
pieces are all there and sound is the sum of its buckets, so Prometheus can add them up and send one
number instead of 96 (:mod:`slaforge.report.collect` asks for the buckets only where they differ
from that sum's meaning). Each span is asked in one instant query of all of them, every span's sums
evaluated ``@`` its own end, whatever the days' lengths (a DST day is 23 or 25 hours), each answer
labelled with its span's end (:data:`END_LABEL`).

A span is taken as it is, for one row (objective, or group of a grouped objective), when

* **full**: its 5m pieces number exactly as many as fit (``floor(seconds / 300)``), none of them is
  negative and its sums are sound (``0 <= bad <= valid``): then each of its 15-minute buckets is
  fully recorded and sound too, and the span's sums are the buckets' sums;
* **empty**: it has no 5m piece at all: then each bucket is missing too, and the span is read from
  the SLI's own series the same way (:func:`raw_span_query`), taken as it is when the raw 1m pieces
  number exactly as many as fit and its sums are sound;

anything else (a stretch partly recorded, more pieces than fit, counts that cannot be right) is
**refined**: read in 15-minute buckets exactly as before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from slaforge.conventions import BAD_EVENTS_5M, LABEL_OBJECTIVE, LABEL_SLA, VALID_EVENTS_5M
from slaforge.maintenance import Interval
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.promql_text import quote
from slaforge.report.groups import regex_literal
from slaforge.report.periods import Period
from slaforge.report.raw import KIND_LABEL, Offsets, piece_count_query, piece_queries, windows_near
from slaforge.spec.promql import Matcher

Span = tuple[float, float]  # (begin, end], unix seconds
END_LABEL = "slaforge_end"  # which span a series of a multi-span answer belongs to
PIECE = 300
FULL, EMPTY, PARTIAL = "full", "empty", "partial"


def range_ms(seconds: float) -> str:
    """A range selector duration 1ms short of ``seconds`` (see :mod:`slaforge.report.collect`)."""
    return f"{max(round(seconds * 1000) - 1, 1)}ms"


def coarse_spans(period: Period, step: int, whole_period: bool) -> list[Span] | None:
    """The local days of the covered part (the last one clipped to ``until``), or the covered part as
    one span; None when a day does not begin on the bucket grid (then only buckets are asked)."""
    start, until = period.start.timestamp(), period.until.timestamp()
    if whole_period:
        return [(start, until)]
    spans = [(b.timestamp(), e.timestamp()) for _, b, e in period.days()]
    if any((b - start) % step for b, _ in spans):
        return None
    return spans


def expected_pieces(begin: float, end: float) -> int:
    """The 5m pieces that fit in ``(begin, end]``."""
    return math.floor((end - begin) / PIECE + 1e-9)


def expected_minutes(begin: float, end: float, offsets: Offsets) -> int:
    """The 1m pieces the raw subquery of ``(begin, end]`` reads: the whole minutes of its range
    ``[end - shift - (length - 1ms), end - shift]`` (:func:`slaforge.report.raw.piece_queries`)."""
    last = round(end * 1000) - round(offsets.shift * 1000)
    first = last - (round((end - begin) * 1000) - 1)
    return last // 60_000 - -(-first // 60_000) + 1


def _at(end: float) -> str:
    return f"{end:.3f}"


def _labelled(expr: str, kind: str, end: float | None) -> str:
    out = f'label_replace({expr}, "{KIND_LABEL}", "{kind}", "", "")'
    return out if end is None else f'label_replace({out}, "{END_LABEL}", "{_at(end)}", "", "")'


def _pinned(spans: Sequence[Span], pinned: bool) -> list[tuple[float, float, float | None]]:
    """(begin, end, the end to pin at) of each span; unpinned, one span of their common length ending
    at the evaluation time (a range query with that step)."""
    if pinned:
        return [(b, e, e) for b, e in spans]
    begin, end = spans[0]
    return [(begin, end, None)]


def sla_matcher(names: Sequence[str]) -> str:
    """``sla="a"``, or for several SLAs asked together ``sla=~"a|b"`` (names escaped: they are data)."""
    if len(names) == 1:
        return f"{LABEL_SLA}={quote(names[0])}"
    return f"{LABEL_SLA}=~{quote('|'.join(regex_literal(n) for n in names))}"


def recorded_span_query(names: Sequence[str], groups: tuple[str, ...], only: str, spans: Sequence[Span],
                        pinned: bool = True) -> str:
    """Per span: the bad and valid sums of the 5m pieces stamped in it, how many pieces there are, and
    the lowest bad and valid piece (a negative piece hides in a sound sum), by objective and group
    (and by SLA when several are asked together)."""
    by = ", ".join(((LABEL_SLA,) if len(names) > 1 else ()) + (LABEL_OBJECTIVE, *groups))
    matcher = sla_matcher(names)
    parts = []
    for begin, end, at in _pinned(spans, pinned):
        for kind, aggregate, function, metric in (
            ("bad", "sum", "sum_over_time", BAD_EVENTS_5M),
            ("valid", "sum", "sum_over_time", VALID_EVENTS_5M),
            ("pieces", "sum", "count_over_time", VALID_EVENTS_5M),
            ("lowbad", "min", "min_over_time", BAD_EVENTS_5M),
            ("lowvalid", "min", "min_over_time", VALID_EVENTS_5M),
        ):
            pin = "" if at is None else f" @ {_at(at)}"
            selector = f"{metric}{{{matcher}{only}}}[{range_ms(end - begin)}]{pin}"
            parts.append(_labelled(f"{aggregate} by ({by}) ({function}({selector}))", kind, at))
    return " or ".join(parts)


def raw_span_query(sla: SLAPlan, objective: ObjectivePlan, windows: Sequence[Interval], offsets: Offsets,
                   narrow: tuple[Matcher, ...], spans: Sequence[Span], pinned: bool = True) -> str:
    """Per span, from the SLI's own series: the bad and valid sums of the 5m pieces that would be
    stamped in it (:func:`slaforge.report.raw.piece_queries`) and how many 1m pieces they add up."""
    parts = []
    if not pinned:  # a range query over the spans: the windows near any of them
        near = windows_near(windows, spans[0][0], spans[-1][1])
    for begin, end, at in _pinned(spans, pinned):
        if pinned:
            near = windows_near(windows, begin, end)
        pin = "" if at is None else _at(at)
        bad, valid = piece_queries(sla, objective, end - begin, near, offsets, at=pin, narrow=narrow)
        count = piece_count_query(sla, objective, end - begin, near, offsets, at=pin, narrow=narrow)
        parts += [_labelled(bad, "bad", at), _labelled(valid, "valid", at), _labelled(count, "minutes", at)]
    return " or ".join(parts)


def _sound(values: dict[str, str]) -> bool:
    bad, valid = float(values.get("bad", "0")), float(values["valid"])
    return 0 <= bad <= valid


def classify_recorded(span: Span, values: dict[str, str] | None) -> str:
    """FULL, EMPTY or PARTIAL for one row's recorded answer over ``span``."""
    if not values or "valid" not in values:
        return EMPTY if not values or float(values.get("pieces", "0")) == 0 else PARTIAL
    full = (float(values.get("pieces", "0")) == expected_pieces(*span) > 0
            and float(values.get("lowbad", "0")) >= 0 and float(values.get("lowvalid", "-1")) >= 0
            and _sound(values))
    return FULL if full else PARTIAL


def classify_raw(span: Span, values: dict[str, str] | None, offsets: Offsets) -> str:
    """FULL (take it), EMPTY (no raw series either) or PARTIAL (refine) for one row's raw answer."""
    if not values or "valid" not in values:
        return EMPTY
    full = float(values.get("minutes", "0")) == expected_minutes(*span, offsets) and _sound(values)
    return FULL if full else PARTIAL
