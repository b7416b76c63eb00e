"""Start the slow promtool runs of the generated unit tests early, in the background, so that they
overlap with the other rules tests (test_generated_tests.py collects the results)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from slaforge.rules import render, render_tests
from slaforge.spec import load_slas
from tests.rules.helpers import EXAMPLES, FIXTURES
from tests.support.prometheus import promtool


def generated_suites() -> dict[str, list[Path]]:
    """Each example, and the fixtures not already covered by test_behaviour.py.

    (weekly-tz is left out for time: its first window in promtool's 1970 is 3 days in, like the
    directory example's, which covers a weekly window in a DST zone.)
    """
    suites = {p.stem: [p] for p in sorted(EXAMPLES.glob("*.yaml"))}
    for name in ("short-window", "low-target"):
        suites[f"fixture-{name}"] = [FIXTURES / f"{name}.yaml"]
    return suites


@pytest.fixture(scope="session", autouse=True)
def generated_runs() -> Iterator[dict[str, subprocess.Popen[str]]]:
    root = Path(tempfile.mkdtemp(prefix="slaforge-generated-tests-"))
    runs: dict[str, subprocess.Popen[str]] = {}
    for name, paths in generated_suites().items():
        slas = load_slas([str(p) for p in paths])
        folder = root / name
        folder.mkdir()
        (folder / "slaforge.rules.yaml").write_text(render(slas))
        (folder / "slaforge.tests.yml").write_text(render_tests(slas))
        runs[name] = subprocess.Popen(
            [promtool(), "test", "rules", str(folder / "slaforge.tests.yml")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
    yield runs
    for proc in runs.values():
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    shutil.rmtree(root, ignore_errors=True)  # one folder per session otherwise stays in /tmp
