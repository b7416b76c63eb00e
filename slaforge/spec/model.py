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
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from slaforge.spec.durations import Duration, parse_duration, parse_percent
from slaforge.spec.promql import Selector

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
    if not DNS_LABEL.match(value):
        raise ValueError(
            f"{value!r} is not a lowercase DNS label (a-z, 0-9 and '-', at most 63 characters, "
            "starting and ending with a letter or digit)"
        )
    return value


def _label_names(labels: dict[str, str]) -> dict[str, str]:
    for key in labels:
        if not LABEL_NAME.match(key) or key.startswith("__"):
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
    name: str = Field(
        description="lowercase DNS label, unique; becomes the label sla=NAME", json_schema_extra=_NAME_SCHEMA
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="copied onto every generated rule and alert", json_schema_extra=_LABELS_SCHEMA
    )

    _check_name = field_validator("name")(classmethod(lambda cls, v: _dns_label(v)))
    _check_labels = field_validator("labels")(classmethod(lambda cls, v: _label_names(v)))


# --- probes -------------------------------------------------------------------------------


class Expect(Base):
    status: Annotated[tuple[str, ...], WithJsonSchema(_STATUS_SCHEMA)] = Field(
        default=("2xx",),
        description='accepted HTTP statuses: classes like "2xx" or codes like 204',
    )
    body_regex: str | None = Field(default=None, description="the body must match this regex")

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
            if not STATUS_PATTERN.match(text):
                raise ValueError(f"{item!r} is not an HTTP status (like 200) or class (like \"2xx\")")
            out.append(text)
        if not out:
            raise ValueError("at least one accepted status is needed")
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


class TLS(Base):
    insecure_skip_verify: bool = False
    ca_file: str | None = Field(default=None, description="PEM bundle used instead of the system CAs")
    server_name: str | None = Field(default=None, description="SNI and verification name override")


class Probe(Base):
    name: str = Field(
        description="unique within the SLA; becomes the label probe=NAME", json_schema_extra=_NAME_SCHEMA
    )
    url: str = Field(
        description="http://..., https://... or tcp://host:port", json_schema_extra={"pattern": "^(https?|tcp)://"}
    )
    interval: DurationField = Field(default=Duration(30_000))
    timeout: DurationField = Field(
        default=Duration(5_000), description="must be < interval; default min(5s, 80% of interval)"
    )
    method: str = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    body: str | None = Field(default=None, description="request body sent with the probe")
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

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _dns_label(value)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        try:
            parts = urlsplit(value)
        except ValueError as exc:
            raise ValueError(f"{value!r}: {exc}") from None
        if parts.scheme not in ("http", "https", "tcp"):
            raise ValueError(f"{value!r}: the scheme must be http, https or tcp")
        if not parts.hostname:
            raise ValueError(f"{value!r}: no host")
        try:
            port = parts.port
        except ValueError:
            raise ValueError(f"{value!r}: invalid port") from None
        if parts.scheme == "tcp" and port is None:
            raise ValueError(f"{value!r}: a tcp:// probe needs a port (tcp://host:port)")
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
    Selector.parse(value)
    return str(value).strip()


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
    probe: str
    threshold: DurationField


class RatioSLI(Base):
    errors: SelectorField = Field(description="counter of bad events")
    total: SelectorField = Field(description="counter of all valid events")

    @property
    def errors_selector(self) -> Selector:
        return Selector.parse(self.errors)

    @property
    def total_selector(self) -> Selector:
        return Selector.parse(self.total)


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

    probe: str | None = Field(default=None, description="probe success ratio of this probe")
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


class CreditTier(Base):
    below: Percent = Field(description="credit applies when the achieved value is below this")
    credit: float = Field(ge=0, le=100, description="percent of the period's fee")


class Objective(Base):
    name: str = Field(
        description="unique within the SLA; becomes the label objective=NAME", json_schema_extra=_NAME_SCHEMA
    )
    description: str | None = None
    target: Percent
    sli: SLI
    credits: tuple[CreditTier, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _dns_label(value)

    @field_validator("target")
    @classmethod
    def _target(cls, value: float) -> float:
        if not 0 < value < 100:
            raise ValueError(f"the target must be a percent strictly between 0 and 100, got {value:g}")
        if value < 1:
            raise ValueError(
                f"the target is a percent, not a ratio: {value:g} means {value:g}%; "
                f"for {value * 100:g}% write {value * 100:g}"
            )
        return value

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
    if not isinstance(value, str) or not re.match(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", value):
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
    description: str | None = None

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
    labels: dict[str, str] = Field(
        default_factory=dict, description="added to every alert of this SLA", json_schema_extra=_LABELS_SCHEMA
    )
    annotations: dict[str, str] = Field(default_factory=dict, description="added to every alert (runbook_url...)")
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
    receiver: str = Field(min_length=1, description="Alertmanager receiver name")


# --- the SLA ------------------------------------------------------------------------------


class Spec(Base):
    service: str = Field(min_length=1)
    provider: str = Field(min_length=1, description="who promises")
    customer: str = Field(min_length=1, description="to whom")
    description: str | None = None
    window: DurationField = Field(description="rolling SLO window, 1h..90d")
    calendar: Literal["month", "quarter", "none"] = Field(
        default="month", description="reporting and credit period"
    )
    timezone: str = Field(default="UTC", description="IANA name, for calendar periods and maintenance")
    maintenance: tuple[Maintenance, ...] = ()
    probes: tuple[Probe, ...] = ()
    objectives: tuple[Objective, ...] = Field(min_length=1)
    alerting: Alerting = Field(default_factory=Alerting)
    escalation: tuple[EscalationStep, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA timezone name (like UTC or Europe/Berlin)") from None
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
