"""Clients that request /metrics and never read it: the real exporter process bounds the time (and so
the memory) each one holds, disconnects them, and serves everyone else meanwhile."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from tests.exporter.support import ExporterProcess
from tests.support.prometheus import free_port

PROBES = 5000  # a /metrics of about 7.5 MB: more than the kernel buffers (up to 4 MB a socket) take
CLIENTS = 5


def _sockets(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += fd.readlink().name.startswith("socket:")
        except OSError:
            continue
    return count


def _sla(folder: Path) -> Path:
    """PROBES probes in SLAs of 100 (an SLA holds 100 probes at most), as one multi-document file."""
    closed = free_port()
    docs = []
    for first in range(0, PROBES, 100):
        probes = [{"name": f"p{i}", "url": f"tcp://127.0.0.1:{closed}", "interval": "60s", "timeout": "1s"}
                  for i in range(first, min(first + 100, PROBES))]
        docs.append(json.dumps({
            "apiVersion": "slaforge/v1", "kind": "SLA", "metadata": {"name": f"many-{first // 100}"},
            "spec": {"service": "many", "provider": "p", "customer": "c", "window": "30d", "probes": probes,
                     "objectives": [{"name": "availability", "target": 99, "sli": {"probe": probes[0]["name"]}}]},
        }))
    path = folder / "many.yaml"
    path.write_text("\n---\n".join(docs))
    return path


def _read_to_the_end(sock: socket.socket) -> int:
    sock.settimeout(10)
    total = 0
    try:
        while chunk := sock.recv(1 << 20):
            total += len(chunk)
    except ConnectionResetError:
        pass
    return total


def test_clients_that_never_read_are_disconnected_and_others_are_served(tmp_path: Path) -> None:
    with ExporterProcess(tmp_path, [_sla(tmp_path)], "--write-timeout", "2", "--watch-interval", "0") as ex:
        assert ex.proc is not None
        full = len(ex.get("/metrics").content)
        assert full > 6_000_000
        baseline = _sockets(ex.proc.pid)
        hanging = []
        for _ in range(CLIENTS):
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel takes almost nothing
            sock.connect(("127.0.0.1", ex.port))
            sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: slow\r\n\r\n")
            hanging.append(sock)
        try:
            # everyone else is served meanwhile, completely
            assert ex.get("/-/healthy").status_code == 200
            assert len(ex.get("/metrics").content) >= full
            # the exporter disconnects them by itself (a bounded wait, not a timing assertion)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and _sockets(ex.proc.pid) > baseline:
                time.sleep(0.2)
            assert _sockets(ex.proc.pid) <= baseline, "non-reading clients still connected"
            for sock in hanging:
                assert _read_to_the_end(sock) < full  # cut off, not completed
            assert ex.get("/-/healthy").status_code == 200
        finally:
            for sock in hanging:
                sock.close()
