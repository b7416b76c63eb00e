"""The whole product end to end, as `make run` wires it, with nothing mocked.

The real Prometheus (Debian) scrapes the real exporter and the demo target and evaluates the rule
file `slaforge rules` generated for the bundled demo SLA, unchanged (its groups run every 1m and 5m,
as in production). The test breaks the target, waits for the page alert, repairs the target, sees
the alert resolve, and finally runs `slaforge report` against the same Prometheus.

The request objective (a ratio of the target's own counters) is the one followed through recovery:
once the target is repaired, traffic dilutes the bad events in the 5m window the way real traffic
does, so the page resolves within a minute or two. A probe objective resolves only once its failures
have left the 5m short window (about 6 minutes), which is how the maths is meant to work but too
long to wait for here; the probe side of firing is covered in tests/exporter/test_prometheus.py.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from slaforge.burnrate import burn_alerts
from slaforge.conventions import ALERT_BURN, ALERT_ESCALATION, PROBE_SUCCESS, error_ratio_rule
from slaforge.spec import load_slas
from tests.support.prometheus import PrometheusServer, free_port

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo" / "demo.yaml"
SLAFORGE = str(Path(sys.executable).with_name("slaforge"))
OBJECTIVE = "requests"
GROUP_INTERVAL = 60.0  # the generated fast group's interval
SCRAPE = 1.0


def _get(port: int, path: str, method: str = "GET") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _wait_http(port: int, path: str, deadline: float = 30) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if _get(port, path) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"127.0.0.1:{port}{path} did not answer")


class Load:
    """Threads sending GET /api/work to the demo target as fast as it answers, until stopped."""

    def __init__(self, port: int, threads: int = 4) -> None:
        self.port = port
        self.stop_event = threading.Event()
        self.sent = 0
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                _get(self.port, "/api/work")
                self.sent += 1
            except OSError:
                time.sleep(0.05)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=10)


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.e2e
def test_break_page_repair_resolve_report(tmp_path: Path) -> None:
    target_port, exporter_port = free_port(), free_port()
    sla_file = tmp_path / "demo.yaml"
    sla_file.write_text(DEMO.read_text().replace("127.0.0.1:8099", f"127.0.0.1:{target_port}"))
    [sla] = load_slas([sla_file])
    objective = next(o for o in sla.spec.objectives if o.name == OBJECTIVE)
    page = next(a for a in burn_alerts(objective, sla.spec.window) if a.severity == "page" and a.applicable)
    fire_time = page.time_to_fire_on_outage
    assert fire_time is not None
    # Fires once both windows exceed the threshold. On top of the maths: up to one group interval until
    # the next evaluation, one more because the pieces are increases over 2m evaluated every 1m, two
    # scrapes, and a minute for a loaded machine (rule evaluation is not instant there).
    expected = fire_time.seconds + 2 * GROUP_INTERVAL + 2 * SCRAPE + 60

    rules = tmp_path / "demo.rules.yaml"
    subprocess.run([SLAFORGE, "rules", str(sla_file), "-o", str(rules)], check=True, timeout=60)
    subprocess.run(["promtool", "check", "rules", str(rules)], check=True, capture_output=True, timeout=60)

    target = _spawn([SLAFORGE, "demo-target", "--listen", f"127.0.0.1:{target_port}", "--traffic", "5"],
                    tmp_path / "target.log")
    exporter = _spawn([SLAFORGE, "exporter", str(sla_file), "--listen", f"127.0.0.1:{exporter_port}"],
                      tmp_path / "exporter.log")
    try:
        _wait_http(target_port, "/healthz")
        _wait_http(exporter_port, "/-/ready")
        scrape = [
            {"job_name": "slaforge-exporter", "static_configs": [{"targets": [f"127.0.0.1:{exporter_port}"]}]},
            {"job_name": "demo-target", "static_configs": [{"targets": [f"127.0.0.1:{target_port}"]}]},
        ]
        with PrometheusServer(tmp_path / "prom", rule_files=[rules], scrape_configs=scrape,
                              scrape_interval=f"{SCRAPE:g}s", evaluation_interval="1m") as prom:
            sel = f'sla="demo",objective="{OBJECTIVE}"'
            firing = f'ALERTS{{alertname="{ALERT_BURN}",{sel},severity="page",alertstate="firing"}}'
            # healthy, on the target's own steady traffic: the 5m ratio is recorded and is 0, nothing pages
            prom.wait_for(f"{error_ratio_rule('5m')}{{{sel}}} == 0", timeout=4 * GROUP_INTERVAL)
            assert prom.query(firing) == []
            assert prom.value(f'{PROBE_SUCCESS}{{sla="demo",probe="healthz"}}') == 1

            # break it: every application request fails
            assert _get(target_port, "/-/fail?mode=error", "POST") == 200
            broken = time.monotonic()
            prom.wait_for(firing, timeout=expected + 60)
            fired_after = time.monotonic() - broken
            assert fired_after <= expected, f"page fired after {fired_after:.0f}s, expected within {expected:.0f}s"
            labels = prom.query(firing)[0]["metric"]
            assert labels["sla"] == "demo" and labels["objective"] == OBJECTIVE
            assert labels["severity"] == "page"
            # the first escalation step (after: 0m) notifies while errors are being spent
            escalating = f'ALERTS{{alertname="{ALERT_ESCALATION}",{sel},level="1",alertstate="firing"}}'
            prom.wait_for(escalating, timeout=3 * GROUP_INTERVAL)
            assert prom.query(escalating)[0]["metric"]["receiver"] == "demo-oncall"

            # repair it; traffic dilutes the bad events in the short window and the page resolves
            assert _get(target_port, "/-/recover", "POST") == 200
            repaired = time.monotonic()
            with Load(target_port, threads=4):
                prom.wait_for(firing, lambda result: result == [], timeout=6 * GROUP_INTERVAL)
                resolved_after = time.monotonic() - repaired
                # escalation stops within 5 minutes of recovery (here no later than the page)
                prom.wait_for(escalating, lambda result: result == [], timeout=5 * 60 + 2 * GROUP_INTERVAL)
            stopped_after = time.monotonic() - repaired
            assert stopped_after <= 5 * 60 + 2 * GROUP_INTERVAL
            print(f"page fired {fired_after:.0f}s after the break (expected <= {expected:.0f}s), "
                  f"resolved {resolved_after:.0f}s after the repair; escalation stopped {stopped_after:.0f}s after it")

            # the report runs against the same Prometheus and marks the running month as partial
            out = subprocess.run(
                [SLAFORGE, "report", str(sla_file), "--prometheus", prom.url, "--period", "this-month",
                 "--format", "json"],
                capture_output=True, text=True, timeout=120,
            )
            assert out.returncode == 0, out.stderr
            report = json.loads(out.stdout)
            assert report["period"]["partial"] is True
            [demo] = report["slas"]
            assert demo["sla"] == "demo" and demo["customer"] == "Demo Customer"
            names = {o["objective"] for o in demo["objectives"]}
            assert names == {o.name for o in sla.spec.objectives}
            for item in demo["objectives"]:
                # young data: either measured (a percent) or explicitly "no data", never a fake 100%
                if item.get("no_data"):
                    assert item["achieved"] is None
                else:
                    assert 0 <= item["achieved"] <= 100
            html = subprocess.run(
                [SLAFORGE, "report", str(sla_file), "--prometheus", prom.url, "--period", "this-month",
                 "--format", "html"],
                capture_output=True, text=True, timeout=120, check=True,
            ).stdout
            assert re.search(r"<html", html, re.I) and "demo" in html
    finally:
        _stop(exporter)
        _stop(target)
