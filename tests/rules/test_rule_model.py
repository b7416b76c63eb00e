"""Typed rules: one constructor of a recording rule, one serializer to the rule file's key order."""

from __future__ import annotations

import yaml

from slaforge.rules.model import AlertingRule, RecordingRule, RuleGroup, document, record
from slaforge.rules.render import dump


def test_record_sets_template_text_by_the_expression() -> None:
    rule = record("r", "vector(1)", {"team": "ACME {{ Corp", "sla": "s"})
    assert rule.labels == {"sla": "s"}
    assert rule.expr == 'label_replace(vector(1), "team", "ACME {{ Corp", "", "")'
    assert record("r", "x") == RecordingRule("r", "x")


def test_document_key_order_and_optional_fields() -> None:
    alert = AlertingRule("A", "up == 0", {"severity": "page"}, {"summary": "s"}, for_="5m")
    groups = [RuleGroup("g", "1m", (record("r", "x"), record("l", "y", {"sla": "a"}), alert), "abort")]
    doc = document(groups)
    assert doc == {"groups": [{
        "name": "g", "interval": "1m",
        "rules": [
            {"record": "r", "expr": "x"},
            {"record": "l", "expr": "y", "labels": {"sla": "a"}},
            {"alert": "A", "expr": "up == 0", "for": "5m", "labels": {"severity": "page"},
             "annotations": {"summary": "s"}},
        ],
        "partial_response_strategy": "abort",
    }]}
    assert [list(r) for r in doc["groups"][0]["rules"]][2] == ["alert", "expr", "for", "labels", "annotations"]
    assert yaml.safe_load(dump(doc)) == doc
