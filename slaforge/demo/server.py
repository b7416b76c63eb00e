"""The demo target's HTTP server: application endpoints, a control API and its own /metrics.

    GET  /healthz, /api/work      application requests: {"status":"ok"} 200, unless told to fail
    GET  /metrics                 http_requests_total{code}, http_request_duration_seconds (Prometheus text)
    GET  /-/state                 the current failure
    POST /-/fail?mode=error|slow|down[&ratio=0.5][&delay=1.0]
    POST /-/recover

Failures touch only the application endpoints, so the target can always be recovered and scraped.
A request dropped in `down` mode is never counted in the target's own metrics, as in a real outage:
only the probes see it.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slaforge.demo.metrics import RequestMetrics
from slaforge.demo.state import FailureState, Mode, parse_failure
from slaforge.demo.traffic import Traffic

APP_PATHS = ("/healthz", "/api/work")
DEFAULT_LISTEN = "127.0.0.1:8099"
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FailureState
    metrics: RequestMetrics
    log_requests: bool


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "slaforge-demo-target"

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in APP_PATHS:
            self._application()
        elif path == "/metrics":
            self._send(200, self.server.metrics.render(), METRICS_TYPE)
        elif path == "/-/state":
            self._json(200, self.server.state.current.to_json())
        elif path in ("/-/fail", "/-/recover"):
            self._json(405, {"error": f"use POST {path}"}, extra={"Allow": "POST"})
        else:
            self._json(404, {"error": "not found", "paths": [*APP_PATHS, "/metrics", "/-/state"]})

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        self._drain_body()
        parts = urlsplit(self.path)
        state = self.server.state
        if parts.path == "/-/fail":
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            try:
                failure = parse_failure(query.get("mode", ""), query.get("ratio"), query.get("delay"))
            except ValueError as exc:
                self._json(400, {"error": str(exc)})
                return
            state.set(failure)
            self._log_change(f"failing: {failure.to_json()}")
            self._json(200, failure.to_json())
        elif parts.path == "/-/recover":
            state.recover()
            self._log_change("recovered")
            self._json(200, state.current.to_json())
        elif parts.path in APP_PATHS:
            self._application()
        else:
            self._json(404, {"error": "not found"})

    # --- the application ------------------------------------------------------------------

    def _application(self) -> None:
        started = time.perf_counter()
        mode, delay = self.server.state.decide()
        if mode is Mode.DOWN:
            self.close_connection = True  # nothing is written: the client sees the connection dropped
            return
        if delay:
            time.sleep(delay)
        if mode is Mode.ERROR:
            code, body = 500, {"status": "error"}
        else:
            code, body = 200, {"status": "ok"}
        self._json(code, body)
        self.server.metrics.observe(code, time.perf_counter() - started)

    # --- plumbing -------------------------------------------------------------------------

    def _drain_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > 0:
            self.rfile.read(min(length, 1 << 16))

    def _json(self, code: int, value: Any, extra: dict[str, str] | None = None) -> None:
        self._send(code, (json.dumps(value) + "\n").encode(), "application/json", extra)

    def _send(self, code: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _log_change(self, message: str) -> None:
        sys.stderr.write(f"demo-target: {message}\n")

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            super().log_message(format, *args)


class DemoTarget:
    """The demo target on HOST:PORT (port 0 picks a free one). Use as a context manager or start/stop."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8099,
        *,
        traffic: float = 0.0,
        seed: int | None = None,
        log_requests: bool = False,
    ) -> None:
        self.state = FailureState(seed)
        self.metrics = RequestMetrics()
        self._server = _Server((host, port), _Handler)
        self._server.state = self.state
        self._server.metrics = self.metrics
        self._server.log_requests = log_requests
        self._thread: threading.Thread | None = None
        self._traffic = Traffic(f"{self.url}/api/work", traffic) if traffic > 0 else None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def start(self) -> DemoTarget:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="demo-target", daemon=True
        )
        self._thread.start()
        if self._traffic:
            self._traffic.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted."""
        if self._traffic:
            self._traffic.start()
        try:
            self._server.serve_forever()
        finally:
            self.stop()

    def stop(self) -> None:
        if self._traffic:
            self._traffic.stop()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> DemoTarget:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
