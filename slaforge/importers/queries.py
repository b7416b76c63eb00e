"""Read other tools' PromQL event queries back into counter selectors, or say why they cannot be.

slaforge's ratio SLI takes counter selectors and adds ``increase(...[W])`` itself, so a query maps
when it is a sum of counters. The forms read here (T is ``SEL``, ``rate(SEL[r])`` or
``increase(SEL[r])``):

* ``sum(T)``, also with ``... or vector(0)`` (slaforge counts a missing counter as 0 itself);
* ``sum(T1) + sum(T2) + ...``: several selectors added up (a list in the SLA file);
* in an error query, ``TOTAL - sum(G)`` where TOTAL is the total query: a ``good`` selector
  (with one histogram's ``_count`` and ``_bucket{le="X"}`` that is a latency SLI);
* raw ratio queries ``E / T`` and ``1 - G / T`` of such sums;
* ``sum by (L) (T)`` in every part alike: a grouping, slaforge's ``group_by: [L]``.

Everything else is refused with the reason, among them ``sum without (...)`` and parts grouped by
different labels (their ratio has no meaning per group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import promql_parser

from slaforge.conventions import RESERVED_LABELS
from slaforge.spec.promql import Matcher, Selector

WINDOW_TEMPLATE = re.compile(r"\{\{\s*\.window\s*\}\}")
# the placeholder is replaced by this unusual range so that only ranges written as {{.window}} match it
_SENTINEL = "4242s"
_SENTINEL_RANGE = timedelta(seconds=4242)
_OPS = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~"}
PLAIN_FORM = "sum(rate(SELECTOR[{{.window}}]))"


class Unmappable(ValueError):
    """The query is valid for its tool but has no slaforge equivalent; the message says why."""


@dataclass(frozen=True)
class Sum:
    """A sum of counters: the selectors and how the query read them (rate, increase, or bare)."""

    selectors: tuple[Selector, ...]
    fn: str  # "rate", "increase" or "" for a bare selector
    by: tuple[str, ...] = ()  # sum by (...) labels: a grouping


@dataclass(frozen=True)
class Ratio:
    """Bad events are ``errors``, or ``total - good``."""

    total: tuple[Selector, ...]
    errors: tuple[Selector, ...] = ()
    good: tuple[Selector, ...] = ()
    group_by: tuple[str, ...] = ()


def parse(query: Any, *, template: bool) -> Any:
    """The query's syntax tree; with ``template``, ``{{.window}}`` must be its ranges (Sloth)."""
    if not isinstance(query, str) or not query.strip():
        raise Unmappable("expected a PromQL query")
    has_template = WINDOW_TEMPLATE.search(query) is not None
    if template and not has_template:
        raise Unmappable("the query does not use the {{.window}} placeholder, so it cannot follow the SLO windows")
    text = WINDOW_TEMPLATE.sub(_SENTINEL, query)
    try:
        return promql_parser.parse(text)
    except ValueError as exc:
        raise Unmappable(f"not valid PromQL: {exc}") from None


def _op(expr: Any) -> str:
    return str(expr.op).strip().lower()


def _unwrap(expr: Any) -> Any:
    """Without parentheses and without a trailing ``or vector(0)``."""
    while True:
        if isinstance(expr, promql_parser.ParenExpr):
            expr = expr.expr
        elif isinstance(expr, promql_parser.BinaryExpr) and _op(expr) == "or" and _is_zero(expr.rhs):
            expr = expr.lhs
        else:
            return expr


def _is_zero(expr: Any) -> bool:
    while isinstance(expr, promql_parser.ParenExpr):
        expr = expr.expr
    return (isinstance(expr, promql_parser.Call) and expr.func.name == "vector" and len(expr.args) == 1
            and isinstance(expr.args[0], promql_parser.NumberLiteral) and expr.args[0].val == 0)


def _kind(expr: Any) -> str:
    if isinstance(expr, promql_parser.AggregateExpr):
        return f"{_op(expr)}(...)"
    if isinstance(expr, promql_parser.Call):
        return f"{expr.func.name}(...)"
    if isinstance(expr, promql_parser.BinaryExpr):
        return f"an expression with {_op(expr)}"
    if isinstance(expr, promql_parser.VectorSelector | promql_parser.MatrixSelector):
        return "a bare selector"
    if isinstance(expr, promql_parser.NumberLiteral):
        return "a number"
    return type(expr).__name__


def _selector(vs: Any) -> Selector:
    if vs.offset is not None or vs.at is not None:
        raise Unmappable("offset and @ modifiers cannot be mapped")
    if vs.matchers.or_matchers:
        raise Unmappable("'or' inside a selector cannot be mapped")
    name = vs.name or ""
    matchers = []
    for m in vs.matchers.matchers:
        op = _OPS[str(m.op)]
        if m.name == "__name__" and op == "=":
            name = m.value
        else:
            matchers.append(Matcher(m.name, op, m.value))
    if not name:
        raise Unmappable("the selector must name a metric")
    selector = Selector(name, tuple(matchers))
    return Selector.parse(selector.render())  # the same validation as an SLA file's selectors


def _term(expr: Any, template: bool, bare: bool) -> tuple[Selector, str]:
    expr = _unwrap(expr)
    if bare and isinstance(expr, promql_parser.VectorSelector):
        return _selector(expr), ""
    if not isinstance(expr, promql_parser.Call) or expr.func.name not in ("rate", "increase"):
        raise Unmappable(f"expected rate(...) or increase(...) of a counter, got {_kind(expr)}")
    arg = expr.args[0] if expr.args else None
    if not isinstance(arg, promql_parser.MatrixSelector):
        raise Unmappable(f"expected a range selector inside {expr.func.name}(...)")
    if template and arg.range != _SENTINEL_RANGE:
        raise Unmappable(f"the range of {expr.func.name}(...) must be [{{{{.window}}}}], not a fixed duration")
    return _selector(arg.vector_selector), str(expr.func.name)


def event_sum(expr: Any, *, template: bool, bare: bool = False) -> Sum:
    """The counters a query adds up; ``bare`` also accepts plain selectors (Pyrra, OpenSLO counters)."""
    expr = _unwrap(expr)
    if isinstance(expr, promql_parser.BinaryExpr) and _op(expr) == "+" and expr.modifier is None:
        left, right = event_sum(expr.lhs, template=template, bare=bare), event_sum(expr.rhs, template=template,
                                                                                      bare=bare)
        by = same_grouping(left.by, right.by, "the events of one part of the sum", "those of another")
        return Sum(left.selectors + right.selectors, _same_fn(left.fn, right.fn), by)
    if isinstance(expr, promql_parser.AggregateExpr):
        if _op(expr) != "sum":
            raise Unmappable(f"expected sum(...), got {_kind(expr)}")
        by = _grouping(expr.modifier)
        selector, fn = _term(expr.expr, template, bare)
        return Sum((selector,), fn, by)
    if bare:
        selector, fn = _term(expr, template, bare)
        return Sum((selector,), fn)
    raise Unmappable(f"expected the form {PLAIN_FORM} (or a sum of them), got {_kind(expr)} at the top")


def _grouping(modifier: Any) -> tuple[str, ...]:
    """The labels of ``sum by (...)``; ``without`` and labels slaforge sets itself are refused."""
    if modifier is None:
        return ()
    labels = tuple(str(label) for label in modifier.labels)
    if "Without" in str(modifier.type):
        raise Unmappable(f"sum without ({', '.join(labels)}) keeps every label but those, and which labels that is "
                         "depends on the series; slaforge's group_by names the labels it keeps: write "
                         "sum by (...) with them")
    return checked_grouping(labels)


def checked_grouping(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Grouping labels that slaforge's group_by can carry (never one that slaforge sets itself)."""
    for label in labels:
        if label in RESERVED_LABELS:
            raise Unmappable(f"grouping by {label!r}: slaforge sets that label itself on every series it records, "
                             "so it cannot be a group_by label")
    if len(set(labels)) != len(labels):
        raise Unmappable(f"grouping by ({', '.join(labels)}) names a label twice")
    return labels


def same_grouping(a: tuple[str, ...], b: tuple[str, ...], what_a: str, what_b: str) -> tuple[str, ...]:
    """The grouping two parts share, in the order of ``b`` (the total); parts grouped differently have no
    ratio per group."""
    if set(a) != set(b):
        def shown(labels: tuple[str, ...]) -> str:
            return f"are summed by ({', '.join(labels)})" if labels else "are summed over all series"
        raise Unmappable(f"{what_a} {shown(a)} and {what_b} {shown(b)}: events grouped differently have no ratio "
                         "per group; slaforge's group_by needs every part summed by the same labels")
    return b


def _same_fn(a: str, b: str) -> str:
    if a and b and a != b:
        raise Unmappable(f"one part uses {a}(...) and another {b}(...): their ratio is not an event ratio")
    return a or b


def key(selector: Selector) -> tuple[str, frozenset[Matcher]]:
    return selector.metric, frozenset(selector.matchers)


def _same(a: tuple[Selector, ...], b: tuple[Selector, ...]) -> bool:
    return sorted(map(repr, map(key, a))) == sorted(map(repr, map(key, b)))


def sloth_events(error_query: str, total_query: str) -> tuple[Ratio | None, str | None, str | None]:
    """(events, problem with error_query, problem with total_query) of Sloth's ``sli.events``."""
    problems: list[str | None] = [None, None]
    trees: list[Any] = [None, None]
    for i, query in enumerate((error_query, total_query)):
        try:
            trees[i] = parse(query, template=True)
        except Unmappable as exc:
            problems[i] = str(exc)
    if problems[0] or problems[1]:
        return None, problems[0], problems[1]
    try:
        total = event_sum(trees[1], template=True)
    except Unmappable as exc:
        return None, None, str(exc)
    try:
        return error_events(trees[0], total, template=True), None, None
    except Unmappable as exc:
        return None, str(exc), None


def error_events(tree: Any, total: Sum, *, template: bool, bare: bool = False) -> Ratio:
    """An error query over ``total``: a sum of error counters, or the total minus a sum of good counters."""
    tree = _unwrap(tree)
    if isinstance(tree, promql_parser.BinaryExpr) and _op(tree) == "-" and tree.modifier is None:
        whole = event_sum(tree.lhs, template=template, bare=bare)
        if not _same(whole.selectors, total.selectors):
            raise Unmappable("an error query 'A - B' maps only when A is the total query (then B counts good events)")
        good = event_sum(tree.rhs, template=template, bare=bare)
        _same_fn(_same_fn(whole.fn, total.fn), good.fn)
        same_grouping(whole.by, total.by, "the total events in the error query", "those of the total query")
        return ratio_of(total, good=good)
    return ratio_of(total, errors=event_sum(tree, template=template, bare=bare))


def ratio_of(total: Sum, *, errors: Sum | None = None, good: Sum | None = None) -> Ratio:
    """Bad (``errors``) or ``good`` events over ``total``: read alike (rate or increase) and grouped alike."""
    part, name = (good, "good") if good is not None else (errors, "error")
    assert part is not None
    _same_fn(part.fn, total.fn)
    by = same_grouping(part.by, total.by, f"the {name} events", "the total events")
    if good is not None:
        return Ratio(total.selectors, good=good.selectors, group_by=by)
    return Ratio(total.selectors, errors=part.selectors, group_by=by)


RAW_FORM = "sum(rate(E[{{.window}}])) / sum(rate(T[{{.window}}])), or 1 - sum(rate(G[...])) / sum(rate(T[...]))"


def raw_ratio(query: str, *, template: bool) -> Ratio:
    """A raw error-ratio query that is a ratio of two sums of counters."""
    tree = _unwrap(parse(query, template=template))
    good = False
    if (isinstance(tree, promql_parser.BinaryExpr) and _op(tree) == "-"
            and isinstance(tree.lhs, promql_parser.NumberLiteral) and tree.lhs.val == 1):
        tree, good = _unwrap(tree.rhs), True
    if not isinstance(tree, promql_parser.BinaryExpr) or _op(tree) != "/" or tree.modifier is not None:
        raise Unmappable(f"a raw error ratio converts only when it is a ratio of two sums of counters ({RAW_FORM}); "
                         "slaforge needs the bad and the total events to weigh every window by traffic")
    part = event_sum(tree.lhs, template=template)
    total = event_sum(tree.rhs, template=template)
    return ratio_of(total, good=part) if good else ratio_of(total, errors=part)


def _histogram(good: tuple[Selector, ...], total: tuple[Selector, ...]) -> tuple[Selector, float] | None:
    """(histogram, threshold) when good is ``H_bucket{le="X",...}`` and total ``H_count{...}`` of one histogram."""
    if len(good) != 1 or len(total) != 1:
        return None
    bucket, count = good[0], total[0]
    if not count.metric.endswith("_count") or bucket.metric != count.metric[: -len("_count")] + "_bucket":
        return None
    les = [m for m in bucket.matchers if m.name == "le"]
    if len(les) != 1 or les[0].op != "=":
        return None
    try:
        threshold = float(les[0].value)
    except ValueError:
        return None
    rest = tuple(m for m in bucket.matchers if m.name != "le")
    if set(rest) != set(count.matchers) or not 0 < threshold < float("inf"):
        return None
    return Selector(count.metric[: -len("_count")], count.matchers), threshold


def _selectors(selectors: tuple[Selector, ...]) -> str | list[str]:
    rendered = [s.render() for s in selectors]
    return rendered[0] if len(rendered) == 1 else rendered


@dataclass(frozen=True)
class MappedSLI:
    """slaforge's SLI for some events, its group_by, and notes for the reader where it took judgment."""

    sli: dict[str, object]
    group_by: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def to_sli(ratio: Ratio) -> MappedSLI:
    """slaforge's SLI for these events."""
    notes = []
    if ratio.group_by:
        labels = ", ".join(ratio.group_by)
        notes.append(f"REVIEW: grouped by ({labels}): one SLI, alert set, report row and credit per value of {labels}. "
                     "SLAGroupsExceeded fires beyond max_groups (default 1000) groups.")
    histogram = _histogram(ratio.good, ratio.total) if ratio.good else None
    if histogram is not None:
        selector, threshold = histogram
        notes.append(f"REVIEW: read as a latency SLI (the {selector.metric} bucket le=\"{threshold:g}\" over its "
                     f"count): the share of requests faster than {threshold:g}s. Add `buckets: [...]` to have it "
                     "checked.")
        sli: dict[str, object] = {"latency": {"histogram": selector.render(), "threshold": threshold}}
        return MappedSLI(sli, ratio.group_by, tuple(notes))
    part = ("good", ratio.good) if ratio.good else ("errors", ratio.errors)
    metrics = {s.metric for s in (*part[1], *ratio.total)}
    if len(metrics) > 1:
        notes.append(f"REVIEW: {part[0]} and total count different metrics ({', '.join(sorted(metrics))}); check "
                     f"that every {'good' if part[0] == 'good' else 'bad'} event is also in the total")
    sli = {"ratio": {part[0]: _selectors(part[1]), "total": _selectors(ratio.total)}}
    return MappedSLI(sli, ratio.group_by, tuple(notes))
