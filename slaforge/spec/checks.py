"""Checks that relate several fields of a structurally valid SLA.

Each check is a small function that reads the pieces of one SLA that validated on their own (a
:class:`~slaforge.spec.partial.PartialSLA`: all of them for a valid SLA) and yields ``(path, message)``;
the loader turns the path into FILE:LINE:COLUMN. Structure and single-field rules are in
:mod:`slaforge.spec.model`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from slaforge import gotemplate
from slaforge.conventions import RESERVED_LABELS
from slaforge.spec.durations import Duration
from slaforge.spec.model import LABEL_NAME, SLA, Expect
from slaforge.spec.partial import PartialSLA
from slaforge.spec.problems import Path
from slaforge.spec.promql import Selector

Finding = tuple[Path, str]
Check = Callable[[SLA], Iterator[Finding]]  # a command's own check of a valid SLA (see load_slas)
CrossCheck = Callable[[PartialSLA], Iterator[Finding]]  # a built-in check, also run on partial SLAs

DAY = Duration.parse("1d")
WEEK = Duration.parse("1w")


def _duplicates(names: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, name in names:
        if name in seen:
            yield index, name
        seen.add(name)


def probes_are_sound(sla: PartialSLA) -> Iterator[Finding]:
    for index, name in _duplicates((i, p.name) for i, p in sla.probes):
        yield ("spec", "probes", index, "name"), f"probe name {name!r} is used twice in this SLA"
    for index, probe in sla.probes:
        here: Path = ("spec", "probes", index)
        if probe.timeout.ms <= 0:
            yield (*here, "timeout"), "the timeout must be greater than 0"
        elif probe.timeout >= probe.interval:
            yield (
                (*here, "timeout"),
                f"the timeout ({probe.timeout}) must be shorter than the interval ({probe.interval})",
            )
        if probe.interval < Duration.parse("1s"):
            yield (*here, "interval"), f"the interval must be at least 1s, got {probe.interval}"
        if probe.scheme == "tcp":
            for key in ("method", "headers", "body"):
                default: object = {"method": "GET", "headers": {}, "body": None}[key]
                if getattr(probe, key) != default:
                    yield (*here, key), f"{key} has no meaning for a tcp:// probe"
        tls = probe.tls
        if probe.scheme != "https" and (
            tls.ca_file or tls.insecure_skip_verify or tls.server_name or tls.allow_http_redirect
        ):
            yield (*here, "tls"), "tls settings need an https:// url"
        elif tls.allow_http_redirect and not probe.follow_redirects:
            yield (
                (*here, "tls", "allow_http_redirect"),
                "allow_http_redirect has no effect with follow_redirects: false",
            )
        if probe.tls.ca_file and probe.tls.insecure_skip_verify:
            yield (*here, "tls", "ca_file"), "ca_file has no effect with insecure_skip_verify: true"


def objectives_are_sound(sla: PartialSLA) -> Iterator[Finding]:
    probes = {p.name: p for _, p in sla.probes}
    all_probes_known = sla.probes.complete
    for index, name in _duplicates((i, o.name) for i, o in sla.objectives):
        yield ("spec", "objectives", index, "name"), f"objective name {name!r} is used twice in this SLA"
    for index, objective in sla.objectives:
        sli: Path = ("spec", "objectives", index, "sli")
        ref = objective.sli.probe_name
        if ref is not None:
            ref_path: Path = (*sli, "probe") if objective.sli.probe is not None else (*sli, "probe_latency", "probe")
            if ref not in probes and all_probes_known:
                known = ", ".join(sorted(probes)) or "none declared"
                hint = _suggest(ref, list(probes))
                yield ref_path, f"no probe named {ref!r} in spec.probes{hint} (probes: {known})"
        latency = objective.sli.probe_latency
        if latency is not None and latency.probe in probes:
            timeout = probes[latency.probe].timeout
            if latency.threshold >= timeout:
                yield (
                    (*sli, "probe_latency", "threshold"),
                    f"the threshold ({latency.threshold}) must be shorter than the probe's timeout ({timeout})",
                )
        hist = objective.sli.latency
        if (
            hist is not None
            and hist.buckets is not None
            and not any(math.isclose(b, hist.threshold, rel_tol=1e-9) for b in hist.buckets)
        ):
            buckets = ", ".join(f"{b:g}" for b in hist.buckets)
            yield (
                (*sli, "latency", "threshold"),
                f"the threshold {hist.threshold:g} is not one of the histogram's buckets ({buckets})",
            )
        yield from _credits_are_sound(objective.target, objective.credits, ("spec", "objectives", index))


def _credits_are_sound(target: float, tiers: Sequence, here: Path) -> Iterator[Finding]:  # type: ignore[type-arg]
    for index, tier in enumerate(tiers):
        path: Path = (*here, "credits", index)
        if tier.below > target:
            yield (*path, "below"), f"below ({tier.below:g}) is above the target ({target:g}): credit while met"
        if not 0 < tier.below <= 100:
            yield (*path, "below"), f"below must be a percent in (0, 100], got {tier.below:g}"
        if index:
            before = tiers[index - 1]
            if tier.below >= before.below:
                yield (
                    (*path, "below"),
                    f"tiers must go from the highest 'below' down: {tier.below:g} follows {before.below:g}",
                )
            if tier.credit <= before.credit:
                yield (
                    (*path, "credit"),
                    f"a lower tier must owe more credit: {tier.credit:g} follows {before.credit:g}",
                )


def maintenance_is_sound(sla: PartialSLA) -> Iterator[Finding]:
    for index, window in sla.maintenance:
        here: Path = ("spec", "maintenance", index)
        for kind, limit in (("weekly", WEEK), ("daily", DAY), ("once", None)):
            item = getattr(window, kind)
            if item is None:
                continue
            path: Path = (*here, kind, "duration")
            if item.duration.ms <= 0:
                yield path, "the duration must be greater than 0"
            elif limit is not None and item.duration >= limit:
                yield path, f"a {kind} window of {item.duration} would never close (must be < {limit})"


def labels_are_sound(sla: PartialSLA) -> Iterator[Finding]:
    for where, labels in ((("metadata", "labels"), sla.labels), (("spec", "alerting", "labels"), sla.alerting.labels)):
        for key in labels:
            if key in RESERVED_LABELS:
                yield (*where, key), f"label {key!r} is set by slaforge and cannot be overridden"
    for key in sla.alerting.annotations:
        if not LABEL_NAME.fullmatch(key):
            yield ("spec", "alerting", "annotations", key), f"{key!r} is not a valid annotation name"


FAST_LIMIT = Duration.parse("1h")
MINUTE = Duration.parse("1m")
FIVE_MINUTES = Duration.parse("5m")


def policies_are_sound(sla: PartialSLA) -> Iterator[Finding]:
    """alerting.policies: windows that the rules can sum exactly, short < long <= window, no
    duplicate, and a factor that can fire for at least one objective (threshold < 100% errors)."""
    policies = sla.alerting.policies
    if policies is None:
        return
    window = sla.window  # None when the window itself did not validate
    if not policies:
        yield ("spec", "alerting", "policies"), "give at least one policy, or leave policies out for the default three"
    seen: dict[tuple[str, Duration, Duration], int] = {}
    budgets = [o.error_budget for _, o in sla.objectives]
    for index, policy in enumerate(policies):
        here: Path = ("spec", "alerting", "policies", index)
        bad_window = False
        for key in ("long", "short"):
            value: Duration = getattr(policy, key)
            step = MINUTE if value <= FAST_LIMIT else FIVE_MINUTES
            if value.ms <= 0 or value.ms % step.ms:
                bad_window = True
                yield (*here, key), (
                    f"{key} ({value}) must be a whole number of minutes up to 1h, of 5 minutes beyond "
                    "(the windows are sums of 1m and 5m pieces)"
                )
        if not 0 < policy.budget_spent <= 100:
            yield (*here, "budget_spent"), f"budget_spent must be a percent in (0, 100], got {policy.budget_spent:g}"
            continue
        if policy.short >= policy.long:
            yield (*here, "short"), f"short ({policy.short}) must be shorter than long ({policy.long})"
        if window is None:
            pass
        elif policy.long > window:
            yield (*here, "long"), (
                f"long ({policy.long}) exceeds the SLA window ({window}): the budget is defined over it"
            )
        elif not bad_window and budgets:
            factor = policy.budget_spent / 100 * window.ms / policy.long.ms
            if all(factor * b >= 1 for b in budgets):
                yield (*here, "budget_spent"), (
                    f"burn factor {factor:.4g} x error budget {max(budgets):g} >= 1: even a total outage "
                    "could never fire it (spend less budget, or use a longer window)"
                )
        key3 = (policy.severity, policy.long, policy.short)
        if key3 in seen:
            yield here, (
                f"duplicate of policy {seen[key3]}: same severity {policy.severity} and windows "
                f"{policy.long}/{policy.short}"
            )
        else:
            seen[key3] = index


def escalation_is_sound(sla: PartialSLA) -> Iterator[Finding]:
    steps = sla.escalation
    if steps.count and not sla.alerting.page.enabled:
        yield ("spec", "escalation"), "escalation follows the page alert, but alerting.page.enabled is false"
    policies = sla.alerting.policies
    if steps.count and sla.alerting.page.enabled and policies and not any(p.severity == "page" for p in policies):
        yield ("spec", "escalation"), "escalation follows the page alert, but alerting.policies has no page policy"
    for index, step in steps:
        before = steps.get(index - 1)
        if before is None:  # the first step, or the one before it did not validate
            continue
        if step.after <= before.after:
            yield (
                ("spec", "escalation", index, "after"),
                f"steps must be in increasing order of 'after': {step.after} follows {before.after}",
            )


HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP token (RFC 9110)


def header_value_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as an HTTP header value, or None; never quotes the value.

    Printable ASCII with inner spaces or tabs (RFC 9110 field-value, without obsolete octets): what a
    server receives is then exactly what the SLA says.
    """
    for index, char in enumerate(value):
        if char in "\r\n":
            return "a header value cannot contain a line break"
        if char != "\t" and not " " <= char <= "~":
            what = "a control character" if ord(char) < 0x80 else "a non-ASCII character"
            return f"a header value cannot contain {what} (U+{ord(char):04X} at position {index + 1})"
    if value != value.strip(" \t"):
        return "a header value cannot start or end with a space or tab (HTTP would strip it)"
    return None


def requests_are_sound(sla: PartialSLA) -> Iterator[Finding]:
    """What a probe sends and expects must be something the probe can actually do."""
    for index, probe in sla.probes:
        here: Path = ("spec", "probes", index)
        for name, value in probe.headers.items():
            if not HEADER_NAME.fullmatch(name):
                yield (*here, "headers", name), f"{name!r} is not a valid HTTP header name"
            else:
                problem = header_value_problem(value)
                if problem is not None:
                    yield (*here, "headers", name), problem
        if probe.scheme == "tcp" and probe.expect != Expect():
            yield (
                (*here, "expect"),
                "expect has no meaning for a tcp:// probe (it succeeds when the port accepts a connection)",
            )
        if probe.method == "HEAD" and probe.expect.body_regex is not None:
            yield (*here, "expect", "body_regex"), "a HEAD response has no body, so body_regex could never match"


def slis_are_sound(sla: PartialSLA) -> Iterator[Finding]:
    """Metric-based SLIs that would parse but could never measure anything useful."""
    for index, objective in sla.objectives:
        sli: Path = ("spec", "objectives", index, "sli")
        ratio = objective.sli.ratio
        if ratio is not None:
            field, part = ("errors", "an error") if ratio.errors is not None else ("good", "good")
            mine = ratio.errors_selectors or ratio.good_selectors
            if any(_same_series(a, b) for a in mine for b in ratio.total_selectors):
                yield (
                    (*sli, "ratio", field),
                    f"{field} and total select the same series: every event would be {part}",
                )
        hist = objective.sli.latency
        if hist is None:
            continue
        if any(m.name == "le" for m in hist.selector.matchers):
            yield (
                (*sli, "latency", "histogram"),
                "remove the le matcher: slaforge picks the bucket from the threshold",
            )
        if hist.buckets is not None and any(b >= a for b, a in zip(hist.buckets, hist.buckets[1:], strict=False)):
            yield (*sli, "latency", "buckets"), "buckets must be in strictly increasing order, as Prometheus has them"


def annotations_are_templates(sla: PartialSLA) -> Iterator[Finding]:
    """alerting.annotations are Prometheus templates on purpose: one that Prometheus cannot parse
    would make it refuse the whole rule file, i.e. the monitoring of every SLA in it."""
    for key, value in sla.alerting.annotations.items():
        try:
            gotemplate.check(value)
        except gotemplate.TemplateError as exc:
            yield (
                ("spec", "alerting", "annotations", key),
                f"not a valid Prometheus template: {exc} (write {{{{ \"{{{{\" }}}} for a literal {{{{)",
            )

def group_by_is_sound(sla: PartialSLA) -> Iterator[Finding]:
    """group_by only on ratio and latency SLIs, and never a label slaforge or the SLA sets itself."""
    own = set(sla.labels) | set(sla.alerting.labels)
    for index, objective in sla.objectives:
        if not objective.group_by:
            continue
        here: Path = ("spec", "objectives", index, "group_by")
        if objective.sli.kind in ("probe", "probe_latency"):
            yield here, (
                f"group_by needs a ratio or latency SLI: a {objective.sli.kind} SLI has one series per probe, "
                "nothing to group"
            )
            continue
        for position, key in enumerate(objective.group_by):
            if key in RESERVED_LABELS:
                yield (*here, position), f"label {key!r} is set by slaforge and cannot be a group label"
            elif key in own:
                yield (*here, position), f"label {key!r} is already set by metadata.labels or alerting.labels"


def _same_series(a: Selector, b: Selector) -> bool:
    return a.metric == b.metric and set(a.matchers) == set(b.matchers)


CHECKS: tuple[CrossCheck, ...] = (
    probes_are_sound,
    requests_are_sound,
    objectives_are_sound,
    slis_are_sound,
    maintenance_is_sound,
    labels_are_sound,
    group_by_is_sound,
    policies_are_sound,
    escalation_is_sound,
    annotations_are_templates,
)


def check_sla(sla: SLA | PartialSLA) -> list[Finding]:
    """The findings of every built-in check, on a valid SLA or on the valid pieces of an invalid one."""
    pieces = PartialSLA.of(sla) if isinstance(sla, SLA) else sla
    return [finding for check in CHECKS for finding in check(pieces)]


def _suggest(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
