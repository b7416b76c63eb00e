"""Prometheus durations and percents as written in SLA files."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaforge.spec.durations import Duration, parse_duration, parse_percent


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("0s", 0),
        ("1ms", 1),
        ("300ms", 300),
        ("30s", 30_000),
        ("5m", 300_000),
        ("2h", 7_200_000),
        ("30d", 2_592_000_000),
        ("1w", 604_800_000),
        ("1y", 31_536_000_000),
        ("1h30m", 5_400_000),
        ("1d2h3m4s5ms", 93_784_005),
        (" 5m ", 300_000),
    ],
)
def test_parse(text: str, ms: int) -> None:
    assert Duration.parse(text).ms == ms


@pytest.mark.parametrize(
    "text", ["", "5", "5 m", "5M", "1.5h", "-1s", "1h-5m", "m", "5mm", "1s1h", "1m1m", "5min", "P1D"]
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid duration|expected a duration"):
        Duration.parse(text)


@pytest.mark.parametrize("value", [30, 1.5, True, None, [], {"m": 5}])
def test_parse_duration_wants_a_string(value: object) -> None:
    with pytest.raises(ValueError, match="expected a duration string such as 30s, 5m, 2h or 30d"):
        parse_duration(value)


@pytest.mark.parametrize(
    ("ms", "prom"),
    [
        (0, "0s"),
        (300, "300ms"),
        (1500, "1s500ms"),
        (90_000, "1m30s"),
        (2_592_000_000, "30d"),
        (604_800_000, "7d"),  # days are the largest unit: windows read as people write them
        (2_419_200_000, "28d"),
        (864_000_000, "10d"),
        (31_536_000_000, "365d"),
        (5_400_000, "1h30m"),
    ],
)
def test_prometheus_form(ms: int, prom: str) -> None:
    assert Duration(ms).prom == prom == str(Duration(ms))


@pytest.mark.parametrize(
    ("ms", "human"),
    [(2_592_000, "43m 12s"), (250, "250ms"), (0, "0ms"), (93_784_000, "1d 2h 3m 4s"), (3_600_000, "1h"),
     (60_480_000, "16h 48m")],
)
def test_human_form(ms: int, human: str) -> None:
    assert Duration(ms).human() == human


def test_ordering_and_seconds() -> None:
    assert Duration.parse("59m") < Duration.parse("1h") <= Duration.parse("60m")
    assert Duration.parse("300ms").seconds == 0.3
    assert Duration.of_seconds(0.25) == Duration.parse("250ms")


@given(st.integers(min_value=0, max_value=10**13))
def test_prometheus_form_parses_back(ms: int) -> None:
    duration = Duration(ms)
    assert Duration.parse(duration.prom) == duration


@given(
    st.lists(st.sampled_from(["y", "w", "d", "h", "m", "s", "ms"]), min_size=1, max_size=7, unique=True),
    st.data(),
)
def test_any_ordered_composite_parses_to_its_sum(units: list[str], data: st.DataObject) -> None:
    order = ["y", "w", "d", "h", "m", "s", "ms"]
    units = sorted(units, key=order.index)
    sizes = {"y": 31_536_000_000, "w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}
    counts = [data.draw(st.integers(min_value=0, max_value=1000)) for _ in units]
    text = "".join(f"{n}{u}" for n, u in zip(counts, units, strict=True))
    assert Duration.parse(text).ms == sum(n * sizes[u] for n, u in zip(counts, units, strict=True))


# --- percents -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "percent"),
    [(99.9, 99.9), (99, 99.0), ("99.9%", 99.9), ("99.9 %", 99.9), (" 99.95% ", 99.95), ("99.9", 99.9), ("100%", 100.0)],
)
def test_percent(value: object, percent: float) -> None:
    assert parse_percent(value) == percent


@pytest.mark.parametrize("value", ["abc", "99.9%%", "%", "", True, None, [99.9], "ninety"])
def test_percent_rejects(value: object) -> None:
    with pytest.raises(ValueError, match=r"expected a percent such as 99\.9 or \"99\.9%\""):
        parse_percent(value)


@given(st.decimals(min_value=0, max_value=100, places=3, allow_nan=False))
def test_percent_string_and_number_agree(value: Decimal) -> None:
    assert parse_percent(f"{value}%") == parse_percent(float(str(value)))
