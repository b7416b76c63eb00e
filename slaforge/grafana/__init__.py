"""SLA -> Grafana dashboards: one per SLA, an overview of all, and a provisioning file.

Built with grafana-foundation-sdk, Grafana's own typed dashboard builders; the queries come from
:mod:`slaforge.grafana.queries`, which reads every name from :mod:`slaforge.conventions`.
"""

from slaforge.grafana.common import OVERVIEW_UID, dashboard_uid
from slaforge.grafana.render import (
    DEFAULT_DASHBOARDS_PATH,
    PROVISIONING_FILE,
    build_dashboards,
    provisioning_yaml,
    render_dashboards,
)

__all__ = [
    "DEFAULT_DASHBOARDS_PATH",
    "OVERVIEW_UID",
    "PROVISIONING_FILE",
    "build_dashboards",
    "dashboard_uid",
    "provisioning_yaml",
    "render_dashboards",
]
