"""Import Sloth SLO specs (``version: prometheus/v1``, or its Kubernetes PrometheusServiceLevel) as SLA YAML.

Pure: text in, text out. Every SLO that maps is converted; each one that does not is named with its
place in the input (FILE:LINE:COLUMN) and the reason, and left out. Fields with no slaforge meaning are
warnings; things that need a person's judgment become REVIEW comments in the output.

Mapping, per Sloth document (one service):

* ``service``, ``labels`` + each SLO's ``labels`` -> ``spec.service``, ``metadata.labels``
* ``slos[].name / objective / description`` -> ``objectives[].name / target / description``
* ``sli.events`` and ``sli.raw`` -> a ratio or latency SLI (see :mod:`slaforge.importers.queries`);
  ``sli.plugin`` -> refused
* ``alerting.labels / annotations`` -> ``alerting.labels / annotations``; ``page_alert`` / ``ticket_alert``
  ``disable`` -> ``alerting.page / ticket.enabled``; labels both alerts share -> ``alerting.labels``, the
  others -> warnings (slaforge's alert labels are per SLA; its alerts carry severity page or ticket)
* Sloth's four burn-rate alerts (its default windows, the same for 28d and 30d periods: page on 2% of the
  budget in 1h/5m and 5% in 6h/30m, ticket on 10% in 1d/2h and in 3d/6h; or an AlertWindows document in
  the file for the window's period) -> ``alerting.policies`` (see :mod:`slaforge.importers.sloth_windows`)
* ``sum by (L)`` in both queries alike -> ``group_by: [L]``

slaforge keeps labels, alert annotations and page/ticket switches per SLA, Sloth per SLO: when the SLOs of
a service differ in those, each SLO becomes its own SLA named ``SERVICE-SLO``.
OpenSLO documents in the same file (Sloth reads ``openslo/v1alpha``) go to the OpenSLO importer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slaforge.importers.emit import finish
from slaforge.importers.model import AlertingDraft, Imported, ObjectiveDraft, SLADraft
from slaforge.importers.queries import MappedSLI, Unmappable, raw_ratio, sloth_events, to_sli
from slaforge.importers.reader import Entry, Reader, dns_label, documents
from slaforge.importers.sloth_windows import UNUSED, Custom, defaults, is_alert_windows, read_custom
from slaforge.spec.durations import Duration
from slaforge.spec.model import LABEL_NAME
from slaforge.spec.problems import Path, Problem
from slaforge.spec.yamlsource import Document

SLOTH_VERSION = "prometheus/v1"
CRD_API_VERSION = "sloth.slok.dev/v1"
CRD_KIND = "PrometheusServiceLevel"
DEFAULT_WINDOW = "30d"
TOOL = "Sloth"

# Sloth's plain spec uses snake_case keys, its Kubernetes resource camelCase: accept both
_TOP_KEYS = {"version", "service", "labels", "slos"}
_SLO_KEYS = {"name", "objective", "description", "labels", "sli", "alerting"}
_SLI_KEYS = {"events", "raw", "plugin"}
_EVENTS_KEYS = {"error_query", "total_query"}
_RAW_KEYS = {"error_ratio_query"}
_ALERTING_KEYS = {"name", "labels", "annotations", "page_alert", "ticket_alert"}
_ALERT_KEYS = {"disable", "labels", "annotations"}
WINDOW_NOTE = ("REVIEW: the rolling SLO window; Sloth's default is 30d (its --default-slo-period flag, the "
               "importer's --window).")


@dataclass
class _SLO:
    objective: ObjectiveDraft
    labels: dict[str, str]
    alerting: AlertingDraft
    path: Path


def _read_slo(reader: Reader, raw: Any, path: Path, service_labels: dict[str, str]) -> _SLO | None:
    """The SLO, or None after reporting why it is left out."""
    if not isinstance(raw, dict) or not raw:
        reader.error(path, "expected an SLO (name, objective, sli, alerting)")
        return None
    fields = reader.mapping(raw, path, _SLO_KEYS)
    comments: list[str] = []
    ok = True

    name_value, name_path = fields.get("name", (None, path))
    name = dns_label(str(name_value)) if isinstance(name_value, str) else ""
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

    labels = {**service_labels, **reader.labels(reader.string_map(fields.get("labels")), (*path, "labels"), "SLO")}
    alerting = _read_alerting(reader, fields.get("alerting"), (*path, "alerting"), name, comments)

    description = fields.get("description", (None, path))[0]
    if not ok or sli is None:
        return None
    comments.extend(sli.notes)
    objective = ObjectiveDraft(name, target, sli.sli, str(description) if description else None, comments,
                               group_by=sli.group_by)
    return _SLO(objective, labels, alerting, path)


def _read_sli(reader: Reader, entry: Entry | None, path: Path, comments: list[str]) -> MappedSLI | None:
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
        raw = reader.mapping(fields["raw"][0], fields["raw"][1], _RAW_KEYS)
        query, where = raw.get("error_ratio_query", (None, fields["raw"][1]))
        try:
            ratio = raw_ratio(query, template=True)
        except Unmappable as exc:
            reader.error(where, f"cannot be mapped: {exc}")
            return None
        comments.append("REVIEW: read from a raw error-ratio query as a ratio of its two sums of counters")
    elif "events" in fields:
        events = reader.mapping(fields["events"][0], fields["events"][1], _EVENTS_KEYS)
        queries = []
        for key in ("error_query", "total_query"):
            if key not in events or not isinstance(events[key][0], str):
                reader.error(events.get(key, (None, fields["events"][1]))[1], f"events need {key}")
                return None
            queries.append(events[key])
        mapped, error_problem, total_problem = sloth_events(queries[0][0], queries[1][0])
        if error_problem:
            reader.error(queries[0][1], f"cannot be mapped: {error_problem}")
        if total_problem:
            reader.error(queries[1][1], f"cannot be mapped: {total_problem}")
        if mapped is None:
            return None
        ratio = mapped
    else:
        reader.error(path, "the SLI needs events (error_query and total_query)")
        return None
    return to_sli(ratio)


def _read_alerting(reader: Reader, entry: Entry | None, path: Path, slo: str, comments: list[str]) -> AlertingDraft:
    draft = AlertingDraft()
    if entry is None:
        return draft
    fields = reader.mapping(entry[0], entry[1], _ALERTING_KEYS)
    name = fields.get("name", (None, path))[0]
    if name:
        comments.append(f"Sloth alert {name}: in slaforge SLAErrorBudgetBurn{{objective=\"{slo}\"}} (and "
                        "SLAErrorBudgetExhausted, SLASLIAbsent); REVIEW alert routes that matched on the old name")
    draft.labels = reader.labels(reader.string_map(fields.get("labels")), (*path, "labels"), "alert")
    draft.annotations = {}
    for key, value in reader.string_map(fields.get("annotations")).items():
        if LABEL_NAME.fullmatch(key):
            draft.annotations[key] = value
        else:
            reader.warn((*path, "annotations", key), f"{key!r} is not a valid annotation name; it was not imported")
    per_severity: dict[str, tuple[dict[str, str], Path]] = {}
    for key, severity in (("page_alert", "page"), ("ticket_alert", "ticket")):
        if key not in fields:
            per_severity[severity] = ({}, path)
            continue
        alert_value, alert_path = fields[key]
        alert = reader.mapping(alert_value, alert_path, _ALERT_KEYS)
        disabled = alert.get("disable", (False, path))[0] is True
        setattr(draft, severity, not disabled)
        per_severity[severity] = (reader.string_map(alert.get("labels")) if not disabled else {}, alert_path)
        for name_, value in reader.string_map(alert.get("annotations")).items():
            reader.warn((*alert_path, "annotations", name_), f"the {severity} alert's annotation {name_}="
                        f"{value!r} is not carried: slaforge's annotations are per SLA (alerting.annotations, on "
                        "every alert), not per severity")
    _severity_labels(reader, draft, per_severity)
    return draft


def _severity_labels(reader: Reader, draft: AlertingDraft,
                     per_severity: dict[str, tuple[dict[str, str], Path]]) -> None:
    """Labels every enabled Sloth alert carries alike go to alerting.labels; the others are warned about."""
    enabled = [sev for sev in ("page", "ticket") if getattr(draft, sev)]
    shared: set[tuple[str, str]] = set()
    if len(enabled) == 2:  # only then is a label on every Sloth alert, as alerting.labels is on every slaforge alert
        shared = set(per_severity["page"][0].items()) & set(per_severity["ticket"][0].items())
    for sev in enabled:
        labels, where = per_severity[sev]
        for name, value in labels.items():
            if (name, value) in shared and name not in draft.labels:
                kept = reader.labels({name: value}, (*where, "labels"), "alert")
                draft.labels.update(kept)
            elif (name, value) not in shared:
                draft.comments.append(f"REVIEW: Sloth's {sev} alert had the label {name}={value!r}, not carried "
                                      f"(slaforge's alert labels are per SLA): route on severity=\"{sev}\" in "
                                      "Alertmanager instead")
                reader.warn((*where, "labels", name), f"the {sev} alert's label {name}={value!r} is not carried: "
                            f"slaforge's alert labels are per SLA (alerting.labels, on every alert), and its {sev} "
                            f"alerts carry severity=\"{sev}\": route on that in Alertmanager")


def _group_key(slo: _SLO) -> tuple[Any, ...]:
    a = slo.alerting
    return (sorted(slo.labels.items()), sorted(a.labels.items()), sorted(a.annotations.items()), a.page, a.ticket)


def _read_document(reader: Reader, window: str, custom: Custom | None) -> list[SLADraft]:
    value = reader.doc.value
    if not isinstance(value, dict):
        reader.error((), "expected a Sloth spec (version: prometheus/v1)")
        return []
    if value.get("apiVersion") == CRD_API_VERSION and value.get("kind") == CRD_KIND:
        for key in value:
            if key not in ("apiVersion", "kind", "metadata", "spec"):
                reader.warn((key,), f"{key!r} is not a field of a {CRD_KIND} the importer knows; not imported")
        reader.kubernetes_metadata(value.get("metadata"), ("metadata",))
        reader.base = ("spec",)
        value = value.get("spec")
    elif value.get("version") != SLOTH_VERSION:
        reader.error(("version",), f"not a Sloth {SLOTH_VERSION} spec (nor a {CRD_API_VERSION} {CRD_KIND} or an "
                     "OpenSLO document)")
        return []
    top = reader.mapping(value, (), _TOP_KEYS)
    service_value, service_path = top.get("service", (None, ()))
    if not isinstance(service_value, str) or not service_value.strip():
        reader.error(service_path, "the spec needs a service")
        return []
    service = service_value.strip()
    service_labels = reader.labels(reader.string_map(top.get("labels")), ("labels",), "service")
    slos_value, slos_path = top.get("slos", (None, ()))
    if not isinstance(slos_value, list) or not slos_value:
        reader.error(slos_path, "the spec needs at least one SLO under slos")
        return []
    found: list[_SLO] = []
    names: dict[str, Path] = {}
    for i, raw in enumerate(slos_value):
        before = len(reader.errors)
        slo = _read_slo(reader, raw, (*slos_path, i), service_labels)
        if slo is not None and slo.objective.name in names:
            reader.error((*slo.path, "name"), f"SLO name {slo.objective.name!r} is used twice; this one is left out")
        elif slo is not None and len(reader.errors) == before:
            names[slo.objective.name] = slo.path
            found.append(slo)
    for slo in found:
        slo.alerting.policies = list(custom.policies) if custom else defaults(reader, slos_path)
    return _group(reader, service, found, window)


def _canonical(window: str) -> str:
    try:
        return Duration.parse(window).prom
    except ValueError:
        return window  # validation names it


def _custom_windows(filename: str, docs: list[Document], window: str) -> tuple[Custom | None, list[Problem]]:
    """The AlertWindows of the file for the import window, and warnings about the others."""
    chosen: Custom | None = None
    warnings: list[Problem] = []
    for doc in docs:
        reader = Reader(filename, doc, TOOL)
        custom = read_custom(reader, _canonical(window))
        if custom is not None and chosen is not None:
            reader.warn(("spec", "sloPeriod") if "spec" in doc.value else ("sloPeriod",),
                        f"{UNUSED}: another AlertWindows for {window} comes first")
        elif custom is not None:
            chosen = custom
        warnings += reader.warnings
    return chosen, warnings


def _group(reader: Reader, service: str, slos: list[_SLO], window: str) -> list[SLADraft]:
    """SLOs that agree on what slaforge keeps per SLA share one; the others get an SLA each group."""
    if not slos:
        return []
    base = dns_label(service) or "service"
    groups: dict[str, list[_SLO]] = {}
    for slo in slos:
        groups.setdefault(repr(_group_key(slo)), []).append(slo)
    drafts = []
    for members in groups.values():
        first = members[0]
        alerting = first.alerting
        for other in members[1:]:
            alerting.comments.extend(other.alerting.comments)
        name, note = base, []
        if len(groups) > 1:
            name = dns_label(f"{base}-{first.objective.name}")
            note = [f"Sloth service {service!r}, SLO(s) {', '.join(m.objective.name for m in members)}: the service's "
                    "SLOs differ in labels, alert labels and annotations or page/ticket switches, which slaforge "
                    "keeps per SLA, so each set of SLOs that agree is an SLA of its own."]
        drafts.append(SLADraft(name, service, first.labels, alerting, [m.objective for m in members], note,
                               origin=reader.where(first.path), window=window, window_comment=WINDOW_NOTE))
    return drafts


def import_sloth(
    text: str,
    filename: str = "<sloth>",
    *,
    window: str = DEFAULT_WINDOW,
    provider: str | None = None,
    customer: str | None = None,
) -> Imported:
    """Sloth spec text -> slaforge SLA YAML, every SLO that maps. SpecError when none does."""
    from slaforge.importers.openslo import is_openslo, read_openslo

    docs = documents(text, filename, "Sloth spec")
    drafts: list[SLADraft] = []
    openslo: list[Document] = []
    custom, warnings = _custom_windows(filename, [d for d in docs if is_alert_windows(d.value)], window)
    errors: list[Problem] = []
    for doc in docs:
        if is_openslo(doc.value):
            openslo.append(doc)
            continue
        if is_alert_windows(doc.value):
            continue
        reader = Reader(filename, doc, TOOL)
        drafts += _read_document(reader, window, custom)
        errors += reader.errors
        warnings += reader.warnings
    if openslo:
        more, more_errors, more_warnings = read_openslo(filename, openslo)
        drafts += more
        errors += more_errors
        warnings += more_warnings
    header = [
        f"Imported from the Sloth spec {filename} by `slaforge import sloth`.",
        "Read every REVIEW comment, then check with `slaforge validate` and `slaforge explain`.",
    ]
    return finish(drafts, errors, warnings, filename=filename, tool=TOOL, header=header, provider=provider,
                  customer=customer)
