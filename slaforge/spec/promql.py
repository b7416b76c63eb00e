"""PromQL selectors from SLA files: parsed once, rendered back with extra matchers."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import promql_parser

from slaforge.promql_text import quote

_OPS = {
    "MatchOp.Equal": "=",
    "MatchOp.NotEqual": "!=",
    "MatchOp.Re": "=~",
    "MatchOp.NotRe": "!~",
}


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str  # one of = != =~ !~
    value: str

    def render(self) -> str:
        return f"{self.name}{self.op}{quote(self.value)}"


@dataclass(frozen=True)
class Selector:
    """An instant vector selector such as ``http_requests_total{job="api",code=~"5.."}``."""

    metric: str
    matchers: tuple[Matcher, ...]

    @classmethod
    def parse(cls, text: str) -> Selector:
        """Parse a selector; validation and every generator ask for the same ones, so results are cached."""
        if not isinstance(text, str):
            raise ValueError("expected a PromQL series selector such as http_requests_total{job=\"api\"}")
        return _parse_cached(text)

    @classmethod
    def _parse(cls, text: str) -> Selector:
        if not text.strip():
            raise ValueError("expected a PromQL series selector such as http_requests_total{job=\"api\"}")
        try:
            expr = promql_parser.parse(text)
        except ValueError as exc:
            raise ValueError(f"invalid PromQL selector {text!r}: {exc}") from None
        if not isinstance(expr, promql_parser.VectorSelector):
            raise ValueError(
                f"expected a plain series selector (no functions, ranges or operators), got {text!r}; "
                "the generator adds rate(...[W]) itself"
            )
        if expr.offset is not None or expr.at is not None:
            raise ValueError(f"offset and @ modifiers are not allowed in an SLI selector: {text!r}")
        if expr.matchers.or_matchers:
            raise ValueError(f"'or' inside a selector is not supported: {text!r}")
        matchers = []
        name = expr.name or ""
        for m in expr.matchers.matchers:
            op = _OPS[str(m.op)]
            if m.name == "__name__" and op == "=":
                name = m.value
                continue
            matchers.append(Matcher(m.name, op, m.value))
        if not name:
            raise ValueError(f"the selector must name a metric: {text!r}")
        return cls(name, tuple(matchers))

    def render(self, metric: str | None = None, extra: tuple[Matcher, ...] = ()) -> str:
        """Render with another metric name (e.g. ``_bucket``) and extra matchers appended."""
        all_matchers = self.matchers + extra
        body = ",".join(m.render() for m in all_matchers)
        return f"{metric or self.metric}{{{body}}}" if body else (metric or self.metric)

    def __str__(self) -> str:
        return self.render()


@functools.lru_cache(maxsize=65536)
def _parse_cached(text: str) -> Selector:
    return Selector._parse(text)
