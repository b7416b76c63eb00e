"""Regular expressions in selectors: the ones Prometheus 2.42 (Go's regexp, RE2 syntax) compiles.

promql-parser compiles matcher regexes with Rust's regex crate, which is RE2 syntax plus extensions.
:func:`go_regexp_problem` refuses the extensions Go's regexp does not have, so that a regex slaforge
accepts is one Prometheus accepts; the Rust compile (done by the caller) refuses the rest.
"""

from __future__ import annotations

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


def go_regexp_problem(pattern: str) -> str | None:
    """Why Go's regexp would refuse ``pattern`` where Rust's accepts it, or None."""
    i, n = 0, len(pattern)
    repeated = False  # the previous token was a repetition operator
    while i < n:
        c = pattern[i]
        if c == "\\":
            problem, i = _escape(pattern, i)
            if problem:
                return problem
            repeated = False
        elif c == "[":
            problem, i = _skip_class(pattern, i)
            if problem:
                return problem
            repeated = False
        elif c == "(" and pattern.startswith("(?", i):
            problem = _group(pattern, i)
            if problem:
                return problem
            i += 2
            repeated = False
        elif c in "*+?" or (c == "{" and _count(pattern, i) is not None):
            if repeated:
                return f"repetition of a repetition at {pattern[max(0, i - 1):i + 1]!r} (Go refuses a** and a++)"
            if c == "{":
                counts, i = _count(pattern, i) or ((), i + 1)
                if any(k > MAX_REPEAT for k in counts):
                    return f"a repeat count above {MAX_REPEAT} (Go's limit)"
            else:
                i += 1
            if pattern.startswith("?", i):
                i += 1  # non-greedy
            repeated = True
        else:
            i += 1
            repeated = False
    return None


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


def _group(pattern: str, i: int) -> str | None:
    rest = pattern[i + 2 :]
    if rest.startswith("P<"):
        return None
    if rest.startswith("<"):
        return "named groups are written (?P<name>...) in Go's regexp"
    flags = ""
    for ch in rest:
        if ch in ":)":
            break
        flags += ch
    unknown = sorted(set(flags) - _GO_FLAGS - {"-"})
    if unknown:
        return f"the regex flag(s) {''.join(unknown)} are not in Go's regexp (it has i, m, s and U)"
    return None


def _count(pattern: str, i: int) -> tuple[tuple[int, ...], int] | None:
    """A counted repetition {n}, {n,} or {n,m} at ``i``: its numbers and the index after it."""
    end = pattern.find("}", i)
    if end < 0:
        return None
    body = pattern[i + 1 : end]
    parts = body.split(",")
    if len(parts) > 2 or not parts[0].isdigit() or not all(p.isdigit() for p in parts[1:] if p):
        return None
    if not all(p.isascii() for p in parts):
        return None
    return tuple(int(p) for p in parts if p), end + 1
