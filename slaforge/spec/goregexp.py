"""Regular expressions in selectors: the ones Prometheus 2.42 (Go's regexp, RE2 syntax) compiles.

promql-parser compiles matcher regexes with Rust's regex crate, which is RE2 syntax plus extensions.
:func:`go_regexp_problem` refuses the extensions Go's regexp does not have, so that a regex slaforge
accepts is one Prometheus accepts; the Rust compile (done by the caller) refuses the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

# \letter escapes Go's regexp/syntax knows (digits are octal; punctuation is always a literal)
_GO_ESCAPES = frozenset("aftnrvxAzbBdDsSwWpPQ")
_GO_FLAGS = frozenset("imsU")
# Unicode classes of Go's regexp: the general categories and Any (scripts are left out on purpose:
# their names differ between Unicode versions and Rust's loose matching accepts spellings Go does not)
_GO_CLASSES = frozenset({
    "Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl",
    "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
})
_POSIX_NAMES = ("alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space",
                "upper", "word", "xdigit")
_POSIX_CLASSES = frozenset(f"[:{name}:]" for name in _POSIX_NAMES)
MAX_REPEAT = 1000  # Go: "invalid repeat count" above this


@dataclass
class _Node:
    """An atom or a repetition of one, as far as Go's limit on nested repeat counts cares."""

    counts: tuple[int, int] | None  # (min, max) of a counted repetition, max -1 when open; else None
    subs: list[_Node]


def go_regexp_problem(pattern: str) -> str | None:
    """Why Go's regexp would refuse ``pattern`` where Rust's accepts it, or None."""
    i, n = 0, len(pattern)
    groups: list[list[_Node]] = [[]]  # the atoms of each open group, outermost first
    last: _Node | None = None  # what a repetition operator here would repeat
    repeated = False  # the previous token was a repetition operator
    while i < n:
        c = pattern[i]
        atom = False
        if c == "\\":
            problem, i = _escape(pattern, i)
            if problem:
                return problem
            atom = True
        elif c == "[":
            problem, i = _skip_class(pattern, i)
            if problem:
                return problem
            atom = True
        elif c == "(":
            problem, i, opens = _group(pattern, i)
            if problem:
                return problem
            if opens:
                groups.append([])
            last, repeated = None, False
        elif c == ")":
            if len(groups) == 1:  # Prometheus also parses the regex alone, not only inside ^(?:...)$
                return f"unexpected ) at character {i + 1}"
            node = _Node(None, groups.pop())
            groups[-1].append(node)
            last, repeated, i = node, False, i + 1
        elif c == "|":
            last, repeated, i = None, False, i + 1
        elif c in "*+?" or (c == "{" and _count(pattern, i) is not None):
            if repeated:
                return f"repetition of a repetition at {pattern[max(0, i - 1):i + 1]!r} (Go refuses a** and a++)"
            counts: tuple[int, int] | None = None
            if c == "{":
                low, high, i = _count(pattern, i) or (0, 0, i + 1)
                if max(low, high) > MAX_REPEAT:
                    return f"a repeat count above {MAX_REPEAT} (Go's limit)"
                counts = (low, high)
            else:
                i += 1
            if pattern.startswith("?", i):
                i += 1  # non-greedy
            if last is not None:
                node = _Node(counts, [last])
                groups[-1][-1] = node
                last = node
                if counts and max(counts) >= 2 and not _repeat_valid(node, MAX_REPEAT):
                    return f"nested repeat counts that multiply above {MAX_REPEAT} (Go's limit)"
            repeated = True
        else:
            i += 1
            atom = True
        if atom:
            last = _Node(None, [])
            groups[-1].append(last)
            repeated = False
    if len(groups) > 1:
        return "missing closing )"
    return None


def _repeat_valid(node: _Node, budget: int) -> bool:
    """Go's repeatIsValid: nested counted repetitions repeat the innermost thing at most ``budget`` times."""
    if node.counts is not None:
        low, high = node.counts
        if high == 0:
            return True
        m = low if high < 0 else high
        if m > budget:
            return False
        if m > 0:
            budget //= m
    return all(_repeat_valid(sub, budget) for sub in node.subs)


def _escape(pattern: str, i: int) -> tuple[str | None, int]:
    letter = pattern[i + 1] if i + 1 < len(pattern) else ""
    if letter == "Q":
        end = pattern.find("\\E", i + 2)
        return None, len(pattern) if end < 0 else end + 2
    if letter.isalpha() and letter not in _GO_ESCAPES:
        return f"\\{letter} is not an escape of Go's regexp", i + 2
    if letter == "x" and pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 3)
        return None, len(pattern) if end < 0 else end + 1
    if letter in ("p", "P"):
        if pattern.startswith("{", i + 2):
            end = pattern.find("}", i + 3)
            name = pattern[i + 3 : end] if end > 0 else ""
            after = end + 1 if end > 0 else len(pattern)
        else:
            name, after = pattern[i + 2 : i + 3], i + 3
        if name.removeprefix("^") not in _GO_CLASSES:
            return f"\\{letter}{{{name}}}: Go's regexp knows the general categories (L, Lu, Nd...) and Any", after
        return None, after
    return None, i + 2


def _skip_class(pattern: str, i: int) -> tuple[str | None, int]:
    """Past the character class starting at ``i``, checking the escapes inside it."""
    j = i + 1
    if pattern.startswith("^", j):
        j += 1
    if pattern.startswith("]", j):
        j += 1  # a leading ] is a literal
    while j < len(pattern):
        if pattern.startswith("[:", j):
            end = pattern.find(":]", j + 2)
            if end > 0:
                name = pattern[j : end + 2]
                if name.replace("[:^", "[:") not in _POSIX_CLASSES:
                    return f"{name} is not one of Go's named classes ([:alpha:], [:digit:]...)", j
                j = end + 2
                continue
        c = pattern[j]
        if c == "\\":
            problem, j = _escape(pattern, j)
            if problem:
                return problem, j
            continue
        if c == "]":
            return None, j + 1
        j += 1
    return None, j  # unclosed: the Rust compile reports it


def _group(pattern: str, i: int) -> tuple[str | None, int, bool]:
    """Check the group or flag setting at ``i``: (problem, index after its opening, whether it opens a group)."""
    if not pattern.startswith("(?", i):
        return None, i + 1, True
    rest = pattern[i + 2 :]
    if rest.startswith("P<"):
        end = pattern.find(">", i)
        return None, len(pattern) if end < 0 else end + 1, True
    if rest.startswith("<"):
        return "named groups are written (?P<name>...) in Go's regexp", i, False
    flags = ""
    for ch in rest:
        if ch in ":)":
            break
        flags += ch
    unknown = sorted(set(flags) - _GO_FLAGS - {"-"})
    if unknown:
        return f"the regex flag(s) {''.join(unknown)} are not in Go's regexp (it has i, m, s and U)", i, False
    after = i + 2 + len(flags)
    opens = pattern.startswith(":", after)
    return None, after + 1, opens


def _count(pattern: str, i: int) -> tuple[int, int, int] | None:
    """A counted repetition {n}, {n,} or {n,m} at ``i``: (min, max or -1, index after it); else None."""
    end = pattern.find("}", i)
    if end < 0:
        return None
    parts = pattern[i + 1 : end].split(",")
    if len(parts) > 2 or not all(p.isascii() and p.isdigit() for p in parts if p) or not parts[0]:
        return None
    low = int(parts[0])
    high = low if len(parts) == 1 else (int(parts[1]) if parts[1] else -1)
    return low, high, end + 1
