"""PromQL text that slaforge writes: label values, numbers and ``le`` bucket regexes, one way each.

Every generator (rules, promtool tests, dashboards, report queries, Alertmanager matchers) quotes
a label value with :func:`quote`, so that a value holding ``"``, ``\\`` or a newline is always
the same value on the other side. The quoting is the common subset of the languages that read it:
PromQL strings and promtool series notation (Go-style escapes), Alertmanager matchers (which
only know ``\\\\``, ``\\"`` and ``\\n``) and the Prometheus text exposition format (the same
three). Every other character, non-ASCII included, is written as itself.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n"})


def escape(value: str) -> str:
    """A label value's text between double quotes (without the quotes), for the exposition format and
    Alertmanager, which know only the escapes ``\\\\``, ``\\"`` and ``\\n``."""
    return value.translate(_ESCAPES)


@lru_cache(maxsize=1 << 16)
def quote(value: str) -> str:
    """A PromQL string literal that Prometheus 2.42 (and promtool's series notation) reads back as exactly
    ``value``: ``a"b`` -> ``"a\\"b"``.

    Printable characters stay as they are (UTF-8, never surrogate pairs); quotes, backslashes and
    newlines get the escapes Alertmanager matchers know too; a tab and any other character that is not
    printable get Go's escapes (``\\t``, ``\\u2028``, ``\\U000e0001``), which only PromQL reads.
    """
    if value.isprintable():
        return f'"{escape(value)}"'
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def num(value: float) -> str:
    """A float as PromQL text: 12 significant digits, never in exponent form.

    Free of binary noise (0.0144, not 0.014400000000000001) and readable by every PromQL
    parser and by people (0.00001, not 1e-05).
    """
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
    text = format(Decimal(format(value, ".12g")), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def le_value(bound: float) -> str:
    """A bucket bound as Go clients write the ``le`` label: ``1``, ``0.3``, ``1e-05``.

    Every spelling of it matches :func:`le_regex` of the same bound.
    """
    return repr(float(bound)).removesuffix(".0")


def le_regex(threshold: float) -> str:
    """Regex matching every spelling of a bucket bound: ``0.3``, ``0.30``, ``3e-01``; ``1``, ``1.0``.

    Prometheus 2 keeps the exposition's text (Go clients write ``1``, Python ``1.0``, some ``0.30``);
    Prometheus 3 normalises classic-histogram ``le`` labels to the shortest float (``1.0``, ``0.3``).
    """
    text = repr(float(threshold))  # shortest round-trip form: 0.3, 1.0, 1e-05, 2.5e+20
    spellings: list[str] = []
    if "e" not in text and "inf" not in text:
        whole, _, frac = text.partition(".")
        frac = frac.rstrip("0")
        if frac:
            spellings.append(re.escape(f"{whole}.{frac}") + "0*")
        else:
            spellings.append(re.escape(whole) + r"(\.0*)?")
    mantissa, _, exponent = f"{threshold:e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    exp_value = int(exponent)
    spellings.append(
        re.escape(mantissa) + r"(\.0*)?" * ("." not in mantissa) + ("0*" if "." in mantissa else "")
        + f"[eE]{'-' if exp_value < 0 else '[+]?'}0*{abs(exp_value)}"
    )
    return "|".join(dict.fromkeys(spellings))
