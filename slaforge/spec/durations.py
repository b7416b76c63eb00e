"""Prometheus durations and percentages as used in SLA files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_UNITS: dict[str, float] = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "y": 31536000,
}
_ORDER = ("y", "w", "d", "h", "m", "s", "ms")
_PART = re.compile(r"(\d+)(ms|[smhdwy])")
_WHOLE = re.compile(r"^(?:\d+(?:ms|[smhdwy]))+$")


@dataclass(frozen=True, order=True)
class Duration:
    """A non-negative duration, stored in milliseconds so that it is exact."""

    ms: int

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse a Prometheus duration such as ``30s``, ``1h30m`` or ``300ms``."""
        if not isinstance(text, str):
            raise ValueError(f"expected a duration such as 30s, 5m, 2h or 30d, got {text!r}")
        text = text.strip()
        if not _WHOLE.fullmatch(text):
            raise ValueError(
                f"invalid duration {text!r}: use a Prometheus duration such as 30s, 5m, 2h, 30d or 1w"
            )
        total = 0
        last = -1
        for number, unit in _PART.findall(text):
            rank = _ORDER.index(unit)
            if rank <= last:
                raise ValueError(f"invalid duration {text!r}: units must go from largest to smallest")
            last = rank
            total += int(number) * int(_UNITS[unit] * 1000)
        return cls(total)

    @classmethod
    def of_seconds(cls, seconds: float) -> Duration:
        return cls(round(seconds * 1000))

    @property
    def seconds(self) -> float:
        return self.ms / 1000

    @property
    def prom(self) -> str:
        """Canonical Prometheus form, largest units first (``30d``, ``1h30m``, ``300ms``).

        Days are the largest unit, so ``1w`` and ``7d`` both render as ``7d`` and a 28-day window
        names its rule ``ratio_rate28d``, as people write and read SLA windows.
        """
        if self.ms == 0:
            return "0s"
        rest = self.ms
        out = []
        for unit in ("d", "h", "m", "s", "ms"):
            size = int(_UNITS[unit] * 1000)
            count, rest = divmod(rest, size)
            if count:
                out.append(f"{count}{unit}")
        return "".join(out)

    def human(self) -> str:
        """Readable form for people: ``43m 12s``, ``1d 2h``, ``250ms``."""
        if self.ms < 1000:
            return f"{self.ms}ms"
        rest = round(self.ms / 1000)
        parts = []
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
            count, rest = divmod(rest, size)
            if count:
                parts.append(f"{count}{unit}")
        return " ".join(parts) or "0s"

    def __str__(self) -> str:
        return self.prom


def parse_duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(
            f"expected a duration string such as 30s, 5m, 2h or 30d, got {value!r}"
        )
    return Duration.parse(value)


def parse_percent(value: Any) -> float:
    """``99.9`` or ``"99.9%"`` -> 99.9 (a percent, not a ratio)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a percent such as 99.9 or \"99.9%\", got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            text = text[:-1].strip()
        try:
            return float(text)
        except ValueError:
            pass
    raise ValueError(f"expected a percent such as 99.9 or \"99.9%\", got {value!r}")
