"""The shape of a Prometheus API answer, checked before anything reads it.

Whatever answered (a Prometheus, a proxy, something hostile), the report reads only what this module
has checked: the envelope, the result type, label sets of strings, timestamps that are real times and
values that are finite numbers written as Prometheus writes them. Anything else is a
:class:`Malformed` with the place of the first problem, e.g. ``data.result[3].value: missing``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

MAX_TIME = 253_402_300_799.0  # 9999-12-31T23:59:59Z: the last second a report can name
MAX_VALUE = float(2**53)  # beyond this, counts are not exact in the per-day sums
# How Prometheus writes a sample value (Go's strconv.FormatFloat, 'f' or 'e'); ASCII digits only
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN", re.ASCII)
MAX_VALUE_TEXT = 64  # characters of one value as Prometheus writes it ("1.2345678901234567e+15")


class Malformed(ValueError):
    """The answer is JSON but not the Prometheus API's shape; the message names the place."""


@dataclass(frozen=True)
class Series:
    """One series of a result: its labels and its samples (unix seconds, value as Prometheus wrote it)."""

    labels: dict[str, str]
    samples: tuple[tuple[float, str], ...]

    @property
    def value(self) -> str:
        """The single sample of an instant vector."""
        return self.samples[-1][1]


def _time(raw: Any, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise Malformed(f"{where}: the time is not a number")
    try:
        seconds = float(raw)
    except ValueError:
        raise Malformed(f"{where}: the time {_short(raw)} is not a number") from None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_TIME:
        raise Malformed(f"{where}: the time {_short(raw)} is out of range")
    return seconds


def _value(raw: Any, where: str) -> str:
    if not isinstance(raw, str):
        raise Malformed(f"{where}: the value is not a string as Prometheus writes it")
    if len(raw) > MAX_VALUE_TEXT:
        raise Malformed(f"{where}: the value is {len(raw)} characters long")
    if not _NUMBER.fullmatch(raw):
        raise Malformed(f"{where}: the value {_short(raw)} is not a number")
    number = float(raw)
    if not math.isfinite(number):
        raise Malformed(f"{where}: the value {_short(raw)} is not a finite number")
    if abs(number) > MAX_VALUE:
        raise Malformed(f"{where}: the value {_short(raw)} is out of range (at most 2^53)")
    return raw


def _sample(raw: Any, where: str, index: int | None = None) -> tuple[float, str]:
    """A checked ``[time, "value"]``: ``where`` names it, or with ``index`` its series (then it is
    ``where.values[index]``). The place is written out only when something is wrong: a month of
    15-minute buckets is thousands of samples per query."""
    if type(raw) is list and len(raw) == 2:  # the usual shape, checked at once (1.5M samples: 10,000 groups)
        t, v = raw
        if (type(t) is float or type(t) is int) and 0 <= t <= MAX_TIME and type(v) is str \
                and len(v) <= MAX_VALUE_TEXT and _NUMBER.fullmatch(v) and -MAX_VALUE <= float(v) <= MAX_VALUE:
            return float(t), v
    if isinstance(raw, list) and len(raw) == 2:
        try:
            return _time(raw[0], where), _value(raw[1], where)
        except Malformed:
            pass  # checked again below, naming the place
    place = where if index is None else f"{where}.values[{index}]"
    if not isinstance(raw, list) or len(raw) != 2:
        raise Malformed(f"{place}: expected [time, \"value\"]")
    return _time(raw[0], f"{place}[0]"), _value(raw[1], f"{place}[1]")


def _labels(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise Malformed(f"{where}: expected an object of label names to strings")
    return dict(raw)


def _item(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Malformed(f"{where}: expected an object")
    if "metric" not in raw:
        raise Malformed(f"{where}.metric: missing")
    return raw


def series(data: Any) -> tuple[str, list[Series]]:
    """The result type and the checked series of the ``data`` member of a successful answer."""
    if not isinstance(data, dict):
        raise Malformed("data: missing or not an object")
    kind = data.get("resultType")
    result = data.get("result")
    if kind == "vector" or kind == "matrix":
        if not isinstance(result, list):
            raise Malformed("data.result: expected a list")
        out = []
        for index, raw in enumerate(result):
            where = f"data.result[{index}]"
            item = _item(raw, where)
            labels = _labels(item["metric"], f"{where}.metric")
            if kind == "vector":
                if "value" not in item:
                    raise Malformed(f"{where}.value: missing")
                samples: tuple[tuple[float, str], ...] = (_sample(item["value"], f"{where}.value"),)
            else:
                values = item.get("values")
                if not isinstance(values, list):
                    raise Malformed(f"{where}.values: missing or not a list")
                samples = tuple(_sample(v, where, i) for i, v in enumerate(values))
            out.append(Series(labels, samples))
        return kind, out
    if kind == "scalar":
        return kind, [Series({}, (_sample(result, "data.result"),))]
    raise Malformed(f"data.resultType: {_short(kind)} is not one of vector, matrix, scalar")


def _short(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."
