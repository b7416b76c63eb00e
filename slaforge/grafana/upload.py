"""Upload dashboards through Grafana's HTTP API (POST /api/dashboards/db), with a service-account token."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import requests

TOKEN_ENV = "GRAFANA_TOKEN"
TIMEOUT = 30.0


class UploadError(Exception):
    """Grafana refused a dashboard or could not be reached."""


@dataclass(frozen=True)
class Uploaded:
    uid: str
    url: str
    version: int | None


def upload_payload(dashboard: dict[str, Any], folder_uid: str | None, message: str) -> dict[str, Any]:
    """The body Grafana expects: the dashboard without an id (matched by uid), overwriting older versions."""
    body: dict[str, Any] = {
        "dashboard": {**dashboard, "id": None},
        "overwrite": True,
        "message": message,
    }
    if folder_uid:
        body["folderUid"] = folder_uid
    return body


def upload_dashboards(
    base_url: str,
    token: str,
    dashboards: Sequence[dict[str, Any]],
    *,
    folder_uid: str | None = None,
    message: str = "slaforge",
    session: requests.Session | None = None,
    timeout: float = TIMEOUT,
) -> list[Uploaded]:
    """Create or update each dashboard; stop at the first refusal with Grafana's own message."""
    http = session or requests.Session()
    url = base_url.rstrip("/") + "/api/dashboards/db"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    done: list[Uploaded] = []
    try:
        for dashboard in dashboards:
            uid = str(dashboard.get("uid", ""))
            try:
                response = http.post(
                    url, json=upload_payload(dashboard, folder_uid, message), headers=headers, timeout=timeout
                )
            except requests.RequestException as exc:
                raise UploadError(f"cannot reach Grafana at {base_url}: {exc}") from None
            if response.status_code != 200:
                raise UploadError(f"Grafana refused dashboard {uid!r}: HTTP {response.status_code} {_reason(response)}")
            body = _json(response)
            version = body.get("version")
            done.append(
                Uploaded(uid=str(body.get("uid", uid)), url=str(body.get("url", "")), version=version)
            )
    finally:
        if session is None:
            http.close()
    return done


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reason(response: requests.Response) -> str:
    message = _json(response).get("message")
    return str(message) if message else response.text[:200]
