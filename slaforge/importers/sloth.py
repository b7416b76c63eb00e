"""Import Sloth SLO specs (``version: prometheus/v1``, or its Kubernetes PrometheusServiceLevel) as SLA YAML.

Pure: text in, text out. Every problem in the file is reported at once, located at FILE:LINE:COLUMN,
by raising :class:`slaforge.spec.SpecError`; things that need a person's judgment become REVIEW comments
in the output and warnings.

Mapping, per Sloth document (one service):

* ``service``, ``labels`` + each SLO's ``labels`` -> ``spec.service``, ``metadata.labels``
* ``slos[].name / objective / description`` -> ``objectives[].name / target / description``
* ``sli.events`` in the form ``sum(rate(SELECTOR[{{.window}}]))`` -> a ``ratio`` SLI; Sloth's latency form
  (``_count`` minus ``_bucket{le="T"}``) -> a ``latency`` SLI; ``sli.raw`` and ``sli.plugin`` -> errors
* ``alerting.labels / annotations`` -> ``alerting.labels / annotations``; ``page_alert`` / ``ticket_alert``
  ``disable`` -> ``alerting.page / ticket.enabled``; their labels -> REVIEW comments (slaforge alerts carry
  ``severity="page"`` or ``"ticket"``, route on that in Alertmanager)

slaforge keeps labels, alert annotations and page/ticket switches per SLA, Sloth per SLO: when the SLOs of
a service differ in those, each SLO becomes its own SLA named ``SERVICE-SLO``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from slaforge.conventions import RESERVED_LABELS
from slaforge.importers.emit import render
from slaforge.importers.model import AlertingDraft, ObjectiveDraft, SLADraft
from slaforge.importers.queries import HistogramEvents, RatioEvents, map_events
from slaforge.spec.model import DNS_LABEL, LABEL_NAME
from slaforge.spec.problems import Path, Problem, SpecError, format_path
from slaforge.spec.yamlsource import Document, Position, parse_documents

SLOTH_VERSION = "prometheus/v1"
CRD_API_VERSION = "sloth.slok.dev/v1"
CRD_KIND = "PrometheusServiceLevel"
DEFAULT_WINDOW = "30d"

# Sloth's plain spec uses snake_case keys, its Kubernetes resource camelCase: accept both
_TOP_KEYS = {"version", "service", "labels", "slos"}
_SLO_KEYS = {"name", "objective", "description", "labels", "sli", "alerting"}
_SLI_KEYS = {"events", "raw", "plugin"}
_EVENTS_KEYS = {"error_query", "total_query"}
_ALERTING_KEYS = {"name", "labels", "annotations", "page_alert", "ticket_alert"}
_ALERT_KEYS = {"disable", "labels", "annotations"}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass
class _Reader:
    """Walks one document, collecting problems (errors) and warnings, each located."""

    file: str
    doc: Document
    base: Path
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def _problem(self, path: Path, message: str, severity: str, key: bool = False) -> Problem:
        pos: Position = self.doc.position((*self.base, *path), key=key)
        return Problem(self.file, pos.line, pos.column, format_path((*self.base, *path)), message, severity)

    def error(self, path: Path, message: str, key: bool = False) -> None:
        self.errors.append(self._problem(path, message, "error", key))

    def warn(self, path: Path, message: str) -> None:
        self.warnings.append(self._problem(path, message, "warning", key=True))

    def mapping(self, value: Any, path: Path, known: set[str]) -> dict[str, tuple[Any, Path]]:
        """The mapping at path with camelCase keys folded to snake_case; unknown keys are warned about."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping, got {type(value).__name__}")
            return {}
        out: dict[str, tuple[Any, Path]] = {}
        aliases = {_camel(k): k for k in known}
        for key, item in value.items():
            name = aliases.get(str(key), str(key))
            if name in known:
                out[name] = (item, (*path, key))
            else:
                self.warn((*path, key), f"{key!r} is not a Sloth field the importer knows; it was not imported")
        return out

    def string_map(self, entry: tuple[Any, Path] | None) -> dict[str, str]:
        if entry is None or entry[0] is None:
            return {}
        value, path = entry
        if not isinstance(value, dict):
            self.error(path, "expected a mapping of names to strings")
            return {}
        return {str(k): "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in value.items()}


def _dns_label(text: str) -> str:
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return label[:63].rstrip("-")


def _labels(reader: _Reader, labels: dict[str, str], path: Path, what: str) -> dict[str, str]:
    """Drop labels slaforge sets itself or Prometheus would refuse, warning about each."""
    kept = {}
    for key, value in labels.items():
        if key in RESERVED_LABELS:
            reader.warn((*path, key), f"{what} label {key!r} is set by slaforge itself; it was not imported")
        elif not LABEL_NAME.fullmatch(key) or key.startswith("__"):
            reader.warn((*path, key), f"{key!r} is not a valid Prometheus label name; it was not imported")
        else:
            kept[key] = value
    return kept


@dataclass
class _SLO:
    objective: ObjectiveDraft
    labels: dict[str, str]
    alerting: AlertingDraft
    path: Path


def _read_slo(reader: _Reader, raw: Any, path: Path, service_labels: dict[str, str]) -> _SLO | None:
    if not isinstance(raw, dict) or not raw:
        reader.error(path, "expected an SLO (name, objective, sli, alerting)")
        return None
    fields = reader.mapping(raw, path, _SLO_KEYS)
    comments: list[str] = []
    ok = True

    name_value, name_path = fields.get("name", (None, path))
    name = _dns_label(str(name_value)) if isinstance(name_value, str) else ""
    if not name:
        reader.error(name_path, "every SLO needs a name (letters, digits and '-')")
        ok = False
    elif name != name_value:
        comments.append(f"REVIEW: Sloth SLO {name_value!r} renamed {name!r} (objective names are DNS labels)")

    target_value, target_path = fields.get("objective", (None, path))
    target = 0.0
    if isinstance(target_value, bool) or not isinstance(target_value, int | float):
        reader.error(target_path, "expected the objective as a percent, such as 99.9")
        ok = False
    elif not 0 < target_value < 100:
        reader.error(target_path, f"an objective of {target_value:g} has no slaforge equivalent: targets are "
                     "percents strictly between 0 and 100 (100 leaves no error budget)")
        ok = False
    else:
        target = float(target_value)

    sli = _read_sli(reader, fields.get("sli"), (*path, "sli"), comments)
    ok = ok and sli is not None

    labels = {**service_labels, **_labels(reader, reader.string_map(fields.get("labels")), (*path, "labels"), "SLO")}
    alerting = _read_alerting(reader, fields.get("alerting"), (*path, "alerting"), name, comments)

    description = fields.get("description", (None, path))[0]
    if not ok or sli is None:
        return None
    objective = ObjectiveDraft(name, target, sli, str(description) if description else None, comments)
    return _SLO(objective, labels, alerting, path)


def _read_sli(reader: _Reader, entry: tuple[Any, Path] | None, path: Path,
              comments: list[str]) -> dict[str, object] | None:
    if entry is None or not isinstance(entry[0], dict):
        reader.error(entry[1] if entry else path, "every SLO needs an sli with events (error_query, total_query)")
        return None
    fields = reader.mapping(entry[0], entry[1], _SLI_KEYS)
    if "plugin" in fields:
        value, where = fields["plugin"]
        plugin = value.get("id") if isinstance(value, dict) else None
        reader.error(where, f"plugin SLI {plugin or ''!s} cannot be mapped: slaforge has no plugins; write the "
                     "SLI as a ratio of counters or a latency histogram by hand".replace("  ", " "))
        return None
    if "raw" in fields:
        reader.error(fields["raw"][1], "a raw error-ratio query cannot be mapped: slaforge needs the bad and the "
                     "total event counters (sli.events) to weigh windows by traffic")
        return None
    if "events" not in fields:
        reader.error(path, "the SLI needs events (error_query and total_query)")
        return None
    events_value, events_path = fields["events"]
    events = reader.mapping(events_value, events_path, _EVENTS_KEYS)
    queries = []
    for key in ("error_query", "total_query"):
        if key not in events or not isinstance(events[key][0], str):
            reader.error(events.get(key, (None, fields["events"][1]))[1], f"events need {key}")
            return None
        queries.append(events[key])
    mapped, error_problem, total_problem = map_events(queries[0][0], queries[1][0])
    if error_problem:
        reader.error(queries[0][1], f"cannot be mapped: {error_problem}")
    if total_problem:
        reader.error(queries[1][1], f"cannot be mapped: {total_problem}")
    if isinstance(mapped, RatioEvents):
        if mapped.errors.metric != mapped.total.metric:
            comments.append(f"REVIEW: errors count {mapped.errors.metric}, total counts {mapped.total.metric}; "
                            "check that every bad event is also in the total")
        return {"ratio": {"errors": mapped.errors.render(), "total": mapped.total.render()}}
    if isinstance(mapped, HistogramEvents):
        comments.append(
            f"REVIEW: read from Sloth's latency form (count minus bucket le=\"{mapped.threshold:g}\"): the share "
            f"of requests faster than {mapped.threshold:g}s. Add `buckets: [...]` to have the threshold checked."
        )
        return {"latency": {"histogram": mapped.histogram.render(), "threshold": mapped.threshold}}
    return None


def _read_alerting(reader: _Reader, entry: tuple[Any, Path] | None, path: Path, slo: str,
                   comments: list[str]) -> AlertingDraft:
    draft = AlertingDraft()
    if entry is None:
        return draft
    fields = reader.mapping(entry[0], entry[1], _ALERTING_KEYS)
    name = fields.get("name", (None, path))[0]
    if name:
        comments.append(f"Sloth alert {name}: in slaforge SLAErrorBudgetBurn{{objective=\"{slo}\"}} (and "
                        "SLAErrorBudgetExhausted, SLASLIAbsent); REVIEW alert routes that matched on the old name")
    draft.labels = _labels(reader, reader.string_map(fields.get("labels")), (*path, "labels"), "alert")
    draft.annotations = {}
    for key, value in reader.string_map(fields.get("annotations")).items():
        if LABEL_NAME.fullmatch(key):
            draft.annotations[key] = value
        else:
            reader.warn((*path, "annotations", key), f"{key!r} is not a valid annotation name; it was not imported")
    for key, severity in (("page_alert", "page"), ("ticket_alert", "ticket")):
        if key not in fields:
            continue
        alert_value, alert_path = fields[key]
        alert = reader.mapping(alert_value, alert_path, _ALERT_KEYS)
        disabled = alert.get("disable", (False, path))[0] is True
        setattr(draft, severity, not disabled)
        labels = reader.string_map(alert.get("labels"))
        annotations = reader.string_map(alert.get("annotations"))
        if labels or annotations:
            parts = []
            if labels:
                parts.append(f"labels {_inline(labels)}")
            if annotations:
                parts.append(f"annotations {_inline(annotations)}")
            draft.comments.append(
                f"REVIEW: Sloth {key} of SLO {slo!r} had {' and '.join(parts)}. slaforge {severity} alerts carry "
                f"severity=\"{severity}\": route them in Alertmanager (matchers: sla, objective, "
                f"severity=\"{severity}\") instead."
            )
    return draft


def _inline(values: dict[str, str]) -> str:
    text: str = yaml.safe_dump(values, default_flow_style=True, width=1 << 20, sort_keys=False)
    return text.strip()


def _group_key(slo: _SLO) -> tuple[Any, ...]:
    a = slo.alerting
    return (sorted(slo.labels.items()), sorted(a.labels.items()), sorted(a.annotations.items()), a.page, a.ticket)


def _read_document(reader: _Reader) -> list[SLADraft]:
    value = reader.doc.value
    if not isinstance(value, dict):
        reader.error((), "expected a Sloth spec (version: prometheus/v1)")
        return []
    if value.get("apiVersion") == CRD_API_VERSION and value.get("kind") == CRD_KIND:
        reader.base = ("spec",)
        value = value.get("spec")
    elif value.get("version") != SLOTH_VERSION:
        reader.error(("version",), f"not a Sloth {SLOTH_VERSION} spec (nor a {CRD_API_VERSION} {CRD_KIND}); "
                     "OpenSLO and other versions are not imported")
        return []
    top = reader.mapping(value, (), _TOP_KEYS)
    service_value, service_path = top.get("service", (None, ()))
    if not isinstance(service_value, str) or not service_value.strip():
        reader.error(service_path, "the spec needs a service")
        return []
    service = service_value.strip()
    service_labels = _labels(reader, reader.string_map(top.get("labels")), ("labels",), "service")
    slos_value, slos_path = top.get("slos", (None, ()))
    if not isinstance(slos_value, list) or not slos_value:
        reader.error(slos_path, "the spec needs at least one SLO under slos")
        return []
    slos = [_read_slo(reader, raw, (*slos_path, i), service_labels) for i, raw in enumerate(slos_value)]
    found = [slo for slo in slos if slo is not None]
    names: dict[str, Path] = {}
    for slo in found:
        if slo.objective.name in names:
            reader.error((*slo.path, "name"), f"SLO name {slo.objective.name!r} is used twice")
        names[slo.objective.name] = slo.path
    if not found or len(found) != len(slos):
        return []
    return _group(service, found)


def _group(service: str, slos: list[_SLO]) -> list[SLADraft]:
    base = _dns_label(service) or "service"
    if len({repr(_group_key(s)) for s in slos}) == 1:
        first = slos[0]
        alerting = first.alerting
        for other in slos[1:]:
            alerting.comments.extend(other.alerting.comments)
        return [SLADraft(base, service, first.labels, alerting, [s.objective for s in slos])]
    drafts = []
    for slo in slos:
        name = _dns_label(f"{base}-{slo.objective.name}")
        note = [f"Sloth service {service!r}, SLO {slo.objective.name!r}: its SLOs differ in labels, alert annotations "
                "or page/ticket switches, which slaforge keeps per SLA, so each SLO is an SLA of its own."]
        drafts.append(SLADraft(name, service, slo.labels, slo.alerting, [slo.objective], note))
    return drafts


@dataclass(frozen=True)
class Imported:
    yaml: str
    slas: tuple[str, ...]
    warnings: tuple[Problem, ...]


def import_sloth(
    text: str,
    filename: str = "<sloth>",
    *,
    window: str = DEFAULT_WINDOW,
    provider: str | None = None,
    customer: str | None = None,
) -> Imported:
    """Sloth spec text -> slaforge SLA YAML. Raises SpecError listing every problem, located."""
    try:
        documents = parse_documents(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SpecError([Problem(filename, line, column, "(document)", f"invalid YAML: {exc}")]) from None
    if not documents:
        raise SpecError([Problem(filename, 1, 1, "(document)", "no Sloth spec in this file")])
    errors: list[Problem] = []
    warnings: list[Problem] = []
    drafts: list[SLADraft] = []
    seen: dict[str, Document] = {}
    for doc in documents:
        reader = _Reader(filename, doc, ())
        found = _read_document(reader)
        for draft in found:
            if draft.name in seen:
                reader.error(("service",), f"SLA name {draft.name!r} would be used twice; rename a service")
            seen[draft.name] = doc
        errors += reader.errors
        warnings += reader.warnings
        drafts += found
    if errors:
        raise SpecError(errors)
    for draft in drafts:
        if not DNS_LABEL.fullmatch(draft.name):  # pragma: no cover - _dns_label guarantees it
            raise AssertionError(draft.name)
    header = [
        f"Imported from the Sloth spec {filename} by `slaforge import sloth`.",
        "Read every REVIEW comment, then check with `slaforge validate` and `slaforge explain`.",
    ]
    out = render(drafts, header=header, window=window, provider=provider, customer=customer)
    return Imported(out, tuple(d.name for d in drafts), tuple(sorted(warnings)))
