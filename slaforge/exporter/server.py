"""The exporter's small HTTP/1.1 server (h11 over asyncio streams): /metrics, /-/healthy, /-/ready, /.

Robust against slow or broken clients: a deadline to receive each request and one to send each response,
capped request size, at most :data:`WRITE_BUFFER` bytes buffered per connection beyond what the kernel
takes, keep-alive for scrapers, and every error contained to its own connection. A client that does not
read its response is disconnected at the write deadline, and its buffer freed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import h11

from slaforge import __version__

MAX_REQUEST_HEAD = 16 * 1024
MAX_REQUEST_BODY = 64 * 1024
REQUEST_TIMEOUT = 30.0  # to receive a whole request, and idle time between keep-alive requests
WRITE_TIMEOUT = 30.0  # to send a whole response; then the connection is aborted
WRITE_BUFFER = 256 * 1024  # bytes handed to the transport before waiting for the client to read some


class Chunks:
    """A body of many byte strings, written with one ``writelines`` instead of being joined first.

    h11 frames a Data event by ``len()`` and, with ``send_with_data_passthrough``, hands the object back
    untouched (its documented sendfile pattern), so the parts go to the transport as they are.
    """

    __slots__ = ("parts", "size")

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts
        self.size = sum(map(len, parts))

    def __len__(self) -> int:
        return self.size


@dataclass
class Response:
    status: int
    body: bytes | Chunks
    content_type: str = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


Handler = Callable[[str, str], Awaitable[Response]]  # (method, path) -> response


class HttpServer:
    def __init__(self, handler: Handler, host: str, port: int, write_timeout: float = WRITE_TIMEOUT) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.write_timeout = write_timeout
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port, reuse_address=True)
        sock = self._server.sockets[0]
        self.port = sock.getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_REQUEST_HEAD)
        transport = writer.transport
        transport.set_write_buffer_limits(high=WRITE_BUFFER)
        try:
            while True:
                try:
                    async with asyncio.timeout(REQUEST_TIMEOUT):
                        request = await self._read_request(conn, reader)
                except (TimeoutError, ConnectionError):
                    return
                except h11.RemoteProtocolError as exc:
                    if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                        await self._send(conn, writer, Response(exc.error_status_hint, f"{exc}\n".encode()),
                                         "GET", self.write_timeout)
                    return
                if request is None:
                    return
                method, path = request
                try:
                    response = await self.handler(method, path)
                except Exception as exc:
                    response = Response(500, f"internal error: {type(exc).__name__}: {exc}\n".encode())
                await self._send(conn, writer, response, method, self.write_timeout)
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    return
                try:
                    conn.start_next_cycle()
                except h11.LocalProtocolError:
                    return
        except (ConnectionError, OSError, h11.LocalProtocolError):
            return
        except asyncio.CancelledError:
            return  # the server is closing: the connection ends here, quietly (asyncio logs a cancelled handler)
        finally:
            transport.close()
            if transport.get_write_buffer_size():
                # close() waits for the rest to be read: a client that never reads gets the write deadline
                asyncio.get_running_loop().call_later(self.write_timeout, _abort, transport)
            if task is not None:
                self._connections.discard(task)

    @staticmethod
    async def _read_request(conn: h11.Connection, reader: asyncio.StreamReader) -> tuple[str, str] | None:
        request: h11.Request | None = None
        body = 0
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += len(event.data)
                if body > MAX_REQUEST_BODY:
                    raise h11.RemoteProtocolError("request body too large", error_status_hint=413)
            elif isinstance(event, h11.EndOfMessage):
                assert request is not None
                return request.method.decode("ascii", "replace"), request.target.decode("ascii", "replace")
            elif isinstance(event, h11.ConnectionClosed):
                return None

    @staticmethod
    async def _send(
        conn: h11.Connection, writer: asyncio.StreamWriter, response: Response, method: str, timeout: float
    ) -> None:
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Server", f"slaforge-exporter/{__version__}"),
            *response.headers,
        ]
        chunks: list[Any] = conn.send_with_data_passthrough(
            h11.Response(status_code=response.status, headers=headers)
        ) or []
        if method != "HEAD" and len(response.body):
            chunks += conn.send_with_data_passthrough(h11.Data(data=response.body)) or []  # type: ignore[arg-type]
        chunks += conn.send_with_data_passthrough(h11.EndOfMessage()) or []
        out: list[bytes] = []
        for chunk in chunks:
            if isinstance(chunk, Chunks):
                out.extend(chunk.parts)
            else:
                out.append(chunk)
        try:
            async with asyncio.timeout(timeout):
                await _write_bounded(writer, out)
        except TimeoutError:
            writer.transport.abort()  # drops what is buffered now, not when the client reads it
            raise ConnectionAbortedError("the client did not read the response in time") from None


async def _write_bounded(writer: asyncio.StreamWriter, parts: list[bytes]) -> None:
    """Hand ``parts`` to the transport about WRITE_BUFFER bytes at a time, waiting for the client to read
    in between: a connection never buffers much more than two batches. (The parts are references to
    bytes that already exist; only the transport's buffer is a copy.)"""
    pieces: list[bytes] | list[bytes | memoryview] = parts
    if parts and max(map(len, parts)) > WRITE_BUFFER:  # rare: cut the big parts, without copying them
        pieces = [
            piece
            for part in parts
            for piece in ([part] if len(part) <= WRITE_BUFFER else
                          [memoryview(part)[i : i + WRITE_BUFFER] for i in range(0, len(part), WRITE_BUFFER)])
        ]
    start = size = 0
    for index, length in enumerate(map(len, pieces)):
        size += length
        if size >= WRITE_BUFFER:
            writer.writelines(pieces[start : index + 1])
            start, size = index + 1, 0
            await writer.drain()  # returns at once unless more than WRITE_BUFFER is buffered
    writer.writelines(pieces[start:])
    await writer.drain()


def _abort(transport: asyncio.WriteTransport) -> None:
    with contextlib.suppress(Exception):
        transport.abort()
