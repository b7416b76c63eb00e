"""The status page at /: every SLA, probe and objective with its state, screenshot in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from slaforge.conventions import PROBES_TOTAL
from tests.exporter.support import ExporterProcess, FaultServer, sample, sla_yaml


@pytest.mark.browser
def test_status_page_in_headless_chromium(tmp_path: Path, output_dir: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (make system-deps)")
    with FaultServer() as target:
        base = f"http://127.0.0.1:{target.port}"
        probes = [
            {"name": "homepage", "url": f"{base}/ok", "interval": "1s", "timeout": "500ms"},
            {"name": "checkout", "url": f"{base}/status503", "interval": "1s", "timeout": "500ms"},
        ]
        objectives = [
            {"name": "availability", "target": 99.9, "sli": {"probe": "homepage"}},
            {"name": "checkout-ok", "target": 99.5, "sli": {"probe": "checkout"}},
            {"name": "fast-pages", "target": 99,
             "sli": {"probe_latency": {"probe": "homepage", "threshold": "250ms"}}},
            {"name": "api-errors", "target": 99.9,
             "sli": {"ratio": {"errors": 'http_requests_total{code=~"5.."}', "total": "http_requests_total"}}},
        ]
        sla_file = tmp_path / "shop.yaml"
        sla_file.write_text(sla_yaml("web-shop", probes, objectives))
        with ExporterProcess(tmp_path, [sla_file]) as ex:
            ex.wait_for(lambda m: all((sample(m, PROBES_TOTAL, sla="web-shop", probe=p["name"]) or 0) >= 2
                                      for p in probes), what="results")
            response = ex.get("/")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/html")
            html = response.text
            for text in ("web-shop", "homepage", "checkout", "availability", "fast-pages", "api-errors",
                         'class="pill up"', 'class="pill down"', "status 503", "measured by this exporter"):
                assert text in html, text
            assert "http://" not in html.split("<body>")[0]  # nothing fetched from outside
            assert "<script" not in html and "<link" not in html
            shot = output_dir / "exporter-status-page.png"
            shot.unlink(missing_ok=True)
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(
                    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                     f"--screenshot={shot}", "--window-size=1280,900", ex.url + "/"],
                    capture_output=True, timeout=60, check=False,
                )
            assert shot.exists(), "chromium wrote no screenshot"
            data = shot.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
