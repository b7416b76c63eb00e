"""JSON Schema of the SLA file, for editors (yaml-language-server) and other tools."""

from __future__ import annotations

import json
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from slaforge.spec.durations import Duration
from slaforge.spec.model import SLA

SCHEMA_ID = "https://slaforge.dev/schema/slaforge-v1.json"


class _Generator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        # defaults as a user writes them ("30s"), not as the dataclass behind them ({"ms": 30000})
        if isinstance(dft, Duration):
            return dft.prom
        return super().encode_default(dft)


# Draft 7, not 2020-12: yaml-language-server (VS Code, neovim, Helix...) validates with draft 7 and flags
# a 2020-12 schema with "Draft 2020-12 schemas are not yet fully supported". Nothing here needs more.
DRAFT = "http://json-schema.org/draft-07/schema#"


def json_schema() -> dict[str, Any]:
    schema = SLA.model_json_schema(
        by_alias=True, mode="validation", schema_generator=_Generator, ref_template="#/definitions/{model}"
    )
    schema["definitions"] = schema.pop("$defs", {})
    schema["$schema"] = DRAFT
    schema["$id"] = SCHEMA_ID
    schema["title"] = "slaforge SLA (slaforge/v1)"
    schema["description"] = "A service level agreement: objectives, probes, maintenance, credits, escalation."
    return schema


def render_schema() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
