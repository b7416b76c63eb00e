"""A best-effort SLA from a document that failed structural validation.

Every list item and section that validates on its own is kept at its index; the ones that do not
become None. The cross-field checks skip the None pieces, so a file with a misspelled key still gets
its ordering, reference and uniqueness problems reported in the same run.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from slaforge.spec.model import (
    SLA,
    Alerting,
    EscalationStep,
    Maintenance,
    Metadata,
    Objective,
    Probe,
    Spec,
)

M = TypeVar("M", bound=BaseModel)


def _one(model: type[M], raw: Any) -> M | None:
    try:
        return model.model_validate(raw)
    except (ValidationError, ValueError, TypeError):
        return None


def _many(model: type[M], raw: Any) -> tuple[M | None, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(_one(model, item) for item in raw)


def partial_sla(raw: Any) -> SLA | None:
    """The valid pieces of ``raw`` as an unvalidated SLA, or None when there is nothing to check."""
    if not isinstance(raw, dict) or not isinstance(raw.get("spec"), dict):
        return None
    spec_raw: dict[str, Any] = raw["spec"]
    metadata = _one(Metadata, raw.get("metadata")) or Metadata.model_construct(name="", labels={})
    # model_construct skips validation on purpose: the lists may hold None for invalid items.
    spec_fields: dict[str, Any] = {
        "probes": _many(Probe, spec_raw.get("probes")),
        "objectives": _many(Objective, spec_raw.get("objectives")),
        "maintenance": _many(Maintenance, spec_raw.get("maintenance")),
        "escalation": _many(EscalationStep, spec_raw.get("escalation")),
        "alerting": _one(Alerting, spec_raw.get("alerting", {})) or Alerting(),
    }
    sla_fields: dict[str, Any] = {"metadata": metadata, "spec": Spec.model_construct(**spec_fields)}
    return SLA.model_construct(**sla_fields)
