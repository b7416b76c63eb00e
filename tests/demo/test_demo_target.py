"""The demo target: serves ok, fails on command (error, slow, down), recovers, and counts what it served."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from slaforge.cli import cli
from slaforge.demo import DemoTarget
from slaforge.demo.metrics import BUCKETS
from slaforge.demo.traffic import Traffic


@pytest.fixture()
def target() -> Iterator[DemoTarget]:
    with DemoTarget("127.0.0.1", 0, seed=7) as running:
        yield running


def fail(target: DemoTarget, **params: str) -> requests.Response:
    return requests.post(f"{target.url}/-/fail", params=params, timeout=30)


def samples(target: DemoTarget) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, parsed by prometheus_client's own text parser."""
    response = requests.get(f"{target.url}/metrics", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def requests_total(target: DemoTarget, code: str) -> float:
    return samples(target).get(("http_requests_total", (("code", code),)), 0.0)


def bucket(target: DemoTarget, le: str) -> float:
    return samples(target)[("http_request_duration_seconds_bucket", (("le", le),))]


def test_healthy_by_default(target: DemoTarget) -> None:
    response = requests.get(f"{target.url}/healthz", timeout=30)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert requests.get(f"{target.url}/api/work", timeout=30).json() == {"status": "ok"}
    assert requests.get(f"{target.url}/-/state", timeout=30).json()["mode"] == "ok"


def test_metrics_count_application_requests_only(target: DemoTarget) -> None:
    for _ in range(3):
        requests.get(f"{target.url}/healthz", timeout=30)
    requests.head(f"{target.url}/healthz", timeout=30)
    requests.get(f"{target.url}/-/state", timeout=30)
    requests.get(f"{target.url}/nowhere", timeout=30)
    first = samples(target)
    second = samples(target)  # scraping /metrics is not counted either
    assert first[("http_requests_total", (("code", "200"),))] == 4
    assert second[("http_requests_total", (("code", "200"),))] == 4
    assert second[("http_request_duration_seconds_count", ())] == 4
    les = {dict(labels)["le"] for name, labels in second if name == "http_request_duration_seconds_bucket"}
    assert "0.3" in les and "+Inf" in les and len(les) == len(BUCKETS) + 1


def test_error_mode_fails_every_request_and_recovers(target: DemoTarget) -> None:
    assert fail(target, mode="error").json() == {"mode": "error", "ratio": 1.0, "delay": 1.0}
    for _ in range(5):
        response = requests.get(f"{target.url}/healthz", timeout=30)
        assert response.status_code == 500
        assert response.json() == {"status": "error"}
    assert requests_total(target, "500") == 5
    assert requests.get(f"{target.url}/metrics", timeout=30).status_code == 200  # still scrapeable

    assert requests.post(f"{target.url}/-/recover", timeout=30).json()["mode"] == "ok"
    assert requests.get(f"{target.url}/healthz", timeout=30).status_code == 200
    assert requests_total(target, "500") == 5
    assert requests_total(target, "200") == 1


def test_error_ratio_fails_a_share_of_requests(target: DemoTarget) -> None:
    fail(target, mode="error", ratio="0.5")
    codes = [requests.get(f"{target.url}/api/work", timeout=30).status_code for _ in range(60)]
    failed = codes.count(500)
    assert codes.count(200) + failed == 60
    assert 10 < failed < 50  # seeded: about half, never all or none
    assert requests_total(target, "500") == failed
    assert requests_total(target, "200") == 60 - failed


def test_slow_mode_adds_latency_seen_by_the_histogram(target: DemoTarget) -> None:
    requests.get(f"{target.url}/healthz", timeout=30)
    fail(target, mode="slow", delay="0.4")
    started = time.perf_counter()
    response = requests.get(f"{target.url}/healthz", timeout=30)
    assert time.perf_counter() - started >= 0.4
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert bucket(target, "0.3") == 1  # only the fast request
    assert bucket(target, "0.5") == 2
    assert samples(target)[("http_request_duration_seconds_sum", ())] >= 0.4


def test_down_mode_drops_connections_and_counts_nothing(target: DemoTarget) -> None:
    fail(target, mode="down")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{target.url}/healthz", timeout=30)
    assert Traffic(f"{target.url}/api/work", 1).request_once() is None
    assert requests_total(target, "200") == 0
    assert samples(target)[("http_request_duration_seconds_count", ())] == 0
    requests.post(f"{target.url}/-/recover", timeout=30)
    assert Traffic(f"{target.url}/api/work", 1).request_once() == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"mode": "broken"}, "mode must be one of error, slow, down"),
        ({}, "mode must be one of"),
        ({"mode": "error", "ratio": "2"}, "ratio must be between 0 and 1"),
        ({"mode": "slow", "delay": "soon"}, "delay must be a number"),
    ],
)
def test_bad_control_requests_are_refused(target: DemoTarget, params: dict[str, str], message: str) -> None:
    response = fail(target, **params)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert requests.get(f"{target.url}/-/state", timeout=30).json()["mode"] == "ok"


def test_control_needs_post(target: DemoTarget) -> None:
    response = requests.get(f"{target.url}/-/fail?mode=error", timeout=30)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert requests.get(f"{target.url}/healthz", timeout=30).status_code == 200


def test_command_refuses_a_bad_listen_address() -> None:
    result = CliRunner().invoke(cli, ["demo-target", "--listen", "nowhere"])
    assert result.exit_code == 1
    assert "expected HOST:PORT" in result.output


def test_command_is_listed() -> None:
    result = CliRunner().invoke(cli, ["demo-target", "--help"])
    assert result.exit_code == 0
    assert "/-/recover" in result.output
