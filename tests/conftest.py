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
