"""The JSON Schema for editors: a valid 2020-12 schema that accepts what the loader accepts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from slaforge.spec import load_text
from slaforge.spec.schema import SCHEMA_ID, json_schema
from tests.spec.helpers import BASE, edit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json_schema()
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def errors(validator: Draft7Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_schema_header() -> None:
    schema = json_schema()
    # draft 7: what yaml-language-server validates with (it warns on a 2020-12 "$schema")
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in schema
    assert all(ref.startswith("#/definitions/") for ref in _refs(schema))
    assert schema["$id"] == SCHEMA_ID
    assert schema["required"] == ["apiVersion", "kind", "metadata", "spec"]
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("example", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_example_is_valid_against_the_schema(validator: Draft7Validator, example: Path) -> None:
    documents = [d for d in yaml.safe_load_all(example.read_text()) if d is not None]
    assert documents
    for document in documents:
        assert errors(validator, document) == []


def test_base_document_is_valid(validator: Draft7Validator) -> None:
    assert errors(validator, yaml.safe_load(BASE)) == []


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("apiVersion: slaforge/v1", "apiVersion: slaforge/v2", "apiVersion"),
        ("kind: SLA", "kind: Sla", "kind"),
        ("  name: checkout", "  name: Checkout", "metadata/name"),
        ("labels: {team: payments}", "labels: {team-name: payments}", "metadata/labels"),
        ("      method: GET\n", "      methd: GET\n", "spec/probes/0"),
        ("window: 30d", "window: 30", "spec/window"),
        ("window: 30d", "window: 30 days", "spec/window"),
        ("interval: 15s", "interval: 15sec", "spec/probes/0/interval"),
        ("url: https://checkout.example.com/healthz", "url: ftp://checkout.example.com/", "spec/probes/0/url"),
        ('status: ["2xx"]', 'status: ["600"]', "spec/probes/0/expect/status"),
        ('status: ["2xx"]', "status: []", "spec/probes/0/expect/status"),
        ("sli: {probe: healthz}", "sli: {}", "spec/objectives/0/sli"),
        ("sli: {probe: healthz}", "sli: {probe: healthz, ratio: {errors: a, total: b}}", "spec/objectives/0/sli"),
        ("target: 99.9\n", "target: abc\n", "spec/objectives/0/target"),
        ("{below: 99.0, credit: 25}", "{below: 99.0, credit: 101}", "spec/objectives/0/credits/1/credit"),
        ("day: sunday", "day: someday", "spec/maintenance/0/weekly"),
        ('start: "02:00"', 'start: "25:00"', "spec/maintenance/0/weekly"),
        ("calendar: month", "calendar: year", "spec/calendar"),
        ("receiver: payments-oncall", "receiver: ''", "spec/escalation/0/receiver"),
        ("    ticket: {enabled: true}\n", "    ticket: {enabled: true}\n    pager: {}\n", "spec/alerting"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(
    validator: Draft7Validator, old: str, new: str, where: str
) -> None:
    document = yaml.safe_load(edit(BASE, old, new))
    found = errors(validator, document)
    assert found, f"the schema accepted {new!r}"
    assert any(e.startswith(where) for e in found), found


def test_missing_required_fields(validator: Draft7Validator) -> None:
    document = yaml.safe_load(BASE)
    del document["spec"]["window"]
    del document["spec"]["objectives"][0]["sli"]
    found = errors(validator, document)
    assert "spec: 'window' is a required property" in found
    assert "spec/objectives/0: 'sli' is a required property" in found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('status: ["2xx"]', "status: [200, 301]"),
        ('status: ["2xx"]', 'status: "2XX"'),
        ('status: ["2xx"]', "status: 204"),
        ("target: 99.9\n", 'target: "99.9%"\n'),
        ("{below: 99.0, credit: 25}", '{below: "99 %", credit: 25}'),
        ("threshold: 0.3\n", "threshold: 300ms\n"),
        ("timezone: UTC", "timezone: Europe/Berlin"),
    ],
)
def test_schema_accepts_the_loaders_other_forms(validator: Draft7Validator, old: str, new: str) -> None:
    text = edit(BASE, old, new)
    assert load_text(text)
    assert errors(validator, yaml.safe_load(text)) == []


def test_defaults_are_written_as_in_a_file() -> None:
    probe = json_schema()["definitions"]["Probe"]["properties"]
    assert probe["interval"]["default"] == "30s"
    assert probe["timeout"]["default"] == "5s"
    assert probe["method"]["default"] == "GET"
    assert json_schema()["definitions"]["Spec"]["properties"]["calendar"]["default"] == "month"


def test_every_default_is_valid_for_its_own_property() -> None:
    schema = json_schema()
    checked = 0
    for definition in schema["definitions"].values():
        for name, prop in definition.get("properties", {}).items():
            if "default" not in prop:
                continue
            rooted = copy.deepcopy(prop)
            rooted.pop("default")
            rooted["definitions"] = schema["definitions"]
            found = list(Draft7Validator(rooted).iter_errors(prop["default"]))
            assert not found, f"{name}: default {prop['default']!r} fails its own schema"
            checked += 1
    assert checked > 10


def test_sli_and_maintenance_are_one_of_their_kinds() -> None:
    defs = json_schema()["definitions"]
    assert set(defs["SLI"]["properties"]) == {"probe", "probe_latency", "ratio", "latency"}
    assert (defs["SLI"]["minProperties"], defs["SLI"]["maxProperties"]) == (1, 1)
    assert {"weekly", "daily", "once"} <= set(defs["Maintenance"]["properties"])
