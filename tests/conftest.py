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
    "tests/exporter/test_faults.py",
    "tests/exporter/test_reload.py",
    "tests/exporter/test_server.py",
    "tests/exporter/test_shard.py",
)


# The longest test files, started first: with one file per worker at a time (`--dist loadfile`), the suite
# takes as long as its longest file only if that file does not start last.
FIRST_FILES = (
    "tests/e2e/test_demo_end_to_end.py",
    "tests/rules/test_generated_quoting.py",
    "tests/rules/test_generated_tests.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.relative_to(ROOT).as_posix() in SERVER_FILES:
            item.add_marker(pytest.mark.server)
    order = {name: rank for rank, name in enumerate(FIRST_FILES)}
    items.sort(key=lambda item: order.get(item.path.relative_to(ROOT).as_posix(), len(order)))
