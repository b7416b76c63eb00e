"""Import OpenSLO documents (``openslo/v1``, and ``openslo/v1alpha`` as Sloth reads it) as SLA YAML.

Pure: text in, text out. The documents of one file are read together, so that an SLO's
``indicatorRef``, ``metricSourceRef``, ``service`` and ``alertPolicies`` find their objects.

Mapping:

* SLO ``spec.service`` -> ``spec.service`` (a Service object's description becomes a comment);
  ``metadata.name`` -> the objective's name; ``metadata.labels`` -> ``metadata.labels``
* the SLI (inline ``indicator`` or ``indicatorRef``): ``ratioMetric`` good/bad/total Prometheus
  queries -> a ratio SLI (a histogram's bucket over its count -> a latency SLI); ``thresholdMetric``,
  ``raw`` and sources other than Prometheus -> refused with the reason
* ``objectives[]`` -> one objective each (``target`` or ``targetPercent``)
* ``timeWindow``: rolling -> ``window``; calendar 1M / 1Q -> ``calendar: month | quarter``,
  ``timezone`` and a rolling window of the same length (30d, 90d)
* ``budgetingMethod: Timeslices`` (and RatioTimeslices) -> refused: slaforge counts events, not slices
* ``sum by (L)`` in every query of a ratio alike -> ``group_by: [L]`` (OpenSLO v1 has no grouping field of
  its own)
* AlertPolicy / AlertCondition (inline or referenced) with a ``burnrate`` condition of severity page or
  ticket -> ``alerting.policies``: ``threshold`` over ``lookbackWindow`` is the burn factor over the long
  window, and the short window is a twelfth of it (OpenSLO conditions have one window); ``alertAfter``,
  other severities, notification targets and the alertWhen* switches -> warnings
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from slaforge.importers.emit import finish
from slaforge.importers.model import AlertingDraft, Imported, ObjectiveDraft, PolicyDraft, SLADraft
from slaforge.importers.policies import from_factor, gridded
from slaforge.importers.queries import MappedSLI, Ratio, Unmappable, error_events, event_sum, parse, ratio_of, to_sli
from slaforge.importers.reader import Reader, dns_label, documents
from slaforge.spec.durations import Duration, parse_duration
from slaforge.spec.problems import Path, Problem
from slaforge.spec.yamlsource import Document, Position

TOOL = "OpenSLO"
V1 = "openslo/v1"
V1ALPHA = "openslo/v1alpha"
KINDS = {"SLO", "SLI", "Service", "DataSource", "AlertPolicy", "AlertCondition", "AlertNotificationTarget"}
CALENDARS = {"1M": ("month", "30d"), "1Q": ("quarter", "90d")}
_UNITS = {"Second": "s", "Minute": "m", "Hour": "h", "Day": "d", "Week": "w", "Month": "M", "Quarter": "Q",
          "Year": "Y"}
TIMESLICES = ("{method} budgeting counts good time slices, not events: slaforge's SLIs count events (bad over "
              "valid), so the SLO would mean something else; rewrite it as Occurrences to import it")


def is_openslo(value: Any) -> bool:
    return isinstance(value, dict) and str(value.get("apiVersion", "")).startswith("openslo/")


@dataclass
class _Object:
    reader: Reader
    kind: str
    name: str
    spec: Any
    version: str


@dataclass
class _Context:
    objects: dict[tuple[str, str], _Object] = field(default_factory=dict)
    readers: list[Reader] = field(default_factory=list)
    used: set[tuple[str, str]] = field(default_factory=set)

    def errors(self) -> int:
        return sum(len(r.errors) for r in self.readers)

    def find(self, kind: str, name: Any) -> _Object | None:
        found = self.objects.get((kind, str(name)))
        if found is not None:
            self.used.add((kind, str(name)))
        return found


@dataclass
class _SLO:
    service: str
    window: str
    calendar: str
    timezone: str
    labels: dict[str, str]
    objectives: list[ObjectiveDraft]
    origin: Position
    comments: list[str]
    policies: list[PolicyDraft] | None = None


def _collect(filename: str, docs: list[Document]) -> _Context:
    ctx = _Context()
    for doc in docs:
        reader = Reader(filename, doc, TOOL)
        ctx.readers.append(reader)
        value = doc.value
        if not is_openslo(value):
            reader.error((), "not an OpenSLO document (apiVersion: openslo/v1 or openslo/v1alpha)")
            continue
        version, kind = str(value["apiVersion"]), value.get("kind")
        if version not in (V1, V1ALPHA):
            reader.error(("apiVersion",), f"OpenSLO {version} is not imported: only {V1} and {V1ALPHA}")
            continue
        if kind not in KINDS:
            reader.warn(("kind",), f"OpenSLO kind {kind!r} has no slaforge meaning; it was not imported")
            continue
        name = value.get("metadata", {}).get("name") if isinstance(value.get("metadata"), dict) else None
        if not isinstance(name, str) or not name:
            reader.error(("metadata",), f"the {kind} needs metadata.name")
            continue
        if (kind, name) in ctx.objects:
            reader.error(("metadata", "name"), f"{kind} {name!r} is defined twice; this one is left out")
            continue
        ctx.objects[(kind, name)] = _Object(reader, kind, name, value.get("spec"), version)
    return ctx


def _labels(reader: Reader, metadata: Any) -> dict[str, str]:
    if not isinstance(metadata, dict):
        return {}
    for key in metadata:
        if key not in ("name", "displayName", "labels"):
            reader.warn(("metadata", key), f"metadata {key!r} has no slaforge meaning; it was not imported")
    raw = metadata.get("labels")
    if not isinstance(raw, dict):
        return {}
    labels = {}
    for key, value in raw.items():
        if isinstance(value, list):
            reader.warn(("metadata", "labels", key), f"label {key!r} has several values; slaforge labels have one, "
                        "so it was not imported")
            continue
        labels[str(key)] = "" if value is None else str(value)
    return reader.labels(labels, ("metadata", "labels"), "SLO")


def _window(reader: Reader, spec: dict[str, Any], version: str) -> tuple[str, str, str] | None:
    """(window, calendar, timezone) of the SLO, or None after saying why not."""
    key = "timeWindow" if version == V1 else "timeWindows"
    windows = spec.get(key)
    if windows is None:
        reader.warn(("spec",), "no timeWindow: imported with slaforge's usual 30d rolling window (REVIEW)")
        return "30d", "month", "UTC"
    if not isinstance(windows, list) or len(windows) != 1 or not isinstance(windows[0], dict):
        reader.error(("spec", key), "expected exactly one time window")
        return None
    tw, path = windows[0], ("spec", key, 0)
    duration = tw.get("duration")
    if duration is None and "count" in tw:  # v1alpha: {count: 28, unit: Day}
        duration = f"{tw.get('count')}{_UNITS.get(str(tw.get('unit')), '?')}"
    duration = str(duration)
    calendar = tw.get("calendar")
    rolling = tw.get("isRolling", calendar is None)
    if not rolling or calendar is not None:
        timezone = calendar.get("timeZone", "UTC") if isinstance(calendar, dict) else "UTC"
        if duration not in CALENDARS:
            reader.error((*path, "duration"), f"a calendar window of {duration} has no slaforge equivalent: "
                         "calendar periods are a month (1M) or a quarter (1Q)")
            return None
        start = calendar.get("startTime") if isinstance(calendar, dict) else None
        if start is not None and not _period_start(str(start), duration):
            reader.warn((*path, "calendar", "startTime"), "startTime is not carried: slaforge's calendar periods "
                        "start on the first day of each month or quarter, in the timezone")
        name, length = CALENDARS[duration]
        return length, name, str(timezone)
    try:
        parse_duration(duration)
    except ValueError:
        reader.error((*path, "duration" if "duration" in tw else "unit"),
                     f"a rolling window of {duration} has no slaforge equivalent (any of 1h..90d, in m, h, d or w)")
        return None
    return duration, "month", "UTC"


def _period_start(start: str, duration: str) -> bool:
    """Whether startTime is midnight on the first day of a month (of a quarter, for 1Q)."""
    match = re.fullmatch(r"\d{4}-(\d{2})-01[ T]00:00(:00)?", start.strip())
    return match is not None and (duration != "1Q" or int(match.group(1)) in (1, 4, 7, 10))


def _query(ctx: _Context, reader: Reader, part: Any, path: Path) -> tuple[Any, Path] | None:
    """The Prometheus query of one ratio part (v1 metricSource, or v1alpha source/query)."""
    if not isinstance(part, dict):
        reader.error(path, "expected a metric source with a Prometheus query")
        return None
    if "metricSource" not in part:  # v1alpha: {source: prometheus, queryType: promql, query: ...}
        source = str(part.get("source", "prometheus")).lower()
        if source != "prometheus":
            reader.error((*path, "source"), f"source {source!r} cannot be read: slaforge reads Prometheus")
            return None
        return part.get("query"), (*path, "query")
    source, spath = part["metricSource"], (*path, "metricSource")
    if not isinstance(source, dict):
        reader.error(spath, "expected a metric source")
        return None
    kind = source.get("type")
    ref = source.get("metricSourceRef")
    if ref is not None:
        data = ctx.find("DataSource", ref)
        if data is None:
            reader.error((*spath, "metricSourceRef"), f"no DataSource {ref!r} in this file")
            return None
        if kind is None and isinstance(data.spec, dict):
            kind = data.spec.get("type")
    if str(kind).lower() != "prometheus":
        reader.error(spath, f"data source type {kind!r} cannot be read: slaforge reads Prometheus")
        return None
    spec = source.get("spec")
    query = spec.get("query") if isinstance(spec, dict) else None
    return query, (*spath, "spec", "query")


def _parts(ctx: _Context, reader: Reader, metric: dict[str, Any], path: Path) -> dict[str, tuple[Any, Path]] | None:
    """The queries of a ratio's total and of exactly one of good and bad (v1 and v1alpha alike)."""
    parts: dict[str, tuple[Any, Path]] = {}
    for key in ("good", "bad", "total"):
        if key in metric:
            found = _query(ctx, reader, metric[key], (*path, key))
            if found is None:
                return None
            parts[key] = found
    if "total" not in parts or ("good" in parts) == ("bad" in parts):
        reader.error(path, "a ratio needs total and exactly one of good and bad")
        return None
    return parts


def _ratio(ctx: _Context, reader: Reader, metric: Any, path: Path) -> Ratio | None:
    if not isinstance(metric, dict):
        reader.error(path, "expected good or bad, and total")
        return None
    if "raw" in metric:
        reader.error((*path, "raw"), "a precomputed ratio (raw) cannot be mapped: slaforge needs the bad and the "
                     "total events to weigh every window by traffic")
        return None
    if metric.get("counter") is False:
        reader.warn((*path, "counter"), "counter: false; slaforge reads the queries' counters and takes their "
                    "increase itself (REVIEW that they are counters)")
    parts = _parts(ctx, reader, metric, path)
    if parts is None:
        return None
    sums = {}
    for key, (query, where) in parts.items():
        try:
            tree = parse(query, template=False)
            sums[key] = (tree, event_sum(tree, template=False, bare=True)) if key != "bad" else (tree, None)
        except Unmappable as exc:
            reader.error(where, f"cannot be mapped: {exc}")
            return None
    total = sums["total"][1]
    assert total is not None
    try:
        if "bad" in sums:
            return error_events(sums["bad"][0], total, template=False, bare=True)
        good = sums["good"][1]
        assert good is not None
        return ratio_of(total, good=good)
    except Unmappable as exc:
        reader.error(parts["bad" if "bad" in parts else "good"][1], f"cannot be mapped: {exc}")
        return None


def _indicator(ctx: _Context, obj: _Object, spec: dict[str, Any]) -> tuple[Reader, Any, Path] | None:
    """(reader, SLI spec, its path) from an inline indicator or an indicatorRef."""
    reader = obj.reader
    if "indicatorRef" in spec:
        sli = ctx.find("SLI", spec["indicatorRef"])
        if sli is None:
            reader.error(("spec", "indicatorRef"), f"no SLI {spec['indicatorRef']!r} in this file")
            return None
        return sli.reader, sli.spec, ("spec",)
    indicator = spec.get("indicator")
    if isinstance(indicator, dict):
        return reader, indicator.get("spec"), ("spec", "indicator", "spec")
    reader.error(("spec",), "the SLO needs an indicator or an indicatorRef")
    return None


def _sli(ctx: _Context, obj: _Object, spec: dict[str, Any], objective: dict[str, Any],
         path: Path) -> MappedSLI | None:
    reader = obj.reader
    if obj.version == V1ALPHA:
        if "ratioMetrics" not in objective:
            reader.error(path, "only ratioMetrics objectives can be mapped (a threshold on a sampled value is not "
                         "an event count)")
            return None
        ratio = _ratio_alpha(ctx, reader, objective["ratioMetrics"], (*path, "ratioMetrics"))
    else:
        found = _indicator(ctx, obj, spec)
        if found is None:
            return None
        sli_reader, sli_spec, sli_path = found
        if not isinstance(sli_spec, dict):
            sli_reader.error(sli_path, "the SLI needs a spec with a ratioMetric")
            return None
        if "thresholdMetric" in sli_spec:
            sli_reader.error((*sli_path, "thresholdMetric"), "a thresholdMetric cannot be mapped: it compares "
                             "sampled values with a threshold, where slaforge counts good and bad events; for "
                             "latency, use a ratioMetric of a histogram bucket (good) over its count (total)", key=True)
            return None
        ratio = _ratio(ctx, sli_reader, sli_spec.get("ratioMetric"), (*sli_path, "ratioMetric"))
    if ratio is None:
        return None
    return to_sli(ratio)


def _ratio_alpha(ctx: _Context, reader: Reader, metric: Any, path: Path) -> Ratio | None:
    """v1alpha ratioMetrics, whose queries (as Sloth writes them) may use {{.window}}."""
    if not isinstance(metric, dict):
        reader.error(path, "expected good and total")
        return None
    parts = _parts(ctx, reader, metric, path)
    if parts is None:
        return None
    out: dict[str, Any] = {}
    for key, (query, where) in parts.items():
        try:
            out[key] = event_sum(parse(query, template="{{" in str(query)), template="{{" in str(query), bare=True)
        except Unmappable as exc:
            reader.error(where, f"cannot be mapped: {exc}")
            return None
    try:
        return ratio_of(out["total"], good=out.get("good"), errors=out.get("bad"))
    except Unmappable as exc:
        reader.error(parts["good" if "good" in parts else "bad"][1], f"cannot be mapped: {exc}")
        return None


def _target(reader: Reader, objective: dict[str, Any], path: Path) -> float | None:
    if "targetPercent" in objective:
        value, where, scale = objective["targetPercent"], (*path, "targetPercent"), 1.0
    elif "target" in objective:
        value, where, scale = objective["target"], (*path, "target"), 100.0
    else:
        reader.error(path, "the objective needs target or targetPercent")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value * scale < 100:
        reader.error(where, f"a target of {value!r} has no slaforge equivalent: targets are strictly between 0% "
                     "and 100%")
        return None
    return round(float(value) * scale, 10)


BURN_SEVERITIES = ("page", "ticket")
_ABOVE = ("gt", "gte", None)


def _alert_policies(ctx: _Context, obj: _Object, spec: dict[str, Any], window: str | None) -> list[PolicyDraft] | None:
    """The SLO's burn-rate alert conditions as policies; None (slaforge's defaults) when it has none that map."""
    policies = spec.get("alertPolicies")
    if not isinstance(policies, list) or window is None:
        return None
    out: list[PolicyDraft] = []
    for i, policy in enumerate(policies):
        out += _alert_policy(ctx, obj.reader, policy, ("spec", "alertPolicies", i), Duration.parse(window))
    return out or None


def _alert_policy(ctx: _Context, reader: Reader, policy: Any, where: Path, window: Duration) -> list[PolicyDraft]:
    """One AlertPolicy (inline or referenced): its conditions, each located where it is written."""
    if isinstance(policy, dict) and "alertPolicyRef" in policy:
        found = ctx.find("AlertPolicy", policy["alertPolicyRef"])
        if found is None:
            reader.warn(where, f"no AlertPolicy {policy['alertPolicyRef']!r} in this file; not carried")
            return []
        reader, spec, name = found.reader, found.spec, repr(found.name)
        spec_path: Path = ("spec",)
    elif isinstance(policy, dict):
        spec = policy.get("spec")
        name = repr((policy.get("metadata") or {}).get("name", "(inline)"))
        spec_path = (*where, "spec")
    else:
        reader.warn(where, "expected an alert policy; not carried")
        return []
    if not isinstance(spec, dict):
        reader.warn(spec_path, f"alert policy {name} has no spec; not carried")
        return []
    if spec.get("alertWhenBreaching") is False:
        reader.warn((*spec_path, "alertWhenBreaching"), f"alert policy {name} does not alert when breaching; not "
                    "carried")
        return []
    for key, text in (("alertWhenResolved", "Alertmanager's send_resolved decides whether a resolved alert is sent"),
                      ("alertWhenNoData", "slaforge's SLASLIAbsent (a ticket) fires when the SLI has no data")):
        if spec.get(key) is True:
            reader.warn((*spec_path, key), f"{key} is not carried: {text}")
    targets = spec.get("notificationTargets")
    if isinstance(targets, list):
        for k, target in enumerate(targets):
            if isinstance(target, dict) and "targetRef" in target:
                ctx.find("AlertNotificationTarget", target["targetRef"])
            reader.warn((*spec_path, "notificationTargets", k), "notification targets are not carried: route "
                        "slaforge's alerts (labels sla, objective, severity) with its Alertmanager config")
    conditions = spec.get("conditions")
    out = []
    for k, condition in enumerate(conditions if isinstance(conditions, list) else []):
        cpath: Path = (*spec_path, "conditions", k)
        creader = reader
        if isinstance(condition, dict) and "conditionRef" in condition:
            ref = ctx.find("AlertCondition", condition["conditionRef"])
            if ref is None:
                reader.warn(cpath, f"no AlertCondition {condition['conditionRef']!r} in this file; not carried")
                continue
            creader, cspec, cpath = ref.reader, ref.spec, ("spec",)
        else:
            cspec = condition.get("spec") if isinstance(condition, dict) else None
            cpath = (*cpath, "spec")
        found_policy = _condition(creader, cspec, cpath, window, name)
        if found_policy is not None:
            out.append(found_policy)
    return out


def _condition(reader: Reader, spec: Any, where: Path, window: Duration, policy: str) -> PolicyDraft | None:
    """A burnrate AlertCondition as a policy: threshold x lookbackWindow, short window lookbackWindow / 12."""
    if not isinstance(spec, dict) or not isinstance(spec.get("condition"), dict):
        reader.warn(where, f"alert policy {policy}: expected a condition; not carried")
        return None
    body, bpath = spec["condition"], (*where, "condition")
    kind = body.get("kind", "burnrate")
    if kind != "burnrate":
        reader.warn((*bpath, "kind"), f"a {kind!r} condition is not carried: slaforge alerts on burn rates")
        return None
    severity = str(spec.get("severity", "")).lower()
    if severity not in BURN_SEVERITIES:
        reader.warn((*where, "severity"), f"severity {spec.get('severity')!r} is not carried: slaforge's burn-rate "
                    "alerts are page or ticket; write one of those to carry the condition")
        return None
    if body.get("op") not in _ABOVE:
        reader.warn((*bpath, "op"), f"op {body.get('op')!r} is not carried: a burn-rate alert fires above its "
                    "threshold")
        return None
    threshold = body.get("threshold")
    try:
        long = parse_duration(body.get("lookbackWindow"))
    except ValueError as exc:
        reader.warn((*bpath, "lookbackWindow"), f"the condition is not carried: {exc}")
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0 or long.ms <= 0:
        reader.warn(bpath, "the condition is not carried: it needs a threshold above 0 and a lookbackWindow")
        return None
    after = body.get("alertAfter")
    if after not in (None, "0m", "0s", "0", 0):
        reader.warn((*bpath, "alertAfter"), f"alertAfter {after} is not carried: slaforge's alerts fire as soon as "
                    "both their windows burn; the short window confirms the burn instead of a wait")
    short = Duration(long.ms // 12)
    source = (f"OpenSLO alert policy {policy}, {severity}: burn rate {threshold:g}x over {long} (short window {{}}: "
              "a twelfth of it, as OpenSLO conditions have one window)")
    draft = from_factor(severity, float(threshold), long, short, window, source.format(short), reader.place(bpath))
    moved, warning = gridded(draft, window, TOOL)
    if warning is not None:
        reader.warnings.append(warning)
    return replace(moved, source=source.format(moved.short))


def _read_slo(ctx: _Context, obj: _Object) -> _SLO | None:
    reader, spec = obj.reader, obj.spec
    if not isinstance(spec, dict):
        reader.error(("spec",), "the SLO needs a spec")
        return None
    before = ctx.errors()
    comments: list[str] = []
    service = spec.get("service")
    if not isinstance(service, str) or not service.strip():
        reader.error(("spec", "service"), "the SLO needs a service")
        return None
    svc = ctx.find("Service", service)
    if svc is not None and isinstance(svc.spec, dict) and svc.spec.get("description"):
        comments.append(f"OpenSLO Service {service}: {svc.spec['description']}")
    method = spec.get("budgetingMethod", "Occurrences")
    if method != "Occurrences":
        reader.error(("spec", "budgetingMethod"), TIMESLICES.format(method=method))
        return None
    window = _window(reader, spec, obj.version)
    labels = _labels(reader, (obj.reader.doc.value or {}).get("metadata"))
    policies = _alert_policies(ctx, obj, spec, window[0] if window else None)
    if policies is None and spec.get("alertPolicies"):
        comments.append(f"REVIEW: none of the alert policies of OpenSLO SLO {obj.name} is a burn-rate condition "
                        "slaforge can carry (see the warnings), so slaforge's default policies apply.")
    objectives = spec.get("objectives")
    if not isinstance(objectives, list) or not objectives:
        reader.error(("spec", "objectives"), "the SLO needs at least one objective")
        return None
    base = dns_label(obj.name) or "slo"
    drafts: list[ObjectiveDraft] = []
    description = spec.get("description")
    for i, objective in enumerate(objectives):
        path = ("spec", "objectives", i)
        if not isinstance(objective, dict):
            reader.error(path, "expected an objective")
            continue
        for key in ("op", "value", "timeSliceTarget", "timeSliceWindow"):
            if key in objective:
                reader.warn((*path, key), f"{key} has no meaning for an event-ratio SLI; it was not imported")
        target = _target(reader, objective, path)
        sli = _sli(ctx, obj, spec, objective, path)
        if target is None or sli is None:
            continue
        shown = objective.get("displayName")
        name = base if len(objectives) == 1 else dns_label(f"{base}-{shown or i + 1}")
        notes = list(sli.notes)
        if shown and len(objectives) == 1:
            notes.append(f"OpenSLO objective {shown!r}")
        drafts.append(ObjectiveDraft(name, target, sli.sli, str(description) if description else None, notes,
                                     group_by=sli.group_by))
    if window is None or ctx.errors() != before or not drafts:
        return None
    display = ((obj.reader.doc.value or {}).get("metadata") or {}).get("displayName")
    if display:
        comments.append(f"OpenSLO SLO {obj.name}: {display}")
    return _SLO(service.strip(), *window, labels, drafts, reader.where(()), comments, policies)


def _group(slos: list[_SLO]) -> list[SLADraft]:
    """SLOs of one service that agree on window, calendar, timezone and labels share an SLA."""
    groups: dict[tuple[Any, ...], list[_SLO]] = {}
    for slo in slos:
        policies = None if slo.policies is None else [(p.severity, p.budget_spent, p.long, p.short)
                                                      for p in slo.policies]
        groups.setdefault((slo.service, slo.window, slo.calendar, slo.timezone, repr(sorted(slo.labels.items())),
                           repr(policies)), []).append(slo)
    per_service: dict[str, int] = {}
    for key in groups:
        per_service[key[0]] = per_service.get(key[0], 0) + 1
    drafts = []
    for (service, window, calendar, timezone, _, _), members in groups.items():
        first = members[0]
        name = dns_label(service) or "service"
        if per_service[service] > 1:
            name = dns_label(f"{name}-{first.objectives[0].name}")
        objectives = [o for m in members for o in m.objectives]
        comments = [c for m in members for c in m.comments]
        if per_service[service] > 1:
            comments.append(f"OpenSLO service {service!r}: its SLOs differ in time window, labels or alert policies, "
                            "which slaforge keeps per SLA, so each set of SLOs that agree is an SLA of its own.")
        drafts.append(SLADraft(
            name, service, first.labels, AlertingDraft(policies=first.policies), objectives, comments,
            origin=first.origin, window=window,
            window_comment="The SLO window, from the OpenSLO timeWindow.", calendar=calendar, timezone=timezone,
        ))
    return drafts


def read_openslo(filename: str, docs: list[Document]) -> tuple[list[SLADraft], list[Problem], list[Problem]]:
    """(SLA drafts, errors, warnings) of the OpenSLO documents of one file."""
    ctx = _collect(filename, docs)
    slos = []
    for (kind, _), obj in list(ctx.objects.items()):
        if kind == "SLO":
            slo = _read_slo(ctx, obj)
            if slo is not None:
                slos.append(slo)
    for (kind, name), obj in ctx.objects.items():
        if kind in ("AlertPolicy", "AlertCondition", "AlertNotificationTarget") and (kind, name) not in ctx.used:
            obj.reader.warn(("kind",), f"{kind} {name!r} is not used by any SLO in this file; not carried")
    errors = [p for r in ctx.readers for p in r.errors]
    warnings = [p for r in ctx.readers for p in r.warnings]
    return _group(slos), errors, warnings


def import_openslo(text: str, filename: str = "<openslo>", *, provider: str | None = None,
                   customer: str | None = None) -> Imported:
    """OpenSLO text -> slaforge SLA YAML, every SLO that maps. SpecError when none does."""
    drafts, errors, warnings = read_openslo(filename, documents(text, filename, "OpenSLO document"))
    header = [
        f"Imported from the OpenSLO file {filename} by `slaforge import openslo`.",
        "Read every REVIEW comment, then check with `slaforge validate` and `slaforge explain`.",
    ]
    return finish(drafts, errors, warnings, filename=filename, tool=TOOL, header=header, provider=provider,
                  customer=customer)

