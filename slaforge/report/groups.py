"""Grouped objectives in the report: one row per group (``group_by``), and ``--group k=v``.

The report's queries sum ``by (objective, <the SLA's group labels>)``; an ungrouped objective's
series lack those labels, so its row key stays the objective's name. A grouped objective's key is
its name and its group, and each key becomes a row of its own: achieved value, budget spent,
incidents and credit of that group alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from slaforge.plan import ObjectivePlan
from slaforge.promql_text import quote
from slaforge.report.model import Report

SEP = "\x1f"  # never in a label name; label values are joined after `=`
Group = tuple[tuple[str, str], ...]


def row_key(objective: str, labels: Mapping[str, str], keys: Iterable[str]) -> str:
    """The objective's name, then ``SEP key=value`` for each group label the series has."""
    parts = [f"{key}={labels[key]}" for key in keys if labels.get(key)]
    return SEP.join([objective, *parts])


def rows_of(objective: ObjectivePlan, keys: Iterable[str]) -> list[tuple[str, Group]]:
    """(row key, group) of every group of a grouped objective found among ``keys``, sorted.

    Series that lack some of the group labels (a client that does not set them) are a group of
    their own with empty values, rather than events left out of the report.
    """
    prefix = objective.name + SEP
    wanted = sorted(objective.group_by)
    out = []
    for key in sorted(set(keys)):
        if key != objective.name and not key.startswith(prefix):
            continue
        labels = dict(p.split("=", 1) for p in key[len(prefix):].split(SEP)) if key != objective.name else {}
        if set(labels) <= set(wanted):
            out.append((key, tuple((k, labels.get(k, "")) for k in wanted)))
    return out


def group_matchers(wanted: Mapping[str, str]) -> str:
    """``,customer=~"acme|"`` for ``--group customer=acme``: that group's series, and the series
    without the label (the SLA's ungrouped objectives), so that the answer holds one group only."""
    out = ""
    for key, value in sorted(wanted.items()):
        out += f",{key}=~{quote(regex_literal(value) + '|')}"
    return out


def regex_literal(value: str) -> str:
    """``value`` as a regular expression matching exactly it (label values are data, not patterns)."""
    return "".join("\\" + c if c in _REGEX_SPECIAL else c for c in value)


_REGEX_SPECIAL = frozenset("\\.+*?()|[]{}^$")


def parse_selection(texts: Iterable[str]) -> dict[str, str]:
    """``--group customer=acme`` (repeatable) as a mapping; raises ValueError on other text."""
    out: dict[str, str] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key or not value:
            raise ValueError(f"--group {text!r}: expected LABEL=VALUE, e.g. customer=acme")
        out[key] = value
    return out


def select_group(report: Report, wanted: Mapping[str, str]) -> Report:
    """Only what concerns one group: the rows of that group, and the ungrouped objectives of the
    SLAs that group by its labels (they apply to every group); other SLAs are left out."""
    if not wanted:
        return report
    slas = []
    for sla in report.slas:
        rows = [
            o for o in sla.objectives
            if not o.group or all(dict(o.group).get(k) == v for k, v in wanted.items())
        ]
        if any(o.group for o in rows):
            slas.append(replace(sla, objectives=tuple(rows)))
    return replace(report, slas=tuple(slas))
