"""PromQL selectors from SLA files: parsed once, rendered back with extra matchers.

The grammar accepted is the one Prometheus 2.42 (the oldest Prometheus the rules support) accepts for
an instant vector selector, minus comments and the forms slaforge cannot render back (see
docs/sla-file.md, "Selectors"). Text slaforge accepts always renders to a selector 2.42 parses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import promql_parser

from slaforge.promql_text import quote
from slaforge.spec.goregexp import go_regexp_problem

OPS = ("=~", "!~", "!=", "=")
METRIC_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:")
METRIC_CHARS = METRIC_START | frozenset("0123456789")
LABEL_START = METRIC_START - {":"}
LABEL_CHARS = METRIC_CHARS - {":"}
SPACE = " \t\n\r"  # Prometheus' lexer: nothing else is whitespace
# words Prometheus 2.42 does not read as a metric name: keywords it cannot take there, and numbers
NOT_METRIC_NAMES = frozenset({"bool", "on", "ignoring", "group_left", "group_right", "atan2", "inf", "nan"})
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_EXAMPLE = 'expected a PromQL series selector such as http_requests_total{job="api"}'


def valid_metric_name(name: str) -> bool:
    """A name Prometheus 2.42 stores and reads back bare: ``[a-zA-Z_:][a-zA-Z0-9_:]*``, not a keyword."""
    return (
        bool(name)
        and name[0] in METRIC_START
        and all(ch in METRIC_CHARS for ch in name)
        and name.lower() not in NOT_METRIC_NAMES
    )


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
            raise ValueError(_EXAMPLE)
        return _parse_cached(text)

    @classmethod
    def _parse(cls, text: str) -> Selector:
        if not text.strip():
            raise ValueError(_EXAMPLE)
        try:
            name, matchers = _Reader(text).selector()
        except SelectorSyntax as exc:
            raise ValueError(_explain(text, exc)) from None
        names = [m for m in matchers if m.name == "__name__"]
        if name and names:
            raise ValueError(f"the metric name is set twice (before the braces and as __name__): {text!r}")
        if not name and (len(names) != 1 or names[0].op != "="):
            raise ValueError(
                f"the selector must name a metric, before the braces or as one __name__=\"...\": {text!r}"
            )
        if not name:
            name = names[0].value
            matchers = [m for m in matchers if m.name != "__name__"]
        if not valid_metric_name(name):
            raise ValueError(
                f"{name!r} is not a metric name Prometheus 2.42 can read back "
                f"([a-zA-Z_:][a-zA-Z0-9_:]*, not one of {', '.join(sorted(NOT_METRIC_NAMES))})"
            )
        for m in matchers:
            if m.op in ("=~", "!~"):
                problem = _regex_problem(m.value)
                if problem:
                    raise ValueError(f"the regex of {m.name}{m.op} is not one Prometheus accepts: {problem}")
        return cls(name, tuple(matchers))

    def render(self, metric: str | None = None, extra: tuple[Matcher, ...] = ()) -> str:
        """Render with another metric name (e.g. ``_bucket``) and extra matchers appended."""
        all_matchers = self.matchers + extra
        body = ",".join(m.render() for m in all_matchers)
        return f"{metric or self.metric}{{{body}}}" if body else (metric or self.metric)

    def __str__(self) -> str:
        return self.render()


class SelectorSyntax(Exception):
    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


class _Reader:
    """Prometheus 2.42's lexer and grammar, for ``metric``, ``metric{...}`` and ``{...}`` only."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def fail(self, message: str, at: int | None = None) -> SelectorSyntax:
        return SelectorSyntax(self.i if at is None else at, message)

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def space(self) -> None:
        while self.peek() and self.peek() in SPACE:
            self.i += 1
        if self.peek() == "#":
            raise self.fail("comments (#) are not allowed in a selector")

    def selector(self) -> tuple[str, list[Matcher]]:
        self.space()
        name = ""
        if self.peek() in METRIC_START and self.peek():
            start = self.i
            while self.peek() and self.peek() in METRIC_CHARS:
                self.i += 1
            name = self.text[start : self.i]
            if name.lower() in NOT_METRIC_NAMES:
                raise self.fail(f"{name!r} is a PromQL keyword or number, not a metric name", start)
            self.space()
        matchers: list[Matcher] = []
        if self.peek() == "{":
            self.i += 1
            matchers = self.matchers()
            self.space()
        elif not name:
            raise self.fail("expected a metric name or {")
        if self.i < len(self.text):
            raise self.fail(f"unexpected {self.text[self.i]!r} after the selector")
        return name, matchers

    def matchers(self) -> list[Matcher]:
        out: list[Matcher] = []
        while True:
            self.space()
            if self.peek() == "}":
                self.i += 1
                return out
            if out:
                if self.peek() != ",":
                    raise self.fail('expected "," or "}" after a label matcher')
                self.i += 1
                self.space()
                if self.peek() == "}":
                    self.i += 1
                    return out
            out.append(self.matcher())

    def matcher(self) -> Matcher:
        start = self.i
        if not self.peek() or self.peek() not in LABEL_START:
            what = "a quoted label name (Prometheus 3 syntax)" if self.peek() in "\"'`" and self.peek() else (
                repr(self.peek()) if self.peek() else "the end"
            )
            raise self.fail(f"expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found {what}")
        while self.peek() and self.peek() in LABEL_CHARS:
            self.i += 1
        label = self.text[start : self.i]
        self.space()
        op = next((o for o in OPS if self.text.startswith(o, self.i)), None)
        if op is None:
            raise self.fail(f"expected one of {', '.join(OPS)} after {label!r}")
        self.i += len(op)
        self.space()
        return Matcher(label, op, self.string())

    def string(self) -> str:
        start = self.i
        quote_char = self.peek()
        if quote_char == "`":
            end = self.text.find("`", self.i + 1)
            if end < 0:
                raise self.fail("unterminated quoted string", start)
            self.i = end + 1
            return self.text[start + 1 : end]
        if not quote_char or quote_char not in "\"'":
            raise self.fail('expected a quoted label value ("...", \'...\' or `...`)')
        self.i += 1
        out: list[str] = []
        while True:
            ch = self.peek()
            if not ch or ch == "\n":
                raise self.fail("unterminated quoted string", start)
            self.i += 1
            if ch == quote_char:
                return "".join(out)
            if "\ud800" <= ch <= "\udfff":
                raise self.fail("invalid UTF-8 (a lone surrogate) in a label value", self.i - 1)
            out.append(self.escape(quote_char) if ch == "\\" else ch)

    def escape(self, quote_char: str) -> str:
        at = self.i - 1
        letter = self.peek()
        self.i += 1
        if letter in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[letter]
        if letter == quote_char:
            return letter
        digits, base = {"x": (2, 16), "u": (4, 16), "U": (8, 16)}.get(letter, (0, 0))
        if letter and letter in "01234567":
            digits, base, self.i = 3, 8, self.i - 1
        if not digits:
            raise self.fail(f"unknown escape sequence \\{letter}" if letter else "escape sequence not terminated", at)
        code = self.text[self.i : self.i + digits]
        allowed = "01234567" if base == 8 else "0123456789abcdefABCDEF"
        if len(code) < digits or not all(c in allowed for c in code):
            raise self.fail(f"invalid escape sequence \\{letter}{code}"[: 2 + digits + (base != 8)], at)
        self.i += digits
        value = int(code, base)
        written = f"\\{code}" if base == 8 else f"\\{letter}{code}"
        if letter in "x01234567" and value > 0x7F:
            raise self.fail(f"{written} is a byte, not a character: write the character itself", at)
        if value > 0x10FFFF or 0xD800 <= value < 0xE000:
            raise self.fail("escape sequence is an invalid Unicode code point", at)
        return chr(value)


def _explain(text: str, exc: SelectorSyntax) -> str:
    """The syntax error, or what the text is instead when it is PromQL but not a plain selector."""
    try:
        expr = promql_parser.parse(text)
    except ValueError:
        expr = None
    if expr is not None and not isinstance(expr, promql_parser.VectorSelector):
        return (
            f"expected a plain series selector (no functions, ranges or operators), got {text!r}; "
            "the generator adds rate(...[W]) itself"
        )
    if isinstance(expr, promql_parser.VectorSelector) and (expr.offset is not None or expr.at is not None):
        return f"offset and @ modifiers are not allowed in an SLI selector: {text!r}"
    return f"invalid PromQL selector {text!r}: at character {exc.position + 1}: {exc.message}"


def _regex_problem(pattern: str) -> str | None:
    """Why Prometheus 2.42 would refuse ``pattern`` as a matcher regex, or None."""
    problem = go_regexp_problem(pattern)
    if problem:
        return problem
    try:  # Rust's regex crate, through promql-parser: RE2 syntax plus what go_regexp_problem refused
        promql_parser.parse(f"m{{l=~{quote(pattern)}}}")
    except ValueError as exc:
        return str(exc).splitlines()[0]
    return None


@functools.lru_cache(maxsize=65536)
def _parse_cached(text: str) -> Selector:
    return Selector._parse(text)
