"""A probe's tls.ca_file is checked where the exporter runs: at start and at every reload, with a located
error; a reload is put in place completely or not at all (the real exporter process, SIGHUP)."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

from slaforge.conventions import EXPORTER_RELOAD_OK, EXPORTER_RELOADS, PROBE_SUCCESS, PROBES_TOTAL
from tests.exporter.support import SLAFORGE, ExporterProcess, FaultServer, make_cert, sample, sla_yaml

FAST = {"interval": "1s", "timeout": "500ms"}


def _located(line: str, file: Path, path: str, fragment: str) -> bool:
    return re.fullmatch(rf"{re.escape(str(file))}:\d+:\d+: {re.escape(path)}: .*{re.escape(fragment)}.*", line) \
        is not None


def test_a_missing_ca_file_stops_the_start_with_a_located_error(tmp_path: Path) -> None:
    sla_file = tmp_path / "sla.yaml"
    probe = {"name": "secure", "url": "https://127.0.0.1:9/", **FAST, "tls": {"ca_file": str(tmp_path / "no.pem")}}
    sla_file.write_text(sla_yaml("shop", [probe]))
    for command in (["exporter", "--listen", "127.0.0.1:0"], ["validate"]):
        done = subprocess.run([SLAFORGE, command[0], str(sla_file), *command[1:]], capture_output=True, text=True,
                              timeout=60)
        if command[0] == "validate":
            # validate may run elsewhere than the exporter (CI): the file need not exist there
            assert done.returncode == 0, done.stderr
            continue
        assert done.returncode == 1, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and _located(lines[0], sla_file, "spec.probes[0].tls.ca_file",
                                            "cannot read the CA file: No such file or directory"), done.stderr
        assert "listen" not in done.stderr


def test_a_ca_file_that_is_not_pem_is_located_too(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    sla_file = tmp_path / "sla.yaml"
    sla_file.write_text(sla_yaml("shop", [{"name": "secure", "url": "https://127.0.0.1:9/", **FAST,
                                           "tls": {"ca_file": str(junk)}}]))
    done = subprocess.run([SLAFORGE, "exporter", str(sla_file), "--listen", "127.0.0.1:0"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert _located(done.stderr.strip(), sla_file, "spec.probes[0].tls.ca_file", "not a PEM certificate bundle")


def test_reload_with_a_missing_ca_file_changes_nothing_and_never_reports_success(tmp_path: Path) -> None:
    cert, key = make_cert(tmp_path, "server")
    ca_path = tmp_path / "later" / "ca.pem"  # does not exist yet
    with FaultServer() as plain, FaultServer(tls=(cert, key)) as secure:
        home: dict[str, Any] = {"name": "home", "url": f"http://127.0.0.1:{plain.port}/ok", **FAST}
        sla_file = tmp_path / "sla.yaml"
        sla_file.write_text(sla_yaml("shop", [home]))
        with ExporterProcess(tmp_path, [sla_file], "--watch-interval", "0") as ex:
            ex.wait_for(lambda m: sample(m, PROBE_SUCCESS, sla="shop", probe="home") == 1, what="first probe")

            # home changed (now failing) and a secure probe added whose CA file is missing: all or nothing
            changed = {**home, "url": f"http://127.0.0.1:{plain.port}/status503"}
            secure_probe = {"name": "secure", "url": f"https://127.0.0.1:{secure.port}/ok", **FAST,
                            "tls": {"ca_file": str(ca_path)}}
            sla_file.write_text(sla_yaml("shop", [changed, secure_probe]))
            for attempt in (1, 2):  # the second SIGHUP, with the same files, must not "succeed" either
                ex.signal(signal.SIGHUP)
                m = ex.wait_for(lambda m, n=attempt: sample(m, EXPORTER_RELOADS, result="failure") == n,
                                what=f"rejected reload {attempt}")
                assert sample(m, EXPORTER_RELOADS, result="success") == 0
                assert sample(m, EXPORTER_RELOAD_OK) == 0
                assert sample(m, PROBES_TOTAL, sla="shop", probe="secure") is None
            rejected = [r for r in ex.logs() if r["event"].startswith("reload rejected")]
            assert len(rejected) == 2
            assert all(any(_located(p, sla_file, "spec.probes[1].tls.ca_file", "cannot read the CA file")
                           for p in r["problems"]) for r in rejected), rejected
            # the previous configuration runs on, untouched: home still probes /ok
            total = sample(ex.metrics(), PROBES_TOTAL, sla="shop", probe="home") or 0
            m = ex.wait_for(lambda m: (sample(m, PROBES_TOTAL, sla="shop", probe="home") or 0) >= total + 2,
                            what="old home still probing")
            assert sample(m, PROBE_SUCCESS, sla="shop", probe="home") == 1
            assert plain.requests.get("/status503", 0) == 0

            # the CA file appears: the same files now apply, completely
            ca_path.parent.mkdir()
            shutil.copy(cert, ca_path)
            ex.signal(signal.SIGHUP)
            m = ex.wait_for(lambda m: sample(m, PROBE_SUCCESS, sla="shop", probe="secure") == 1
                            and sample(m, PROBE_SUCCESS, sla="shop", probe="home") == 0, what="complete reload")
            assert sample(m, EXPORTER_RELOADS, result="success") == 1
            assert sample(m, EXPORTER_RELOAD_OK) == 1


def test_apply_changes_nothing_when_a_prober_cannot_be_built(tmp_path: Path) -> None:
    """The CA file vanishing between the load check and the apply: nothing of the new configuration runs."""
    import asyncio

    import pytest

    from slaforge.exporter.app import ApplyError, Exporter
    from slaforge.spec import load_text

    cert, _ = make_cert(tmp_path, "ca")
    ca_path = tmp_path / "ca.pem"
    shutil.copy(cert, ca_path)
    old = load_text(sla_yaml("shop", [{"name": "home", "url": "http://127.0.0.1:9/a", **FAST}]))
    new = load_text(sla_yaml("shop", [
        {"name": "home", "url": "http://127.0.0.1:9/b", **FAST},
        {"name": "secure", "url": "https://127.0.0.1:9/", **FAST, "tls": {"ca_file": str(ca_path)}},
    ]))
    ca_path.unlink()

    async def scenario() -> None:
        exporter = Exporter([tmp_path], "127.0.0.1", 0, watch_interval=0)
        await exporter.apply(old)
        before = (dict(exporter.targets), dict(exporter.states), dict(exporter.scheduler.tasks), exporter.slas)
        with pytest.raises(ApplyError, match=r"shop/secure: .*No such file"):
            await exporter.apply(new)
        after = (dict(exporter.targets), dict(exporter.states), dict(exporter.scheduler.tasks), exporter.slas)
        assert after == before
        assert not any(task.done() for task in exporter.scheduler.tasks.values())
        await exporter.scheduler.stop_all()

    asyncio.run(scenario())
