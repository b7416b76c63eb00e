"""Clients that request /metrics and never read: the exporter's memory and responsiveness.

    python -m bench slow_clients                         # 2,000 probes, 100 such clients
    python -m bench slow_clients --probes 5000 --clients 300 --write-timeout 30

Starts the real exporter on 127.0.0.1 with N tcp probes (to a closed port: cheap, and every series
exists), measures its RSS, opens the clients (each with a 4 KiB receive buffer, so the kernel absorbs
little), measures RSS while they hang and the time of a normal /metrics meanwhile, then waits for the
exporter to disconnect them and measures RSS again.
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.exporter.procs import Proc, free_port, rss_bytes


def socket_count(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += fd.readlink().name.startswith("socket:")
        except OSError:
            continue
    return count


def sla_file(folder: Path, probes: int, per_sla: int = 100) -> Path:
    """``probes`` TCP probes of a closed port, in SLAs of ``per_sla`` (the most one SLA may declare)."""
    closed = free_port()
    docs = []
    for first in range(0, probes, per_sla):
        docs.append({
            "apiVersion": "slaforge/v1", "kind": "SLA", "metadata": {"name": f"slow-clients-{first // per_sla}"},
            "spec": {
                "service": "s", "provider": "p", "customer": "c", "window": "30d",
                "probes": [{"name": f"p{i}", "url": f"tcp://127.0.0.1:{closed}", "interval": "60s",
                            "timeout": "1s"} for i in range(first, min(first + per_sla, probes))],
                "objectives": [{"name": "availability", "target": 99, "sli": {"probe": f"p{first}"}}],
            },
        })
    path = folder / "sla.yaml"
    path.write_text("\n---\n".join(json.dumps(doc) for doc in docs) + "\n")
    return path


def wave_once(url: str, port: int, pid: int, args: argparse.Namespace, base_rss: int, base_sockets: int,
              wave: int) -> None:
    clients = []
    asked = time.monotonic()
    for _ in range(args.clients):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n")
        clients.append(sock)
    time.sleep(3)
    hung_rss = rss_bytes(pid)
    started = time.perf_counter()
    urllib.request.urlopen(f"{url}/metrics", timeout=60).read()
    scrape = time.perf_counter() - started
    deadline = asked + args.write_timeout + 33
    while time.monotonic() < deadline and socket_count(pid) > base_sockets:
        time.sleep(0.5)
    closed_after = time.monotonic() - asked
    left = socket_count(pid) - base_sockets
    time.sleep(1)
    after_rss = rss_bytes(pid)
    for sock in clients:
        sock.close()
    print(f"wave {wave}: RSS before {mib(base_rss)}, while they hang {mib(hung_rss)} "
          f"(+{(hung_rss - base_rss) / max(args.clients, 1) / 1024:.0f} KiB per client), "
          f"after they are closed {mib(after_rss)}; a normal /metrics meanwhile {scrape * 1000:.0f} ms; "
          f"connections still open {left} after {closed_after:.0f} s")
    time.sleep(1)


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench slow_clients")
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--write-timeout", type=float, default=10.0)
    parser.add_argument("--full", action="store_true", help="5,000 probes, 300 clients")
    parser.add_argument("--waves", type=int, default=1, help="repeat the clients this many times")
    parser.add_argument("--command", help="the slaforge command to run (default: this environment's), "
                        "to compare two builds; --write-timeout 0 leaves the option out, for builds without it")
    args = parser.parse_args(argv)
    if args.full:
        args.probes, args.clients = 5000, 300
    import sys

    slaforge = args.command or str(Path(sys.executable).with_name("slaforge"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        extra = ["--write-timeout", str(args.write_timeout)] if args.write_timeout > 0 else []
        proc = Proc([slaforge, "exporter", str(sla_file(folder, args.probes)), "--listen", f"127.0.0.1:{port}",
                     "--watch-interval", "0", *extra], folder / "exporter.log", ready_url=f"{url}/-/ready")
        try:
            size = len(urllib.request.urlopen(f"{url}/metrics", timeout=60).read())
            time.sleep(1)
            base_rss, base_sockets = rss_bytes(proc.pid), socket_count(proc.pid)
            print(f"/metrics {mib(size)} ({size} bytes), {args.probes} probes, {args.clients} non-reading clients, "
                  f"--write-timeout {args.write_timeout:g}")
            for wave in range(1, args.waves + 1):
                wave_once(url, port, proc.pid, args, base_rss, base_sockets, wave)
        finally:
            proc.stop()
    return 0
