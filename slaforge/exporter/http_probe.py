"""HTTP(S) probes: h11 for the protocol, asyncio streams for the transport.

A probe is one request (plus up to 10 redirects, under the policy of :mod:`.redirects`) on a fresh
connection unless the probe asks for keep-alive. The whole probe, connect and TLS included, runs under one
deadline; the body is read up to a cap and never kept beyond it.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11

from slaforge import __version__
from slaforge.exporter.redirects import MAX_REDIRECTS, Hop, RedirectPolicy, RedirectRefused, headers_for
from slaforge.exporter.result import BODY, CONNECT, OTHER, STATUS, TIMEOUT, TLS, ProbeResult
from slaforge.exporter.tls import client_context, describe_ssl_error, leaf_expiry
from slaforge.spec.model import Probe
from slaforge.spec.urls import shown_url

READ_CHUNK = 65536
USER_AGENT = f"slaforge-exporter/{__version__}"


class ProbeFailure(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str
    port: int
    host_header: str


def origin_of(url: str) -> tuple[Origin, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProbeFailure(OTHER, f"cannot follow to {shown_url(url)!r}")
    default = 443 if parts.scheme == "https" else 80
    port = parts.port or default
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    header = shown if port == default else f"{shown}:{port}"
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Origin(parts.scheme, host, port, header), path


class _Connection:
    __slots__ = ("cert_expiry", "h11", "origin", "reader", "writer")

    def __init__(self, origin: Origin, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.origin = origin
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT)
        self.cert_expiry = leaf_expiry(writer.get_extra_info("ssl_object"))

    def close(self, abort: bool = False) -> None:
        transport = self.writer.transport
        if abort:
            transport.abort()
        else:
            transport.close()


@dataclass(slots=True)
class _Response:
    status: int
    location: str | None
    body: bytes
    truncated: bool


class _Progress:
    __slots__ = ("cert_expiry", "phase", "status")

    def __init__(self) -> None:
        self.phase = "connecting"
        self.status = 0
        self.cert_expiry: float | None = None


class HttpProber:
    """Runs one probe definition again and again; everything that can be prepared once is."""

    def __init__(self, probe: Probe, max_body_bytes: int = 1 << 20) -> None:
        self.probe = probe
        self.timeout = probe.timeout.seconds
        self.max_body = max_body_bytes
        self.regex = re.compile(probe.expect.body_regex) if probe.expect.body_regex else None
        self.body = probe.body.encode() if probe.body is not None else None
        self.keepalive = probe.keepalive
        self.server_name = probe.tls.server_name
        self.ssl = client_context(probe.tls.ca_file, probe.tls.insecure_skip_verify)
        self.user_headers = [(k, v) for k, v in probe.headers.items()]
        self.redirects = RedirectPolicy(probe)
        self._pooled: _Connection | None = None
        self._first = origin_of(probe.url)
        # validated request heads by (origin, path, method, body size, trusted): h11 events are immutable
        self._requests: dict[tuple[Origin, str, str, int, bool], h11.Request] = {}

    async def run(self) -> ProbeResult:
        start = time.perf_counter()
        progress = _Progress()
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._follow(progress)
        except TimeoutError:
            return ProbeResult.failed(
                TIMEOUT, time.perf_counter() - start,
                f"no complete response within {self.probe.timeout} (while {progress.phase})",
                status_code=progress.status, cert_expiry=progress.cert_expiry,
            )
        except ProbeFailure as exc:
            return ProbeResult.failed(
                exc.reason, time.perf_counter() - start, exc.message,
                status_code=progress.status, cert_expiry=progress.cert_expiry,
            )
        duration = time.perf_counter() - start
        common = {"status_code": response.status, "cert_expiry": progress.cert_expiry}
        if not self.probe.expect.accepts(response.status):
            wanted = ", ".join(self.probe.expect.status)
            return ProbeResult.failed(STATUS, duration, f"status {response.status}, expected {wanted}", **common)
        if self.regex is not None and not self.regex.search(response.body.decode("utf-8", "replace")):
            return ProbeResult.failed(
                BODY, duration, f"body does not match {self.regex.pattern!r}"
                + (f" (first {len(response.body)} bytes read)" if response.truncated else ""),
                **common,
            )
        return ProbeResult(True, duration, status_code=response.status, cert_expiry=progress.cert_expiry,
                           body_truncated=response.truncated)

    def close(self) -> None:
        if self._pooled is not None:
            self._pooled.close(abort=True)
            self._pooled = None

    async def _follow(self, progress: _Progress) -> _Response:
        hop = Hop(self.probe.url, self.probe.method, self.body, trusted=True)
        for count in range(MAX_REDIRECTS + 1):
            origin, path = self._first if count == 0 else origin_of(hop.url)
            response = await self._exchange(origin, path, hop, progress)
            if response.location is None or not self.redirects.follows(response.status, response.location):
                return response
            try:
                hop = self.redirects.next_hop(hop, response.status, response.location)
            except RedirectRefused as exc:
                raise ProbeFailure(OTHER, str(exc)) from None
        raise ProbeFailure(OTHER, f"more than {MAX_REDIRECTS} redirects")

    async def _exchange(self, origin: Origin, path: str, hop: Hop, progress: _Progress) -> _Response:
        conn = self._take_pooled(origin)
        if conn is not None:
            try:
                return await self._request(conn, path, hop, progress)
            except ProbeFailure as exc:
                if exc.reason != CONNECT:
                    raise
                # the server closed the idle connection: one more try on a fresh one
        conn = await self._connect(origin, progress)
        return await self._request(conn, path, hop, progress)

    def _take_pooled(self, origin: Origin) -> _Connection | None:
        conn, self._pooled = self._pooled, None
        if conn is None:
            return None
        if conn.origin != origin or conn.writer.transport.is_closing():
            conn.close(abort=True)
            return None
        return conn

    def _sni(self, origin: Origin) -> str:
        """tls.server_name for the probe's own host; a redirect to another host uses that host's name."""
        if self.server_name and origin.host == self._first[0].host:
            return self.server_name
        return origin.host

    async def _connect(self, origin: Origin, progress: _Progress) -> _Connection:
        progress.phase = "connecting"
        tls = origin.scheme == "https"
        try:
            reader, writer = await asyncio.open_connection(
                origin.host, origin.port,
                ssl=self.ssl if tls else None,
                server_hostname=self._sni(origin) if tls else None,
                ssl_handshake_timeout=self.timeout if tls else None,
            )
        except ssl.SSLError as exc:
            raise ProbeFailure(TLS, describe_ssl_error(exc)) from None
        except ssl.CertificateError as exc:
            raise ProbeFailure(TLS, f"certificate verification failed: {exc}") from None
        except OSError as exc:
            raise ProbeFailure(CONNECT, f"connect to {origin.host}:{origin.port}: {exc.strerror or exc}") from None
        conn = _Connection(origin, reader, writer)
        if tls:
            progress.cert_expiry = conn.cert_expiry
        return conn

    def _headers(self, origin: Origin, body: bytes | None, trusted: bool) -> list[tuple[str, str]]:
        user = headers_for(self.user_headers, trusted)
        names = {name.lower() for name, _ in user}
        headers = [("Host", origin.host_header)] if "host" not in names else []
        if "user-agent" not in names:
            headers.append(("User-Agent", USER_AGENT))
        if "accept" not in names:
            headers.append(("Accept", "*/*"))
        if not self.keepalive:
            headers.append(("Connection", "close"))
        if body is not None:
            headers.append(("Content-Length", str(len(body))))
        headers.extend(user)
        return headers

    def _request_head(self, origin: Origin, path: str, hop: Hop) -> h11.Request:
        body = hop.body
        key = (origin, path, hop.method, -1 if body is None else len(body), hop.trusted)
        request = self._requests.get(key)
        if request is None:
            if len(self._requests) >= 16:  # redirects to ever new places
                self._requests.clear()
            try:
                request = h11.Request(method=hop.method, target=path, headers=self._headers(origin, body, hop.trusted))
            except h11.LocalProtocolError:
                # h11's message quotes the offending header value, which may be a credential
                raise ProbeFailure(OTHER, "cannot send the request: h11 refused its head "
                                   "(an invalid target or header; header values are not shown)") from None
            self._requests[key] = request
        return request

    async def _request(self, conn: _Connection, path: str, hop: Hop, progress: _Progress) -> _Response:
        keep = False
        try:
            response = await self._roundtrip(conn, path, hop, progress)
            keep = (
                self.keepalive and not response.truncated
                and conn.h11.our_state is h11.DONE and conn.h11.their_state is h11.DONE
            )
            if keep:
                conn.h11.start_next_cycle()
            return response
        finally:
            if keep:
                self._pooled = conn
            else:
                conn.close(abort=progress.phase != "done")

    async def _roundtrip(self, conn: _Connection, path: str, hop: Hop, progress: _Progress) -> _Response:
        h = conn.h11
        body = hop.body
        progress.phase = "sending the request"
        head = self._request_head(conn.origin, path, hop)
        try:
            data = h.send(head)
            if body:
                data += h.send(h11.Data(data=body))
            data += h.send(h11.EndOfMessage())
        except h11.LocalProtocolError:
            raise ProbeFailure(OTHER, "cannot send the request (h11 refused it)") from None
        reader = conn.reader
        try:
            conn.writer.write(data)
            progress.phase = "waiting for the response"
            while True:
                event = h.next_event()
                if event is h11.NEED_DATA:
                    chunk = await reader.read(READ_CHUNK)
                    if not chunk:
                        raise ProbeFailure(CONNECT, "connection closed by the server before a response")
                    h.receive_data(chunk)
                elif isinstance(event, h11.Response):
                    break
        except (ConnectionError, OSError) as exc:
            raise ProbeFailure(CONNECT, f"connection lost before a response: {exc.strerror or exc}") from None
        except h11.RemoteProtocolError as exc:
            raise ProbeFailure(OTHER, f"invalid HTTP response: {exc}") from None
        status = event.status_code
        progress.status = status
        location = None
        for name, value in event.headers:
            if name == b"location":
                location = value.decode("latin-1")
        progress.phase = "reading the body"
        keep_body = self.regex is not None
        kept = bytearray()
        total = 0
        truncated = False
        try:
            while True:
                event = h.next_event()
                if event is h11.NEED_DATA:
                    if total >= self.max_body:
                        truncated = True
                        break
                    h.receive_data(await reader.read(READ_CHUNK))
                elif isinstance(event, h11.Data):
                    size = len(event.data)
                    if keep_body and total < self.max_body:
                        kept += event.data[: self.max_body - total]
                    total += size
                elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                    break
        except (ConnectionError, OSError) as exc:
            raise ProbeFailure(OTHER, f"connection lost while reading the body: {exc.strerror or exc}") from None
        except h11.RemoteProtocolError as exc:
            raise ProbeFailure(OTHER, f"invalid HTTP response body: {exc}") from None
        progress.phase = "done"
        return _Response(status, location, bytes(kept), truncated)
