"""The report against Prometheus servers that trickle, flood, lie or echo credentials, and bad arguments.

Every failure is one line on stderr, exit 1, no traceback, no password; data that cannot be right is
reported as a data problem, never clamped into a verdict. The servers are small fakes on real sockets
(tests/report/fake_prometheus.py); the size limit is also checked against the real Prometheus.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from slaforge.cli import cli
from slaforge.report import BadResponse, PrometheusClient, PrometheusError, PrometheusUnreachable
from tests.report import fake_prometheus as fake
from tests.support.prometheus import PrometheusServer, free_port

NOW = "2026-11-22T12:00:00Z"


def report(sla: Path, url: str, *extra: str) -> Result:
    # catch_exceptions=False: a traceback would fail the test instead of hiding in result.exception
    return CliRunner().invoke(
        cli, ["report", str(sla), "--prometheus", url, "--period", "2026-10", "--now", NOW, *extra],
        catch_exceptions=False,
    )


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("slaforge: "), result.stderr
    return lines[0]


# --- time and size --------------------------------------------------------------------------


def test_a_trickling_body_is_cut_at_the_deadline(sla_files: dict[str, Path]) -> None:
    with fake.FakePrometheus(fake.trickle_body(total=400, every=0.05)) as server:  # 20s to send it all
        line = one_line_error(report(sla_files["acme"], server.url, "--timeout", "1"))
    assert f"Prometheus at {server.url} did not answer within 1s (--timeout bounds each whole answer)" in line
    assert server.record.finished == 0  # the client gave up; it did not wait for the 20s


def test_trickling_headers_are_cut_at_the_deadline() -> None:
    with fake.FakePrometheus(fake.trickle_headers(total=400, every=0.05)) as server:
        client = PrometheusClient(server.url, timeout=1)
        with pytest.raises(PrometheusUnreachable, match=r"did not answer within 1s \(--timeout"):
            client.query("up", 0)
    assert server.record.finished == 0


def test_a_trickling_answer_over_tls_is_cut_at_the_deadline(tmp_path: Path, sla_files: dict[str, Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.exporter.support import make_cert

    cert, key = make_cert(tmp_path, "prometheus")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    with fake.FakePrometheus(fake.trickle_body(total=400, every=0.05), tls=(cert, key)) as server:
        assert server.url.startswith("https://")
        line = one_line_error(report(sla_files["acme"], server.url, "--timeout", "1"))
    assert "did not answer within 1s (--timeout bounds each whole answer)" in line
    assert server.record.finished == 0
    with fake.FakePrometheus(fake.canned(vector()), tls=(cert, key)) as server:  # and https works
        client = PrometheusClient(server.url, timeout=5)
        assert client.query("up", 0) == ("vector", [])


def test_a_trickling_proxy_is_cut_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    with fake.FakePrometheus(fake.trickle_body(total=400, every=0.05)) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        client = PrometheusClient("http://prometheus.invalid:9090", timeout=1)
        with pytest.raises(PrometheusUnreachable, match=r"did not answer within 1s"):
            client.query("up", 0)
    assert proxy.record.requests[0].path == "http://prometheus.invalid:9090/api/v1/query"  # it went through
    assert proxy.record.finished == 0


def test_a_flood_is_refused_at_the_size_limit(sla_files: dict[str, Path]) -> None:
    total = 32 * 1024 * 1024
    with fake.FakePrometheus(fake.flood(total)) as server:
        line = one_line_error(report(sla_files["acme"], server.url, "--max-answer-mb", "1"))
    assert re.search(rf"{re.escape(server.url)}/api/v1/query(_range)? sent more than the limit of 1048576 bytes "
                     r"\(--max-answer-mb\)", line), line
    assert server.record.finished == 0
    assert server.record.sent < total // 2  # stopped reading, did not drain it


def test_an_announced_huge_answer_is_refused_before_reading_it() -> None:
    with fake.FakePrometheus(fake.silent_after_announcing(300 * 1024 * 1024)) as server:
        client = PrometheusClient(server.url, timeout=30)
        with pytest.raises(BadResponse, match=r"announces 314572800 bytes, over the limit of 33554432 bytes"):
            client.query("up", 0)


@pytest.mark.e2e
def test_the_size_limit_against_the_real_prometheus(month_prometheus: PrometheusServer,
                                                     sla_files: dict[str, Path]) -> None:
    line = one_line_error(report(sla_files["acme"], month_prometheus.url, "--max-answer-mb", "0.01"))
    assert "/api/v1/query_range" in line and "the limit of 10486 bytes (--max-answer-mb)" in line
    ok = report(sla_files["acme"], month_prometheus.url, "--format", "json", "--timeout", "60")
    assert ok.exit_code == 0, ok.output


# --- malformed answers ----------------------------------------------------------------------

ITEM = {"metric": {"objective": "met", "slaforge_kind": "valid"}, "value": [1793404800, "1000"]}


def vector(*items: Any) -> dict[str, Any]:
    return {"status": "success", "data": {"resultType": "vector", "result": list(items)}}


MALFORMED = {
    "missing value": (vector({"metric": {}}), "data.result[0].value: missing"),
    "timestamp not a number": (vector({**ITEM, "value": ["noon", "1"]}), "the time 'noon' is not a number"),
    "timestamp 1e308": (vector({**ITEM, "value": [1e308, "1"]}), "the time 1e+308 is out of range"),
    "timestamp a boolean": (vector({**ITEM, "value": [True, "1"]}), "the time is not a number"),
    "value 1e308": (vector({**ITEM, "value": [1793404800, "1e308"]}), "the value '1e308' is out of range"),
    "value NaN": (vector({**ITEM, "value": [1793404800, "NaN"]}), "the value 'NaN' is not a finite number"),
    "value +Inf": (vector({**ITEM, "value": [1793404800, "+Inf"]}), "the value '+Inf' is not a finite number"),
    "value huge text": (vector({**ITEM, "value": [1793404800, "1" + "0" * 5000]}), "characters long"),
    "value with underscores": (vector({**ITEM, "value": [1793404800, "1_000"]}), "the value '1_000' is not a number"),
    "value in other digits": (vector({**ITEM, "value": [1793404800, "١٢"]}), "is not a number"),
    "value a number": (vector({**ITEM, "value": [1793404800, 5]}), "the value is not a string"),
    "value three items": (vector({**ITEM, "value": [1, "1", "2"]}), 'expected [time, "value"]'),
    "result not a list": ({"status": "success", "data": {"resultType": "vector", "result": {}}},
                          "data.result: expected a list"),
    "metric not an object": (vector({"metric": [], "value": [1, "1"]}), "data.result[0].metric: expected an object"),
    "label not a string": (vector({"metric": {"objective": 1}, "value": [1, "1"]}), "label names to strings"),
    "unknown result type": ({"status": "success", "data": {"resultType": "blob", "result": []}},
                            "data.resultType: 'blob' is not one of vector, matrix, scalar"),
    "no data": ({"status": "success"}, "data: missing or not an object"),
    "a matrix for the totals": ({"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"objective": "met", "slaforge_kind": "bad"}, "values": []}]}},
        "/api/v1/query answered a matrix, not a vector"),
    "not an object": ([1, 2, 3], "answered JSON that is not a Prometheus API response"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "something that is not the Prometheus API"),
    "error with a newline": ({"status": "error", "errorType": "bad_data", "error": "a\nb"},
                             "rejected the query (bad_data, HTTP 200): a\\nb"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_answers_are_one_line_errors(case: str, sla_files: dict[str, Path]) -> None:
    body, expected = MALFORMED[case]
    with fake.FakePrometheus(fake.canned(body)) as server:
        result = report(sla_files["acme"], server.url)
    if case == "error with a newline":  # a rejected query names the query on its second line
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert expected in result.stderr.splitlines()[0]
        return
    assert expected in one_line_error(result)


def test_a_malformed_range_answer_is_an_error(sla_files: dict[str, Path]) -> None:
    def answer(request: fake.Request) -> Any:
        if request.path.endswith("query_range"):
            return {"resultType": "matrix", "result": [{"metric": {"objective": "met"}, "values": [[1, "x"]]}]}
        return {"resultType": fake.result_type(request), "result": []}

    with fake.FakePrometheus(fake.answering(answer)) as server:
        line = one_line_error(report(sla_files["acme"], server.url))
    assert "query_range answered a malformed result: data.result[0].values[0][1]: the value 'x' is not a number" in line


# --- data that cannot be right ----------------------------------------------------------------


def test_negative_counts_and_more_bad_than_valid_are_data_problems(sla_files: dict[str, Path]) -> None:
    """The totals are the sums of the 15-minute buckets (so that the days add up to them): `met` has one
    bucket of more bad than valid events, `tier1` one of negative bad events, and `tier2` one bucket of
    negative counts among sound ones whose sum is sound."""
    first = 1790812800 + 900  # the end of October's first 15-minute bucket (UTC)
    buckets = {"met": [("1200", "1000")], "tier1": [("-5", "1000")], "tier2": [("-1", "5"), ("1", "5"), ("10", "990")]}

    def answer(request: fake.Request) -> Any:
        if request.path.endswith("query_range") and request.form["step"] == "86400":  # the days' sums
            return {"resultType": "matrix", "result": [  # without their pieces: the buckets are asked
                {"metric": {"objective": name, "slaforge_kind": kind},
                 "values": [[first - 900 + 86400, str(sum(int(pair[index]) for pair in pairs))]]}
                for name, pairs in buckets.items() for index, kind in enumerate(("bad", "valid"))
            ]}
        if request.path.endswith("query_range") and "sum_over_time" in request.form["query"]:
            return {"resultType": "matrix", "result": [
                {"metric": {"objective": name, "slaforge_kind": kind},
                 "values": [[first + 900 * i, pair[index]] for i, pair in enumerate(pairs)]}
                for name, pairs in buckets.items() for index, kind in enumerate(("bad", "valid"))
            ]}
        return {"resultType": fake.result_type(request), "result": []}  # alerts, offsets, raw sums: none

    with fake.FakePrometheus(fake.answering(answer)) as server:
        result = report(sla_files["acme"], server.url, "--format", "json")
        md = report(sla_files["acme"], server.url)
    assert result.exit_code == 0, result.output
    objectives = {o["objective"]: o for o in json.loads(result.stdout)["slas"][0]["objectives"]}
    met, tier1, tier2 = objectives["met"], objectives["tier1"], objectives["tier2"]
    assert met["data_problems"][0] == "more bad events (1200) than valid events (1000)"
    assert "1 of the 15-minute buckets hold negative counts or more bad than valid" in met["data_problems"][1]
    assert (met["achieved"], met["met"], met["credit"], met["no_data"]) == (None, None, None, False)
    assert (met["bad_events"], met["valid_events"]) == (1200, 1000)  # shown as they are, not clamped
    assert tier1["data_problems"][0] == "negative bad events (-5)"
    assert tier1["bad_events"] == -5  # shown as counted
    assert tier1["achieved"] is None
    assert tier2["achieved"] == 99.0 and tier2["credit"] == 10  # the totals are fine
    assert len(tier2["data_problems"]) == 1
    assert "1 of the 15-minute buckets hold negative counts" in tier2["data_problems"][0]
    assert objectives["nodata"]["data_problems"] == [] and objectives["nodata"]["no_data"] is True
    assert "acme/met: data problem in 2026-10: more bad events (1200) than valid events (1000)" in result.stderr
    assert "| acme | met | 99.9% | data problem | data problem | data problem | 0s | 0 | data problem |" in md.stdout
    assert "- Note: data problem: negative bad events (-5)." in md.stdout


@pytest.mark.e2e
def test_data_problems_from_the_real_prometheus(tmp_path: Path, sla_files: dict[str, Path]) -> None:
    """The same, from series backfilled into a real Prometheus: one day of October with more bad than
    valid events for `met`, negative bad events for `tier1`, and sound counts for `tier2`."""
    from slaforge.conventions import BAD_EVENTS_5M, VALID_EVENTS_5M
    from tests.report.data import OpenMetrics, at, stamps
    from tests.support.prometheus import backfill_openmetrics

    builder = OpenMetrics()
    times = list(stamps(at(10), at(11)))  # 288 slots of Oct 10
    for name, bad, valid in (("met", 2, 1), ("tier1", -1, 100), ("tier2", 1, 100)):
        labels = {"sla": "acme", "objective": name}
        builder.add(VALID_EVENTS_5M, labels, ((t, valid) for t in times))
        builder.add(BAD_EVENTS_5M, labels, ((t, bad) for t in times))
    backfill_openmetrics(builder.text(), tmp_path / "data")
    with PrometheusServer(tmp_path, storage=tmp_path / "data") as server:
        result = report(sla_files["acme"], server.url, "--format", "json")
    assert result.exit_code == 0, result.output
    objectives = {o["objective"]: o for o in json.loads(result.stdout)["slas"][0]["objectives"]}
    assert objectives["met"]["data_problems"][0] == "more bad events (576) than valid events (288)"
    assert objectives["met"]["achieved"] is None and objectives["met"]["credit"] is None
    assert objectives["tier1"]["data_problems"][0] == "negative bad events (-288)"
    assert "15-minute buckets hold negative counts or more bad than valid" in objectives["met"]["data_problems"][1]
    assert objectives["tier2"]["data_problems"] == [] and objectives["tier2"]["achieved"] == 99.0
    assert "acme/tier1: data problem in 2026-10: negative bad events (-288)" in result.stderr


def test_report_o_is_replaced_atomically(tmp_path: Path, sla_files: dict[str, Path],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import slaforge.cli.output as output

    target = tmp_path / "report.md"
    target.write_text("last month's report\n")

    def failing_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device", str(dst))

    def empty(request: fake.Request) -> Any:
        return {"resultType": fake.result_type(request), "result": []}

    with fake.FakePrometheus(fake.answering(empty)) as server:
        monkeypatch.setattr(output.os, "replace", failing_replace)
        result = report(sla_files["acme"], server.url, "-o", str(target))
        monkeypatch.undo()
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert result.stderr.splitlines()[-1] == f"slaforge: cannot write {target}: No space left on device"
        assert target.read_text() == "last month's report\n"
        assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
        assert report(sla_files["acme"], server.url, "-o", str(target)).exit_code == 0
    assert target.read_text().startswith("# Service level report 2026-10")


# --- bad arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--timeout", "0"], "--timeout '0': expected a number above 0"),
        (["--timeout", "-1"], "--timeout '-1': expected a number above 0"),
        (["--timeout", "nan"], "--timeout 'nan': expected a number above 0"),
        (["--timeout", "inf"], "--timeout 'inf': expected a number above 0"),
        (["--timeout", "1e9"], "timeout 1e+09: expected seconds above 0 and at most 86400"),
        (["--timeout", "soon"], "--timeout 'soon': expected a number"),
        (["--max-answer-mb", "0"], "--max-answer-mb '0': expected a number above 0"),
        (["--period", "9999-12"], "period '9999-12' is out of the range of dates a report can cover"),
        (["--period", "0000-01"], "period '0000-01' is out of the range of dates a report can cover"),
        (["--period", "1969-12"], "period '1969-12' is out of the range of dates a report can cover"),
        (["--period", "9999"], "period '9999' is out of the range of dates a report can cover"),
        (["--period", "2026-13"], "unknown period '2026-13'"),
        (["--now", "9999-12-31T23:59:59-01:00"], "is out of range: --now must be between 1970 and 9998"),
        (["--now", "9999-12-31T23:59:59Z", "--period", "this-month"], "is out of range"),
    ],
)
def test_bad_arguments_are_one_line_errors(args: list[str], expected: str, sla_files: dict[str, Path]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: no query may be sent before the check
    result = CliRunner().invoke(
        cli, ["report", str(sla_files["acme"]), "--prometheus", url, "--period", "2026-10", *args],
        catch_exceptions=False,
    )
    assert expected in one_line_error(result)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[::1", "'http://[::1': not a valid URL"),
        ("http://127.0.0.1:99999", "not a valid URL"),
        ("http://reporter:s3cret@127.0.0.1:notaport", "'http://reporter:***@127.0.0.1:notaport': not a valid URL"),
        ("http://reporter:s3/cret@127.0.0.1:9090", "'http://reporter:***@127.0.0.1:9090'"),
        ("ftp://reporter:s3cret@127.0.0.1/", "'ftp://reporter:***@127.0.0.1/': expected an http:// or https:// URL"),
        ("reporter:s3cret@127.0.0.1:9090", "'***@127.0.0.1:9090': expected an http:// or https:// URL"),
        ("http://", "'http://': the URL has no host"),
        ("http://127.0.0.1:9090/?x=1", "without ?query or #fragment"),
        ("http://127.0.0.1:9090\n", "without spaces"),
        ("", "expected an http:// or https:// URL"),
    ],
)
def test_bad_urls_are_one_line_errors_without_the_password(url: str, expected: str,
                                                           sla_files: dict[str, Path]) -> None:
    line = one_line_error(report(sla_files["acme"], url))
    assert expected in line
    assert "s3cret" not in line and "cret" not in line


# --- credentials never shown ------------------------------------------------------------------

BASIC = base64.b64encode(b"reporter:s3cret").decode()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, f"bad credentials reporter:s3cret (Authorization: Basic {BASIC})", "refused access (HTTP 401)"),
        (403, json.dumps({"status": "error", "error": "s3cret"}), "refused access (HTTP 403)"),
        (502, f"upstream said: Basic {BASIC} for reporter:s3cret", "answered HTTP 502 with something that is not"),
        (400, json.dumps({"status": "error", "errorType": "bad_data", "error": f"no s3cret {BASIC}"}), "rejected"),
    ],
)
def test_an_answer_echoing_the_credentials_is_not_shown(status: int, body: str, expected: str,
                                                        sla_files: dict[str, Path]) -> None:
    with fake.FakePrometheus(fake.canned(body, status=status, content_type="text/plain")) as server:
        url = server.url.replace("http://", "http://reporter:s3cret@")
        result = report(sla_files["acme"], url)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr
    assert "s3cret" not in result.stderr and BASIC not in result.stderr
    assert "reporter:***@127.0.0.1" in result.stderr
    assert server.record.requests[0].headers["authorization"] == f"Basic {BASIC}"  # it was sent


def test_the_shown_url_never_has_the_password() -> None:
    client = PrometheusClient("https://u:p%40ss@prom.example:9090/prefix/")
    assert client.shown_url == "https://u:***@prom.example:9090/prefix"
    with pytest.raises(PrometheusError) as info:
        PrometheusClient("gopher://u:p@ss@host/")
    assert "p@ss" not in str(info.value) and "gopher://u:***@host/" in str(info.value)
