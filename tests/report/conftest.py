"""One real Prometheus for the report tests, on a backfilled month of data (see data.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.report.data import BERLIN_YAML, acme_yaml, month_data
from tests.support.prometheus import PrometheusServer, backfill_openmetrics


@pytest.fixture(scope="session")
def sla_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("slas")
    acme = folder / "acme.yaml"
    acme.write_text(acme_yaml())
    berlin = folder / "berlin.yaml"
    berlin.write_text(BERLIN_YAML)
    return {"acme": acme, "berlin": berlin}


@pytest.fixture(scope="session")
def month_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    work = tmp_path_factory.mktemp("prometheus-month")
    storage = work / "data"
    backfill_openmetrics(month_data(), storage)
    with PrometheusServer(work, storage=storage) as server:
        yield server
