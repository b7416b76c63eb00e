"""What the demo target is told to do: healthy, or failing in one of three ways for a share of requests."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Mode(StrEnum):
    OK = "ok"
    ERROR = "error"  # answer 500
    SLOW = "slow"  # answer 200 after an added delay
    DOWN = "down"  # drop the connection without answering


DEFAULT_SLOW_DELAY = 1.0


@dataclass(frozen=True)
class Failure:
    mode: Mode = Mode.OK
    ratio: float = 1.0  # share of requests affected, 0..1
    delay: float = DEFAULT_SLOW_DELAY  # seconds added in slow mode

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode.value, "ratio": self.ratio, "delay": self.delay}


def parse_failure(mode: str, ratio: str | None = None, delay: str | None = None) -> Failure:
    """Build a failure from query parameters; ValueError with a message a user can act on."""
    try:
        chosen = Mode(mode)
    except ValueError:
        raise ValueError(f"mode must be one of error, slow, down (got {mode!r})") from None
    share = _number("ratio", ratio, 1.0)
    if not 0 <= share <= 1:
        raise ValueError(f"ratio must be between 0 and 1 (got {share:g})")
    seconds = _number("delay", delay, DEFAULT_SLOW_DELAY)
    if not 0 <= seconds <= 60:
        raise ValueError(f"delay must be between 0 and 60 seconds (got {seconds:g})")
    return Failure(chosen, share, seconds)


def _number(name: str, text: str | None, default: float) -> float:
    if text is None or text == "":
        return default
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name} must be a number (got {text!r})") from None


class FailureState:
    """The current failure, shared by the request threads; decides per request whether it fails."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._failure = Failure()
        self._random = random.Random(seed)

    @property
    def current(self) -> Failure:
        with self._lock:
            return self._failure

    def set(self, failure: Failure) -> None:
        with self._lock:
            self._failure = failure

    def recover(self) -> None:
        self.set(Failure())

    def decide(self) -> tuple[Mode, float]:
        """The mode for one request (OK unless this request falls in the failing share) and its delay."""
        with self._lock:
            failure = self._failure
            if failure.mode is Mode.OK:
                return Mode.OK, 0.0
            hit = failure.ratio >= 1 or self._random.random() < failure.ratio
        if not hit:
            return Mode.OK, 0.0
        return failure.mode, failure.delay if failure.mode is Mode.SLOW else 0.0
