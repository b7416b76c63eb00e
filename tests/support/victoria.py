"""Run Debian's VictoriaMetrics (single node) and vmalert for tests: 127.0.0.1, free ports, temp dirs.

``VictoriaMetrics`` is a context manager; ``replay`` runs vmalert's replay mode (every rule of a
file over a past range, rule after rule, as query_range calls, in seconds); ``VmAlert`` runs vmalert
live (evaluations on the wall clock, every group aligned to its interval).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from tests.support.prometheus import binary, free_port


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"not ready in {timeout}s: {url}")


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rfc3339(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class VictoriaMetrics:
    """A single-node VictoriaMetrics; ``cache=False`` for replays (results written into the past)."""

    def __init__(self, workdir: Path, *, cache: bool = True) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cache = cache
        self.log_path = self.workdir / "victoria-metrics.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> VictoriaMetrics:
        args = [
            binary("victoria-metrics"),
            f"-storageDataPath={self.workdir / 'data'}",
            f"-httpListenAddr=127.0.0.1:{self.port}",
            "-retentionPeriod=100y",
            "-loggerLevel=ERROR",
        ]
        if not self.cache:
            args.append("-search.disableCache")
        self._proc = subprocess.Popen(args, stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT)
        _wait_ready(f"{self.url}/health", self._proc, self.log_path, 60)
        return self

    def __exit__(self, *exc: object) -> None:
        _stop(self._proc)
        self._proc = None

    def import_text(self, lines: Iterable[str]) -> None:
        """Prometheus text lines with millisecond timestamps (``name{labels} value ts``), then searchable."""
        response = requests.post(f"{self.url}/api/v1/import/prometheus", data="\n".join(lines) + "\n", timeout=120)
        response.raise_for_status()
        self.flush()

    def flush(self) -> None:
        requests.get(f"{self.url}/internal/force_flush", timeout=60).raise_for_status()

    def query(self, expr: str, at: float) -> list[dict[str, Any]]:
        response = requests.get(f"{self.url}/api/v1/query", params={"query": expr, "time": at}, timeout=60)
        body = response.json()
        if body.get("status") != "success":
            raise RuntimeError(f"{expr}: {body}")
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def samples(self, selector: str, start: float, end: float) -> list[tuple[float, float]]:
        """The raw samples of one series in [start, end] (the export API: no lookback, no rollup)."""
        import json

        response = requests.get(
            f"{self.url}/api/v1/export", params={"match[]": selector, "start": start, "end": end}, timeout=60
        )
        response.raise_for_status()
        rows = [json.loads(line) for line in response.text.splitlines() if line.strip()]
        if len(rows) > 1:
            raise AssertionError(f"{selector} matched {len(rows)} series")
        if not rows:
            return []
        pairs = zip(rows[0]["timestamps"], rows[0]["values"], strict=True)
        return sorted((t / 1000, float(v)) for t, v in pairs)


def strip_annotations(document: dict[str, Any]) -> dict[str, Any]:
    """vmalert 1.79's replay mode rejects the ``query`` template function our annotations use
    (live vmalert runs it); annotations never change when an alert fires."""
    groups = [
        {**g, "rules": [{k: v for k, v in r.items() if k != "annotations"} for r in g["rules"]]}
        for g in document["groups"]
    ]
    return {**document, "groups": groups}


def replay(rule_file: Path, url: str, start: float, end: float, log: Path, timeout: float = 300) -> None:
    """vmalert replay: each rule over [start, end] at its group's interval, results written to ``url``.

    The delay between rules lets each rule's results be flushed and searchable before the next
    rule reads them (remote write flushes every 100ms here; VictoriaMetrics makes rows searchable
    within a second).
    """
    args = [
        binary("vmalert"), f"-rule={rule_file}", f"-datasource.url={url}", f"-remoteWrite.url={url}",
        f"-replay.timeFrom={rfc3339(start)}", f"-replay.timeTo={rfc3339(end)}",
        "-replay.disableProgressBar", "-replay.rulesDelay=2s", "-remoteWrite.flushInterval=100ms",
        # 0: each group's own interval as the range step (the default 5m would step the 1m group by 5m)
        "-datasource.queryStep=0", f"-httpListenAddr=127.0.0.1:{free_port()}",
    ]
    with log.open("wb") as out:
        result = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"vmalert replay failed:\n{log.read_text(errors='replace')[-3000:]}")


class VmAlert:
    """vmalert evaluating ``rule_files`` live against ``url`` (and writing its results back to it)."""

    def __init__(self, workdir: Path, rule_files: Sequence[Path], url: str) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.rule_files = list(rule_files)
        self.datasource = url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "vmalert.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> VmAlert:
        args = [binary("vmalert"), *(f"-rule={p}" for p in self.rule_files),
                f"-datasource.url={self.datasource}", f"-remoteWrite.url={self.datasource}",
                f"-httpListenAddr=127.0.0.1:{self.port}", "-loggerLevel=ERROR",
                # vmalert needs a notifier for alerting rules: a free port nobody listens on
                f"-notifier.url=http://127.0.0.1:{free_port()}"]
        self._proc = subprocess.Popen(args, stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT)
        _wait_ready(f"{self.url}/health", self._proc, self.log_path, 60)
        return self

    def __exit__(self, *exc: object) -> None:
        _stop(self._proc)
        self._proc = None

    def alerts(self) -> list[dict[str, Any]]:
        body = requests.get(f"{self.url}/api/v1/alerts", timeout=10).json()
        alerts: list[dict[str, Any]] = body["data"]["alerts"] or []
        return alerts
