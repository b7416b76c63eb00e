"""`slaforge dashboards`: files written, and the upload checked against a local stand-in for Grafana's API.

Grafana cannot run here, so a tiny HTTP server on 127.0.0.1 records what the upload sends and answers
the way Grafana's POST /api/dashboards/db does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.grafana import build_dashboards
from slaforge.grafana.upload import UploadError, upload_dashboards, upload_payload
from slaforge.spec import load_slas

FIXTURE = Path(__file__).parent / "fixtures" / "slas.yaml"


class Recorded:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200


@pytest.fixture()
def grafana() -> Iterator[tuple[str, Recorded]]:
    recorded = Recorded()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            recorded.requests.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
            )
            uid = body["dashboard"]["uid"]
            if recorded.status == 200:
                reply = {"id": 1, "uid": uid, "url": f"/d/{uid}/x", "status": "success", "version": 1}
            else:
                reply = {"message": "Invalid API key"}
            data = json.dumps(reply).encode()
            self.send_response(recorded.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorded
    finally:
        server.shutdown()
        server.server_close()


def test_cli_writes_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["dashboards", str(FIXTURE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert "provisioning/dashboards/slaforge.yaml" in written
    assert "dashboards/slaforge-overview.json" in written
    assert "dashboards/sla-shop.json" in written
    assert json.loads((out / "dashboards/sla-shop.json").read_text())["uid"] == "slaforge-shop"


def test_cli_needs_output_or_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["dashboards", str(FIXTURE)])
    assert result.exit_code == 1
    result = CliRunner().invoke(cli, ["dashboards", str(FIXTURE), "--grafana-url", "http://127.0.0.1:9"], env={})
    assert result.exit_code == 1
    assert "GRAFANA_TOKEN" in result.output


def test_cli_bad_sla_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: slaforge/v1\nkind: SLA\nmetadata: {name: x}\nspec: {}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["dashboards", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()


def test_cli_uploads_every_dashboard(grafana: tuple[str, Recorded]) -> None:
    url, recorded = grafana
    result = CliRunner().invoke(
        cli,
        ["dashboards", str(FIXTURE), "--grafana-url", url, "--grafana-folder-uid", "slas"],
        env={"GRAFANA_TOKEN": "glsa_test"},
    )
    assert result.exit_code == 0, result.output
    expected = dict(build_dashboards(load_slas([FIXTURE])))
    assert len(recorded.requests) == len(expected)
    for request, data in zip(recorded.requests, expected.values(), strict=True):
        assert request["path"] == "/api/dashboards/db"
        assert request["auth"] == "Bearer glsa_test"
        body = request["body"]
        assert body["overwrite"] is True
        assert body["folderUid"] == "slas"
        assert body["dashboard"]["id"] is None
        assert body["dashboard"] == {**data, "id": None}
    assert "uploaded slaforge-shop /d/slaforge-shop/x" in result.output


def test_upload_refused(grafana: tuple[str, Recorded]) -> None:
    url, recorded = grafana
    recorded.status = 401
    dashboards = [data for _, data in build_dashboards(load_slas([FIXTURE]))]
    with pytest.raises(UploadError, match="HTTP 401 Invalid API key"):
        upload_dashboards(url, "wrong", dashboards)
    assert len(recorded.requests) == 1  # stops at the first refusal


def test_payload_without_folder() -> None:
    body = upload_payload({"uid": "x", "title": "t"}, None, "m")
    assert body == {"dashboard": {"uid": "x", "title": "t", "id": None}, "overwrite": True, "message": "m"}
