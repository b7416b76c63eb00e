"""The exporter's own HTTP server: endpoints, keep-alive, and clients that misbehave."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from slaforge.conventions import PROBE_SUCCESS
from tests.exporter.support import ExporterProcess, FaultServer, sample, sla_yaml


@pytest.fixture(scope="module")
def exporter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExporterProcess]:
    work = tmp_path_factory.mktemp("server")
    with FaultServer() as target:
        sla_file = work / "sla.yaml"
        sla_file.write_text(sla_yaml("srv", [{"name": "tcp", "url": f"tcp://127.0.0.1:{target.port}",
                                              "interval": "1s"}]))
        with ExporterProcess(work, [sla_file]) as ex:
            ex.wait_for(lambda m: sample(m, PROBE_SUCCESS, sla="srv", probe="tcp") == 1, what="first probe")
            yield ex


def raw(ex: ExporterProcess, data: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", ex.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_endpoints(exporter: ExporterProcess) -> None:
    assert exporter.get("/-/healthy").status_code == 200
    assert exporter.get("/-/ready").text == "ready\n"
    metrics = exporter.get("/metrics?foo=bar")
    assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert int(metrics.headers["content-length"]) == len(metrics.content)
    assert exporter.get("/nope").status_code == 404
    assert exporter.session.post(exporter.url + "/metrics", timeout=10).status_code == 405
    head = exporter.session.head(exporter.url + "/metrics", timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert exporter.session.get(exporter.url + "/-/reload", timeout=10).status_code == 405
    assert exporter.session.post(exporter.url + "/-/reload", timeout=10).status_code == 200


def test_keep_alive(exporter: ExporterProcess) -> None:
    reply = raw(exporter, b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"
                          b"GET /-/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert reply.count(b"HTTP/1.1 200") == 2 and reply.endswith(b"ready\n")


def test_bad_and_stalled_clients_do_not_disturb_scrapes(exporter: ExporterProcess) -> None:
    assert raw(exporter, b"\x16\x03\x01 this is not HTTP\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert raw(exporter, b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 100_000 + b"\r\n\r\n").startswith(
        b"HTTP/1.1 4")
    stalled = [socket.create_connection(("127.0.0.1", exporter.port)) for _ in range(20)]
    try:
        for sock in stalled[:10]:
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # never finishes its request
        started = time.monotonic()
        for _ in range(5):
            assert exporter.get("/metrics").status_code == 200
        assert time.monotonic() - started < 10
    finally:
        for sock in stalled:
            sock.close()
    # a client that disappears in the middle of a response
    with socket.create_connection(("127.0.0.1", exporter.port)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert exporter.get("/-/healthy").status_code == 200
