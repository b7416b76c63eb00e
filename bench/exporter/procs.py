"""The processes of the exporter benchmark: nginx (target), blackbox_exporter (peer), slaforge exporter.

Everything binds to 127.0.0.1 on free ports, in a temporary folder, and is stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """user + system CPU time of a process (all its threads), from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def tool(*names: str) -> str:
    for name in names:
        for folder in ("", "/usr/sbin/", "/usr/bin/"):
            path = shutil.which(folder + name) if folder else shutil.which(name)
            if path:
                return path
    raise SystemExit(f"benchmark needs {names[0]} (make system-deps)")


class Proc:
    def __init__(self, args: list[str], log: Path, ready_url: str | None = None) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        if ready_url:
            wait_http(ready_url, self)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def wait_http(url: str, proc: Proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            raise SystemExit(f"{url}: process exited:\n{proc.log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} not ready after {timeout}s")


def start_nginx(work: Path) -> tuple[Proc, int]:
    port = free_port()
    (work / "nginx").mkdir(exist_ok=True)
    conf = work / "nginx" / "nginx.conf"
    conf.write_text(f"""
daemon off;
worker_processes 1;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {work}/nginx; proxy_temp_path {work}/nginx; fastcgi_temp_path {work}/nginx;
  uwsgi_temp_path {work}/nginx; scgi_temp_path {work}/nginx;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location = /healthz {{ default_type application/json; return 200 '{{"status":"ok"}}'; }}
  }}
}}
""")
    proc = Proc([tool("nginx"), "-p", str(work / "nginx"), "-c", str(conf)], work / "nginx.log",
                f"http://127.0.0.1:{port}/healthz")
    return proc, port


def start_blackbox(work: Path) -> tuple[Proc, int]:
    port = free_port()
    conf = work / "blackbox.yml"
    conf.write_text("modules:\n  http_2xx:\n    prober: http\n    timeout: 1s\n"
                    "    http:\n      preferred_ip_protocol: ip4\n")
    proc = Proc([tool("prometheus-blackbox-exporter", "blackbox_exporter"), f"--config.file={conf}",
                 f"--web.listen-address=127.0.0.1:{port}"], work / "blackbox.log",
                f"http://127.0.0.1:{port}/-/healthy")
    return proc, port


def start_exporter(work: Path, sla_file: Path, *extra: str) -> tuple[Proc, int]:
    port = free_port()
    slaforge = str(Path(sys.executable).with_name("slaforge"))
    proc = Proc([slaforge, "exporter", str(sla_file), "--listen", f"127.0.0.1:{port}", "--watch-interval", "0", *extra],
                work / f"exporter-{port}.log", f"http://127.0.0.1:{port}/-/ready")
    return proc, port
