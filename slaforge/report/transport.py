"""One HTTP exchange with a deadline on the whole of it and a cap on the answer's size.

``requests``' own timeout bounds each read, not the exchange: a server that sends one byte per
second holds it forever, and a huge answer is read into memory whole. Here a watchdog thread shuts
down the connection's socket when the deadline passes (during the connection, the TLS handshake,
the headers or the body alike), and the body is read in pieces, counted, and refused past the cap
(announced by ``Content-Length`` or not).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CHUNK = 64 * 1024
_RESHOOT = 0.2  # seconds between two shutdowns of a request that is still running past its deadline


class DeadlineExceeded(Exception):
    """The exchange was not complete when its deadline passed."""


class AnswerTooLarge(Exception):
    def __init__(self, size: int, announced: bool) -> None:
        super().__init__(size)
        self.size = size
        self.announced = announced  # True when Content-Length said so before anything was read


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


def _shut(sock: Any) -> None:
    if not isinstance(sock, socket.socket):
        # None, or urllib3's SSLTransport (TLS within TLS, through an https proxy): cut what it wraps
        inner = getattr(sock, "socket", None)
        if not isinstance(inner, socket.socket):
            return
        sock = inner
    # The plain socket method even on an SSLSocket: leave the TLS state to its own thread. OSError:
    # already closed, or detached into the TLS socket.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Connections:
    """Every connection a :class:`DeadlineAdapter` made, so that they can be cut from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: weakref.WeakSet[Any] = weakref.WeakSet()

    def add(self, connection: Any) -> None:
        with self._lock:
            self._live.add(connection)

    def cut(self) -> None:
        with self._lock:
            connections = list(self._live)
        for connection in connections:
            for name in ("sock", "slaforge_raw_sock", "slaforge_tls_sock"):
                _shut(getattr(connection, name, None))


def _pool_classes(connections: _Connections) -> dict[str, type[HTTPConnectionPool]]:
    class Connection(HTTPConnection):
        slaforge_raw_sock: socket.socket | None = None

        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            self.slaforge_raw_sock = sock  # the TCP socket, before any TLS handshake
            connections.add(self)
            return sock

    class TLSConnection(HTTPSConnection):
        slaforge_raw_sock: socket.socket | None = None
        slaforge_tls_sock: Any = None

        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            self.slaforge_raw_sock = sock  # detached into the TLS socket once the handshake is done
            connections.add(self)
            return sock

        def connect(self) -> None:
            super().connect()
            # The connection forgets its socket once the response has it: keep a reference to cut.
            self.slaforge_tls_sock = self.sock

    class Pool(HTTPConnectionPool):
        ConnectionCls = Connection

    class TLSPool(HTTPSConnectionPool):
        ConnectionCls = TLSConnection

    return {"http": Pool, "https": TLSPool}


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections a watchdog can cut (plain and TLS, direct or through an HTTP proxy)."""

    def __init__(self) -> None:
        self.connections = _Connections()
        self.deadlines = _Deadlines(self.connections)
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.connections)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _pool_classes(self.connections)
        return manager


def bounded_session() -> tuple[requests.Session, DeadlineAdapter]:
    session = requests.Session()
    adapter = DeadlineAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session, adapter


class _Watchdog:
    """One request's deadline: past it, the adapter's connections are cut, and again while it still runs."""

    def __init__(self, adapter: DeadlineAdapter, seconds: float) -> None:
        self._deadlines = adapter.deadlines
        self.due = time.monotonic() + seconds
        self.fired = False

    def __enter__(self) -> _Watchdog:
        self._deadlines.add(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self._deadlines.remove(self)


class _Deadlines:
    """The deadlines of an adapter's requests, watched by one thread while any is pending (a thread
    per request cost more than a small query: starting it waits for the scheduler)."""

    _IDLE = 5.0  # seconds the thread waits for a new request before it ends

    def __init__(self, connections: _Connections) -> None:
        self._connections = connections
        self._lock = threading.Condition()
        self._pending: set[_Watchdog] = set()
        self._running = False

    def add(self, watch: _Watchdog) -> None:
        with self._lock:
            self._pending.add(watch)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="slaforge-deadline", daemon=True).start()
            self._lock.notify()

    def remove(self, watch: _Watchdog) -> None:
        with self._lock:
            self._pending.discard(watch)

    def _run(self) -> None:
        with self._lock:
            while True:
                if not self._pending:
                    self._lock.wait(self._IDLE)
                    if not self._pending:
                        self._running = False
                        return
                    continue
                now = time.monotonic()
                due = [w for w in self._pending if w.due <= now]
                if due:
                    for watch in due:
                        watch.fired = True
                        watch.due = now + _RESHOOT
                    self._connections.cut()
                    continue
                self._lock.wait(min(w.due for w in self._pending) - now)


def post(session: requests.Session, adapter: DeadlineAdapter, url: str, data: dict[str, str], *,
         seconds: float, max_bytes: int) -> Answer:
    """POST ``data`` and read the whole answer within ``seconds``, refusing more than ``max_bytes`` of body.

    Raises :class:`DeadlineExceeded`, :class:`AnswerTooLarge`, or ``requests.RequestException``.
    """
    received = 0
    start = time.monotonic()
    with _Watchdog(adapter, seconds) as watchdog:
        try:
            response = session.post(url, data=data, timeout=(seconds, seconds), stream=True)
            try:
                announced = response.headers.get("Content-Length", "")
                if announced.isdigit() and int(announced) > max_bytes:
                    raise AnswerTooLarge(int(announced), announced=True)
                pieces: list[bytes] = []
                for piece in response.iter_content(CHUNK):
                    received += len(piece)
                    if received > max_bytes:
                        raise AnswerTooLarge(received, announced=False)
                    pieces.append(piece)
                    if time.monotonic() - start > seconds:
                        raise DeadlineExceeded
            finally:
                response.close()
        except (requests.RequestException, OSError):
            if watchdog.fired:
                raise DeadlineExceeded from None
            raise
        if watchdog.fired:
            raise DeadlineExceeded
    return Answer(response.status_code, response.headers, b"".join(pieces))
