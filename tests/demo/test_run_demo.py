"""`make run` as a newcomer meets it: scripts/run-demo.sh on free ports, stopping by itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.prometheus import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "run-demo.sh"
SLAFORGE = str(Path(sys.executable).with_name("slaforge"))


def run_demo(out: Path, seconds: int = 1, **ports: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SLAFORGE": SLAFORGE, "OUT": str(out), "RUN_SECONDS": str(seconds),
           "TARGET_PORT": str(ports.get("target", free_port())),
           "EXPORTER_PORT": str(ports.get("exporter", free_port())),
           "PROM_PORT": str(ports.get("prom", free_port()))}
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.e2e
def test_demo_runs_and_prints_links_that_answer(tmp_path: Path) -> None:
    out = tmp_path / "out"
    prom = free_port()
    result = run_demo(out, prom=prom)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    links = [word for word in result.stdout.split() if word.startswith(f"http://127.0.0.1:{prom}/")]
    assert len(links) == 2, result.stdout
    # the script has stopped its Prometheus: start one the same way and open the printed links
    config = out / "demo" / "prometheus.yml"
    with subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
                           f"--web.listen-address=127.0.0.1:{prom}"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL) as server:
        try:
            for _ in range(100):
                try:
                    if requests.get(f"http://127.0.0.1:{prom}/-/ready", timeout=1).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                subprocess.run(["sleep", "0.2"], check=True)
            for link in links:
                assert requests.get(link, timeout=5).status_code == 200, link
        finally:
            server.terminate()
    # run again: the folder is the demo's own, so it is replaced
    assert (out / ".slaforge-demo").exists()
    assert run_demo(out).returncode == 0


def test_a_port_in_use_is_named_with_the_knob_to_change(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_demo(tmp_path / "out", exporter=port)
    assert result.returncode == 1
    assert f"error: port {port} is in use; set EXPORTER_PORT=..." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_the_demo_did_not_make_is_never_removed(tmp_path: Path) -> None:
    mine = tmp_path / "important"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    result = run_demo(mine)
    assert result.returncode == 1
    assert f"OUT={mine} exists and was not made by the demo" in result.stderr
    assert (mine / "keep.txt").read_text() == "mine"


def test_a_knob_that_is_not_a_number_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "SLAFORGE": SLAFORGE, "OUT": str(tmp_path / "out"), "PROM_PORT": "90; rm -rf /"}
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "PROM_PORT must be a number" in result.stderr
