"""Every validation rule of the SLA file, each asserted as one located problem.

Each case edits one spot of the complete valid SLA in ``helpers.BASE`` and expects exactly one
problem: at the line and column of ``needle`` in the edited text, naming ``path``, saying ``fragment``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from slaforge.spec import load_text
from tests.spec.helpers import BASE, assert_located, at, edit, one_problem, problems


@dataclass(frozen=True)
class Case:
    id: str
    old: str
    new: str
    needle: str  # where the problem must be reported, in the edited text
    path: str
    fragment: str
    occurrence: int = 1


def case(id: str, old: str, new: str, needle: str, path: str, fragment: str, occurrence: int = 1) -> object:
    return pytest.param(Case(id, old, new, needle, path, fragment, occurrence), id=id)


T0 = "spec.objectives[0]"
P0 = "spec.probes[0]"
TARGET = "      target: 99.9\n"
SELECTOR = 'total: http_requests_total{job="checkout"}'

TICKET = "    ticket: {enabled: true}\n"
POL = "spec.alerting.policies"


def policy(windows: str, spent: str = "2%", severity: str = "page") -> str:
    return f"{TICKET}    policies:\n      - {{severity: {severity}, budget_spent: {spent}, {windows}}}\n"


CASES = [
    # --- document header ---------------------------------------------------------------
    case("apiVersion-wrong", "apiVersion: slaforge/v1", "apiVersion: slaforge/v2", "slaforge/v2", "apiVersion",
         "'slaforge/v2' is not one of slaforge/v1; did you mean 'slaforge/v1'?"),
    case("kind-wrong-case", "kind: SLA", "kind: Sla", "Sla", "kind", "'Sla' is not one of SLA; did you mean 'SLA'?"),
    case("kind-other", "kind: SLA", "kind: Deployment", "Deployment", "kind", "'Deployment' is not one of SLA"),
    # --- unknown keys, with and without a suggestion -----------------------------------------
    case("unknown-top-key", "kind: SLA\n", "kind: SLA\nmetdata2: {}\n", "metdata2", "metdata2",
         "unknown field 'metdata2'; did you mean 'metadata'?"),
    case("unknown-probe-key", "      method: GET\n", "      methd: GET\n", "methd", f"{P0}.methd",
         "unknown field 'methd'; did you mean 'method'?"),
    case("unknown-key-lists-known", "      method: GET\n", "      retries: 3\n", "retries", f"{P0}.retries",
         "unknown field 'retries' (known fields: body, expect, follow_redirects, headers, interval, keepalive,"),
    case("unknown-sli-kind", "sli: {probe: healthz}", "sli: {probes: healthz}", "probes: healthz", f"{T0}.sli.probes",
         "unknown field 'probes'; did you mean 'probe'?"),
    case("unknown-maintenance-kind", "    - once:", "    - monthly: {day: 1}\n    - once:", "monthly",
         "spec.maintenance[1].monthly", "unknown field 'monthly' (known fields: daily, description, once, weekly)"),
    # --- required fields and types ----------------------------------------------------------
    case("missing-service", "  service: checkout-api\n", "", "provider: Payments", "spec.service",
         "required field is missing"),
    case("missing-target", TARGET, "", "name: availability", f"{T0}.target", "required field is missing"),
    case("name-not-string", "  name: checkout", "  name: [checkout]", "[checkout]", "metadata.name",
         "expected a string, got a list"),
    case("metadata-not-mapping", "  name: checkout\n  labels: {team: payments}\n", "  - checkout\n", "- checkout",
         "metadata", "expected a mapping, got a list"),
    case("header-value-number", "headers: {}", "headers: {X-Retry: 1}", "1}", f"{P0}.headers.X-Retry",
         "expected a string, got a number"),
    case("headers-list", "headers: {}", "headers: [a]", "[a]", f"{P0}.headers", "expected a mapping, got a list"),
    case("bool-not-bool", "ticket: {enabled: true}", "ticket: {enabled: sometimes}", "sometimes",
         "spec.alerting.ticket.enabled", "expected true or false, got a string ('sometimes')"),
    case("sli-null", "sli: {probe: healthz}", "sli: null", "sli: »null", f"{T0}.sli",
         "expected a mapping, got nothing"),
    case("calendar-unknown", "calendar: month", "calendar: year", "year", "spec.calendar",
         "'year' is not one of month, quarter, none"),
    case("calendar-near-miss", "calendar: month", "calendar: quartr", "quartr", "spec.calendar",
         "did you mean 'quarter'?"),
    case("receiver-empty", "receiver: payments-oncall", "receiver: ''", "''", "spec.escalation[0].receiver",
         "must not be empty"),
    # --- durations ----------------------------------------------------------------------
    case("duration-bare-number", "window: 30d", "window: 30", "30", "spec.window",
         "expected a duration string such as 30s, 5m, 2h or 30d, got 30"),
    case("duration-words", "window: 30d", "window: 30 days", "30 days", "spec.window", "invalid duration '30 days'"),
    case("duration-unit-order", "window: 30d", "window: 30m1d", "30m1d", "spec.window",
         "units must go from largest to smallest"),
    case("duration-unknown-unit", "interval: 15s", "interval: 15sec", "15sec", f"{P0}.interval",
         "invalid duration '15sec'"),
    case("duration-negative", "interval: 15s", "interval: -15s", "-15s", f"{P0}.interval",
         "invalid duration '-15s'"),
    # --- window ----------------------------------------------------------------------------
    case("window-too-short", "window: 30d", "window: 59m", "59m", "spec.window",
         "the window must be between 1h and 90d, got 59m"),
    case("window-too-long", "window: 30d", "window: 91d", "91d", "spec.window",
         "the window must be between 1h and 90d"),
    # --- percents ---------------------------------------------------------------------------
    case("target-zero", TARGET, "      target: 0\n", "0\n", f"{T0}.target",
         "the target must be a percent strictly between 0 and 100, got 0"),
    case("target-hundred", TARGET, "      target: 100\n", "100\n", f"{T0}.target",
         "strictly between 0 and 100, got 100"),
    case("target-150", TARGET, "      target: 150\n", "150", f"{T0}.target", "strictly between 0 and 100, got 150"),
    case("target-hundred-percent-string", TARGET, '      target: "100%"\n', '"100%"', f"{T0}.target", "got 100"),
    case("target-negative-string", TARGET, '      target: "-5%"\n', '"-5%"', f"{T0}.target", "got -5"),
    case("target-abc", TARGET, "      target: abc\n", "abc", f"{T0}.target",
         "expected a percent such as 99.9 or \"99.9%\", got 'abc'"),
    case("target-bool", TARGET, "      target: true\n", "true", f"{T0}.target", "expected a percent"),
    case("target-ratio-typo", TARGET, "      target: 0.999\n", "0.999", f"{T0}.target",
         "the target is a percent, not a ratio: 0.999 means 0.999%; for 99.9% write 99.9"),
    # --- DNS-label names -------------------------------------------------------------------
    case("sla-name-upper", "name: checkout", "name: Checkout", "Checkout", "metadata.name",
         "'Checkout' is not a lowercase DNS label"),
    case("sla-name-underscore", "name: checkout", "name: check_out", "check_out", "metadata.name",
         "not a lowercase DNS label"),
    case("sla-name-leading-dash", "name: checkout", "name: -checkout", "-checkout", "metadata.name",
         "not a lowercase DNS label"),
    case("sla-name-64-chars", "name: checkout", "name: " + "a" * 64, "a" * 64, "metadata.name",
         "at most 63 characters"),
    case("probe-name", "name: healthz", "name: Health.z", "Health.z", f"{P0}.name", "not a lowercase DNS label"),
    case("objective-name", "name: availability", "name: avail ability", "avail ability", f"{T0}.name",
         "not a lowercase DNS label"),
    # --- uniqueness ----------------------------------------------------------------------------
    case("objective-name-twice", "name: availability", "name: latency", "latency", "spec.objectives[1].name",
         "objective name 'latency' is used twice in this SLA", occurrence=2),
    # --- probes ----------------------------------------------------------------------------
    case("timeout-equals-interval", "timeout: 5s", "timeout: 15s", "15s", f"{P0}.timeout",
         "the timeout (15s) must be shorter than the interval (15s)", occurrence=2),
    case("timeout-above-interval", "timeout: 5s", "timeout: 1m", "1m", f"{P0}.timeout",
         "the timeout (1m) must be shorter than the interval (15s)"),
    case("url-scheme", "url: https://checkout.example.com/healthz", "url: ftp://checkout.example.com/",
         "ftp://", f"{P0}.url", "the scheme must be http, https or tcp"),
    case("url-no-scheme", "url: https://checkout.example.com/healthz", "url: checkout.example.com",
         "checkout.example.com", f"{P0}.url", "the scheme must be http, https or tcp"),
    case("url-port-range", "url: https://checkout.example.com/healthz", "url: https://checkout.example.com:99999/",
         "https://", f"{P0}.url", "invalid port"),
    case("url-port-text", "url: https://checkout.example.com/healthz", "url: https://checkout.example.com:web/",
         "https://", f"{P0}.url", "invalid port"),
    case("url-no-host", "url: https://checkout.example.com/healthz", "url: https:///healthz", "https://", f"{P0}.url",
         "no host"),
    case("url-bad-ipv6", "url: https://checkout.example.com/healthz", "url: 'http://[::1/'", "'http", f"{P0}.url",
         "Invalid IPv6 URL"),
    case("tcp-needs-port", "url: https://checkout.example.com/healthz", "url: tcp://checkout.example.com",
         "tcp://", f"{P0}.url", "a tcp:// probe needs a port (tcp://host:port)"),
    case("method-unknown", "method: GET", "method: FETCH", "FETCH", f"{P0}.method",
         "'FETCH' is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"),
    case("status-out-of-range", 'status: ["2xx"]', 'status: ["2xx", "600"]', '["2xx"', f"{P0}.expect.status",
         "'600' is not an HTTP status (like 200) or class (like \"2xx\")"),
    case("status-word", 'status: ["2xx"]', "status: ok", "ok", f"{P0}.expect.status", "'ok' is not an HTTP status"),
    case("status-empty", 'status: ["2xx"]', "status: []", "[]", f"{P0}.expect.status",
         "at least one accepted status is needed"),
    case("body-regex", "body_regex: '\"status\":\\s*\"ok\"'", "body_regex: '(['", "'(['", f"{P0}.expect.body_regex",
         "invalid regular expression"),
    case("tls-insecure-with-ca", "tls: {insecure_skip_verify: false, ca_file: null}",
         "tls: {insecure_skip_verify: true, ca_file: /etc/ssl/ca.pem}", "/etc/ssl", f"{P0}.tls.ca_file",
         "ca_file has no effect with insecure_skip_verify: true"),
    case("interval-below-1s", "interval: 15s\n      timeout: 5s", "interval: 900ms\n      timeout: 500ms", "900ms",
         f"{P0}.interval", "the interval must be at least 1s, got 900ms"),
    case("header-name", "headers: {}", "headers: {X Trace: abc}", "abc}", f"{P0}.headers.X Trace",
         "'X Trace' is not a valid HTTP header name"),
    case("header-value-line-break", "headers: {}", 'headers: {X-Trace: "a\\r\\nInjected: 1"}', '"a\\r',
         f"{P0}.headers.X-Trace", "a header value cannot contain a line break"),
    case("head-with-body-regex", "method: GET", "method: HEAD", "'\"status", f"{P0}.expect.body_regex",
         "a HEAD response has no body, so body_regex could never match"),
    # --- SLIs --------------------------------------------------------------------------------
    case("sli-no-kind", "sli: {probe: healthz}", "sli: {}", "sli: »{}", f"{T0}.sli",
         "an SLI is exactly one of probe, probe_latency, ratio, latency"),
    case("sli-two-kinds", "sli: {probe: healthz}", "sli: {probe: healthz, ratio: {errors: a, total: b}}", "{probe",
         f"{T0}.sli", "an SLI is exactly one of probe, probe_latency, ratio, latency (got probe, ratio)"),
    case("probe-ref-suggestion", "sli: {probe: healthz}", "sli: {probe: healhtz}", "healhtz", f"{T0}.sli.probe",
         "no probe named 'healhtz' in spec.probes (did you mean 'healthz'?) (probes: healthz)"),
    case("probe-ref-unknown", "sli: {probe: healthz}", "sli: {probe: login}", "login", f"{T0}.sli.probe",
         "no probe named 'login' in spec.probes (probes: healthz)"),
    case("probe-latency-ref", "{probe: healthz, threshold: 300ms}", "{probe: healthy, threshold: 300ms}", "healthy",
         "spec.objectives[1].sli.probe_latency.probe", "no probe named 'healthy' in spec.probes (did you mean"),
    case("probe-latency-threshold-vs-timeout", "threshold: 300ms", "threshold: 5s", "5s}",
         "spec.objectives[1].sli.probe_latency.threshold",
         "the threshold (5s) must be shorter than the probe's timeout (5s)"),
    case("probe-latency-threshold-number", "threshold: 300ms", "threshold: 0.3", "0.3}",
         "spec.objectives[1].sli.probe_latency.threshold", "expected a duration string"),
    case("histogram-threshold-not-a-bucket", "threshold: 0.3\n", "threshold: 0.25\n", "0.25",
         "spec.objectives[3].sli.latency.threshold",
         "the threshold 0.25 is not one of the histogram's buckets (0.1, 0.3, 1)"),
    case("histogram-threshold-zero", "threshold: 0.3\n", "threshold: 0\n", "0\n",
         "spec.objectives[3].sli.latency.threshold", "the threshold must be greater than 0"),
    case("histogram-threshold-infinite", "threshold: 0.3\n", "threshold: .inf\n", ".inf",
         "spec.objectives[3].sli.latency.threshold", "the threshold must be a finite number of seconds, got inf"),
    case("histogram-threshold-word", "threshold: 0.3\n", "threshold: fast\n", "fast",
         "spec.objectives[3].sli.latency.threshold", "invalid duration 'fast'"),
    case("ratio-same-series", 'errors: http_requests_total{job="checkout",code=~"5.."}',
         'errors: http_requests_total{job="checkout"}', 'http_requests_total{job="checkout"}\n',
         "spec.objectives[2].sli.ratio.errors",
         "errors and total select the same series: every event would be an error"),
    case("histogram-le-matcher", 'histogram: http_request_duration_seconds{job="checkout"}',
         'histogram: http_request_duration_seconds_bucket{job="checkout",le="0.3"}', "http_request_duration_seconds_b",
         "spec.objectives[3].sli.latency.histogram",
         "remove the le matcher: slaforge picks the bucket from the threshold"),
    case("histogram-buckets-order", "buckets: [0.1, 0.3, 1]", "buckets: [0.1, 1, 0.3]", "[0.1, 1",
         "spec.objectives[3].sli.latency.buckets", "buckets must be in strictly increasing order"),
    # --- PromQL selectors -----------------------------------------------------------------
    case("promql-syntax", SELECTOR, 'total: http_requests_total{job="checkout"',
         "http_requests_total{job=\"checkout\"\n", "spec.objectives[2].sli.ratio.total", "invalid PromQL selector"),
    case("promql-function", SELECTOR, "total: rate(http_requests_total[5m])", "rate(",
         "spec.objectives[2].sli.ratio.total",
         "expected a plain series selector (no functions, ranges or operators)"),
    case("promql-aggregation", SELECTOR, "total: sum(http_requests_total)", "sum(",
         "spec.objectives[2].sli.ratio.total", "the generator adds rate(...[W]) itself"),
    case("promql-range", SELECTOR, "total: http_requests_total[5m]", "http_requests_total[5m]",
         "spec.objectives[2].sli.ratio.total", "expected a plain series selector"),
    case("promql-offset", SELECTOR, "total: http_requests_total offset 5m", "http_requests_total offset",
         "spec.objectives[2].sli.ratio.total", "offset and @ modifiers are not allowed"),
    case("promql-at", SELECTOR, "total: http_requests_total @ 1700000000", "http_requests_total @",
         "spec.objectives[2].sli.ratio.total", "offset and @ modifiers are not allowed"),
    case("promql-binary", SELECTOR, "total: a_total or b_total", "a_total or", "spec.objectives[2].sli.ratio.total",
         "expected a plain series selector"),
    case("promql-no-metric", SELECTOR, "total: '{job=\"checkout\"}'", "'{job", "spec.objectives[2].sli.ratio.total",
         "the selector must name a metric"),
    case("promql-empty", SELECTOR, "total: ''", "''", "spec.objectives[2].sli.ratio.total",
         "expected a PromQL series selector"),
    case("promql-histogram", 'histogram: http_request_duration_seconds{job="checkout"}',
         "histogram: histogram_quantile(0.99, x)", "histogram_quantile", "spec.objectives[3].sli.latency.histogram",
         "expected a plain series selector"),
    # --- credits ------------------------------------------------------------------------------
    case("credit-above-100", "{below: 99.0, credit: 25}", "{below: 99.0, credit: 101}", "101",
         f"{T0}.credits[1].credit", "must be at most 100, got 101"),
    case("credit-negative", "{below: 99.0, credit: 25}", "{below: 99.0, credit: -1}", "credit: »-1",
         f"{T0}.credits[1].credit", "must be at least 0, got -1"),
    case("credit-not-ascending", "{below: 99.0, credit: 25}", "{below: 99.0, credit: 10}", "10}",
         f"{T0}.credits[1].credit", "a lower tier must owe more credit: 10 follows 10", occurrence=2),
    case("below-not-descending", "{below: 95.0, credit: 100}", "{below: 99.5, credit: 100}", "99.5",
         f"{T0}.credits[2].below", "tiers must go from the highest 'below' down: 99.5 follows 99"),
    case("below-above-target", "{below: 99.9, credit: 10}", "{below: 99.95, credit: 10}", "99.95",
         f"{T0}.credits[0].below", "below (99.95) is above the target (99.9): credit while met"),
    case("below-zero", "{below: 95.0, credit: 100}", "{below: 0, credit: 100}", "0, credit: 100",
         f"{T0}.credits[2].below", "below must be a percent in (0, 100], got 0"),
    case("below-word", "{below: 95.0, credit: 100}", "{below: half, credit: 100}", "half",
         f"{T0}.credits[2].below", "expected a percent"),
    # --- maintenance --------------------------------------------------------------------------
    case("maintenance-no-kind", "    - once:", "    - {description: patching}\n    - once:", "{description",
         "spec.maintenance[1]", "a maintenance window is exactly one of weekly, daily, once"),
    case("maintenance-two-kinds", '    - weekly: {day: sunday, start: "02:00", duration: 2h}\n',
         '    - weekly: {day: sunday, start: "02:00", duration: 2h}\n      daily: {start: "01:00", duration: 1h}\n',
         "weekly", "spec.maintenance[0]", "exactly one of weekly, daily, once"),
    case("weekly-unquoted-time", 'start: "02:00", duration: 2h', "start: 2:00, duration: 2h", "2:00",
         "spec.maintenance[0].weekly.start", "quote the time: write \"HH:MM\" (YAML read 120 as a number)"),
    case("weekly-time-range", 'start: "02:00", duration: 2h', 'start: "24:00", duration: 2h', '"24:00"',
         "spec.maintenance[0].weekly.start", "expected a time of day \"HH:MM\" (24h), got '24:00'"),
    case("weekly-day", "day: sunday", "day: sundy", "sundy", "spec.maintenance[0].weekly.day",
         "'sundy' is not one of monday, tuesday, wednesday, thursday, friday, saturday, sunday; "
         "did you mean 'sunday'?"),
    case("weekly-too-long", "duration: 2h}", "duration: 1w}", "1w}", "spec.maintenance[0].weekly.duration",
         "a weekly window of 7d would never close (must be < 7d)"),
    case("weekly-zero", "duration: 2h}", "duration: 0s}", "0s}", "spec.maintenance[0].weekly.duration",
         "the duration must be greater than 0"),
    case("weekly-missing-duration", 'start: "02:00", duration: 2h', 'start: "02:00"', "{day",
         "spec.maintenance[0].weekly.duration", "required field is missing"),
    case("daily-unquoted-time", "    - once:", "    - daily: {start: 12:30, duration: 1h}\n    - once:", "12:30",
         "spec.maintenance[1].daily.start", "quote the time"),
    case("daily-too-long", "    - once:", '    - daily: {start: "01:00", duration: 24h}\n    - once:', "24h",
         "spec.maintenance[1].daily.duration", "a daily window of 1d would never close (must be < 1d)"),
    case("once-bad-instant", '"2026-12-01T02:00:00Z"', '"2026-13-01T02:00:00Z"', '"2026-13',
         "spec.maintenance[1].once.start", "expected an ISO 8601 time such as"),
    case("once-date-only", '"2026-12-01T02:00:00Z"', "2026-12-01", "2026-12-01", "spec.maintenance[1].once.start",
         "give a time of day too"),
    case("once-zero-duration", "duration: 4h}", "duration: 0m}", "0m}", "spec.maintenance[1].once.duration",
         "the duration must be greater than 0"),
    case("once-bad-duration", "duration: 4h}", "duration: four hours}", "four", "spec.maintenance[1].once.duration",
         "invalid duration 'four hours'"),
    # --- labels ----------------------------------------------------------------------------
    case("reserved-metadata-label", "labels: {team: payments}", "labels: {team: payments, sla: other}", "other",
         "metadata.labels.sla", "label 'sla' is set by slaforge and cannot be overridden"),
    case("reserved-alerting-label", "    labels: {}\n", "    labels: {severity: critical}\n", "critical",
         "spec.alerting.labels.severity", "label 'severity' is set by slaforge and cannot be overridden"),
    case("reserved-le", "    labels: {}\n", "    labels: {le: '1'}\n", "'1'", "spec.alerting.labels.le",
         "label 'le' is set by slaforge"),
    case("label-name-syntax", "    labels: {}\n", "    labels: {team-name: web}\n", "{team-name",
         "spec.alerting.labels", "'team-name' is not a valid Prometheus label name"),
    case("label-name-dunder", "labels: {team: payments}", "labels: {__team: payments}", "{__team",
         "metadata.labels", "'__team' is not a valid Prometheus label name"),
    case("annotation-name", 'annotations: {runbook_url: "https://runbooks.example.com/checkout"}',
         'annotations: {runbook url: "https://runbooks.example.com/checkout"}', '"https://runbooks',
         "spec.alerting.annotations.runbook url", "'runbook url' is not a valid annotation name"),
    # --- timezone ------------------------------------------------------------------------------
    case("timezone-unknown", "timezone: UTC", "timezone: Europe/Berln", "Europe/Berln", "spec.timezone",
         "'Europe/Berln' is not an IANA timezone name (like UTC or Europe/Berlin)"),
    case("timezone-path", "timezone: UTC", "timezone: ../../etc/passwd", "../..", "spec.timezone",
         "is not an IANA timezone name"),
    case("timezone-abbreviation", "timezone: UTC", "timezone: CEST", "CEST", "spec.timezone",
         "is not an IANA timezone name"),
    # --- escalation -----------------------------------------------------------------------------
    case("escalation-order", "{after: 30m, receiver: payments-lead}", "{after: 0m, receiver: payments-lead}", "0m, r",
         "spec.escalation[1].after", "steps must be in increasing order of 'after': 0s follows 0s", occurrence=2),
    case("escalation-order-later", "{after: 0m, receiver: payments-oncall}", "{after: 1h, receiver: payments-oncall}",
         "30m", "spec.escalation[1].after", "steps must be in increasing order of 'after': 30m follows 1h"),
    # --- alerting.policies ------------------------------------------------------------------------
    case("policy-short-not-shorter", TICKET, policy("long: 1h, short: 2h"), "2h}", f"{POL}[0].short",
         "short (2h) must be shorter than long (1h)", occurrence=2),
    case("policy-long-over-window", TICKET, policy("long: 31d, short: 1d"), "31d", f"{POL}[0].long",
         "long (31d) exceeds the SLA window (30d): the budget is defined over it"),
    case("policy-never-fires", TICKET, policy("long: 10m, short: 5m", spent="100%"), "100%",
         f"{POL}[0].budget_spent", "burn factor 4320 x error budget 0.01 >= 1: even a total outage could never"),
    case("policy-window-grid", TICKET, policy("long: 90s, short: 1m"), "90s", f"{POL}[0].long",
         "long (1m30s) must be a whole number of minutes up to 1h, of 5 minutes beyond"),
    case("policy-window-grid-long", TICKET, policy("long: 2h1m, short: 5m"), "2h1m", f"{POL}[0].long",
         "must be a whole number of minutes up to 1h, of 5 minutes beyond"),
    case("policy-duplicate", TICKET,
         policy("long: 1h, short: 5m") + "      - {severity: page, budget_spent: 3%, long: 1h, short: 5m}\n",
         "{severity: page, budget_spent: 3%", f"{POL}[1]",
         "duplicate of policy 0: same severity page and windows 1h/5m"),
    case("policy-no-page-but-escalation", TICKET, policy("long: 3d, short: 6h", severity="ticket"), "- {after: 0m",
         "spec.escalation", "escalation follows the page alert, but alerting.policies has no page policy"),
    case("escalation-page-disabled", "page: {enabled: true}", "page: {enabled: false}", "- {after: 0m",
         "spec.escalation", "escalation follows the page alert, but alerting.page.enabled is false"),
]


@pytest.mark.parametrize("c", CASES)
def test_rule_is_reported_where_it_is_broken(c: Case) -> None:
    text = edit(BASE, c.old, c.new)
    problem = one_problem(text)
    assert_located(problem, at(text, c.needle, c.occurrence), c.path, c.fragment)
    assert problem.format().startswith(f"sla.yaml:{problem.line}:{problem.column}: {c.path}: ")


def test_base_document_is_valid() -> None:
    [sla] = load_text(BASE)
    assert sla.name == "checkout"
    assert [o.sli.kind for o in sla.spec.objectives] == ["probe", "probe_latency", "ratio", "latency"]


CREDITS = """\
      credits:
        - {below: 99.9, credit: 10}
        - {below: 99.0, credit: 25}
        - {below: 95.0, credit: 100}
"""


@pytest.mark.parametrize(
    ("written", "percent"),
    [("99.9", 99.9), ('"99.9%"', 99.9), ("'99.95 %'", 99.95), ("99", 99.0), ('" 90% "', 90.0), ("1", 1.0)],
)
def test_percent_forms_accepted(written: str, percent: float) -> None:
    text = edit(edit(BASE, CREDITS, ""), TARGET, f"      target: {written}\n")
    [sla] = load_text(text)
    assert sla.spec.objectives[0].target == percent


def test_credit_below_accepts_percent_strings() -> None:
    [sla] = load_text(edit(BASE, "{below: 99.0, credit: 25}", '{below: "99%", credit: 25}'))
    assert [t.below for t in sla.spec.objectives[0].credits] == [99.9, 99.0, 95.0]


@pytest.mark.parametrize(("window", "canonical"), [("1h", "1h"), ("90d", "90d"), ("30d", "30d"), ("28d", "28d"),
                                                   ("7d", "7d"), ("1w", "7d"), ("1d12h", "1d12h"), ("60m", "1h")])
def test_window_bounds_are_inclusive_and_shown_in_prometheus_form(window: str, canonical: str) -> None:
    [sla] = load_text(edit(BASE, "window: 30d", f"window: {window}"))
    assert str(sla.spec.window) == canonical


def test_objectives_missing() -> None:
    text = edit(BASE, "  objectives:\n", "  slos:\n")
    found = problems(text)
    assert [(p.line, p.column, p.path) for p in found] == [(7, 3, "spec.objectives"), (*at(text, "slos"), "spec.slos")]
    assert found[0].message == "required field is missing"
    assert found[1].message.startswith("unknown field 'slos' (known fields: alerting, calendar, customer,")


def test_objectives_empty() -> None:
    start = BASE.index("  objectives:\n")
    end = BASE.index("  alerting:\n")
    text = BASE[:start] + "  objectives: []\n" + BASE[end:]
    problem = one_problem(text)
    assert_located(problem, at(text, "[]"), "spec.objectives", "must not be empty")


def test_a_broken_objective_is_not_also_reported_as_missing() -> None:
    # pydantic counts only the items that validated: one bad objective must not read "at least 1 item".
    start = BASE.index("    - name: latency\n")
    end = BASE.index("  alerting:\n")
    text = edit(BASE[:start] + BASE[end:], TARGET, "      target: high\n")
    problem = one_problem(text)
    assert_located(problem, at(text, "high"), f"{T0}.target", "expected a percent")


def test_zero_timeout_is_reported_with_what_it_breaks() -> None:
    text = edit(BASE, "timeout: 5s", "timeout: 0s")
    found = problems(text)
    assert [(p.line, p.column, p.path, p.message) for p in found] == [
        (*at(text, "0s\n"), f"{P0}.timeout", "the timeout must be greater than 0"),
        (*at(text, "300ms"), "spec.objectives[1].sli.probe_latency.threshold",
         "the threshold (300ms) must be shorter than the probe's timeout (0s)"),
    ]


def test_missing_fields_of_a_probe_are_each_reported() -> None:
    text = edit(BASE, "    - name: healthz\n      url: https://checkout.example.com/healthz\n", "    - interval: 15s\n")
    text = edit(text, "      interval: 15s\n      timeout", "      timeout")
    found = [(p.path, p.message) for p in problems(text)]
    assert (f"{P0}.name", "required field is missing") in found
    assert (f"{P0}.url", "required field is missing") in found


def test_misspelled_key_also_reports_the_missing_one_at_the_mapping() -> None:
    text = edit(BASE, "  name: checkout\n", "  nmae: checkout\n")
    found = problems(text)
    assert [(p.line, p.column, p.path) for p in found] == [(4, 3, "metadata.name"), (4, 3, "metadata.nmae")]
    assert found[1].message == "unknown field 'nmae'; did you mean 'name'?"


def test_duplicate_probe_names() -> None:
    probe = "    - name: healthz\n      url: https://checkout.example.com/healthz\n"
    text = edit(BASE, "  objectives:\n", probe + "  objectives:\n")
    problem = one_problem(text)
    assert_located(problem, at(text, "healthz", 3), "spec.probes[1].name", "probe name 'healthz' is used twice")


def test_method_is_case_insensitive_and_normalised() -> None:
    [sla] = load_text(edit(BASE, "method: GET", "method: post"))
    assert sla.spec.probes[0].method == "POST"


def test_status_codes_and_classes_are_normalised() -> None:
    [sla] = load_text(edit(BASE, 'status: ["2xx"]', 'status: ["2XX", 301, "404"]'))
    expect = sla.spec.probes[0].expect
    assert expect.status == ("2xx", "301", "404")
    assert expect.accepts(204) and expect.accepts(301) and expect.accepts(404)
    assert not expect.accepts(302) and not expect.accepts(500)


def test_day_is_case_insensitive() -> None:
    [sla] = load_text(edit(BASE, "day: sunday", "day: Sunday"))
    weekly = sla.spec.maintenance[0].weekly
    assert weekly is not None and weekly.day == "sunday"


def test_leading_zero_time_is_a_string_in_yaml() -> None:
    # YAML 1.1 reads 2:00 and 12:30 as base-60 numbers, but not 02:00 (leading zero): that one is fine.
    [sla] = load_text(edit(BASE, 'start: "02:00"', "start: 02:00"))
    weekly = sla.spec.maintenance[0].weekly
    assert weekly is not None and weekly.start.hour == 2


def test_once_without_offset_is_kept_naive_for_the_sla_timezone() -> None:
    [sla] = load_text(edit(BASE, '"2026-12-01T02:00:00Z"', '"2026-12-01T02:00:00"'))
    once = sla.spec.maintenance[1].once
    assert once is not None and once.start.tzinfo is None
    [sla] = load_text(BASE)
    once = sla.spec.maintenance[1].once
    assert once is not None and once.start.utcoffset() is not None and once.start.hour == 2


def test_timeout_defaults_to_min_of_5s_and_80_percent_of_interval() -> None:
    text = edit(BASE, "      interval: 15s\n      timeout: 5s\n", "      interval: 4s\n")
    text = edit(text, "threshold: 300ms", "threshold: 3s")
    [sla] = load_text(text)
    assert sla.spec.probes[0].timeout.ms == 3200
    [sla] = load_text(edit(BASE, "      timeout: 5s\n", ""))
    assert sla.spec.probes[0].timeout.ms == 5000


def test_tcp_probe_rejects_http_fields() -> None:
    text = edit(BASE, "url: https://checkout.example.com/healthz", "url: tcp://checkout.example.com:443")
    text = edit(text, "      tls: {insecure_skip_verify: false, ca_file: null}\n", "      body: ping\n")
    text = edit(text, "method: GET", "method: POST")
    text = edit(text, "headers: {}", "headers: {Accept: text/plain}")
    found = problems(text)
    assert [(p.line, p.column, p.path, p.message) for p in found] == [
        (*at(text, "POST"), f"{P0}.method", "method has no meaning for a tcp:// probe"),
        (*at(text, "{Accept"), f"{P0}.headers", "headers has no meaning for a tcp:// probe"),
        (*at(text, "{status"), f"{P0}.expect",
         "expect has no meaning for a tcp:// probe (it succeeds when the port accepts a connection)"),
        (*at(text, "ping"), f"{P0}.body", "body has no meaning for a tcp:// probe"),
    ]


@pytest.mark.parametrize(
    "tls", ["{insecure_skip_verify: true}", "{ca_file: /etc/ssl/ca.pem}", "{server_name: checkout.internal}"]
)
def test_tls_settings_need_https(tls: str) -> None:
    text = edit(BASE, "url: https://checkout.example.com/healthz", "url: http://checkout.example.com/healthz")
    text = edit(text, "tls: {insecure_skip_verify: false, ca_file: null}", f"tls: {tls}")
    problem = one_problem(text)
    assert_located(problem, at(text, tls), f"{P0}.tls", "tls settings need an https:// url")


def test_tcp_probe_is_valid_without_http_fields() -> None:
    text = edit(BASE, "url: https://checkout.example.com/healthz", "url: tcp://checkout.example.com:443")
    text = edit(text, "      tls: {insecure_skip_verify: false, ca_file: null}\n", "")
    text = edit(text, "      expect: {status: [\"2xx\"], body_regex: '\"status\":\\s*\"ok\"'}\n", "")
    [sla] = load_text(text)
    assert sla.spec.probes[0].scheme == "tcp"


def test_histogram_without_declared_buckets_is_not_checked() -> None:
    text = edit(BASE, "          buckets: [0.1, 0.3, 1]\n", "")
    text = edit(text, "threshold: 0.3\n", "threshold: 250ms\n")
    [sla] = load_text(text)
    latency = sla.spec.objectives[3].sli.latency
    assert latency is not None and latency.threshold == 0.25 and latency.buckets is None


def test_histogram_threshold_matches_float_buckets() -> None:
    text = edit(BASE, "buckets: [0.1, 0.3, 1]", "buckets: [0.1, 0.30000000000000004, 1]")
    [sla] = load_text(text)
    assert sla.spec.objectives[3].sli.latency is not None


def test_objective_ratio_and_budget() -> None:
    [sla] = load_text(BASE)
    availability = sla.spec.objectives[0]
    assert availability.ratio == 0.999
    assert availability.error_budget == pytest.approx(0.001)


def test_models_are_immutable() -> None:
    [sla] = load_text(BASE)
    with pytest.raises(Exception, match="frozen"):
        sla.spec.window = sla.spec.window  # type: ignore[misc]
