"""Read Sloth event queries back into plain counter selectors, or say why they cannot be.

Sloth writes an event SLI as two PromQL queries with a ``{{.window}}`` placeholder. slaforge's ratio
SLI takes the counter selectors and adds ``rate(...[W])`` itself, so only the plain form
``sum(rate(SELECTOR[{{.window}}]))`` maps one to one. One more form is recognised: Sloth's usual latency
SLI, ``_count`` minus ``_bucket{le="T"}`` of one histogram, which becomes a latency SLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import promql_parser

from slaforge.spec.promql import Matcher, Selector

WINDOW_TEMPLATE = re.compile(r"\{\{\s*\.window\s*\}\}")
# the placeholder is replaced by this unusual range so that only ranges written as {{.window}} match it
_SENTINEL = "4242s"
_SENTINEL_RANGE = timedelta(seconds=4242)
_OPS = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~"}
PLAIN_FORM = "sum(rate(SELECTOR[{{.window}}]))"


class Unmappable(ValueError):
    """The query is valid for Sloth but has no slaforge equivalent; the message says why."""


@dataclass(frozen=True)
class RatioEvents:
    errors: Selector
    total: Selector


@dataclass(frozen=True)
class HistogramEvents:
    histogram: Selector  # without the _bucket/_count suffix
    threshold: float


def parse_query(query: str) -> Any:
    """The query's syntax tree with ``{{.window}}`` filled in; Unmappable when it cannot be read."""
    if not isinstance(query, str) or not query.strip():
        raise Unmappable("expected a PromQL query")
    if not WINDOW_TEMPLATE.search(query):
        raise Unmappable("the query does not use the {{.window}} placeholder, so it cannot follow the SLO windows")
    text = WINDOW_TEMPLATE.sub(_SENTINEL, query)
    try:
        return promql_parser.parse(text)
    except ValueError as exc:
        raise Unmappable(f"not valid PromQL: {exc}") from None


def _unwrap(expr: Any) -> Any:
    while isinstance(expr, promql_parser.ParenExpr):
        expr = expr.expr
    return expr


def plain_rate_sum(expr: Any) -> Selector:
    """The selector of ``sum(rate(SELECTOR[{{.window}}]))``; Unmappable naming the first difference."""
    expr = _unwrap(expr)
    if not isinstance(expr, promql_parser.AggregateExpr) or str(expr.op) != "sum":
        raise Unmappable(f"expected the form {PLAIN_FORM}, got {_kind(expr)} at the top")
    if expr.modifier is not None and (
        "Without" in str(expr.modifier.type) or list(expr.modifier.labels)
    ):
        raise Unmappable("sum by/without (...) keeps label dimensions; slaforge sums every matching series")
    inner = _unwrap(expr.expr)
    if not isinstance(inner, promql_parser.Call) or inner.func.name != "rate":
        raise Unmappable(f"expected rate(...) inside sum(...), got {_kind(inner)}")
    arg = inner.args[0] if inner.args else None
    if not isinstance(arg, promql_parser.MatrixSelector):
        raise Unmappable("expected a range selector SELECTOR[{{.window}}] inside rate(...)")
    if arg.range != _SENTINEL_RANGE:
        raise Unmappable("the range of rate(...) must be [{{.window}}], not a fixed duration")
    vs = arg.vector_selector
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


def _kind(expr: Any) -> str:
    if isinstance(expr, promql_parser.AggregateExpr):
        return f"{expr.op}(...)"
    if isinstance(expr, promql_parser.Call):
        return f"{expr.func.name}(...)"
    if isinstance(expr, promql_parser.BinaryExpr):
        return f"an expression with {expr.op}"
    if isinstance(expr, promql_parser.VectorSelector | promql_parser.MatrixSelector):
        return "a bare selector"
    if isinstance(expr, promql_parser.NumberLiteral):
        return "a number"
    return type(expr).__name__


def _same(a: Selector, b: Selector) -> bool:
    return set(a.matchers) == set(b.matchers)


def histogram_events(error: Any, total: Any) -> HistogramEvents | None:
    """``sum(rate(H_count[w])) - sum(rate(H_bucket{le="T"}[w]))`` over ``sum(rate(H_count[w]))``, else None."""
    error = _unwrap(error)
    if not isinstance(error, promql_parser.BinaryExpr) or str(error.op) != "-" or error.modifier is not None:
        return None
    try:
        count, bucket, all_ = plain_rate_sum(error.lhs), plain_rate_sum(error.rhs), plain_rate_sum(total)
    except Unmappable:
        return None
    if not count.metric.endswith("_count") or bucket.metric != count.metric[: -len("_count")] + "_bucket":
        return None
    les = [m for m in bucket.matchers if m.name == "le"]
    if len(les) != 1 or les[0].op != "=":
        return None
    try:
        threshold = float(les[0].value)
    except ValueError:
        return None
    rest = Selector(bucket.metric, tuple(m for m in bucket.matchers if m.name != "le"))
    if not (_same(rest, count) and all_.metric == count.metric and _same(all_, count)) or threshold <= 0:
        return None
    return HistogramEvents(Selector(count.metric[: -len("_count")], count.matchers), threshold)


Mapped = RatioEvents | HistogramEvents


def map_events(error_query: str, total_query: str) -> tuple[Mapped | None, str | None, str | None]:
    """(mapped SLI, problem with error_query, problem with total_query)."""
    problems: list[str | None] = [None, None]
    trees: list[Any] = [None, None]
    for i, query in enumerate((error_query, total_query)):
        try:
            trees[i] = parse_query(query)
        except Unmappable as exc:
            problems[i] = str(exc)
    if problems[0] or problems[1]:
        return None, problems[0], problems[1]
    latency = histogram_events(trees[0], trees[1])
    if latency is not None:
        return latency, None, None
    selectors: list[Selector | None] = [None, None]
    for i, tree in enumerate(trees):
        try:
            selectors[i] = plain_rate_sum(tree)
        except Unmappable as exc:
            problems[i] = f"{exc}; slaforge ratio SLIs take counter selectors, written in Sloth as {PLAIN_FORM}"
    if selectors[0] is None or selectors[1] is None:
        return None, problems[0], problems[1]
    return RatioEvents(selectors[0], selectors[1]), None, None
