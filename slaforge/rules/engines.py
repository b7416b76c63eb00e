"""What a rule engine other than one Prometheus needs, applied after generation: never a new meaning.

* ``vmalert`` (VictoriaMetrics): vmalert reads a recorded series only after it has been written
  back and ingested, so every rule that reads a rule of the same evaluation sees the previous one:
  the page went pieces -> ratios -> condition -> alert, three evaluations late. With this layout
  each burn alert (page, escalations, ticket) computes its condition itself from the event pieces
  (the ratios inlined for its own objective), exactly the expression the recorded condition holds:
  one evaluation late at most. The recorded ratios and conditions stay, for dashboards.
* ``thanos``: every group gets ``partial_response_strategy: abort`` (Thanos ruler's field): a rule
  evaluated while a store is unreachable fails instead of recording a partial sum.
* ``mimir``: Mimir's default ``ruler_max_rules_per_rule_group`` (20) unless a limit is given.
* ``max_rules_per_group``: each group is split into consecutive groups of at most N rules, in the
  same order, with the same interval. A rule whose input lands in an earlier group reads that
  group's latest evaluation instead of this one's: up to one interval later per cut. Cuts go where
  no rule of the next chunk reads a rule of the current one, when such a place exists; the burn
  alerts of split groups use the ``vmalert`` layout, so a page reads only the pieces (at most one
  cut behind them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from slaforge.burnrate import BurnPolicy, factor
from slaforge.conventions import (
    LABEL_OBJECTIVE,
    LABEL_SLA,
    PAGE_BURN_RATE,
    SEVERITY_PAGE,
    SEVERITY_TICKET,
    TICKET_BURN_RATE,
    error_ratio_rule,
)
from slaforge.plan import ObjectivePlan, SLAPlan
from slaforge.promql_text import num
from slaforge.rules.maintenance import active_expr
from slaforge.rules.model import AlertingRule, RecordingRule, Rule, RuleGroup
from slaforge.rules.recording import LONG_READ, LONGEST_FAST_WINDOW, pieces_for, prom
from slaforge.spec.durations import Duration

Engine = Literal["prometheus", "vmalert", "thanos", "mimir"]
ENGINES: tuple[str, ...] = ("prometheus", "vmalert", "thanos", "mimir")
MIMIR_DEFAULT_LIMIT = 20
THANOS_STRATEGY = "abort"


@dataclass(frozen=True)
class EngineOptions:
    engine: Engine = "prometheus"
    max_rules_per_group: int | None = None

    @property
    def limit(self) -> int | None:
        if self.max_rules_per_group is not None:
            return self.max_rules_per_group
        return MIMIR_DEFAULT_LIMIT if self.engine == "mimir" else None

    @property
    def is_default(self) -> bool:
        return self.engine == "prometheus" and self.max_rules_per_group is None


def apply(groups: list[RuleGroup], slas: Sequence[SLAPlan], options: EngineOptions) -> list[RuleGroup]:
    """The groups laid out for ``options.engine``; the same list when nothing applies."""
    if options.is_default:
        return groups
    limit = options.limit
    if limit is not None and limit < 1:
        raise ValueError("--max-rules-per-group must be at least 1")
    needs_split = limit is not None and any(len(g.rules) > limit for g in groups)
    if options.engine == "vmalert" or needs_split:
        groups = inline_burn_alerts(groups, slas)
    if limit is not None:
        groups = split_groups(groups, limit)
    if options.engine == "thanos":
        groups = [replace(g, partial_response_strategy=THANOS_STRATEGY) for g in groups]
    return groups


# --- burn alerts computed from the pieces -------------------------------------------------------


def _by(objective: ObjectivePlan) -> str:
    """``objective, sla`` and the objective's group labels: one condition per group."""
    return ", ".join((LABEL_OBJECTIVE, LABEL_SLA, *objective.group_labels))


def _pieces_ratio(window: Duration, objective: ObjectivePlan) -> str:
    """The objective's error ratio over ``window``, summed from pieces (what the ratio rule records)."""
    bad, valid, rng = pieces_for(window)
    by = _by(objective)
    return (
        f"sum by ({by}) (sum_over_time({objective.selector(bad)}[{rng}]))\n"
        f"/\nsum by ({by}) (sum_over_time({objective.selector(valid)}[{rng}]))"
    )


def _ratio(window: Duration, objective: ObjectivePlan, long_group: bool) -> str:
    """In the 1m group a window beyond 1h is read from its recorded ratio (written every 5m), as
    the recorded page condition reads it; everything else is summed from the pieces."""
    if window > LONGEST_FAST_WINDOW and not long_group:
        series = objective.selector(error_ratio_rule(prom(window)))
        return f"last_over_time({series}[{prom(LONG_READ)}])"
    return f"(\n{_indent(_pieces_ratio(window, objective))}\n)"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else line for line in text.split("\n"))


def _enough(plan: SLAPlan, objective: ObjectivePlan, policy: BurnPolicy) -> str:
    """``alerting.min_events``: as the recorded condition, at least that many valid events in the long window."""
    least = plan.min_events
    if least <= 0:
        return ""
    _, valid, rng = pieces_for(policy.long_window)
    by = _by(objective)
    events = f"sum_over_time({objective.selector(valid)}[{rng}])"
    return f"\nand on ({by})\nsum by ({by}) ({events}) >= {least}"


def _pair(plan: SLAPlan, objective: ObjectivePlan, policy: BurnPolicy, long_group: bool) -> str:
    f = num(factor(policy, plan.window))
    budget = f"(1 - {num(objective.ratio)})"
    long_ = _ratio(policy.long_window, objective, long_group)
    short = _ratio(policy.short_window, objective, long_group)
    by = _by(objective)
    both = f"{_indent(f'{long_} / {budget} > {f}')}\nand on ({by})\n{_indent(f'{short} / {budget} > {f}')}"
    return f"(\n{both}{_enough(plan, objective, policy)}\n)"


def burn_expr(plan: SLAPlan, objective: ObjectivePlan, severity: str) -> str | None:
    """The burn condition of one objective, as the recorded condition computes it, from the pieces."""
    policies = plan.condition_policies(severity)
    if not policies:
        return None
    long_group = severity == SEVERITY_TICKET
    by = _by(objective)
    body = f"\nor on ({by})\n".join(_pair(plan, objective, p, long_group) for p in policies)
    expr = f"(\n{_indent(body)}\n)\n"
    active = active_expr(plan)
    if active is not None:
        # the SLA's own maintenance arithmetic, not the series recorded by this same evaluation
        expr += f"unless on () (\n{_indent(active.rstrip())}\n== 1\n)\n"
    return expr


def inline_burn_alerts(groups: list[RuleGroup], slas: Sequence[SLAPlan]) -> list[RuleGroup]:
    """Every alert that selects one objective's recorded burn condition computes it instead."""
    inline: dict[str, str] = {}
    for plan in slas:
        for objective in plan.objectives:
            for severity, record in ((SEVERITY_PAGE, PAGE_BURN_RATE), (SEVERITY_TICKET, TICKET_BURN_RATE)):
                expr = burn_expr(plan, objective, severity)
                if expr is not None:
                    inline[objective.selector(record)] = expr
    return [replace(group, rules=tuple(_inlined(rule, inline) for rule in group.rules)) for group in groups]


def _inlined(rule: Rule, inline: dict[str, str]) -> Rule:
    if isinstance(rule, AlertingRule) and rule.expr in inline:
        return replace(rule, expr=inline[rule.expr])
    return rule


# --- group size limits --------------------------------------------------------------------------

# how far back from a chunk's limit a clean cut is looked for
SEARCH = 64
_SELECTOR = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?')
_SLA_MATCH = re.compile(r'\bsla(=~?)"([^"]*)"')
ANY = "*"


def _reads(rule: Rule, recorded: set[str]) -> set[tuple[str, str]]:
    """(name, sla) pairs of recorded series the rule's expression selects (sla ANY: every SLA)."""
    out: set[tuple[str, str]] = set()
    for name, braces in _SELECTOR.findall(rule.expr):
        if name not in recorded:
            continue
        match = _SLA_MATCH.search(braces or "")
        slas = [ANY] if match is None else match[2].split("|") if match[1] == "=~" else [match[2]]
        out.update((name, sla) for sla in slas)
    return out


def _writes(rule: Rule) -> tuple[str, str] | None:
    if not isinstance(rule, RecordingRule):
        return None
    return rule.record, rule.labels.get(LABEL_SLA, ANY)


def cut_points(rules: Sequence[Rule], limit: int) -> list[int]:
    """Where to cut ``rules`` into chunks of at most ``limit``: from each chunk's start, the last
    place within the limit (looking back at most :data:`SEARCH` rules) after which no rule of the
    next chunk reads a series written in this one (same name, same SLA); the full limit when
    there is none (a cut chain)."""
    writes = [_writes(r) for r in rules]
    recorded = {w[0] for w in writes if w is not None}
    reads = [_reads(r, recorded) for r in rules]

    def crosses(start: int, cut: int) -> bool:
        written = [w for w in writes[start:cut] if w is not None]
        names = {n for n, sla in written if sla == ANY}
        pairs = {w for w in written if w[1] != ANY}
        written_names = {n for n, _ in written}
        for j in range(cut, min(cut + limit, len(rules))):
            for name, sla in reads[j]:
                if name in names or (name, sla) in pairs or (sla == ANY and name in written_names):
                    return True
        return False

    cuts: list[int] = []
    start = 0
    while len(rules) - start > limit:
        end = start + limit
        best = next((c for c in range(end, max(start, end - SEARCH), -1) if not crosses(start, c)), end)
        cuts.append(best)
        start = best
    return cuts


def split_groups(groups: list[RuleGroup], limit: int) -> list[RuleGroup]:
    """Each group as consecutive groups of at most ``limit`` rules: ``name``, ``name-2``, ..."""
    out: list[RuleGroup] = []
    for group in groups:
        rules = group.rules
        bounds = [0, *cut_points(rules, limit), len(rules)]
        for index, (a, b) in enumerate(pairwise(bounds)):
            name = group.name if index == 0 else f"{group.name}-{index + 1}"
            out.append(replace(group, name=name, rules=rules[a:b]))
    return out
