"""End to end: the real Prometheus scrapes the real exporter, evaluates the generated rules, and the
page alert fires when the test's target goes down."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from slaforge.conventions import ALERT_BURN, PROBE_SUCCESS, SLI_RATIO
from tests.exporter.support import SLAFORGE, ExporterProcess, FaultServer, sla_yaml
from tests.support.prometheus import PrometheusServer


@pytest.mark.e2e
def test_prometheus_scrapes_exporter_and_page_fires(tmp_path: Path) -> None:
    target = FaultServer().start()
    try:
        probes = [{"name": "home", "url": f"http://127.0.0.1:{target.port}/ok", "interval": "1s",
                   "timeout": "500ms"}]
        sla_file = tmp_path / "shop.yaml"
        sla_file.write_text(sla_yaml("e2e-shop", probes))
        rules = tmp_path / "rules.yml"
        subprocess.run([SLAFORGE, "rules", str(sla_file), "-o", str(rules)], check=True, timeout=60)
        # the generated groups evaluate every 1m / 5m; evaluate every second so the test takes seconds
        # (the rules are ratios of event counts, which overlapping pieces leave unchanged)
        text, groups = re.subn(r"(?m)^(\s*)interval: \S+$", r"\1interval: 1s", rules.read_text())
        assert groups >= 1
        rules.write_text(text)
        with ExporterProcess(tmp_path, [sla_file]) as ex, PrometheusServer(
            tmp_path / "prom", rule_files=[rules], evaluation_interval="1s", scrape_interval="1s",
            scrape_configs=[{"job_name": "slaforge-exporter",
                             "static_configs": [{"targets": [f"127.0.0.1:{ex.port}"]}]}],
        ) as prom:
            prom.wait_for(f'{PROBE_SUCCESS}{{sla="e2e-shop",probe="home"}} == 1', timeout=60)
            assert prom.value(f'{SLI_RATIO}{{sla="e2e-shop",objective="availability",window="5m"}}') == 1.0
            prom.wait_for('up{job="slaforge-exporter"} == 1', timeout=10)
            target.stop()
            started = time.monotonic()
            prom.wait_for(f'{PROBE_SUCCESS}{{sla="e2e-shop",probe="home"}} == 0', timeout=30)
            prom.wait_for(
                f'ALERTS{{alertname="{ALERT_BURN}",sla="e2e-shop",severity="page",alertstate="firing"}}',
                timeout=60,
            )
            print(f"page fired {time.monotonic() - started:.1f}s after the target went down")
    finally:
        target.stop()
