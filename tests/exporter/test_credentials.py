"""Credentials of probes through the real exporter process: they go only to the probe's own origin,
an https probe does not fall back to http unless told to, and no page, metric or log line shows them.

Two (three with TLS) local servers on different ports are different origins (scheme, host, port)."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from slaforge.conventions import PROBE_FAILURES_TOTAL, PROBE_SUCCESS, PROBES_TOTAL
from tests.exporter.support import ExporterProcess, make_cert, sample, sla_yaml

SLA = "creds"
SECRET = "Zx9-s3cr3t-t0ken"  # in every credential header
USERINFO_SECRET = "pw-in-location"  # in a Location's userinfo, chosen by a server
CREDENTIALS = {
    "Authorization": f"Bearer {SECRET}",
    "Cookie": f"session={SECRET}",
    "Proxy-Authorization": f"Basic {SECRET}",
    "X-Api-Key": SECRET,
}
HEADERS = {**CREDENTIALS, "Accept": "application/json"}


class Recorder(http.server.ThreadingHTTPServer):
    """Answers by a routing table: path -> (status, Location or None); records every request's headers."""

    daemon_threads = True

    def __init__(self, routes: dict[str, tuple[int, str | None]], tls: tuple[Path, Path] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        if tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.socket = ctx.wrap_socket(self.socket, server_side=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def requests_to(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for p, headers in self.seen if p == path]

    def __enter__(self) -> Recorder:
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:  # the name http.server calls
        with self.server.lock:
            self.server.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        status, location = self.server.routes.get(self.path, (404, None))
        self.send_response(status)
        if location is not None:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Setup:
    exporter: ExporterProcess
    a: Recorder
    b: Recorder
    tls: Recorder


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    work = tmp_path_factory.mktemp("credentials")
    cert, key = make_cert(work, "server")
    with Recorder({}) as a, Recorder({}) as b, Recorder({}, tls=(cert, key)) as secure:
        A, B = f"http://127.0.0.1:{a.port}", f"http://127.0.0.1:{b.port}"
        S = f"https://127.0.0.1:{secure.port}"
        a.routes.update({
            "/same": (302, "/same-landing"), "/same-landing": (200, None),
            "/cross": (302, f"{B}/cross-landing"),
            "/bounce": (302, f"{B}/back"), "/bounce-landing": (200, None),
            "/from-https": (200, None), "/from-https-allowed": (200, None),
            "/userinfo-landing": (200, None),
        })
        b.routes.update({
            "/cross-landing": (200, None), "/back": (302, f"{A}/bounce-landing"),
            "/userinfo-landing": (200, None),
        })
        secure.routes.update({
            "/to-http": (302, f"http://u:{USERINFO_SECRET}@127.0.0.1:{a.port}/from-https"),
            "/to-http-allowed": (302, f"{A}/from-https-allowed"),
            "/userinfo": (302, f"https://u:{USERINFO_SECRET}@127.0.0.1:{secure.port}/landing"),
            "/landing": (200, None),
        })
        fast = {"interval": "1s", "timeout": "800ms", "headers": HEADERS}
        tls = {"ca_file": str(cert)}
        probes: list[dict[str, Any]] = [
            {"name": "same-origin", "url": f"{A}/same", **fast},
            {"name": "cross-origin", "url": f"{A}/cross", **fast},
            {"name": "cross-and-back", "url": f"{A}/bounce", **fast},
            {"name": "https-to-http", "url": f"{S}/to-http", **fast, "tls": tls},
            {"name": "https-to-http-allowed", "url": f"{S}/to-http-allowed", **fast,
             "tls": {**tls, "allow_http_redirect": True}},
            {"name": "userinfo-location", "url": f"{S}/userinfo", **fast, "tls": tls},
        ]
        sla_file = work / "creds.yaml"
        sla_file.write_text(sla_yaml(SLA, probes))
        exporter = ExporterProcess(work, [sla_file]).start()
        try:
            exporter.wait_for(
                lambda m: all((sample(m, PROBES_TOTAL, sla=SLA, probe=p["name"]) or 0) >= 3 for p in probes),
                what="three results from every probe",
            )
            yield Setup(exporter, a, b, secure)
        finally:
            assert exporter.stop() == 0, exporter.log_text()[-2000:]


def _credentials_in(headers: dict[str, str]) -> list[str]:
    return [name for name in CREDENTIALS if name.lower() in headers] + (
        ["(secret elsewhere)"] if any(SECRET in v for v in headers.values()) else []
    )


def test_same_origin_redirect_keeps_the_headers(setup: Setup) -> None:
    assert sample(setup.exporter.metrics(), PROBE_SUCCESS, sla=SLA, probe="same-origin") == 1
    landed = setup.a.requests_to("/same-landing")
    assert landed and all(h["authorization"] == f"Bearer {SECRET}" and h["x-api-key"] == SECRET for h in landed)


def test_credentials_are_dropped_when_a_redirect_leaves_the_origin(setup: Setup) -> None:
    m = setup.exporter.metrics()
    assert sample(m, PROBE_SUCCESS, sla=SLA, probe="cross-origin") == 1
    started = setup.a.requests_to("/cross")
    assert started and all(h["authorization"] == f"Bearer {SECRET}" for h in started)  # the probe's own origin
    landed = setup.b.requests_to("/cross-landing")
    assert landed
    for headers in landed:
        assert _credentials_in(headers) == [], headers
        assert headers["accept"] == "application/json"  # describes the response, carries nothing
        assert headers["host"] == f"127.0.0.1:{setup.b.port}"  # the new origin's, not the first one's


def test_credentials_stay_dropped_when_the_chain_comes_back(setup: Setup) -> None:
    assert sample(setup.exporter.metrics(), PROBE_SUCCESS, sla=SLA, probe="cross-and-back") == 1
    for path, server in (("/back", setup.b), ("/bounce-landing", setup.a)):
        seen = server.requests_to(path)
        assert seen and all(_credentials_in(h) == [] for h in seen), (path, seen)


def test_https_probe_does_not_follow_a_redirect_to_http(setup: Setup) -> None:
    m = setup.exporter.metrics()
    assert sample(m, PROBE_SUCCESS, sla=SLA, probe="https-to-http") == 0
    total = sample(m, PROBES_TOTAL, sla=SLA, probe="https-to-http")
    assert sample(m, PROBE_FAILURES_TOTAL, sla=SLA, probe="https-to-http", reason="other") == total
    assert setup.a.requests_to("/from-https") == []  # not even asked
    page = setup.exporter.get("/").text
    assert "refused a redirect from https to" in page and "tls.allow_http_redirect" in page


def test_https_to_http_only_when_the_sla_says_so_and_without_credentials(setup: Setup) -> None:
    assert sample(setup.exporter.metrics(), PROBE_SUCCESS, sla=SLA, probe="https-to-http-allowed") == 1
    landed = setup.a.requests_to("/from-https-allowed")
    assert landed and all(_credentials_in(h) == [] for h in landed)


def test_userinfo_of_a_location_is_never_sent(setup: Setup) -> None:
    assert sample(setup.exporter.metrics(), PROBE_SUCCESS, sla=SLA, probe="userinfo-location") == 1
    landed = setup.tls.requests_to("/landing")  # same origin: the probe's headers, but not the userinfo
    assert landed and all(h["authorization"] == f"Bearer {SECRET}" for h in landed)


def test_no_secret_on_the_status_page_in_metrics_or_in_the_logs(setup: Setup) -> None:
    ex = setup.exporter
    ex.signal(__import__("signal").SIGHUP)  # a reload logs too
    ex.wait_for(lambda m: any(r["event"] == "reloaded" for r in ex.logs()), what="reload")
    shown = {"status page": ex.get("/").text, "/metrics": ex.get("/metrics").text, "logs": ex.log_text()}
    assert any(r["event"] == "probe down" and r["probe"] == "https-to-http" for r in ex.logs())
    for where, text in shown.items():
        for secret in (SECRET, USERINFO_SECRET):
            assert secret not in text, f"{secret} in {where}"
    assert "//***@127.0.0.1" in shown["status page"]  # the refused Location, shown without its userinfo


@pytest.mark.parametrize(
    ("probe", "path"),
    [
        ({"url": "http://127.0.0.1:9/", "headers": {"Authorization": f"Bearer {SECRET} "}}, "headers.Authorization"),
        ({"url": "http://127.0.0.1:9/", "headers": {"Authorization": f"Bearer {SECRET}\u0000"}},
         "headers.Authorization"),
        ({"url": f"http://probe:{SECRET}@127.0.0.1:9/"}, "url"),
    ],
    ids=["trailing-space", "nul", "url-userinfo"],
)
def test_a_credential_the_exporter_could_not_send_as_written_stops_it_at_start_unshown(
    tmp_path: Path, probe: dict[str, Any], path: str
) -> None:
    import subprocess

    from tests.exporter.support import SLAFORGE

    sla_file = tmp_path / "bad.yaml"
    sla_file.write_text(sla_yaml(SLA, [{"name": "home", "interval": "1s", "timeout": "500ms", **probe}]))
    done = subprocess.run([SLAFORGE, "exporter", str(sla_file), "--listen", "127.0.0.1:0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert f": spec.probes[0].{path}: " in done.stderr and str(sla_file) in done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stderr + done.stdout


def test_messages_kept_for_pages_and_logs_are_redacted() -> None:
    from slaforge.exporter.secrets import redact, secrets_of
    from slaforge.spec.model import Probe

    probe = Probe.model_validate({"name": "p", "url": "http://h/", "headers": HEADERS})
    secrets = secrets_of(probe)
    message = (f"ValueError: Illegal header value b'Bearer {SECRET} ' while following "
               f"'http://u:{USERINFO_SECRET}@h/x' (Accept: application/json)")
    shown = redact(message, secrets)
    assert SECRET not in shown and USERINFO_SECRET not in shown
    assert "'http://***@h/x'" in shown and "application/json" in shown  # what carries nothing stays
