"""What the cross-field checks read of one SLA document: the pieces that validated on their own.

For a valid SLA every piece did (:meth:`PartialSLA.of`). For a document that failed structural
validation (:func:`partial_sla`), each list keeps the items that validate on their own at the index
they have in the file, so that a file with a misspelled key still gets its ordering, reference and
uniqueness problems reported in the same run, located at the right item.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from slaforge.spec.durations import Duration, parse_duration
from slaforge.spec.model import SLA, Alerting, EscalationStep, Maintenance, Metadata, Objective, Probe

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Items(Generic[M]):
    """One list of the document: the items that validated, by their index in it, and its length."""

    valid: Mapping[int, M]
    count: int

    @classmethod
    def all(cls, items: Sequence[M]) -> Items[M]:
        return cls(dict(enumerate(items)), len(items))

    @property
    def complete(self) -> bool:
        """Every item of the list validated (so a name missing from it is really missing)."""
        return len(self.valid) == self.count

    def __iter__(self) -> Iterator[tuple[int, M]]:
        """(index in the document, item), in document order."""
        return iter(self.valid.items())

    def get(self, index: int) -> M | None:
        return self.valid.get(index)


@dataclass(frozen=True)
class PartialSLA:
    """The pieces of one SLA document that the cross-field checks read."""

    labels: Mapping[str, str]  # metadata.labels
    alerting: Alerting
    probes: Items[Probe]
    objectives: Items[Objective]
    maintenance: Items[Maintenance]
    escalation: Items[EscalationStep]
    window: Duration | None  # spec.window, None when it did not validate

    @classmethod
    def of(cls, sla: SLA) -> PartialSLA:
        """A valid SLA, every piece of it."""
        spec = sla.spec
        return cls(
            sla.metadata.labels, spec.alerting, Items.all(spec.probes), Items.all(spec.objectives),
            Items.all(spec.maintenance), Items.all(spec.escalation), spec.window,
        )


def _one(model: type[M], raw: Any) -> M | None:
    try:
        return model.model_validate(raw)
    except (ValidationError, ValueError, TypeError):
        return None


def _many(model: type[M], raw: Any) -> Items[M]:
    if not isinstance(raw, list):
        return Items({}, 0)
    valid = {index: item for index, item in enumerate(_one(model, r) for r in raw) if item is not None}
    return Items(valid, len(raw))


def partial_sla(raw: Any) -> PartialSLA | None:
    """The pieces of ``raw`` that validate on their own, or None when there is nothing to check."""
    if not isinstance(raw, dict) or not isinstance(raw.get("spec"), dict):
        return None
    spec: dict[str, Any] = raw["spec"]
    metadata = _one(Metadata, raw.get("metadata"))
    return PartialSLA(
        labels=metadata.labels if metadata is not None else {},
        alerting=_one(Alerting, spec.get("alerting", {})) or Alerting(),
        probes=_many(Probe, spec.get("probes")),
        objectives=_many(Objective, spec.get("objectives")),
        maintenance=_many(Maintenance, spec.get("maintenance")),
        escalation=_many(EscalationStep, spec.get("escalation")),
        window=_window(spec.get("window")),
    )


def _window(raw: Any) -> Duration | None:
    try:
        return parse_duration(raw)
    except (ValueError, TypeError):
        return None
