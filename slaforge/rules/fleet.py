"""Rules shared by all the SLAs of a rule file: one rule computes a value for every objective.

Everything that is the same arithmetic for every objective is written once per file (or once per
SLA window, for what depends on it) and selects its input by ``sla=~"a|b|..."``, the SLAs of
this file only, so that several rule files (one per team, say) never record the same series:

* the 5m pieces: sums of five 1m pieces, in the 5m group, so that consecutive 5m pieces tile time
  exactly;
* every window's error ratio, traffic-weighted: ``sum by (objective, sla)`` of bad pieces over
  ``sum by (objective, sla)`` of valid pieces (1m pieces up to 1h, 5m pieces beyond);
* the error budget left, and the page and ticket burn conditions, per SLA window.

Per-objective constants come from series instead of from the rule text: the error budget is
``1 - slaforge:objective:ratio``, the SLA's metadata.labels are copied from ``slaforge_sla_info``.
Both joins take one series per objective (``max by`` / ``topk by``), so that a change of target or
labels, while the old series is still fresh, can never make a join fail for the whole file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from slaforge.burnrate import POLICIES, BurnPolicy, factor, fits
from slaforge.conventions import (
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
    ERROR_BUDGET_REMAINING,
    LABEL_OBJECTIVE,
    LABEL_SLA,
    MAINTENANCE_ACTIVE,
    OBJECTIVE_RATIO,
    PAGE_BURN_RATE,
    SEVERITY_PAGE,
    SEVERITY_TICKET,
    SLA_INFO,
    TICKET_BURN_RATE,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
    error_ratio_rule,
)
from slaforge.promql_text import num
from slaforge.rules.groups import by_clause
from slaforge.rules.recording import (
    FAST,
    LONG_READ,
    LONGEST_FAST_WINDOW,
    SLOW,
    prom,
    range_of,
    windows,
)
from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA
from slaforge.spec.promql import Matcher, Selector

Rule = dict[str, Any]

BY = f"{LABEL_OBJECTIVE}, {LABEL_SLA}"
# every objective's error budget, one series per objective
BUDGET = f"(1 - max by ({BY}) ({OBJECTIVE_RATIO}))"


def select(metric: str, slas: Sequence[SLA]) -> str:
    """``metric{sla=~"a|b|c"}`` for these SLAs (``sla="a"`` for one)."""
    return _select(metric, tuple(sorted(s.name for s in slas)))


@lru_cache(maxsize=4096)
def _select(metric: str, names: tuple[str, ...]) -> str:
    # SLA names are DNS labels: nothing to escape in the alternation
    matcher = Matcher(LABEL_SLA, "=", names[0]) if len(names) == 1 else Matcher(LABEL_SLA, "=~", "|".join(names))
    return Selector(metric, (matcher,)).render()


def _record(name: str, expr: str) -> Rule:
    return {"record": name, "expr": expr}


def _block(text: str) -> str:
    """``(`` text indented by two spaces ``)``."""
    inner = "\n".join(f"  {line}" if line else line for line in text.rstrip("\n").split("\n"))
    return f"(\n{inner}\n)"


def _with_metadata(expr: str, slas: Sequence[SLA]) -> str:
    """Copy the SLAs' metadata.labels onto a ``by (objective, sla)`` result (nothing when none)."""
    keys = sorted({key for sla in slas for key in sla.metadata.labels})
    if not keys:
        return expr
    return f"{_block(expr)}\n* on ({BY}) group_left ({', '.join(keys)})\ntopk by ({BY}) (1, {SLA_INFO})\n"


def window_classes(slas: Sequence[SLA]) -> list[tuple[Duration, list[SLA]]]:
    """Every window with the SLAs that need its ratio: the contract's windows for all of them,
    each SLA window for the SLAs that have it; shortest first."""
    out: dict[Duration, list[SLA]] = {}
    for sla in slas:
        for window in windows(sla):
            out.setdefault(window, []).append(sla)
    return sorted(out.items(), key=lambda item: item[0])


def sla_window_classes(slas: Iterable[SLA]) -> list[tuple[Duration, list[SLA]]]:
    """SLAs grouped by their SLA window, shortest first."""
    out: dict[Duration, list[SLA]] = {}
    for sla in slas:
        out.setdefault(sla.spec.window, []).append(sla)
    return sorted(out.items(), key=lambda item: item[0])


def ratio_rule(window: Duration, slas: Sequence[SLA]) -> Rule:
    """Traffic-weighted error ratio over ``window``: sum of bad pieces / sum of valid pieces.

    Up to 1h: the 1m pieces, beyond: the 5m pieces; each written earlier in the same group, so
    that the range holds exactly window/step of them.
    """
    if window <= LONGEST_FAST_WINDOW:
        bad, valid, rng = BAD_EVENTS_1M, VALID_EVENTS_1M, range_of(window, FAST)
    else:
        bad, valid, rng = BAD_EVENTS_5M, VALID_EVENTS_5M, range_of(window, SLOW)
    by = by_clause(slas)
    expr = (
        f"sum by ({by}) (sum_over_time({select(bad, slas)}[{rng}]))\n/\n"
        f"sum by ({by}) (sum_over_time({select(valid, slas)}[{rng}]))\n"
    )
    return _record(error_ratio_rule(prom(window)), _with_metadata(expr, slas))


# The 5m pieces read the 1m pieces of (t - 6m30s, t - 1m30s]: old enough to have been written by
# the 1m group (no race between the groups), and half a minute off the 1m grid, so that no 1m piece
# sits on a range boundary where the two groups' evaluations align (promtool, rule backfill).
FIVE_MINUTE_LAG = Duration.parse("1m30s")


def five_minute_pieces(slas: Sequence[SLA]) -> list[Rule]:
    """Bad and valid events per 5m: the sum of five 1m pieces, first in the 5m group.

    Consecutive evaluations are exactly 5m apart and read ``[5m]`` ranges, so that every 1m piece
    is counted in exactly one 5m piece, wherever the two groups' evaluation offsets fall.
    """
    rng, lag, by = prom(SLOW), prom(FIVE_MINUTE_LAG), by_clause(slas)
    return [
        _record(five, f"sum by ({by}) (sum_over_time({select(one, slas)}[{rng}] offset {lag}))")
        for one, five in ((BAD_EVENTS_1M, BAD_EVENTS_5M), (VALID_EVENTS_1M, VALID_EVENTS_5M))
    ]


def maintenance_zero(slas: Sequence[SLA]) -> Rule | None:
    """``slaforge:maintenance:active`` 0 for every SLA without maintenance windows, in one rule."""
    without = [s for s in slas if not s.spec.maintenance]
    if not without:
        return None
    return _record(MAINTENANCE_ACTIVE, f"0 * group by ({LABEL_SLA}) ({select(SLA_INFO, without)})")


def read_ratio(window: Duration, slas: Sequence[SLA], long_group: bool) -> str:
    """A window's ratio as read from a group: series the 5m group records are read by the 1m group
    through last_over_time (the latest sample may be up to 5m old)."""
    sel = select(error_ratio_rule(prom(window)), slas)
    if window > LONGEST_FAST_WINDOW and not long_group:
        return f"last_over_time({sel}[{prom(LONG_READ)}])"
    return sel


def _union(name: str, parts: Sequence[str]) -> list[Rule]:
    """One rule per recorded name (promtool rejects duplicates): the SLA-window classes' parts,
    which select disjoint SLAs, joined by ``or``."""
    if not parts:
        return []
    if len(parts) == 1:
        return [_record(name, parts[0])]
    return [_record(name, "\nor\n".join(_block(part) for part in parts) + "\n")]


def budget_rules(slas: Sequence[SLA]) -> list[Rule]:
    """Error budget left over each SLA window: 1 - window ratio / budget (negative when overspent)."""
    parts = []
    for window, members in sla_window_classes(slas):
        ratio = read_ratio(window, members, long_group=False)
        inner = _block(f"{ratio}\n/ on ({BY}) group_left ()\n{BUDGET}")
        parts.append(f"1 - {inner}\n")
    return _union(ERROR_BUDGET_REMAINING, parts)


def _burn(window: Duration, ratio: Callable[[Duration], str], policy: BurnPolicy, by: str = BY) -> str:
    f = num(factor(policy, window))
    long_, short = ratio(policy.long_window), ratio(policy.short_window)
    return _block(
        f"{long_} / on ({BY}) group_left () {BUDGET} > {f}\n"
        f"and on ({by})\n"
        f"{short} / on ({BY}) group_left () {BUDGET} > {f}"
    )


def burn_condition(severity: str, window: Duration, slas: Sequence[SLA]) -> str | None:
    """The burn condition of ``severity`` for SLAs sharing ``window``: the long window's burn rate
    while both windows of a pair are over its factor, absent otherwise and during maintenance.

    Left out: pairs whose long window exceeds the SLA window. A pair whose threshold is >= 1 for
    some objective (low targets) simply never holds for it: an error ratio never exceeds 1.
    """
    policies = [p for p in POLICIES if p.severity == severity and fits(p, window)]
    if not policies or not slas:
        return None
    long_group = severity == SEVERITY_TICKET
    # the two windows of a pair, and the pairs, are matched group by group
    by = by_clause(slas)
    parts = [_burn(window, lambda w: read_ratio(w, slas, long_group), p, by) for p in policies]
    body = f"\nor on ({by})\n".join(parts)
    return f"{_block(body)}\nunless on ({LABEL_SLA}) ({MAINTENANCE_ACTIVE} == 1)\n"


def burn_condition_rules(severity: str, slas: Sequence[SLA]) -> list[Rule]:
    """One rule recording the ``severity`` condition of every objective whose SLA enables it."""
    enabled = [
        s for s in slas
        if (s.spec.alerting.page if severity == SEVERITY_PAGE else s.spec.alerting.ticket).enabled
    ]
    parts = [burn_condition(severity, window, members) for window, members in sla_window_classes(enabled)]
    record = PAGE_BURN_RATE if severity == SEVERITY_PAGE else TICKET_BURN_RATE
    return _union(record, [p for p in parts if p is not None])


def fast_fleet_rules(slas: Sequence[SLA]) -> list[Rule]:
    """After every SLA's pieces in the 1m group: maintenance 0, ratios up to 1h, the budget left
    and the page conditions (which read the ratios of this same evaluation)."""
    rules: list[Rule] = []
    zero = maintenance_zero(slas)
    if zero is not None:
        rules.append(zero)
    rules += [ratio_rule(w, members) for w, members in window_classes(slas) if w <= LONGEST_FAST_WINDOW]
    rules += budget_rules(slas)
    rules += burn_condition_rules(SEVERITY_PAGE, slas)
    return rules


def long_fleet_rules(slas: Sequence[SLA]) -> list[Rule]:
    """The 5m group: the 5m pieces, ratios beyond 1h, then the ticket conditions (3d and 6h, just
    recorded)."""
    rules = five_minute_pieces(slas)
    rules += [ratio_rule(w, members) for w, members in window_classes(slas) if w > LONGEST_FAST_WINDOW]
    rules += burn_condition_rules(SEVERITY_TICKET, slas)
    return rules
