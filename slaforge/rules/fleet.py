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

from slaforge.burnrate import BurnPolicy, factor
from slaforge.conventions import (
    BAD_EVENTS_1M,
    BAD_EVENTS_5M,
    ERROR_BUDGET_REMAINING,
    LABEL_OBJECTIVE,
    LABEL_SLA,
    MAINTENANCE_ACTIVE,
    OBJECTIVE_RATIO,
    PAGE_ACTIVE_SINCE,
    PAGE_BURN_RATE,
    PAGE_ESCALATING,
    SEVERITY_PAGE,
    SEVERITY_TICKET,
    SLA_INFO,
    TICKET_BURN_RATE,
    VALID_EVENTS_1M,
    VALID_EVENTS_5M,
    error_ratio_rule,
)
from slaforge.plan import SLAPlan
from slaforge.promql_text import num
from slaforge.rules.groups import by_clause
from slaforge.rules.model import RecordingRule, record
from slaforge.rules.recording import (
    LONG_READ,
    LONGEST_FAST_WINDOW,
    SLOW,
    pieces_for,
    prom,
)
from slaforge.spec.durations import Duration
from slaforge.spec.promql import Matcher, Selector

BY = f"{LABEL_OBJECTIVE}, {LABEL_SLA}"
# every objective's error budget, one series per objective
BUDGET = f"(1 - max by ({BY}) ({OBJECTIVE_RATIO}))"


def select(metric: str, plans: Sequence[SLAPlan]) -> str:
    """``metric{sla=~"a|b|c"}`` for these SLAs (``sla="a"`` for one)."""
    return _select(metric, tuple(sorted(p.name for p in plans)))


@lru_cache(maxsize=4096)
def _select(metric: str, names: tuple[str, ...]) -> str:
    # SLA names are DNS labels: nothing to escape in the alternation
    matcher = Matcher(LABEL_SLA, "=", names[0]) if len(names) == 1 else Matcher(LABEL_SLA, "=~", "|".join(names))
    return Selector(metric, (matcher,)).render()


def _block(text: str) -> str:
    """``(`` text indented by two spaces ``)``."""
    inner = "\n".join(f"  {line}" if line else line for line in text.rstrip("\n").split("\n"))
    return f"(\n{inner}\n)"


def _with_metadata(expr: str, slas: Sequence[SLAPlan]) -> str:
    """Copy the SLAs' metadata.labels onto a ``by (objective, sla)`` result (nothing when none)."""
    keys = sorted({key for plan in slas for key in plan.labels})
    if not keys:
        return expr
    return f"{_block(expr)}\n* on ({BY}) group_left ({', '.join(keys)})\ntopk by ({BY}) (1, {SLA_INFO})\n"


def window_classes(slas: Sequence[SLAPlan]) -> list[tuple[Duration, list[SLAPlan]]]:
    """Every window with the SLAs that need its ratio: the contract's windows for all of them,
    each SLA window for the SLAs that have it; shortest first."""
    out: dict[Duration, list[SLAPlan]] = {}
    for plan in slas:
        for window in plan.ratio_windows:
            out.setdefault(window, []).append(plan)
    return sorted(out.items(), key=lambda item: item[0])


def sla_window_classes(slas: Iterable[SLAPlan]) -> list[tuple[Duration, list[SLAPlan]]]:
    """SLAs grouped by their SLA window, shortest first."""
    out: dict[Duration, list[SLAPlan]] = {}
    for plan in slas:
        out.setdefault(plan.window, []).append(plan)
    return sorted(out.items(), key=lambda item: item[0])


def ratio_rule(window: Duration, slas: Sequence[SLAPlan]) -> RecordingRule:
    """Traffic-weighted error ratio over ``window``: sum of bad pieces / sum of valid pieces.

    Up to 1h: the 1m pieces, beyond: the 5m pieces; each written earlier in the same group, so
    that the range holds exactly window/step of them.
    """
    bad, valid, rng = pieces_for(window)
    by = by_clause(slas)
    expr = (
        f"sum by ({by}) (sum_over_time({select(bad, slas)}[{rng}]))\n/\n"
        f"sum by ({by}) (sum_over_time({select(valid, slas)}[{rng}]))\n"
    )
    return record(error_ratio_rule(prom(window)), _with_metadata(expr, slas))


# The 5m pieces read the 1m pieces of (t - 6m30s, t - 1m30s]: old enough to have been written by
# the 1m group (no race between the groups), and half a minute off the 1m grid, so that no 1m piece
# sits on a range boundary where the two groups' evaluations align (promtool, rule backfill).
FIVE_MINUTE_LAG = Duration.parse("1m30s")


def five_minute_pieces(slas: Sequence[SLAPlan]) -> list[RecordingRule]:
    """Bad and valid events per 5m: the sum of five 1m pieces, first in the 5m group.

    Consecutive evaluations are exactly 5m apart and read ``[5m]`` ranges, so that every 1m piece
    is counted in exactly one 5m piece, wherever the two groups' evaluation offsets fall.
    """
    rng, lag, by = prom(SLOW), prom(FIVE_MINUTE_LAG), by_clause(slas)
    return [
        record(five, f"sum by ({by}) (sum_over_time({select(one, slas)}[{rng}] offset {lag}))")
        for one, five in ((BAD_EVENTS_1M, BAD_EVENTS_5M), (VALID_EVENTS_1M, VALID_EVENTS_5M))
    ]


def maintenance_zero(slas: Sequence[SLAPlan]) -> RecordingRule | None:
    """``slaforge:maintenance:active`` 0 for every SLA without maintenance windows, in one rule."""
    without = [s for s in slas if not s.windows]
    if not without:
        return None
    return record(MAINTENANCE_ACTIVE, f"0 * group by ({LABEL_SLA}) ({select(SLA_INFO, without)})")


def read_ratio(window: Duration, slas: Sequence[SLAPlan], long_group: bool) -> str:
    """A window's ratio as read from a group: series the 5m group records are read by the 1m group
    through last_over_time (the latest sample may be up to 5m old)."""
    sel = select(error_ratio_rule(prom(window)), slas)
    if window > LONGEST_FAST_WINDOW and not long_group:
        return f"last_over_time({sel}[{prom(LONG_READ)}])"
    return sel


def _union(name: str, parts: Sequence[str]) -> list[RecordingRule]:
    """One rule per recorded name (promtool rejects duplicates): the SLA-window classes' parts,
    which select disjoint SLAs, joined by ``or``."""
    if not parts:
        return []
    if len(parts) == 1:
        return [record(name, parts[0])]
    return [record(name, "\nor\n".join(_block(part) for part in parts) + "\n")]


def budget_rules(slas: Sequence[SLAPlan]) -> list[RecordingRule]:
    """Error budget left over each SLA window: 1 - window ratio / budget (negative when overspent)."""
    parts = []
    for window, members in sla_window_classes(slas):
        ratio = read_ratio(window, members, long_group=False)
        inner = _block(f"{ratio}\n/ on ({BY}) group_left ()\n{BUDGET}")
        parts.append(f"1 - {inner}\n")
    return _union(ERROR_BUDGET_REMAINING, parts)


def _enough_events(policy: BurnPolicy, slas: Sequence[SLAPlan], min_events: int) -> str:
    """``and`` clause: at least ``min_events`` valid events in the policy's long window (the pieces
    the long window's ratio sums: 1m pieces up to 1h, 5m pieces beyond), per group when grouped."""
    _, valid, rng = pieces_for(policy.long_window)
    by = by_clause(slas)
    return f"\nand on ({by})\nsum by ({by}) (sum_over_time({select(valid, slas)}[{rng}])) >= {min_events}"


def _burn(window: Duration, ratio: Callable[[Duration], str], policy: BurnPolicy, by: str = BY,
          enough: str = "") -> str:
    f = num(factor(policy, window))
    long_, short = ratio(policy.long_window), ratio(policy.short_window)
    return _block(
        f"{long_} / on ({BY}) group_left () {BUDGET} > {f}\n"
        f"and on ({by})\n"
        f"{short} / on ({BY}) group_left () {BUDGET} > {f}"
        f"{enough}"
    )


def burn_condition(
    severity: str, window: Duration, slas: Sequence[SLAPlan], policies: Sequence[BurnPolicy], min_events: int = 0,
) -> str | None:
    """The burn condition of ``severity`` for SLAs sharing ``window``, policies and min_events:
    the long window's burn rate while both windows of a pair are over its factor (and the long
    window holds at least ``min_events`` valid events), absent otherwise and during maintenance.

    Left out: pairs whose long window exceeds the SLA window. A pair whose threshold is >= 1 for
    some objective (low targets) simply never holds for it: an error ratio never exceeds 1.
    """
    if not policies or not slas:
        return None
    long_group = severity == SEVERITY_TICKET
    # the two windows of a pair, and the pairs, are matched group by group
    by = by_clause(slas)
    parts = [
        _burn(window, lambda w: read_ratio(w, slas, long_group), p, by,
              _enough_events(p, slas, min_events) if min_events > 0 else "")
        for p in policies
    ]
    body = f"\nor on ({by})\n".join(parts)
    return f"{_block(body)}\nunless on ({LABEL_SLA}) ({MAINTENANCE_ACTIVE} == 1)\n"


def _policy_key(policies: tuple[BurnPolicy, ...]) -> tuple[tuple[str, float, int, int], ...]:
    return tuple((p.severity, p.budget_fraction, p.long_window.ms, p.short_window.ms) for p in policies)


def condition_classes(
    severity: str, slas: Iterable[SLAPlan]
) -> list[tuple[Duration, tuple[BurnPolicy, ...], int, list[SLAPlan]]]:
    """SLAs that share a burn condition: same SLA window, same policies of ``severity``, same
    min_events; in order of window (then policies, then min_events). Without alerting.policies
    and min_events this is one class per SLA window."""
    out: dict[tuple[Duration, tuple[BurnPolicy, ...], int], list[SLAPlan]] = {}
    for plan in slas:
        key = (plan.window, plan.condition_policies(severity), plan.min_events)
        out.setdefault(key, []).append(plan)
    ordered = sorted(out.items(), key=lambda item: (item[0][0], _policy_key(item[0][1]), item[0][2]))
    return [(w, pols, n, members) for (w, pols, n), members in ordered]


def burn_condition_rules(severity: str, slas: Sequence[SLAPlan]) -> list[RecordingRule]:
    """One rule recording the ``severity`` condition of every objective whose SLA enables it."""
    enabled = [s for s in slas if s.enabled[severity]]
    parts = [
        burn_condition(severity, window, members, policies, min_events)
        for window, policies, min_events, members in condition_classes(severity, enabled)
    ]
    record = PAGE_BURN_RATE if severity == SEVERITY_PAGE else TICKET_BURN_RATE
    return _union(record, [p for p in parts if p is not None])


# the escalation steps read the burn rate over this window: "errors are still being spent faster
# than the budget allows"
ESCALATION_BURN_WINDOW = Duration.parse("5m")
# ... at any evaluation within this much time: a noisy SLI whose 5m burn dips under 1 for a few
# minutes keeps its steps firing (not keep_firing_for: that would also outlast maintenance)
ESCALATION_HOLD = Duration.parse("5m")


def escalating_slas(slas: Sequence[SLAPlan]) -> list[SLAPlan]:
    """SLAs whose pages escalate: escalation steps, paging enabled and a page policy."""
    return [s for s in slas if s.escalates]


def escalation_rules(slas: Sequence[SLAPlan]) -> list[RecordingRule]:
    """When each page started, and how long it has lasted while the 5m burn rate is over 1.

    ``slaforge:page_active_since:timestamp`` is its own value of the previous evaluation while the
    page condition holds, else ``time()``: a page that stops for one evaluation starts a new clock
    (the series goes stale), exactly as the page alert resolves. Stored in the TSDB, it survives a
    restart of Prometheus. ``slaforge:page_escalating:seconds`` is ``time() - since`` while the
    page holds **and** the 5m error ratio was over the budget at some evaluation of the last 5
    minutes (``max_over_time``: a noisy SLI does not flap): each SLAEscalation step compares it
    with its ``after``, so the steps count from the page's start but stop within 5 minutes of the
    5m burn rate falling under 1, and at once when the page stops (maintenance included).
    """
    members = escalating_slas(slas)
    if not members:
        return []
    page = select(PAGE_BURN_RATE, members)
    since = select(PAGE_ACTIVE_SINCE, members)
    recent = select(error_ratio_rule(prom(ESCALATION_BURN_WINDOW)), members)
    ratio = f"max_over_time({recent}[{prom(ESCALATION_HOLD)}])"
    by = by_clause(members)  # one clock per group of a grouped objective
    return [
        record(
            PAGE_ACTIVE_SINCE,
            f"{_block(f'0 * {page}{chr(10)}+ on ({by}) max by ({by}) ({since})')}\n"
            f"or on ({by})\n"
            f"(0 * {page} + time())\n",
        ),
        record(
            PAGE_ESCALATING,
            f"time() - {since}\nand on ({by})\n{ratio} / on ({BY}) group_left () {BUDGET} > 1\n",
        ),
    ]


def fast_fleet_rules(slas: Sequence[SLAPlan]) -> list[RecordingRule]:
    """After every SLA's pieces in the 1m group: maintenance 0, ratios up to 1h, the budget left,
    the page conditions (which read the ratios of this same evaluation) and the escalation clock."""
    rules: list[RecordingRule] = []
    zero = maintenance_zero(slas)
    if zero is not None:
        rules.append(zero)
    rules += [ratio_rule(w, members) for w, members in window_classes(slas) if w <= LONGEST_FAST_WINDOW]
    rules += budget_rules(slas)
    rules += burn_condition_rules(SEVERITY_PAGE, slas)
    rules += escalation_rules(slas)
    return rules


def long_fleet_rules(slas: Sequence[SLAPlan]) -> list[RecordingRule]:
    """The 5m group: the 5m pieces, ratios beyond 1h, then the ticket conditions (3d and 6h, just
    recorded)."""
    rules = five_minute_pieces(slas)
    rules += [ratio_rule(w, members) for w, members in window_classes(slas) if w > LONGEST_FAST_WINDOW]
    rules += burn_condition_rules(SEVERITY_TICKET, slas)
    return rules
