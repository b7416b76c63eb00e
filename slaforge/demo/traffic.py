"""Steady background requests to the demo target itself, so its own metrics have traffic to measure."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlsplit


class Traffic:
    """GET ``url`` about ``per_second`` times a second from one thread, until stopped; failures are ignored."""

    def __init__(self, url: str, per_second: float, timeout: float = 15.0) -> None:
        parts = urlsplit(url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._path = parts.path or "/"
        self._pause = 1.0 / per_second
        self._timeout = timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="demo-traffic", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._pause):
            self.request_once()

    def request_once(self) -> int | None:
        """One request; its status, or None when the connection failed."""
        conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            conn.request("GET", self._path)
            response = conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            return None
        finally:
            self.sent += 1
            conn.close()
