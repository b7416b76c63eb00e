"""Good/valid event counts over a sliding time window, in a fixed ring of buckets.

Memory is constant per window whatever the probe rate: ``buckets`` counters of good and valid events,
plus running sums so that reading the ratio is O(1). The window covers between ``span - span/buckets``
and ``span`` seconds of the most recent events.
"""

from __future__ import annotations

# window label -> (span in seconds, buckets)
WINDOWS: dict[str, tuple[float, int]] = {
    "5m": (300.0, 30),
    "1h": (3600.0, 60),
    "1d": (86400.0, 96),
}


class RollingCounts:
    __slots__ = ("_good", "_valid", "good", "n", "slot", "valid", "width")

    def __init__(self, span: float, buckets: int) -> None:
        self.n = buckets
        self.width = span / buckets
        self._good = [0] * buckets
        self._valid = [0] * buckets
        self.good = 0
        self.valid = 0
        self.slot = -1

    def advance(self, now: float) -> None:
        """Forget the buckets that have slid out of the window by ``now``."""
        slot = int(now // self.width)
        last = self.slot
        if slot <= last:
            return
        if last < 0 or slot - last >= self.n:
            self._good = [0] * self.n
            self._valid = [0] * self.n
            self.good = self.valid = 0
        else:
            good, valid, n = self._good, self._valid, self.n
            for s in range(last + 1, slot + 1):
                i = s % n
                self.good -= good[i]
                self.valid -= valid[i]
                good[i] = valid[i] = 0
        self.slot = slot

    def add(self, now: float, good: bool) -> None:
        self.advance(now)
        i = self.slot % self.n
        self._valid[i] += 1
        self.valid += 1
        if good:
            self._good[i] += 1
            self.good += 1

    def ratio(self, now: float) -> float | None:
        """good / valid over the window, None when there was no event."""
        self.advance(now)
        return self.good / self.valid if self.valid else None
