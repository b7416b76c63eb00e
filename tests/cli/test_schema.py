"""`slaforge schema`: the JSON Schema on stdout or in a file, usable by editors as is."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from jsonschema import Draft7Validator

from slaforge.cli import cli
from slaforge.spec.schema import json_schema

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_schema_on_stdout_is_the_json_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert result.stderr == ""
    schema = json.loads(result.stdout)
    Draft7Validator.check_schema(schema)
    assert schema == json_schema()
    assert result.stdout.endswith("}\n")


def test_schema_output_is_stable() -> None:
    first = CliRunner().invoke(cli, ["schema"]).stdout
    assert first == CliRunner().invoke(cli, ["schema"]).stdout


def test_schema_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "slaforge.schema.json"
    result = CliRunner().invoke(cli, ["schema", "-o", str(target)])
    assert (result.exit_code, result.output) == (0, "")
    schema = json.loads(target.read_text())
    assert schema["$id"] == json_schema()["$id"]
    assert [p.name for p in target.parent.iterdir()] == ["slaforge.schema.json"]  # no temporary file left


def test_schema_from_the_command_validates_the_examples_and_rejects_a_bad_one() -> None:
    schema = json.loads(CliRunner().invoke(cli, ["schema"]).stdout)
    validator = Draft7Validator(schema)
    for example in sorted(EXAMPLES.rglob("*.yaml")):
        for document in yaml.safe_load_all(example.read_text()):
            if document is not None:
                assert list(validator.iter_errors(document)) == [], example
    document = yaml.safe_load((EXAMPLES / "storefront-website.yaml").read_text())
    document["spec"]["probes"][0]["intervall"] = "15s"
    document["spec"]["objectives"][0]["sli"] = {}
    messages = sorted(e.message for e in validator.iter_errors(document))
    assert "Additional properties are not allowed ('intervall' was unexpected)" in messages
    assert any("should be non-empty" in m or "does not have enough properties" in m for m in messages), messages
