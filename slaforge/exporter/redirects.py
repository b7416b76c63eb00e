"""The redirect policy of HTTP probes, in one place.

- The probe's own headers (``headers:`` in the SLA: Authorization, Cookie, Proxy-Authorization, API keys,
  Host, anything) go only to the origin of the probe's URL, the (scheme, host, port) triple. Once a
  redirect leaves that origin they are dropped for the rest of the chain, even if a later redirect comes
  back: the place it came back to was chosen by another server. Only :data:`SAFE_ACROSS_ORIGINS`,
  headers that describe the wanted response and carry no credential, follow.
- An https probe never follows a redirect to plain http unless ``tls.allow_http_redirect`` is true.
- 303, and 301/302 after a POST, turn the request into a GET without a body (as browsers and curl do).
- The userinfo of a ``Location`` (``http://user:pass@host/``) is never sent and never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from slaforge.spec.model import Probe
from slaforge.spec.urls import shown_url

MAX_REDIRECTS = 10
REDIRECTS = frozenset({301, 302, 303, 307, 308})
SAFE_ACROSS_ORIGINS = frozenset({"accept", "accept-language", "cache-control", "pragma", "user-agent"})


class RedirectRefused(Exception):
    """The policy does not allow this redirect; the message is safe to show."""


@dataclass(frozen=True, slots=True)
class Hop:
    """The next request of a chain."""

    url: str
    method: str
    body: bytes | None
    trusted: bool  # still on the probe's own origin, every hop so far: the probe's headers may be sent


def origin_key(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of ``url`` with default ports filled in; None when it is not http(s)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


class RedirectPolicy:
    def __init__(self, probe: Probe) -> None:
        self.enabled = probe.follow_redirects
        self.https_probe = probe.scheme == "https"
        self.allow_http = probe.tls.allow_http_redirect
        self.home = origin_key(probe.url)

    def follows(self, status: int, location: str | None) -> bool:
        return self.enabled and status in REDIRECTS and bool(location)

    def next_hop(self, hop: Hop, status: int, location: str) -> Hop:
        url = urljoin(hop.url, location)
        target = origin_key(url)
        if target is None:
            raise RedirectRefused(f"cannot follow a redirect to {shown_url(url)!r}")
        if self.https_probe and target[0] == "http" and not self.allow_http:
            raise RedirectRefused(
                f"refused a redirect from https to {shown_url(url)!r} (set tls.allow_http_redirect to follow it)"
            )
        method, body = hop.method, hop.body
        if status == 303 or (status in (301, 302) and method == "POST"):
            method, body = ("HEAD" if method == "HEAD" else "GET"), None
        return Hop(url, method, body, hop.trusted and target == self.home)


def headers_for(user_headers: list[tuple[str, str]], trusted: bool) -> list[tuple[str, str]]:
    """The probe's headers to send on a hop: all of them on its own origin, the safe ones elsewhere."""
    if trusted:
        return user_headers
    return [(name, value) for name, value in user_headers if name.lower() in SAFE_ACROSS_ORIGINS]
