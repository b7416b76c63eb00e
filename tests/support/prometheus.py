"""Run the real Prometheus server and promtool from Debian for tests and benchmarks.

Everything binds to 127.0.0.1 on free ports and is stopped when the context exits.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import requests
import yaml


def binary(name: str) -> str:
    """Path of a required tool; `make test` installs them (scripts/system-deps.sh)."""
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed; run `make system-deps` (Debian packages)")
    return path


def promtool() -> str:
    return binary("promtool")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def backfill_openmetrics(text: str | Path, storage_dir: Path, *, block_hours: int = 24 * 31) -> None:
    """Write OpenMetrics text (must end with ``# EOF``) into TSDB blocks under ``storage_dir``."""
    storage_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(text, Path):
        source = text
    else:
        body = text if text.rstrip().endswith("# EOF") else text.rstrip() + "\n# EOF\n"
        with tempfile.NamedTemporaryFile("w", suffix=".om", delete=False, dir=storage_dir.parent) as handle:
            handle.write(body)
        source = Path(handle.name)
    try:
        subprocess.run(
            [promtool(), "tsdb", "create-blocks-from", "openmetrics",
             f"--max-block-duration={block_hours}h", str(source), str(storage_dir)],
            check=True, capture_output=True, text=True,
        )
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"promtool backfill failed: {exc.stderr or exc.stdout}") from None
    finally:
        if not isinstance(text, Path):
            source.unlink(missing_ok=True)


def backfill_rules(rule_file: Path, url: str, storage_dir: Path, start: int, end: int,
                   eval_interval: str = "60s") -> None:
    """Evaluate recording rules over past data (`promtool tsdb create-blocks-from rules`).

    promtool, like Prometheus, starts each group at an offset within its interval hashed from the
    group's name and the rule file's path *as given*, and it leaves out the last evaluation of every
    2h block when that offset puts it past the block's last whole second (an offset above 299 s in a
    5m group, above 59 s in a 1m group). With an absolute path under a pytest temporary folder the
    offset changed from run to run, and about one run in a few hundred lost a 5m piece every 2 hours.
    Running promtool in the rule file's folder with the bare file name makes the offset depend only
    on the file's name and the group's, so every run evaluates at the same instants.
    """
    storage_dir.mkdir(parents=True, exist_ok=True)
    rule_file = Path(rule_file).resolve()
    try:
        subprocess.run(
            [promtool(), "tsdb", "create-blocks-from", "rules", f"--start={start}", f"--end={end}",
             f"--url={url}", f"--output-dir={Path(storage_dir).resolve()}", f"--eval-interval={eval_interval}",
             rule_file.name],
            check=True, capture_output=True, text=True, cwd=rule_file.parent,
        )
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"promtool rule backfill failed: {exc.stderr or exc.stdout}") from None


class PrometheusServer:
    """A real Prometheus on 127.0.0.1. Use as a context manager.

    ``storage`` may hold backfilled blocks; otherwise a fresh folder under ``workdir`` is used.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        rule_files: Sequence[Path] = (),
        scrape_configs: Sequence[dict[str, Any]] = (),
        storage: Path | None = None,
        evaluation_interval: str = "15s",
        scrape_interval: str = "15s",
        extra_args: Sequence[str] = (),
        retention: str = "400d",
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.rule_files = [Path(p).resolve() for p in rule_files]
        self.scrape_configs = list(scrape_configs)
        self.storage = storage or self.workdir / "data"
        self.evaluation_interval = evaluation_interval
        self.scrape_interval = scrape_interval
        self.extra_args = list(extra_args)
        self.retention = retention
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_path = self.workdir / "prometheus.yml"
        self.log_path = self.workdir / "prometheus.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self.session = requests.Session()

    # --- lifecycle ---------------------------------------------------------------------
    def write_config(self) -> None:
        config = {
            "global": {
                "scrape_interval": self.scrape_interval,
                "evaluation_interval": self.evaluation_interval,
            },
            "rule_files": [str(p) for p in self.rule_files],
            "scrape_configs": self.scrape_configs,
        }
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=True))

    def start(self, timeout: float = 60) -> PrometheusServer:
        self.write_config()
        log = self.log_path.open("wb")
        self._proc = subprocess.Popen(
            [
                binary("prometheus"),
                f"--config.file={self.config_path}",
                f"--storage.tsdb.path={self.storage}",
                f"--storage.tsdb.retention.time={self.retention}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--web.enable-lifecycle",
                "--web.enable-admin-api",
                *self.extra_args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"prometheus exited early:\n{self.log()}")
            try:
                if self.session.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"prometheus was not ready in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        self.session.close()

    def reload(self) -> None:
        self.write_config()
        response = self.session.post(f"{self.url}/-/reload", timeout=10)
        response.raise_for_status()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def __enter__(self) -> PrometheusServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- API ---------------------------------------------------------------------------
    def api(self, path: str, **params: Any) -> Any:
        response = self.session.get(f"{self.url}/api/v1/{path}", params=params, timeout=60)
        body = response.json()
        if body.get("status") != "success":
            raise RuntimeError(f"{path} {params}: {body.get('error', body)}")
        return body["data"]

    def query(self, expr: str, at: float | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"query": expr}
        if at is not None:
            params["time"] = at
        data = self.api("query", **params)
        result: list[dict[str, Any]] = data["result"]
        return result

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[dict[str, Any]]:
        data = self.api("query_range", query=expr, start=start, end=end, step=step)
        result: list[dict[str, Any]] = data["result"]
        return result

    def value(self, expr: str, at: float | None = None) -> float | None:
        """The single sample of an instant query, or None when it is empty."""
        result = self.query(expr, at)
        if not result:
            return None
        if len(result) > 1:
            raise AssertionError(f"{expr} returned {len(result)} series")
        return float(result[0]["value"][1])

    def wait_for(
        self,
        expr: str,
        predicate: Callable[[list[dict[str, Any]]], bool] = bool,
        timeout: float = 120,
        interval: float = 1.0,
    ) -> list[dict[str, Any]]:
        """Poll an instant query until ``predicate(result)`` holds; raise with the last result if not."""
        deadline = time.monotonic() + timeout
        last: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            last = self.query(expr)
            if predicate(last):
                return last
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout}s waiting on {expr!r}; last result: {last}")

    def rule_groups(self) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = self.api("rules")["groups"]
        return groups

    def targets_up(self) -> bool:
        active = self.api("targets")["activeTargets"]
        return bool(active) and all(t["health"] == "up" for t in active)
