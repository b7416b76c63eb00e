"""Sloth's alert windows as ``alerting.policies``: its defaults, or an AlertWindows document of the same file.

Sloth states each of its four alerts (page quick and slow, ticket quick and slow) as the share of the
period's error budget spent within a long window, confirmed over a short one: exactly a slaforge policy.
Its default windows (Google's SRE workbook) are the same for 28d and 30d periods. Sloth reads custom
windows from ``--slo-period-windows-path`` (an ``AlertWindows`` per period); one found in the imported file
replaces the defaults when its ``sloPeriod`` is the import window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slaforge.importers.model import PolicyDraft
from slaforge.importers.reader import Reader
from slaforge.spec.durations import Duration, parse_duration
from slaforge.spec.problems import Path

API_VERSION = "sloth.slok.dev/v1"
KIND = "AlertWindows"
PLAIN_VERSION = "alertWindows/v1"
ALERTS = (("page", "quick"), ("page", "slow"), ("ticket", "quick"), ("ticket", "slow"))
UNUSED = "these alert windows are not used (the SLOs get Sloth's default ones)"
DEFAULTS = {("page", "quick"): (2.0, "1h", "5m"), ("page", "slow"): (5.0, "6h", "30m"),
            ("ticket", "quick"): (10.0, "1d", "2h"), ("ticket", "slow"): (10.0, "3d", "6h")}


def is_alert_windows(value: Any) -> bool:
    return isinstance(value, dict) and (
        (value.get("apiVersion") == API_VERSION and value.get("kind") == KIND) or value.get("version") == PLAIN_VERSION)


def defaults(reader: Reader, where: Path) -> list[PolicyDraft]:
    """Sloth's four default alerts; warnings about them point at ``where``."""
    place = reader.place(where)
    return [PolicyDraft(severity, budget, Duration.parse(long), Duration.parse(short),
                        f"Sloth's {severity} alert, {speed}: {budget:g}% of the budget in {long}, short window {short}",
                        place)
            for (severity, speed), (budget, long, short) in DEFAULTS.items()]


@dataclass(frozen=True)
class Custom:
    """The windows of one AlertWindows document, for its period."""

    period: Duration
    policies: tuple[PolicyDraft, ...]


def read_custom(reader: Reader, window: str) -> Custom | None:
    """An AlertWindows document's four windows for the import ``window``, or None after warning why not."""
    value = reader.doc.value
    base: Path = ("spec",) if value.get("kind") == KIND else ()
    spec = value.get("spec") if base else value
    name = (value.get("metadata") or {}).get("name") if isinstance(value.get("metadata"), dict) else None
    label = f"Sloth AlertWindows {name!r}" if name else "Sloth's alert windows"
    if not isinstance(spec, dict):
        reader.warn(base, f"{UNUSED}: expected sloPeriod, page and ticket windows")
        return None
    try:
        period = parse_duration(spec.get("sloPeriod"))
    except ValueError as exc:
        reader.warn((*base, "sloPeriod"), f"{UNUSED}: {exc}")
        return None
    if period.prom != window:
        reader.warn((*base, "sloPeriod"), f"{UNUSED}: its sloPeriod {period} is not the import window {window} "
                    "(--window)")
        return None
    policies = []
    for severity, speed in ALERTS:
        where: Path = (*base, severity, speed)
        found = spec.get(severity, {}).get(speed) if isinstance(spec.get(severity), dict) else None
        try:
            if not isinstance(found, dict):
                raise ValueError(f"expected {severity}.{speed} with errorBudgetPercent, shortWindow and longWindow")
            budget = found.get("errorBudgetPercent")
            if isinstance(budget, bool) or not isinstance(budget, int | float) or budget <= 0:
                raise ValueError(f"errorBudgetPercent must be a positive number, got {budget!r}")
            long, short = parse_duration(found.get("longWindow")), parse_duration(found.get("shortWindow"))
        except ValueError as exc:
            reader.warn(where, f"{UNUSED}: {exc}")
            return None
        source = (f"{label}, {severity} {speed}: {budget:g}% of the budget in {long}, short window {short}")
        policies.append(PolicyDraft(severity, float(budget), long, short, source, reader.place(where)))
    return Custom(period, tuple(policies))
