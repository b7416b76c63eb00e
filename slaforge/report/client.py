"""A small client of the Prometheus HTTP API (``/api/v1/query`` and ``/api/v1/query_range``).

The only I/O of the report. Every failure becomes a :class:`PrometheusError` whose message says
what went wrong and where, on one line (a rejected query adds the query on a second), fit to print
as it is, and never carries a password: the URL is shown redacted and every message is scrubbed of
the URL's credentials.

Each query is one bounded exchange (:mod:`.transport`): ``timeout`` seconds for all of it, from
connecting to the last byte, and at most ``max_bytes`` of answer. The answer is checked
(:mod:`.answer`) before anything reads it.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import threading
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import requests

from slaforge.report.answer import Malformed, Series, series
from slaforge.report.transport import AnswerTooLarge, DeadlineExceeded, bounded_session, post

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_POINTS",
    "BadResponse",
    "PrometheusClient",
    "PrometheusError",
    "PrometheusUnreachable",
    "QueryRejected",
    "Series",
    "is_number",
    "redact",
]

# Prometheus refuses range queries of more than 11,000 points per series.
MAX_POINTS = 11_000
DEFAULT_TIMEOUT = 30.0
MAX_TIMEOUT = 86_400.0
DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # reading an answer takes about 10 times its size in memory
EXCERPT = 200  # characters of a body that is not the API, shown to help find the mistake


class PrometheusError(Exception):
    """Any failure to get an answer from Prometheus."""


class PrometheusUnreachable(PrometheusError):
    """No HTTP answer: connection refused, DNS failure, timeout."""


class QueryRejected(PrometheusError):
    """Prometheus answered with an error for the query (bad_data, execution, timeout...)."""


class BadResponse(PrometheusError):
    """Something answered, but not like the Prometheus API does."""


def _seconds(moment: datetime | float) -> str:
    value = moment.timestamp() if isinstance(moment, datetime) else moment
    return f"{value:.3f}"


def _settle_environment(session: requests.Session, url: str) -> None:
    """What ``requests`` reads from the environment for each request (proxies and ``no_proxy``, a CA
    bundle, ``.netrc`` credentials), read once: every request goes to the same base URL, and
    reading the environment cost more than a small query."""
    session.proxies.update(requests.utils.get_environ_proxies(url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.auth = requests.utils.get_netrc_auth(url)
    session.trust_env = False


def is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


class PrometheusClient:
    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 headers: dict[str, str] | None = None) -> None:
        self.url = check_url(url).rstrip("/")
        self.shown_url = redact(self.url)  # for messages and reports: never a password
        if not (math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT):
            raise PrometheusError(f"timeout {timeout:g}: expected seconds above 0 and at most {MAX_TIMEOUT:g}")
        if max_bytes <= 0:
            raise PrometheusError(f"answer size limit {max_bytes}: expected a positive number of bytes")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.session, self._adapter = bounded_session()
        self.session.headers.update({"Accept": "application/json", **(headers or {})})
        _settle_environment(self.session, self.url)
        self._secrets = _secrets(self.url, headers or {})
        self.queries = 0  # how many queries were sent, for the curious and for tests
        self._count = threading.Lock()  # several threads may share a client (slaforge.report.workers)

    # --- the two endpoints ------------------------------------------------------------------
    def query(self, expr: str, at: datetime | float, expect: str | None = None) -> tuple[str, list[Series]]:
        """Instant query; returns the result type (vector, matrix, scalar) and its series.

        With ``expect``, any other result type is a :class:`BadResponse`.
        """
        kind, result = self._call("query", {"query": expr, "time": _seconds(at)})
        if expect is not None and kind != expect:
            raise BadResponse(f"{self.shown_url}/api/v1/query answered a {kind}, not a {expect}")
        return kind, result

    def query_range(self, expr: str, start: datetime | float, end: datetime | float,
                    step_seconds: float) -> list[Series]:
        s = start.timestamp() if isinstance(start, datetime) else start
        e = end.timestamp() if isinstance(end, datetime) else end
        points = math.floor((e - s) / step_seconds) + 1
        if points > MAX_POINTS:
            raise QueryRejected(
                f"range query of {points} points per series exceeds Prometheus' limit of {MAX_POINTS}"
            )
        kind, result = self._call(
            "query_range",
            {"query": expr, "start": _seconds(s), "end": _seconds(e), "step": f"{step_seconds:g}"},
        )
        if kind != "matrix":
            raise BadResponse(f"{self.shown_url}/api/v1/query_range answered a {kind}, not a matrix")
        return result

    # --- transport --------------------------------------------------------------------------
    def _call(self, endpoint: str, params: dict[str, str]) -> tuple[str, list[Series]]:
        try:
            return self._exchange(endpoint, params)
        except PrometheusError as exc:
            raise type(exc)(self._scrub(str(exc))) from None

    def _exchange(self, endpoint: str, params: dict[str, str]) -> tuple[str, list[Series]]:
        address = f"{self.url}/api/v1/{endpoint}"
        shown = f"{self.shown_url}/api/v1/{endpoint}"
        with self._count:
            self.queries += 1
        try:
            answer = post(self.session, self._adapter, address, params,
                          seconds=self.timeout, max_bytes=self.max_bytes)
        except (DeadlineExceeded, requests.Timeout):
            raise PrometheusUnreachable(
                f"Prometheus at {self.shown_url} did not answer within {self.timeout:g}s "
                "(--timeout bounds each whole answer)"
            ) from None
        except AnswerTooLarge as exc:
            said = f"announces {exc.size} bytes, over" if exc.announced else "sent more than"
            raise BadResponse(f"{shown} {said} the limit of {self.max_bytes} bytes (--max-answer-mb)") from None
        except requests.ConnectionError as exc:
            raise PrometheusUnreachable(
                f"cannot reach Prometheus at {self.shown_url}: {_reason(exc)}"
            ) from None
        except requests.RequestException as exc:
            raise PrometheusUnreachable(f"cannot query Prometheus at {self.shown_url}: {type(exc).__name__}") from None
        status = answer.status
        if status in (401, 403, 407):
            # The body is not shown: some servers echo the credentials they refused.
            raise PrometheusUnreachable(
                f"{shown} refused access (HTTP {status}): check the credentials of --prometheus"
            )
        try:
            body = json.loads(answer.body)
        except (ValueError, RecursionError):
            text = answer.body[: EXCERPT * 4].decode("utf-8", "replace")[:EXCERPT]
            raise BadResponse(
                f"{shown} answered HTTP {status} with something that is not the "
                f"Prometheus API (is --prometheus the Prometheus base URL?): {text!r}"
            ) from None
        if not isinstance(body, dict) or "status" not in body:
            raise BadResponse(f"{shown} answered JSON that is not a Prometheus API response")
        if body["status"] != "success":
            kind = _text(body.get("errorType", "error"))
            message = _text(body.get("error", "no message"))
            raise QueryRejected(
                f"Prometheus at {self.shown_url} rejected the query ({kind}, HTTP {status}): "
                f"{message}\n  query: {params['query']}"
            )
        try:
            return series(body.get("data"))
        except Malformed as exc:
            raise BadResponse(f"{shown} answered a malformed result: {exc}") from None

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _USERINFO.sub(_mask_userinfo, text)


# scheme://userinfo@ anywhere in a message (a proxy's URL in an exception, say)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/?#\s]*)@")


def _mask_userinfo(match: re.Match[str]) -> str:
    user, colon, _ = match["userinfo"].partition(":")
    return f"{match['scheme']}{user}{':***' if colon else ''}@"


def redact(url: str) -> str:
    """The URL without the password of its userinfo (``https://user:***@host``), whatever its scheme.

    Also for text that is not a valid URL: everything between ``://`` and the last ``@`` is taken as
    the userinfo, and without a ``://`` whatever precedes an ``@`` is hidden.
    """
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url if sep or "@" not in url else "***@" + url.rsplit("@", 1)[1]
    userinfo, host = rest.rsplit("@", 1)
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"


def check_url(url: str) -> str:
    """``url`` when it is an http(s) URL with a host; else a :class:`PrometheusError` naming it redacted."""
    shown = redact(url)
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise PrometheusError(f"--prometheus {shown!r}: expected an http:// or https:// URL without spaces")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError:
        raise PrometheusError(f"--prometheus {shown!r}: not a valid URL (host or port)") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise PrometheusError(f"--prometheus {shown!r}: expected an http:// or https:// URL")
    if not parts.hostname:
        raise PrometheusError(f"--prometheus {shown!r}: the URL has no host")
    if parts.query or parts.fragment:
        raise PrometheusError(f"--prometheus {shown!r}: give the base URL, without ?query or #fragment")
    return urlunsplit(parts)


def _secrets(url: str, headers: dict[str, str]) -> list[str]:
    """Every form in which the credentials could come back in a message, longest first."""
    parts = urlsplit(url)
    found: set[str] = set()
    if parts.password:
        found |= {parts.password, unquote(parts.password)}
        pair = f"{unquote(parts.username or '')}:{unquote(parts.password)}"
        found.add(base64.b64encode(pair.encode()).decode())
    for name, value in headers.items():
        if name.lower() in ("authorization", "proxy-authorization", "cookie") or "token" in name.lower():
            found |= {value, *value.split()[1:]}
    return sorted((s for s in found if len(s) >= 2), key=len, reverse=True)


def _text(raw: Any) -> str:
    """A server's text for a one-line message: control characters escaped, at most EXCERPT characters."""
    text = raw if isinstance(raw, str) else json.dumps(raw)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= EXCERPT else text[: EXCERPT - 3] + "..."


def _reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for hint in ("Connection refused", "Name or service not known", "No route to host",
                 "Temporary failure in name resolution", "Network is unreachable"):
        if hint in text:
            return hint.lower()
    return _text(text)
