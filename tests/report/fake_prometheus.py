"""Small hostile stand-ins for Prometheus on a real socket on 127.0.0.1: they trickle, flood, lie.

Each is a :class:`FakePrometheus` with a behaviour: a function that gets the parsed request and the
connection and answers however it likes. Every loop is bounded, and a behaviour stops as soon as
the client goes away; the server records what it sent so that tests can tell a client that gave up
from one that read everything.
"""

from __future__ import annotations

import json
import re
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class Record:
    requests: list[Request] = field(default_factory=list)
    sent: int = 0  # bytes sent to clients, all connections
    finished: int = 0  # behaviours that ran to their end (the client read it all)


Behaviour = Callable[[Request, "Connection"], None]


class Connection:
    def __init__(self, sock: socket.socket, record: Record) -> None:
        self.sock = sock
        self.record = record

    def send(self, data: bytes) -> bool:
        """Send; False when the client has gone away."""
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.record.sent += len(data)
        return True


def _read_request(sock: socket.socket) -> Request | None:
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        rest += piece
    form = {k: v[0] for k, v in parse_qs(rest.decode()).items()}
    return Request(method, path, headers, form)


class FakePrometheus:
    """Serves ``behaviour`` on every connection, on a free port of 127.0.0.1. A context manager."""

    def __init__(self, behaviour: Behaviour, tls: tuple[Path, Path] | None = None) -> None:
        """``tls``: (certificate, key) files to serve https with."""
        self.record = Record()
        record = self.record
        context = None
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                if context is not None:
                    sock.settimeout(10)
                    try:
                        sock = context.wrap_socket(sock, server_side=True)
                    except OSError:
                        return
                request = _read_request(sock)
                if request is None:
                    return
                record.requests.append(request)
                behaviour(request, Connection(sock, record))

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            block_on_close = False
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                         daemon=True)

    def __enter__(self) -> FakePrometheus:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


# --- behaviours ---------------------------------------------------------------------------------


def head(status: int = 200, reason: str = "OK", length: int | None = None,
         content_type: str = "application/json") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def canned(body: Any, status: int = 200, content_type: str = "application/json") -> Behaviour:
    """The same answer to every request: ``body`` as JSON (or as it is, when bytes or str)."""
    data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()

    def behave(request: Request, conn: Connection) -> None:
        if conn.send(head(status, "Whatever", len(data), content_type) + data):
            conn.record.finished += 1

    return behave


def trickle_body(total: int = 400, every: float = 0.05) -> Behaviour:
    """Headers at once, then a body of ``total`` bytes one byte per ``every`` seconds (20s by default)."""

    def behave(request: Request, conn: Connection) -> None:
        if not conn.send(head(length=total)):
            return
        for _ in range(total):
            time.sleep(every)
            if not conn.send(b" "):
                return
        conn.record.finished += 1

    return behave


def trickle_headers(total: int = 400, every: float = 0.05) -> Behaviour:
    """A status line, then one header whose value comes one byte per ``every`` seconds."""

    def behave(request: Request, conn: Connection) -> None:
        if not conn.send(b"HTTP/1.1 200 OK\r\nX-Slow: "):
            return
        for _ in range(total):
            time.sleep(every)
            if not conn.send(b"a"):
                return
        conn.send(b"\r\nContent-Length: 2\r\n\r\n{}")
        conn.record.finished += 1

    return behave


def flood(total: int, announce: bool = False) -> Behaviour:
    """A JSON-looking answer of ``total`` bytes, without a length (till the connection closes) unless ``announce``."""

    def behave(request: Request, conn: Connection) -> None:
        if not conn.send(head(length=total if announce else None)):
            return
        prefix = b'{"status":"success","data":{"resultType":"vector","result":['
        if not conn.send(prefix):
            return
        block = b" " * 65536
        left = total - len(prefix)
        while left > 0:
            if not conn.send(block[:left]):
                return
            left -= len(block)
        conn.record.finished += 1

    return behave


def silent_after_announcing(length: int) -> Behaviour:
    """Announces a huge body and sends none of it (the client must not wait for it)."""

    def behave(request: Request, conn: Connection) -> None:
        conn.send(head(length=length))
        for _ in range(200):  # at most 10s, until the client hangs up
            time.sleep(0.05)
            if not conn.send(b""):
                return
            try:
                if conn.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    return
            except BlockingIOError:
                continue
            except OSError:
                return

    return behave


def answering(handler: Callable[[Request], Any]) -> Behaviour:
    """A Prometheus API that answers each query with ``handler(request)`` as the ``data`` member."""

    def behave(request: Request, conn: Connection) -> None:
        data = json.dumps({"status": "success", "data": handler(request)}).encode()
        if conn.send(head(length=len(data)) + data):
            conn.record.finished += 1

    return behave


def result_type(request: Request) -> str:
    """The result type Prometheus gives this request: a range query, the raw ALERTS samples and the
    report's subqueries (``[...:1m]``) and the raw samples of the daily sums (``[...ms] @ t``) are
    matrices, every other instant query a vector."""
    query = request.form.get("query", "")
    if request.path.endswith("query_range") or query.startswith("ALERTS") or re.search(r":\d+m\]$", query) \
            or re.search(r"\d+ms\] @ [\d.]+$", query):
        return "matrix"
    return "vector"
