"""What an importer produces before it is written out: SLAs with the comments a person must read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ObjectiveDraft:
    name: str
    target: float
    sli: dict[str, object]  # {"ratio": {...}} or {"latency": {...}}, in slaforge's own shape
    description: str | None = None
    comments: list[str] = field(default_factory=list)


@dataclass
class AlertingDraft:
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    page: bool = True
    ticket: bool = True
    comments: list[str] = field(default_factory=list)


@dataclass
class SLADraft:
    name: str
    service: str
    labels: dict[str, str]
    alerting: AlertingDraft
    objectives: list[ObjectiveDraft]
    comments: list[str] = field(default_factory=list)
