"""Helpers for the exporter tests: the real exporter process, misbehaving targets, certificates.

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from prometheus_client.parser import text_string_to_metric_families

from tests.support.prometheus import free_port

SLAFORGE = str(Path(sys.executable).with_name("slaforge"))
Labels = frozenset[tuple[str, str]]


# --- SLA files ----------------------------------------------------------------------------

def sla_yaml(name: str, probes: Sequence[dict[str, Any]], objectives: Sequence[dict[str, Any]] = ()) -> str:
    """One SLA document; without objectives, an availability objective on the first probe."""
    objectives = list(objectives) or [{"name": "availability", "target": 99.0, "sli": {"probe": probes[0]["name"]}}]
    doc = {
        "apiVersion": "slaforge/v1",
        "kind": "SLA",
        "metadata": {"name": name},
        "spec": {
            "service": name, "provider": "Test Provider", "customer": "Test Customer", "window": "30d",
            "probes": list(probes), "objectives": objectives,
        },
    }
    return json.dumps(doc)  # JSON is YAML


# --- the exporter process -----------------------------------------------------------------

class ExporterProcess:
    def __init__(self, workdir: Path, paths: Sequence[Path], *args: str) -> None:
        self.workdir = workdir
        self.paths = [str(p) for p in paths]
        self.args = list(args)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"exporter-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.session = requests.Session()

    def start(self, timeout: float = 30) -> ExporterProcess:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [SLAFORGE, "exporter", *self.paths, "--listen", f"127.0.0.1:{self.port}",
                 "--log-format", "json", "--watch-interval", "0.5", *self.args],
                stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exporter exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                if self.session.get(f"{self.url}/-/ready", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"exporter not ready after {timeout}s:\n{self.log_text()}")

    def stop(self, timeout: float = 15) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.session.close()
        return self.proc.returncode

    def __enter__(self) -> ExporterProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def logs(self) -> list[dict[str, Any]]:
        out = []
        for line in self.log_text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def rss_bytes(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.url + path, timeout=10)

    def metrics(self) -> dict[tuple[str, Labels], float]:
        response = self.get("/metrics")
        response.raise_for_status()
        out = {}
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                out[(sample.name, frozenset(sample.labels.items()))] = sample.value
        return out

    def value(self, name: str, **labels: str) -> float | None:
        return self.metrics().get((name, frozenset(labels.items())))

    def wait_for(self, check: Callable[[dict[tuple[str, Labels], float]], bool], timeout: float = 30,
                 what: str = "condition") -> dict[tuple[str, Labels], float]:
        deadline = time.monotonic() + timeout
        metrics: dict[tuple[str, Labels], float] = {}
        while time.monotonic() < deadline:
            metrics = self.metrics()
            if check(metrics):
                return metrics
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; log:\n{self.log_text()[-3000:]}")


def sample(metrics: dict[tuple[str, Labels], float], name: str, **labels: str) -> float | None:
    return metrics.get((name, frozenset(labels.items())))


# --- certificates -------------------------------------------------------------------------

def make_cert(workdir: Path, name: str, *, hostnames: Sequence[str] = ("localhost",),
              expired: bool = False) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and ``hostnames``: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])])
    now = dt.datetime.now(dt.UTC)
    if expired:
        start, end = now - dt.timedelta(days=30), now - dt.timedelta(days=1)
    else:
        start, end = now - dt.timedelta(hours=1), now + dt.timedelta(days=90)
    import ipaddress

    sans: list[x509.GeneralName] = [x509.DNSName(h) for h in hostnames]
    sans.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = workdir / f"{name}.crt", workdir / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def not_after(cert_path: Path) -> float:
    return x509.load_pem_x509_certificate(cert_path.read_bytes()).not_valid_after_utc.timestamp()


# --- misbehaving targets ------------------------------------------------------------------

OK_BODY = b'{"status": "ok"}'
BIG = 10 * 1024 * 1024


class FaultServer:
    """A raw HTTP/1.1 target on 127.0.0.1 whose behaviour depends on the request path.

    /ok, /delay (0.3 s), /slow (3 s), /hang, /reset, /big, /short-cl-hang, /short-cl-close, /status503,
    /badbody, /redirect, /redirect-loop, /garbage. Optionally TLS. Counts the connections it accepted.
    """

    def __init__(self, tls: tuple[Path, Path] | None = None, port: int = 0) -> None:
        self.ctx: ssl.SSLContext | None = None
        self.sni: list[str | None] = []
        if tls is not None:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.ctx.sni_callback = self._remember_sni
        self.requested_port = port
        self.port = 0
        self.connections = 0
        self.requests: dict[str, int] = {}
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _remember_sni(self, sock: ssl.SSLObject, name: str | None, ctx: ssl.SSLContext) -> None:
        self.sni.append(name)

    def start(self) -> FaultServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.requested_port))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        self.requested_port = self.port
        self._sock = sock
        self._stop.clear()
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            if self.ctx is not None:
                conn = self.ctx.wrap_socket(conn, server_side=True)
            buffer = b""
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                close = any(line.lower() == "connection: close" for line in lines[1:])
                with self._lock:
                    self.requests[path] = self.requests.get(path, 0) + 1
                if not self._respond(conn, path) or close:
                    return
        except (OSError, ssl.SSLError, IndexError):
            return
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _respond(self, conn: socket.socket, path: str) -> bool:
        """Answer one request; False when the connection must end."""
        def send(status: str, body: bytes, extra: str = "") -> None:
            conn.sendall(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body)

        if path == "/ok":
            send("200 OK", OK_BODY, "Content-Type: application/json\r\n")
        elif path == "/delay":
            time.sleep(0.3)
            send("200 OK", OK_BODY)
        elif path == "/slow":
            time.sleep(3)
            send("200 OK", OK_BODY)
        elif path == "/hang":
            while conn.recv(65536):
                pass
            return False
        elif path == "/reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return False
        elif path == "/big":
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {BIG}\r\n\r\n".encode() + b'{"status": "ok"}')
            chunk = b"x" * 65536
            sent = 16
            while sent < BIG:
                conn.sendall(chunk[: min(len(chunk), BIG - sent)])
                sent += len(chunk)
            return False
        elif path == "/short-cl-hang":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n0123456789")
            while conn.recv(65536):
                pass
            return False
        elif path == "/short-cl-close":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n0123456789")
            return False
        elif path == "/status503":
            send("503 Service Unavailable", b"down")
        elif path == "/badbody":
            send("200 OK", b'{"status": "degraded"}')
        elif path == "/redirect":
            send("302 Found", b"", "Location: /ok\r\n")
        elif path == "/redirect-loop":
            send("302 Found", b"", "Location: /redirect-loop\r\n")
        elif path == "/garbage":
            conn.sendall(b"this is not HTTP at all\r\n\r\n")
            return False
        else:
            send("404 Not Found", b"no such path")
        return True
