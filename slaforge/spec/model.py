"""The SLA file format, version slaforge/v1, as typed immutable objects.

Structure and single-field rules live here (pydantic); rules that relate several fields
(references, ordering, uniqueness) live in :mod:`slaforge.spec.checks` so that each problem
can point at the exact field.
"""

from __future__ import annotations

import math
import re
import zoneinfo
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from slaforge.spec import limits
from slaforge.spec.durations import Duration, parse_duration, parse_percent
from slaforge.spec.promql import Selector
from slaforge.spec.urls import has_userinfo, shown_url
from slaforge.spec.zones import zone_problem

API_VERSION = "slaforge/v1"
KIND = "SLA"

DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
DURATION_PATTERN = r"^([0-9]+(ms|[smhdwy]))+$"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
STATUS_PATTERN = re.compile(r"^[1-5]([0-9]{2}|xx)$")


def _duration_schema(description: str) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "pattern": DURATION_PATTERN, "description": description}
    )


DurationField = Annotated[
    Duration,
    BeforeValidator(parse_duration),
    PlainSerializer(str, return_type=str),
    _duration_schema("Prometheus duration: 30s, 5m, 2h, 30d, 1w"),
]

Percent = Annotated[
    float,
    BeforeValidator(parse_percent),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*%?\s*$"},
            ],
            "description": "percent, written 99.9 or \"99.9%\"",
        }
    ),
]


def _dns_label(value: str) -> str:
    if len(value) > 63:
        raise ValueError(f"too long for a name: at most 63 characters, got {len(value)}")
    if not DNS_LABEL.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a lowercase DNS label (a-z, 0-9 and '-', at most 63 characters, "
            "starting and ending with a letter or digit)"
        )
    return value


DnsName = Annotated[str, AfterValidator(_dns_label)]  # the names that become label values: sla, probe, objective


def _label_names(labels: dict[str, str]) -> dict[str, str]:
    for key in labels:
        if not LABEL_NAME.fullmatch(key) or key.startswith("__"):
            raise ValueError(f"{key!r} is not a valid Prometheus label name")
    return labels




# extra JSON Schema for editors, saying what the validators above check
_STATUS_ITEM: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "pattern": "^[1-5]([0-9]{2}|[xX]{2})$"},
        {"type": "integer", "minimum": 100, "maximum": 599},
    ]
}
_STATUS_SCHEMA: dict[str, Any] = {"oneOf": [_STATUS_ITEM, {"type": "array", "items": _STATUS_ITEM, "minItems": 1}]}
_NAME_SCHEMA: dict[str, Any] = {"pattern": DNS_LABEL.pattern, "maxLength": 63}
_LABELS_SCHEMA: dict[str, Any] = {"propertyNames": {"pattern": LABEL_NAME.pattern}}


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- metadata -----------------------------------------------------------------------------


class Metadata(Base):
    name: DnsName = Field(
        description="lowercase DNS label, unique; becomes the label sla=NAME", json_schema_extra=_NAME_SCHEMA
    )
    labels: limits.Labels = Field(
        default_factory=dict,
        max_length=limits.LABELS,
        description="copied onto every generated rule and alert",
        json_schema_extra=_LABELS_SCHEMA,
    )

    _check_labels = field_validator("labels")(classmethod(lambda cls, v: _label_names(v)))


# --- probes -------------------------------------------------------------------------------


class Expect(Base):
    status: Annotated[tuple[str, ...], WithJsonSchema(_STATUS_SCHEMA)] = Field(
        default=("2xx",),
        description='accepted HTTP statuses: classes like "2xx" or codes like 204',
    )
    body_regex: str | None = Field(
        default=None, max_length=limits.BODY_REGEX, description="the body must match this regex"
    )

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list | tuple):
            return value
        out = []
        for item in value:
            text = str(item).lower() if not isinstance(item, bool) else ""
            if not STATUS_PATTERN.fullmatch(text):
                item = item if len(text) <= 16 else f"{text[:16]}..."
                raise ValueError(f"{item!r} is not an HTTP status (like 200) or class (like \"2xx\")")
            out.append(text)
        if not out:
            raise ValueError("at least one accepted status is needed")
        if len(out) > limits.STATUSES:
            raise ValueError(f"too many: at most {limits.STATUSES} statuses, got {len(out)}")
        return tuple(out)

    @field_validator("body_regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value

    def accepts(self, status: int) -> bool:
        code = str(status)
        return any(p == code or (p.endswith("xx") and p[0] == code[0]) for p in self.status)


def _header_value(value: Any) -> Any:
    """A header value must be a string; the message never shows it (it is often a credential)."""
    if isinstance(value, str):
        return value
    if value is None:
        kind = "nothing (null)"
    elif isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, int | float):
        kind = "a number"
    else:
        kind = "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else "a value"
    raise ValueError(f"expected a string, got {kind} (quote it; header values are never shown)")


HeaderValue = Annotated[
    str,
    BeforeValidator(_header_value),
    Field(max_length=limits.HEADER_VALUE),
    WithJsonSchema({
        "type": "string",
        "maxLength": limits.HEADER_VALUE,
        "pattern": r"^([\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?)?$",
        "description": "printable ASCII, no leading or trailing space or tab",
    }),
]


class TLS(Base):
    insecure_skip_verify: bool = False
    ca_file: str | None = Field(
        default=None, max_length=limits.PATH, description="PEM bundle used instead of the system CAs"
    )
    server_name: str | None = Field(
        default=None, max_length=limits.TEXT, description="SNI and verification name override"
    )
    allow_http_redirect: bool = Field(
        default=False,
        description="follow a redirect from https to plain http (refused by default); "
        "the probe's headers are never sent to another origin either way",
    )


class Probe(Base):
    name: DnsName = Field(
        description="unique within the SLA; becomes the label probe=NAME", json_schema_extra=_NAME_SCHEMA
    )
    url: str = Field(
        max_length=limits.URL,
        description="http://..., https://... or tcp://host:port; no user:password@ (use headers)",
        json_schema_extra={"pattern": "^(https?|tcp)://[^/?#@]+([/?#].*)?$"},
    )
    interval: DurationField = Field(default=Duration(30_000))
    timeout: DurationField = Field(
        default=Duration(5_000), description="must be < interval; default min(5s, 80% of interval)"
    )
    method: limits.Text = "GET"
    headers: dict[limits.Name, HeaderValue] = Field(default_factory=dict, max_length=limits.HEADERS)
    body: str | None = Field(default=None, max_length=limits.BODY, description="request body sent with the probe")
    expect: Expect = Field(default_factory=Expect)
    tls: TLS = Field(default_factory=TLS)
    follow_redirects: bool = Field(default=True, description="follow up to 10 redirects")
    keepalive: bool = Field(
        default=False,
        description="reuse connections between probes (default: a fresh connection per probe, "
        "so connect and TLS failures are seen)",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_timeout(cls, data: Any) -> Any:
        if isinstance(data, dict) and "timeout" not in data and "interval" in data:
            try:
                interval = parse_duration(data["interval"])
            except ValueError:
                return data
            data = {**data, "timeout": Duration(min(5000, interval.ms * 4 // 5)).prom}
        return data

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        shown = repr(shown_url(value))  # messages never echo a password
        if has_userinfo(value):
            raise ValueError(
                f"{shown}: credentials in the URL are refused (the URL is shown on the status page, "
                "in dashboards and in logs); send them in headers, e.g. Authorization"
            )
        try:
            parts = urlsplit(value)
        except ValueError as exc:
            raise ValueError(f"{shown}: {exc}") from None
        if parts.scheme not in ("http", "https", "tcp"):
            raise ValueError(f"{shown}: the scheme must be http, https or tcp")
        if not parts.hostname:
            raise ValueError(f"{shown}: no host")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"{shown}: invalid port") from None
        if parts.scheme == "tcp" and port is None:
            raise ValueError(f"{shown}: a tcp:// probe needs a port (tcp://host:port)")
        return value

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        if value.upper() not in HTTP_METHODS:
            raise ValueError(f"{value!r} is not one of {', '.join(HTTP_METHODS)}")
        return value.upper()

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme


# --- SLIs ---------------------------------------------------------------------------------


def _selector(value: Any) -> str:
    """The selector as slaforge renders it: what the generators paste is never the author's raw text."""
    problem = limits.too_long(value, limits.SELECTOR) if isinstance(value, str) else None
    if problem:
        raise ValueError(problem)
    return str(Selector.parse(value))


SelectorField = Annotated[
    str,
    BeforeValidator(_selector),
    WithJsonSchema({"type": "string", "description": "PromQL series selector"}),
]


def _seconds(value: Any) -> float:
    if isinstance(value, str):
        return parse_duration(value).seconds
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected seconds (0.3) or a duration (300ms), got {value!r}")
    return float(value)


class ProbeLatencySLI(Base):
    probe: limits.Text
    threshold: DurationField


def _selectors(value: Any) -> str | tuple[str, ...]:
    """One selector, or a non-empty list of selectors whose events are added up."""
    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("expected at least one selector")
        return tuple(_selector(item) for item in value)
    return _selector(value)


SelectorsField = Annotated[
    str | tuple[str, ...],
    BeforeValidator(_selectors),
    WithJsonSchema({"oneOf": [
        {"type": "string", "description": "PromQL series selector"},
        {"type": "array", "minItems": 1, "items": {"type": "string"},
         "description": "several selectors whose events are added up"},
    ]}),
]


def _as_tuple(value: str | tuple[str, ...] | None) -> tuple[Selector, ...]:
    if value is None:
        return ()
    return tuple(Selector.parse(v) for v in ((value,) if isinstance(value, str) else value))


def selectors_text(value: str | tuple[str, ...] | None) -> str:
    """The selector(s) as a person reads them: ``a + b`` for a sum."""
    if value is None:
        return ""
    return value if isinstance(value, str) else " + ".join(value)


class RatioSLI(Base):
    """Bad events are ``errors``, or ``total - good`` (never below 0): exactly one of the two."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["errors"]}, {"required": ["good"]}]})

    errors: SelectorsField | None = Field(default=None, description="counter(s) of bad events")
    good: SelectorsField | None = Field(default=None, description="counter(s) of good events, instead of errors")
    total: SelectorsField = Field(description="counter(s) of all valid events")

    @model_validator(mode="after")
    def _errors_or_good(self) -> RatioSLI:
        if (self.errors is None) == (self.good is None):
            raise ValueError("a ratio SLI has exactly one of errors and good (bad = total - good)")
        return self

    @property
    def errors_selectors(self) -> tuple[Selector, ...]:
        return _as_tuple(self.errors)

    @property
    def good_selectors(self) -> tuple[Selector, ...]:
        return _as_tuple(self.good)

    @property
    def total_selectors(self) -> tuple[Selector, ...]:
        return _as_tuple(self.total)


class LatencySLI(Base):
    histogram: SelectorField = Field(
        description="classic histogram, without the _bucket suffix: http_request_duration_seconds{job=\"api\"}"
    )
    threshold: Annotated[
        float,
        BeforeValidator(_seconds),
        WithJsonSchema({"oneOf": [{"type": "number"}, {"type": "string", "pattern": DURATION_PATTERN}]}),
    ] = Field(description="seconds; must equal one of the histogram's le buckets")
    buckets: tuple[float, ...] | None = Field(
        default=None,
        max_length=limits.BUCKETS,
        description="the histogram's le buckets, if you want the threshold checked against them",
    )

    @field_validator("threshold")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("the threshold must be greater than 0")
        if not math.isfinite(value):
            raise ValueError(f"the threshold must be a finite number of seconds, got {value}")
        return value

    @property
    def selector(self) -> Selector:
        sel = Selector.parse(self.histogram)
        for suffix in ("_bucket", "_count", "_sum"):
            if sel.metric.endswith(suffix):
                return Selector(sel.metric[: -len(suffix)], sel.matchers)
        return sel


SLIKind = Literal["probe", "probe_latency", "ratio", "latency"]


class SLI(Base):
    """Exactly one of the four kinds."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    probe: limits.Text | None = Field(default=None, description="probe success ratio of this probe")
    probe_latency: ProbeLatencySLI | None = Field(
        default=None, description="share of probes faster than threshold"
    )
    ratio: RatioSLI | None = None
    latency: LatencySLI | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SLI:
        given = [k for k in ("probe", "probe_latency", "ratio", "latency") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "an SLI is exactly one of probe, probe_latency, ratio, latency"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    @property
    def kind(self) -> SLIKind:
        for k in ("probe", "probe_latency", "ratio", "latency"):
            if getattr(self, k) is not None:
                return k
        raise AssertionError("validated SLI has no kind")

    @property
    def probe_name(self) -> str | None:
        """The probe this SLI reads, for the two probe kinds."""
        if self.probe is not None:
            return self.probe
        if self.probe_latency is not None:
            return self.probe_latency.probe
        return None


# The smallest error budget slaforge represents: 100 - target >= 0.0000001 percent (a ratio of 1e-9), and
# a percent has at most 7 decimals, so that 1 - target/100 is exact at 12 decimals (Objective.error_budget).
MIN_BUDGET_PERCENT = 1e-7
PERCENT_DECIMALS = 7


def representable_percent(value: float, what: str) -> float:
    """A target or tier percent whose error budget slaforge can represent exactly (docs/sla-file.md)."""
    if value < 100 and round(100 - value, PERCENT_DECIMALS) < MIN_BUDGET_PERCENT:
        raise ValueError(
            f"{what} {value!r} leaves an error budget of {100 - value:.3g}%, which rounds to zero: "
            f"slaforge represents budgets down to {MIN_BUDGET_PERCENT:.7f}% (a target of 99.9999999)"
        )
    if round(value, PERCENT_DECIMALS) != value:
        raise ValueError(f"{what} {value!r} has more than {PERCENT_DECIMALS} decimals; round it")
    return value


class CreditTier(Base):
    below: Percent = Field(description="credit applies when the achieved value is below this")
    credit: float = Field(ge=0, le=100, description="percent of the period's fee")

    @field_validator("below")
    @classmethod
    def _below(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"below must be a finite percent, got {value!r}")
        return representable_percent(value, "below")


class Objective(Base):
    name: DnsName = Field(
        description="unique within the SLA; becomes the label objective=NAME", json_schema_extra=_NAME_SCHEMA
    )
    description: limits.Description | None = None
    target: Percent
    sli: SLI
    credits: tuple[CreditTier, ...] = Field(default=(), max_length=limits.CREDITS)
    group_by: tuple[limits.Name, ...] = Field(
        default=(),
        max_length=limits.GROUP_BY,
        description="ratio and latency SLIs: one SLI, alert set, report row and credit per value of these "
        "labels of the SLI's series",
        json_schema_extra={"items": {"pattern": LABEL_NAME.pattern}},
    )
    max_groups: int = Field(
        default=limits.MAX_GROUPS_DEFAULT,
        ge=1,
        le=limits.MAX_GROUPS,
        description="SLAGroupsExceeded fires when the SLI has more groups than this",
    )

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for key in value:
            if not LABEL_NAME.fullmatch(key) or key.startswith("__"):
                raise ValueError(f"{key!r} is not a valid Prometheus label name")
        if len(set(value)) != len(value):
            raise ValueError("a label is listed twice")
        return value

    @field_validator("target")
    @classmethod
    def _target(cls, value: float) -> float:
        if not math.isfinite(value) or not 0 < value < 100:
            raise ValueError(f"the target must be a percent strictly between 0 and 100, got {value:g}")
        if value < 1:
            raise ValueError(
                f"the target is a percent, not a ratio: {value:g} means {value:g}%; "
                f"for {value * 100:g}% write {value * 100:g}"
            )
        return representable_percent(value, "the target")

    @property
    def ratio(self) -> float:
        """The target as a ratio (99.9 -> 0.999)."""
        return round(self.target / 100, 12)

    @property
    def error_budget(self) -> float:
        """Allowed error ratio (99.9 -> 0.001)."""
        return round(1 - self.target / 100, 12)


# --- maintenance --------------------------------------------------------------------------


def _clock(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads unquoted 02:00 as a sexagesimal integer (120)
        raise ValueError(f"quote the time: write \"HH:MM\" (YAML read {value!r} as a number)")
    if not isinstance(value, str) or not re.fullmatch(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", value):
        raise ValueError(f"expected a time of day \"HH:MM\" (24h), got {value!r}")
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


Clock = Annotated[
    time,
    BeforeValidator(_clock),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]


class Weekly(Base):
    day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    start: Clock
    duration: DurationField

    @field_validator("day", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value


class Daily(Base):
    start: Clock
    duration: DurationField


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    if isinstance(value, date):
        raise ValueError(f"give a time of day too, such as \"{value.isoformat()}T02:00:00Z\" (got the date {value})")
    raise ValueError(f"expected an ISO 8601 time such as \"2026-12-01T02:00:00Z\", got {value!r}")


class Once(Base):
    start: Annotated[
        datetime,
        BeforeValidator(_instant),
        WithJsonSchema({"type": "string", "format": "date-time"}),
    ] = Field(description="ISO 8601; without an offset it is read in the SLA's timezone")
    duration: DurationField


class Maintenance(Base):
    """Exactly one of weekly, daily, once."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    weekly: Weekly | None = None
    daily: Daily | None = None
    once: Once | None = None
    description: limits.Description | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Maintenance:
        given = [k for k in ("weekly", "daily", "once") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a maintenance window is exactly one of weekly, daily, once")
        return self

    @property
    def duration(self) -> Duration:
        for k in ("weekly", "daily", "once"):
            item = getattr(self, k)
            if item is not None:
                return item.duration  # type: ignore[no-any-return]
        raise AssertionError("validated maintenance has no kind")


# --- alerting and escalation --------------------------------------------------------------


class AlertToggle(Base):
    enabled: bool = True


class AlertPolicy(Base):
    """Alert when ``budget_spent`` of the window's error budget goes within ``long`` (and ``short``
    confirms it is still going on): burn factor = budget_spent x window / long."""

    severity: Literal["page", "ticket"]
    budget_spent: Percent = Field(description="percent of the SLA window's error budget, 2 or \"2%\"")
    long: DurationField = Field(description="long window: proves the burn is significant")
    short: DurationField = Field(description="short window, shorter than long: proves it is still going on")


class Alerting(Base):
    labels: limits.Labels = Field(
        default_factory=dict,
        max_length=limits.LABELS,
        description="added to every alert of this SLA",
        json_schema_extra=_LABELS_SCHEMA,
    )
    annotations: limits.Annotations = Field(
        default_factory=dict, max_length=limits.LABELS, description="added to every alert (runbook_url...)"
    )
    page: AlertToggle = Field(default_factory=AlertToggle)
    ticket: AlertToggle = Field(default_factory=AlertToggle)
    policies: tuple[AlertPolicy, ...] | None = Field(
        default=None,
        description="burn-rate policies replacing the default three (2%/1h/5m and 5%/6h/30m page, 10%/3d/6h ticket)",
    )
    min_events: int = Field(
        default=0, ge=0, description="a burn alert needs at least this many valid events in its long window"
    )
    credit_at_risk: AlertToggle = Field(
        default_factory=AlertToggle, description="SLACreditAtRisk for objectives with credits"
    )

    _check_labels = field_validator("labels")(classmethod(lambda cls, v: _label_names(v)))


class EscalationStep(Base):
    after: DurationField = Field(description="how long the page alert has been firing")
    receiver: limits.Text = Field(min_length=1, description="Alertmanager receiver name")


class Incidents(Base):
    resolve_within: DurationField | None = Field(
        default=None, description="target for each page incident's duration: reported and reviewed"
    )


# --- the SLA ------------------------------------------------------------------------------


class Spec(Base):
    service: limits.Text = Field(min_length=1)
    provider: limits.Text = Field(min_length=1, description="who promises")
    customer: limits.Text = Field(min_length=1, description="to whom")
    description: limits.Description | None = None
    window: DurationField = Field(description="rolling SLO window, 1h..90d")
    calendar: Literal["month", "quarter", "none"] = Field(
        default="month", description="reporting and credit period"
    )
    timezone: limits.Text = Field(default="UTC", description="IANA name, for calendar periods and maintenance")
    maintenance: tuple[Maintenance, ...] = Field(default=(), max_length=limits.MAINTENANCE)
    probes: tuple[Probe, ...] = Field(default=(), max_length=limits.PROBES)
    objectives: tuple[Objective, ...] = Field(min_length=1, max_length=limits.OBJECTIVES)
    alerting: Alerting = Field(default_factory=Alerting)
    escalation: tuple[EscalationStep, ...] = Field(default=(), max_length=limits.ESCALATION)
    incidents: Incidents = Field(default_factory=Incidents)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        problem = zone_problem(value)
        if problem is None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                problem = f"{value!r} is an IANA time zone name, but this host's time zone data lacks it"
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("window")
    @classmethod
    def _window(cls, value: Duration) -> Duration:
        if not Duration.parse("1h") <= value <= Duration.parse("90d"):
            raise ValueError(f"the window must be between 1h and 90d, got {value}")
        return value

    def probe(self, name: str) -> Probe:
        for p in self.probes:
            if p.name == name:
                return p
        raise KeyError(name)


class SLA(Base):
    api_version: Literal["slaforge/v1"] = Field(alias="apiVersion")
    kind: Literal["SLA"]
    metadata: Metadata
    spec: Spec

    @property
    def name(self) -> str:
        return self.metadata.name
