"""Import Pyrra ServiceLevelObjective resources (``pyrra.dev/v1alpha1``) as SLA YAML.

Pure: text in, text out. Pyrra reads the same resource from Kubernetes and from files, so both are
this one form. Mapping, per resource (one objective each):

* ``metadata.name`` -> the objective's name; ``metadata.labels`` ``pyrra.dev/KEY`` -> ``metadata.labels``
  KEY (Pyrra copies those onto its rules); the other metadata -> warnings
* ``spec.target`` (a percent, often a string) -> ``target``; ``spec.window`` -> ``window``;
  ``spec.description`` -> ``description``
* ``indicator.ratio`` errors/total -> a ratio SLI; ``indicator.latency`` success/total (a histogram's
  bucket over its count) -> a latency SLI
* ``grouping`` -> ``group_by``; ``bool_gauge`` and ``latencyNative`` -> refused with the reason
* Pyrra's four burn-rate alerts (windows that scale with the SLO window: for 28d, critical 14x over 1h/5m and
  7x over 6h/30m, warning 2x over 1d/2h and 1x over 4d/6h) -> ``alerting.policies``, critical as page and
  warning as ticket (windows off slaforge's grid are rounded to it, with a warning)
* ``alerting.disabled`` / ``burnrates: false`` -> page and ticket off; ``alerting.name`` and ``absent`` -> warnings

Resources that share a namespace, window and labels become one SLA named after the namespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slaforge.importers.emit import finish
from slaforge.importers.model import AlertingDraft, Imported, ObjectiveDraft, SLADraft
from slaforge.importers.policies import from_factor, gridded
from slaforge.importers.queries import MappedSLI, Ratio, Unmappable, checked_grouping, event_sum, parse, to_sli
from slaforge.importers.reader import Reader, dns_label, documents
from slaforge.spec.durations import Duration, parse_duration, parse_percent
from slaforge.spec.problems import Path, Problem
from slaforge.spec.yamlsource import Position

TOOL = "Pyrra"
API_VERSIONS = ("pyrra.dev/v1alpha1",)
KIND = "ServiceLevelObjective"
LABEL_PREFIX = "pyrra.dev/"
_SPEC_KEYS = {"target", "window", "description", "indicator", "alerting"}
_INDICATORS = {"ratio", "latency", "bool_gauge", "latency_native"}
_ALERTING_KEYS = {"disabled", "name", "burnrates", "absent"}
# Pyrra's alerts: severity, burn factor, and long, short and `for` as fractions of the SLO window (1h, 5m, 2m
# for 28d...), each rounded to the minute as Pyrra does
PYRRA_WINDOWS = (
    ("critical", 14.0, 672, 8064, 20160),
    ("critical", 7.0, 112, 1344, 2688),
    ("warning", 2.0, 28, 336, 672),
    ("warning", 1.0, 7, 112, 224),
)
SEVERITIES = {"critical": "page", "warning": "ticket"}
REFUSED = {
    "bool_gauge": "a bool_gauge indicator samples a 0/1 gauge (such as up): its ratio counts scrapes, not events, "
                  "and slaforge has no SLI of that kind; probe the service with a slaforge probe instead",
    "latency_native": "a latencyNative indicator reads a native histogram, which slaforge's latency SLI (classic "
                      "histogram buckets) cannot read yet; expose a classic histogram with a bucket at the "
                      "threshold, or keep this SLO in Pyrra",
}


@dataclass
class _SLO:
    objective: ObjectiveDraft
    window: str
    namespace: str
    labels: dict[str, str]
    alerting: AlertingDraft
    origin: Position


def _metadata(reader: Reader, metadata: Any) -> tuple[str, str, dict[str, str]] | None:
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        reader.error(("metadata",), "the resource needs metadata.name")
        return None
    labels = {}
    for key, value in (metadata.get("labels") or {}).items():
        if str(key).startswith(LABEL_PREFIX):
            labels[str(key)[len(LABEL_PREFIX):]] = str(value)
        else:
            reader.warn(("metadata", "labels", key), f"Kubernetes label {key!r} is not carried (Pyrra copies only "
                        f"{LABEL_PREFIX}* labels onto its rules)")
    for key in metadata:
        if key not in ("name", "namespace", "labels"):
            reader.warn(("metadata", key), f"Kubernetes metadata {key!r} is not carried")
    namespace = str(metadata.get("namespace") or "")
    return metadata["name"], namespace, reader.labels(labels, ("metadata", "labels"), "SLO")


def _part(reader: Reader, indicator: dict[str, Any], key: str, path: Path) -> tuple[Any, ...] | None:
    part = indicator.get(key)
    metric = part.get("metric") if isinstance(part, dict) else None
    where = (*path, key, "metric")
    try:
        return event_sum(parse(metric, template=False), template=False, bare=True).selectors
    except Unmappable as exc:
        reader.error(where, f"cannot be mapped: {exc}")
        return None


def _indicator(reader: Reader, value: Any, path: Path) -> MappedSLI | None:
    fields = reader.mapping(value, path, _INDICATORS)
    if len(fields) != 1:
        reader.error(path, "expected exactly one indicator: ratio, latency, bool_gauge or latencyNative")
        return None
    kind, (body, where) = next(iter(fields.items()))
    if kind in REFUSED:
        reader.error(where, f"cannot be mapped: {REFUSED[kind]}", key=True)
        return None
    if not isinstance(body, dict):
        reader.error(where, f"expected the {kind} indicator's metrics")
        return None
    group_by = _grouping(reader, body.get("grouping"), (*where, "grouping"))
    first = "errors" if kind == "ratio" else "success"
    part = _part(reader, body, first, where)
    total = _part(reader, body, "total", where)
    if part is None or total is None or group_by is None:
        return None
    if kind == "ratio":
        ratio = Ratio(total, errors=part, group_by=group_by)
    else:
        ratio = Ratio(total, good=part, group_by=group_by)
    sli = to_sli(ratio)
    if kind == "latency" and "latency" not in sli.sli:
        reader.error(where, "cannot be mapped: a latency indicator needs success = HISTOGRAM_bucket{le=\"T\",...} "
                     "and total = HISTOGRAM_count{...} with the same other matchers")
        return None
    return sli


def _grouping(reader: Reader, value: Any, where: Path) -> tuple[str, ...] | None:
    """Pyrra's grouping: one SLI per value of these labels, as slaforge's group_by."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        reader.error(where, "expected grouping as a list of label names")
        return None
    try:
        return checked_grouping(tuple(value))
    except Unmappable as exc:
        reader.error(where, f"cannot be mapped: {exc}")
        return None


def _alerting(reader: Reader, value: Any, path: Path) -> AlertingDraft:
    draft = AlertingDraft()
    fields = reader.mapping(value, path, _ALERTING_KEYS)
    if fields.get("disabled", (False,))[0] is True or fields.get("burnrates", (True,))[0] is False:
        draft.page = draft.ticket = False
    if "name" in fields:
        reader.warn(fields["name"][1], f"the alert name {fields['name'][0]!r} is not carried: slaforge's burn-rate "
                    "alert is SLAErrorBudgetBurn, with labels sla and objective")
    if fields.get("absent", (True,))[0] is False:
        reader.warn(fields["absent"][1], "absent: false is not carried: slaforge always has SLASLIAbsent "
                    "(a ticket); silence it in Alertmanager if unwanted")
    return draft


def _policies(reader: Reader, draft: AlertingDraft, window: Duration, where: Path) -> None:
    """Pyrra's four alerts for this SLO window, as policies on slaforge's grid (Pyrra's `for` delays in a comment)."""
    if not (draft.page or draft.ticket):
        return
    place = reader.place(where)
    draft.policies = []
    waits = []
    for severity, burn, long_part, short_part, for_part in PYRRA_WINDOWS:
        long, short, wait = (Duration(int(window.ms / part / 60_000 + 0.5) * 60_000)  # half away from 0, as Go
                             for part in (long_part, short_part, for_part))
        source = f"Pyrra's {severity} alert: burn rate {burn:g}x over {long}, short window {short}"
        policy, moved = gridded(from_factor(SEVERITIES[severity], burn, long, short, window, source, place), window,
                                TOOL)
        if moved is not None:
            reader.warnings.append(moved)
        draft.policies.append(policy)
        waits.append(f"{wait} ({severity} {burn:g}x)")
    draft.comments.append(f"REVIEW: Pyrra's alerts wait before firing ({', '.join(waits)}); slaforge's fire as "
                          "soon as both windows burn, and stop when the short window recovers.")


def _read(reader: Reader) -> _SLO | None:
    value = reader.doc.value
    if not isinstance(value, dict) or value.get("kind") != KIND or value.get("apiVersion") not in API_VERSIONS:
        reader.error((), f"not a Pyrra {KIND} ({', '.join(API_VERSIONS)})")
        return None
    meta = _metadata(reader, value.get("metadata"))
    spec = reader.mapping(value.get("spec"), ("spec",), _SPEC_KEYS)
    if meta is None:
        return None
    name, namespace, labels = meta
    target_value, target_path = spec.get("target", (None, ("spec",)))
    target = None
    try:
        target = parse_percent(target_value)
        if not 0 < target < 100:
            raise ValueError("targets are strictly between 0% and 100%")
    except (ValueError, TypeError) as exc:
        reader.error(target_path, f"a target of {target_value!r} has no slaforge equivalent: {exc}")
    window_value, window_path = spec.get("window", ("30d", ("spec",)))
    try:
        window = parse_duration(str(window_value)).prom
    except ValueError as exc:
        reader.error(window_path, f"cannot be mapped: {exc}")
        window = None
    indicator = spec.get("indicator")
    sli = _indicator(reader, indicator[0], indicator[1]) if indicator else None
    if indicator is None:
        reader.error(("spec",), "the resource needs an indicator")
    alerting = _alerting(reader, *spec.get("alerting", (None, ("spec", "alerting"))))
    if reader.errors or sli is None or target is None or window is None:
        return None
    _policies(reader, alerting, Duration.parse(window), window_path)
    description = spec.get("description", (None,))[0]
    objective = ObjectiveDraft(dns_label(name) or "slo", target, sli.sli, str(description) if description else None,
                               list(sli.notes), group_by=sli.group_by)
    return _SLO(objective, window, namespace, labels, alerting, reader.where(()))


def _group(slos: list[_SLO]) -> list[SLADraft]:
    groups: dict[str, list[_SLO]] = {}
    for slo in slos:
        a = slo.alerting
        key = repr((slo.namespace, slo.window, sorted(slo.labels.items()), a.page, a.ticket))
        groups.setdefault(key, []).append(slo)
    counts: dict[str, int] = {}
    for members in groups.values():
        counts[members[0].namespace] = counts.get(members[0].namespace, 0) + 1
    drafts = []
    for members in groups.values():
        first = members[0]
        service = first.namespace or first.objective.name
        name = dns_label(service) or "service"
        if counts[first.namespace] > 1 or not first.namespace:
            name = dns_label(f"{name}-{first.objective.name}") if first.namespace else name
        drafts.append(SLADraft(
            name, service, first.labels, first.alerting, [m.objective for m in members], origin=first.origin,
            window=first.window, window_comment="The SLO window, from the Pyrra window.",
            comments=["REVIEW: Pyrra has no service field; the service is the resources' namespace (or name)."],
        ))
    return drafts


def import_pyrra(text: str, filename: str = "<pyrra>", *, provider: str | None = None,
                 customer: str | None = None) -> Imported:
    """Pyrra ServiceLevelObjective text -> slaforge SLA YAML, every SLO that maps. SpecError when none does."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    slos = []
    for doc in documents(text, filename, f"Pyrra {KIND}"):
        reader = Reader(filename, doc, TOOL)
        slo = _read(reader)
        if slo is not None:
            slos.append(slo)
        errors += reader.errors
        warnings += reader.warnings
    header = [
        f"Imported from the Pyrra file {filename} by `slaforge import pyrra`.",
        "Read every REVIEW comment, then check with `slaforge validate` and `slaforge explain`.",
    ]
    return finish(_group(slos), errors, warnings, filename=filename, tool=TOOL, header=header, provider=provider,
                  customer=customer)
