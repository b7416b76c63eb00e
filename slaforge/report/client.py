"""A small client of the Prometheus HTTP API (``/api/v1/query`` and ``/api/v1/query_range``).

The only I/O of the report. Every failure becomes a :class:`PrometheusError` whose message says
what went wrong and where, fit to print as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

# Prometheus refuses range queries of more than 11,000 points per series.
MAX_POINTS = 11_000


class PrometheusError(Exception):
    """Any failure to get an answer from Prometheus."""


class PrometheusUnreachable(PrometheusError):
    """No HTTP answer: connection refused, DNS failure, timeout."""


class QueryRejected(PrometheusError):
    """Prometheus answered with an error for the query (bad_data, execution, timeout...)."""


class BadResponse(PrometheusError):
    """Something answered, but not like the Prometheus API does."""


@dataclass(frozen=True)
class Series:
    """One series of a result: its labels and its samples (unix seconds, value as Prometheus wrote it)."""

    labels: dict[str, str]
    samples: tuple[tuple[float, str], ...]

    @property
    def value(self) -> str:
        """The single sample of an instant vector."""
        return self.samples[-1][1]


def _seconds(moment: datetime | float) -> str:
    value = moment.timestamp() if isinstance(moment, datetime) else moment
    return f"{value:.3f}"


def is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


class PrometheusClient:
    def __init__(self, url: str, *, timeout: float = 30.0, session: requests.Session | None = None,
                 headers: dict[str, str] | None = None) -> None:
        if not url.startswith(("http://", "https://")):
            raise PrometheusError(f"--prometheus {url!r}: expected an http:// or https:// URL")
        self.url = url.rstrip("/")
        self.shown_url = redact(self.url)  # for messages and reports: never a password
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.update({"Accept": "application/json", **(headers or {})})
        self.queries = 0  # how many queries were sent, for the curious and for tests

    # --- the two endpoints ------------------------------------------------------------------
    def query(self, expr: str, at: datetime | float) -> tuple[str, list[Series]]:
        """Instant query; returns the result type (vector, matrix, scalar) and its series."""
        data = self._call("query", {"query": expr, "time": _seconds(at)})
        return data["resultType"], _series(data)

    def query_range(self, expr: str, start: datetime | float, end: datetime | float,
                    step_seconds: float) -> list[Series]:
        s = start.timestamp() if isinstance(start, datetime) else start
        e = end.timestamp() if isinstance(end, datetime) else end
        points = math.floor((e - s) / step_seconds) + 1
        if points > MAX_POINTS:
            raise QueryRejected(
                f"range query of {points} points per series exceeds Prometheus' limit of {MAX_POINTS}"
            )
        data = self._call(
            "query_range",
            {"query": expr, "start": _seconds(s), "end": _seconds(e), "step": f"{step_seconds:g}"},
        )
        return _series(data)

    # --- transport --------------------------------------------------------------------------
    def _call(self, endpoint: str, params: dict[str, str]) -> dict[str, Any]:
        address = f"{self.url}/api/v1/{endpoint}"
        shown = f"{self.shown_url}/api/v1/{endpoint}"
        self.queries += 1
        try:
            response = self.session.post(address, data=params, timeout=self.timeout)
        except requests.Timeout:
            raise PrometheusUnreachable(
                f"Prometheus at {self.shown_url} did not answer within {self.timeout:g}s"
            ) from None
        except requests.ConnectionError as exc:
            raise PrometheusUnreachable(
                f"cannot reach Prometheus at {self.shown_url}: {_reason(exc)}"
            ) from None
        except requests.RequestException as exc:
            raise PrometheusUnreachable(f"cannot query Prometheus at {self.shown_url}: {type(exc).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            raise BadResponse(
                f"{shown} answered HTTP {response.status_code} with something that is not the "
                f"Prometheus API (is --prometheus the Prometheus base URL?): {response.text[:200]!r}"
            ) from None
        if not isinstance(body, dict) or "status" not in body:
            raise BadResponse(f"{shown} answered JSON that is not a Prometheus API response")
        if body["status"] != "success":
            kind = body.get("errorType", "error")
            message = body.get("error", "no message")
            raise QueryRejected(
                f"Prometheus at {self.shown_url} rejected the query ({kind}, HTTP {response.status_code}): "
                f"{message}\n  query: {params['query']}"
            )
        data = body.get("data")
        if not isinstance(data, dict) or "resultType" not in data:
            raise BadResponse(f"{shown} answered without a result")
        return data


def redact(url: str) -> str:
    """The URL without the password of its userinfo (``https://user:***@host``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for hint in ("Connection refused", "Name or service not known", "No route to host",
                 "Temporary failure in name resolution", "Network is unreachable"):
        if hint in text:
            return hint.lower()
    return text


def _series(data: dict[str, Any]) -> list[Series]:
    kind = data["resultType"]
    result = data.get("result") or []
    if kind == "vector":
        return [Series(dict(item["metric"]), ((float(item["value"][0]), str(item["value"][1])),))
                for item in result]
    if kind == "matrix":
        return [Series(dict(item["metric"]), tuple((float(t), str(v)) for t, v in item.get("values") or []))
                for item in result]
    if kind in ("scalar", "string"):
        return [Series({}, ((float(result[0]), str(result[1])),))]
    raise BadResponse(f"unexpected result type {kind!r}")
