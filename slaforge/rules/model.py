"""Rules as typed, frozen values, and the one place that turns them into the rule-file document.

Every generator module builds :class:`RecordingRule` and :class:`AlertingRule` values (a recording
rule through :func:`record`); the groups are :class:`RuleGroup` values; :func:`document` turns
them into the plain data :func:`slaforge.rules.render.dump` writes, with Prometheus's key order
(``record``/``alert``, ``expr``, ``for``, ``labels``, ``annotations``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slaforge.promql_text import quote


@dataclass(frozen=True)
class RecordingRule:
    record: str
    expr: str
    labels: Mapping[str, str] = field(default_factory=dict)  # written only when not empty


@dataclass(frozen=True)
class AlertingRule:
    alert: str
    expr: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    for_: str | None = None  # a Prometheus duration; None: fires at once


Rule = RecordingRule | AlertingRule


@dataclass(frozen=True)
class RuleGroup:
    name: str
    interval: str
    rules: tuple[Rule, ...]
    partial_response_strategy: str | None = None  # Thanos ruler's field


def record(name: str, expr: str, labels: Mapping[str, str] | None = None) -> RecordingRule:
    """A recording rule; a label value that holds ``{{`` is set by the expression instead.

    Prometheus writes recording-rule labels as they are, but vmalert expands them as Go
    templates: text such as ``ACME {{ Corp`` would make it refuse the file, and no spelling of
    it means the same to both. ``label_replace`` sets it as data for both.
    """
    if not labels:
        return RecordingRule(name, expr)
    for key, value in sorted(labels.items()):
        if "{{" in value:
            replacement = quote(value.replace("$", "$$"))
            expr = f"label_replace({expr}, {quote(key)}, {replacement}, \"\", \"\")"
    return RecordingRule(name, expr, {k: v for k, v in sorted(labels.items()) if "{{" not in v})


def rule_data(rule: Rule) -> dict[str, Any]:
    """One rule as the rule file holds it."""
    if isinstance(rule, RecordingRule):
        data: dict[str, Any] = {"record": rule.record, "expr": rule.expr}
        if rule.labels:
            data["labels"] = dict(rule.labels)
        return data
    data = {"alert": rule.alert, "expr": rule.expr}
    if rule.for_ is not None:
        data["for"] = rule.for_
    data["labels"] = dict(rule.labels)
    data["annotations"] = dict(rule.annotations)
    return data


def group_data(group: RuleGroup) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": group.name, "interval": group.interval, "rules": [rule_data(r) for r in group.rules],
    }
    if group.partial_response_strategy is not None:
        data["partial_response_strategy"] = group.partial_response_strategy
    return data


def document(groups: Sequence[RuleGroup]) -> dict[str, Any]:
    """The rule file: ``{"groups": [...]}``."""
    return {"groups": [group_data(g) for g in groups]}
