"""Shared fixtures: paths of the bundled examples and a folder for test output kept after the run."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OUTPUT = ROOT / "tests" / "output"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """tests/output/: screenshots and rendered files a person can look at after the run (gitignored)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


# Test files whose tests start a server process of our own (the exporter, the demo target) and wait for
# it in real time. `make check` leaves them out with the e2e and browser tests; `make test` runs them all.
SERVER_FILES = (
    "tests/demo/test_demo_target.py",
    "tests/exporter/test_ca_file.py",
    "tests/exporter/test_credentials.py",
    "tests/exporter/test_faults.py",
    "tests/exporter/test_reload.py",
    "tests/exporter/test_server.py",
    "tests/exporter/test_shard.py",
    "tests/exporter/test_slow_clients.py",
    "tests/report/test_report_hostile.py",
)

# Test files that evaluate rules with promtool (`promtool test rules`, or rule files checked by the hundred):
# the proof that the rules mean what they say, and most of the suite's CPU. `make check` leaves them out.
PROMTOOL_FILES = (
    "tests/engines/test_prometheus3.py",
    "tests/grafana/test_alerts_firing_groups.py",
    "tests/importers/test_end_to_end.py",
    "tests/rules/test_behaviour.py",
    "tests/rules/test_fleet.py",
    "tests/rules/test_generated_quoting.py",
    "tests/rules/test_good_and_sums.py",
    "tests/rules/test_groups.py",
    "tests/rules/test_hostile_text.py",
    "tests/rules/test_maintenance_tz.py",
    "tests/spec/test_limits.py",
)


# The longest test files, started first: with one file per worker at a time (`--dist loadfile`), the suite
# takes as long as its longest file only if that file does not start last.
FIRST_FILES = (
    "tests/e2e/test_demo_end_to_end.py",
    "tests/engines/test_victoriametrics.py",
    "tests/rules/test_generated_quoting.py",
    "tests/rules/test_generated_tests.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = item.path.relative_to(ROOT).as_posix()
        if where in SERVER_FILES:
            item.add_marker(pytest.mark.server)
        if where in PROMTOOL_FILES:
            item.add_marker(pytest.mark.promtool)
    order = {name: rank for rank, name in enumerate(FIRST_FILES)}
    items.sort(key=lambda item: order.get(item.path.relative_to(ROOT).as_posix(), len(order)))
