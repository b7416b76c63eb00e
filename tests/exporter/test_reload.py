"""Hot reload (file change and SIGHUP), counters kept for unchanged probes, bad configs kept out."""

from __future__ import annotations

import re
import signal
from pathlib import Path

from slaforge.conventions import EXPORTER_RELOAD_OK, EXPORTER_RELOADS, PROBE_SUCCESS, PROBES_TOTAL
from tests.exporter.support import ExporterProcess, FaultServer, sample, sla_yaml


def probes(port: int, *names: str, path: str = "/ok") -> list[dict[str, object]]:
    return [{"name": n, "url": f"http://127.0.0.1:{port}{path}", "interval": "1s", "timeout": "500ms"}
            for n in names]


def test_reload_on_file_change_keeps_counters_and_rejects_bad_config(tmp_path: Path) -> None:
    with FaultServer() as target:
        sla_file = tmp_path / "sla.yaml"
        sla_file.write_text(sla_yaml("shop", probes(target.port, "home", "cart")))
        with ExporterProcess(tmp_path, [sla_file]) as ex:
            ex.wait_for(lambda m: (sample(m, PROBES_TOTAL, sla="shop", probe="home") or 0) >= 3, what="3 probes")
            home_before = ex.value(PROBES_TOTAL, sla="shop", probe="home") or 0

            # home unchanged, cart changed (now failing), checkout added
            new = probes(target.port, "home") + probes(target.port, "cart", path="/status503") + \
                probes(target.port, "checkout")
            sla_file.write_text(sla_yaml("shop", new))
            m = ex.wait_for(lambda m: sample(m, PROBE_SUCCESS, sla="shop", probe="checkout") == 1
                            and sample(m, PROBE_SUCCESS, sla="shop", probe="cart") == 0, what="reload")
            assert (sample(m, PROBES_TOTAL, sla="shop", probe="home") or 0) >= home_before  # not reset
            assert sample(m, f"{EXPORTER_RELOADS}", result="success") == 1
            assert any(r["event"] == "reloaded" and r["trigger"] == "file change" and r["kept"] == 1
                       and r["changed"] == 1 and r["added"] == 1 for r in ex.logs())

            # a broken file: rejected with a located error, the running configuration keeps going
            sla_file.write_text(sla_yaml("shop", [{**new[0], "interval": "banana"}]))
            m = ex.wait_for(lambda m: sample(m, EXPORTER_RELOAD_OK) == 0, what="rejected reload")
            rejected = [r for r in ex.logs() if r["event"].startswith("reload rejected")]
            assert rejected and any(re.match(r".*sla\.yaml:\d+:\d+: .*interval", p)
                                    for p in rejected[0]["problems"]), rejected
            assert sample(m, f"{EXPORTER_RELOADS}", result="failure") == 1
            total = sample(m, PROBES_TOTAL, sla="shop", probe="checkout") or 0
            ex.wait_for(lambda m: (sample(m, PROBES_TOTAL, sla="shop", probe="checkout") or 0) >= total + 2,
                        what="old config still probing")
            assert ex.get("/-/ready").status_code == 200


def test_reload_on_sighup(tmp_path: Path) -> None:
    with FaultServer() as target:
        sla_file = tmp_path / "sla.yaml"
        sla_file.write_text(sla_yaml("shop", probes(target.port, "home")))
        with ExporterProcess(tmp_path, [sla_file], "--watch-interval", "0") as ex:
            ex.wait_for(lambda m: sample(m, PROBE_SUCCESS, sla="shop", probe="home") == 1, what="first probe")
            sla_file.write_text(sla_yaml("shop", probes(target.port, "home", "search")))
            ex.signal(signal.SIGHUP)
            ex.wait_for(lambda m: sample(m, PROBE_SUCCESS, sla="shop", probe="search") == 1, what="SIGHUP reload")
            assert any(r["event"] == "reloaded" and r["trigger"] == "SIGHUP" for r in ex.logs())
            # and a probe that disappears from the file disappears from /metrics
            sla_file.write_text(sla_yaml("shop", probes(target.port, "search")))
            ex.signal(signal.SIGHUP)
            ex.wait_for(lambda m: sample(m, PROBES_TOTAL, sla="shop", probe="home") is None, what="home removed")


def test_sigterm_stops_gracefully_with_banner(tmp_path: Path) -> None:
    with FaultServer() as target:
        sla_file = tmp_path / "sla.yaml"
        sla_file.write_text(sla_yaml("shop", probes(target.port, "home", "cart")))
        ex = ExporterProcess(tmp_path, [sla_file]).start()
        assert ex.stop() == 0
        events = ex.logs()
        started = next(r for r in events if r["event"] == "started")
        assert started["slas"] == 1 and started["probes"] == 2 and started["listen"] == f"127.0.0.1:{ex.port}"
        assert [r["event"] for r in events][-2:] == ["stopping", "stopped"]


def test_bad_config_at_start_exits_1_with_located_errors(tmp_path: Path) -> None:
    import subprocess

    from tests.exporter.support import SLAFORGE

    sla_file = tmp_path / "sla.yaml"
    sla_file.write_text(sla_yaml("shop", [{"name": "home", "url": "ftp://x/", "interval": "1s"}]))
    run = subprocess.run([SLAFORGE, "exporter", str(sla_file), "--listen", "127.0.0.1:0"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert re.search(r"sla\.yaml:\d+:\d+: .*url", run.stderr), run.stderr
    assert "Traceback" not in run.stderr
