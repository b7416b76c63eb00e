"""JSON Schema of the SLA file, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

import json
from typing import Any

from slaforge.spec.model import SLA

SCHEMA_ID = "https://slaforge.dev/schema/slaforge-v1.json"


def json_schema() -> dict[str, Any]:
    schema = SLA.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "slaforge SLA (slaforge/v1)"
    schema["description"] = "A service level agreement: objectives, probes, maintenance, credits, escalation."
    return schema


def render_schema() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
