"""SLA models -> dashboard JSON text and the provisioning file, deterministic to the byte."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import yaml
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import dashboard as dm

from slaforge.grafana.common import OVERVIEW_FILE, TAG, detail_file
from slaforge.grafana.detail import detail_dashboard
from slaforge.grafana.overview import overview_dashboard
from slaforge.spec.model import SLA

DASHBOARDS_DIR = "dashboards"
PROVISIONING_FILE = "provisioning/dashboards/slaforge.yaml"
DEFAULT_DASHBOARDS_PATH = "/var/lib/grafana/dashboards/slaforge"
FOLDER = "SLAs"

# Prometheus annotation settings the SDK's AnnotationQuery model does not carry.
ANNOTATION_EXTRAS: dict[str, Any] = {"step": "60s", "useValueForTime": False}
ANNOTATION_TEXT = {
    "Maintenance": {"titleFormat": "Maintenance", "textFormat": "{{sla}}"},
    "SLA alerts firing": {"titleFormat": "{{alertname}} {{severity}}", "textFormat": "{{objective}}"},
}


def _number_panels(dashboard: dm.Dashboard) -> None:
    """Panel ids in layout order, so links like ?viewPanel=N stay valid across regenerations."""
    for i, panel in enumerate(dashboard.panels or [], start=1):
        panel.id_val = i


def dashboard_dict(dashboard: dm.Dashboard) -> dict[str, Any]:
    """Plain JSON data of a built dashboard, with the fields the SDK leaves out filled in."""
    _number_panels(dashboard)
    data: dict[str, Any] = json.loads(json.dumps(dashboard, cls=JSONEncoder))
    for item in data.get("annotations", {}).get("list", []):
        item.update(ANNOTATION_EXTRAS)
        item.update(ANNOTATION_TEXT.get(item.get("name", ""), {}))
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def build_dashboards(slas: Sequence[SLA]) -> list[tuple[str, dict[str, Any]]]:
    """(file name, dashboard data): the overview first, then one per SLA in name order."""
    ordered = sorted(slas, key=lambda s: s.name)
    out = [(OVERVIEW_FILE, dashboard_dict(overview_dashboard(ordered)))]
    out += [(detail_file(s.name), dashboard_dict(detail_dashboard(s))) for s in ordered]
    return out


def provisioning_yaml(dashboards_path: str = DEFAULT_DASHBOARDS_PATH, folder: str = FOLDER) -> str:
    provider = {
        "apiVersion": 1,
        "providers": [
            {
                "name": TAG,
                "orgId": 1,
                "folder": folder,
                "type": "file",
                "disableDeletion": False,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 60,
                "options": {"path": dashboards_path, "foldersFromFilesStructure": False},
            }
        ],
    }
    header = (
        "# Grafana dashboard provider for the slaforge dashboards (generated; do not edit).\n"
        "# Put this file in Grafana's provisioning/dashboards/ folder and the JSON files of\n"
        f"# {DASHBOARDS_DIR}/ in {dashboards_path}.\n"
    )
    return header + yaml.safe_dump(provider, sort_keys=True)


def render_dashboards(
    slas: Sequence[SLA], dashboards_path: str = DEFAULT_DASHBOARDS_PATH, folder: str = FOLDER
) -> list[tuple[str, str]]:
    """Every file to write, as (path relative to the output folder, text)."""
    files = [(f"{DASHBOARDS_DIR}/{name}", to_json(data)) for name, data in build_dashboards(slas)]
    files.append((PROVISIONING_FILE, provisioning_yaml(dashboards_path, folder)))
    return files
