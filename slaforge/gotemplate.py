"""A syntax check of Go text/template as Prometheus parses alert annotations, without Go.

``alerting.annotations`` are the one place where SLA text is template code on purpose (``{{
$labels.instance }}``, ``{{ $value | humanize }}``). Prometheus parses every annotation of a
rule file when it loads it and refuses the whole file on one error, so `slaforge validate`
checks them first, with this parser: the errors Go's parser reports (an unclosed action or
string, unbalanced parentheses, a function Prometheus does not define, an undefined variable,
``else``/``end`` without their block, a block without ``end``). Run against promtool on a corpus
of good and bad templates in tests/spec/test_annotation_templates.py.
"""

from __future__ import annotations

import re

# Go's builtins and the functions Prometheus 2.42 adds (template/template.go)
FUNCTIONS = frozenset((
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println",
    "urlquery", "eq", "ge", "gt", "le", "lt", "ne",
    "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title",
    "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "humanize", "humanize1024",
    "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "pathPrefix", "externalURL",
    "parseDuration", "toTime",
))
# the variables Prometheus defines before every alert template
VARIABLES = frozenset({"$", "$labels", "$externalLabels", "$externalURL", "$value"})
_OPENERS = frozenset({"if", "range", "with", "define", "block"})
_KEYWORDS = frozenset({"else", "end", "template", "break", "continue", "nil", "true", "false"})

_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<raw>`[^`]*`)
    |(?P<char>'(?:[^'\\\n]|\\.)+')
    |(?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)i?)
    |(?P<declare>:?=)
    |(?P<variable>\$[A-Za-z0-9_]*)
    |(?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<punct>[()|,])
    """,
    re.VERBOSE,
)


class TemplateError(ValueError):
    """A template Prometheus would refuse."""


def check(text: str) -> None:
    """Raise :class:`TemplateError` with Go's reason if Prometheus could not parse ``text``."""
    stack: list[str] = []
    declared = set(VARIABLES)
    pos = 0
    while (start := text.find("{{", pos)) >= 0:
        inner_start = start + 2
        if text.startswith("- ", inner_start) or text.startswith("-\t", inner_start):
            inner_start += 2
        if text.startswith("/*", inner_start):
            end = text.find("*/", inner_start)
            close = -1 if end < 0 else _close_after_comment(text, end + 2)
            if close < 0:
                raise TemplateError("unclosed comment")
            pos = close
            continue
        tokens, pos = _action(text, inner_start)
        _statement(tokens, stack, declared)
    if stack:
        raise TemplateError(f"unexpected EOF: {{{{ {stack[-1]} }}}} has no {{{{ end }}}}")


def _close_after_comment(text: str, i: int) -> int:
    """Position after ``}}`` (or `` -}}``) right after a comment, else -1."""
    for closing in ("}}", " -}}"):
        if text.startswith(closing, i):
            return i + len(closing)
    return -1


def _action(text: str, i: int) -> tuple[list[tuple[str, str]], int]:
    """Tokens of the action starting at ``i`` and the position after its ``}}``."""
    tokens: list[tuple[str, str]] = []
    depth = 0
    while True:
        if i >= len(text):
            raise TemplateError("unclosed action")
        if text.startswith("}}", i) or text.startswith(" -}}", i):
            if depth:
                raise TemplateError("unclosed left paren")
            return tokens, i + (2 if text.startswith("}}", i) else 4)
        match = _TOKEN.match(text, i)
        if match is None:
            char = text[i]
            if char in "\"'`":
                raise TemplateError("unterminated quoted string")
            raise TemplateError(f"unexpected {char!r} in command")
        kind = match.lastgroup
        assert kind is not None
        value = match.group()
        i = match.end()
        if kind == "space":
            continue
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
            if depth < 0:
                raise TemplateError("unexpected right paren")
        tokens.append((kind, value))


def _statement(tokens: list[tuple[str, str]], stack: list[str], declared: set[str]) -> None:
    if not tokens:
        raise TemplateError("missing value for command")
    kind, word = tokens[0]
    rest = tokens
    if kind == "ident" and word in _OPENERS:
        stack.append(word)
        rest = tokens[1:]
        if word in ("define", "block", "template"):
            return
        if not rest:
            raise TemplateError(f"missing value for {word}")
    elif kind == "ident" and word == "else":
        if not stack or stack[-1] not in ("if", "range", "with"):
            raise TemplateError("unexpected {{ else }}")
        rest = tokens[1:]
        if rest and rest[0] in (("ident", "if"), ("ident", "with")):
            rest = rest[1:]
        if not rest:
            return
    elif kind == "ident" and word == "end":
        if not stack:
            raise TemplateError("unexpected {{ end }}")
        stack.pop()
        if len(tokens) > 1:
            raise TemplateError("unexpected tokens after end")
        return
    elif kind == "ident" and word in ("break", "continue"):
        if "range" not in stack:
            raise TemplateError(f"{{{{ {word} }}}} outside {{{{ range }}}}")
        return
    elif kind == "ident" and word == "template":
        return
    _pipeline(rest, declared)


def _pipeline(tokens: list[tuple[str, str]], declared: set[str]) -> None:
    # declarations: $x := ... / $x, $y := range ...
    names = []
    i = 0
    while i + 1 < len(tokens) and tokens[i][0] == "variable" and tokens[i + 1][1] in (":=", "=", ","):
        names.append(tokens[i][1])
        if tokens[i + 1][1] == ",":
            i += 2
            continue
        i += 2
        break
    else:
        names = []
        i = 0
    for kind, value in tokens[i:]:
        if kind == "ident" and value not in FUNCTIONS and value not in _KEYWORDS:
            raise TemplateError(f'function "{value}" not defined')
        if kind == "variable" and value.split(".")[0] not in declared:
            raise TemplateError(f"undefined variable {value!r}")
        if kind == "declare":
            raise TemplateError(f"unexpected {value!r} in command")
    if i and i >= len(tokens):
        raise TemplateError("missing value for command")
    declared.update(names)
