"""What an importer produces before it is written out: SLAs with the comments a person must read."""

from __future__ import annotations

from dataclasses import dataclass, field

from slaforge.spec.durations import Duration
from slaforge.spec.problems import Problem
from slaforge.spec.yamlsource import Position


@dataclass(frozen=True)
class Place:
    """A place in the input file, for a warning found after the document was read."""

    file: str
    line: int
    column: int
    path: str

    def warning(self, message: str) -> Problem:
        return Problem(self.file, self.line, self.column, self.path, message, "warning")


@dataclass(frozen=True)
class PolicyDraft:
    """One burn-rate alert of the other tool as an ``alerting.policies`` entry."""

    severity: str  # page | ticket
    budget_spent: float  # percent of the SLA window's error budget spent within long
    long: Duration
    short: Duration
    source: str  # what it was in the other tool, written as a comment next to it
    place: Place  # where warnings about it point


@dataclass
class ObjectiveDraft:
    name: str
    target: float
    sli: dict[str, object]  # {"ratio": {...}} or {"latency": {...}}, in slaforge's own shape
    description: str | None = None
    comments: list[str] = field(default_factory=list)
    group_by: tuple[str, ...] = ()


@dataclass
class AlertingDraft:
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    page: bool = True
    ticket: bool = True
    comments: list[str] = field(default_factory=list)
    policies: list[PolicyDraft] | None = None  # None: slaforge's default policies


@dataclass
class SLADraft:
    name: str
    service: str
    labels: dict[str, str]
    alerting: AlertingDraft
    objectives: list[ObjectiveDraft]
    comments: list[str] = field(default_factory=list)
    # where in the input it came from, for problems with the result
    origin: Position = field(default_factory=lambda: Position(1, 1))
    window: str = "30d"
    window_comment: str = "REVIEW: the rolling SLO window."
    calendar: str = "month"
    timezone: str = "UTC"


@dataclass(frozen=True)
class Imported:
    """The SLA YAML, the SLAs in it, and what the user must read: SLOs left out (errors) and warnings."""

    yaml: str
    slas: tuple[str, ...]
    warnings: tuple[Problem, ...]
    skipped: tuple[Problem, ...] = ()
