"""Identity and frame of every slaforge dashboard: uids, file names, variables, links."""

from __future__ import annotations

import hashlib

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import dashboard as dm

from slaforge import conventions as c
from slaforge.grafana.panels import DATASOURCE
from slaforge.grafana.queries import VAR_DATASOURCE, VAR_SLA

UID_MAX = 40  # Grafana's limit on dashboard uids
UID_PREFIX = "slaforge-"
SHORT_NAME_MAX = UID_MAX - len(UID_PREFIX)  # names up to this length keep a readable uid
OVERVIEW_UID = "slaforge_overview"  # '_' never occurs in an SLA name, so no SLA can take this uid
TAG = "slaforge"
REFRESH = "1m"


def dashboard_uid(sla_name: str) -> str:
    """``slaforge-<name>``; a longer name keeps its start and gets a hash so the uid stays unique.

    The hashed form contains ``_``, which an SLA name (a DNS label) never does, so a hashed uid
    never equals the plain uid of another SLA.
    """
    if len(sla_name) <= SHORT_NAME_MAX:
        return UID_PREFIX + sla_name
    digest = hashlib.sha256(sla_name.encode()).hexdigest()[:8]
    head = sla_name[: UID_MAX - len(UID_PREFIX) - 9]
    return f"{UID_PREFIX}{head}_{digest}"


def detail_file(sla_name: str) -> str:
    return f"sla-{sla_name}.json"


OVERVIEW_FILE = "slaforge-overview.json"


def datasource_variable() -> db.DatasourceVariable:
    return (
        db.DatasourceVariable(VAR_DATASOURCE)
        .label("Data source")
        .type("prometheus")
        .description("The Prometheus that evaluates the slaforge rules")
    )


def fixed_sla_variable(name: str) -> db.CustomVariable:
    """The SLA of a detail dashboard: one value, so that every query reads ``$sla``."""
    option = dm.VariableOption(selected=True, text=name, value=name)
    return (
        db.CustomVariable(VAR_SLA)
        .label("SLA")
        .values(name)
        .current(option)
        .options([option])
        .description("This dashboard's SLA; other SLAs are under the 'SLA dashboards' link")
    )


def sla_choice_variable() -> db.QueryVariable:
    """Every SLA Prometheus knows, several at once, all by default (overview)."""
    all_option = dm.VariableOption(selected=True, text=["All"], value=["$__all"])
    return (
        db.QueryVariable(VAR_SLA)
        .label("SLA")
        .datasource(DATASOURCE)
        .query(f"label_values({c.SLA_INFO}, {c.LABEL_SLA})")
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .all_value(".*")
        .current(all_option)
    )


def group_variable(name: str, label: str, query: str) -> db.QueryVariable:
    """One group label of a grouped objective (detail dashboard): one value at a time, so that every
    panel of the objective shows that group's own SLI, budget and burn rates."""
    return (
        db.QueryVariable(name)
        .label(label)
        .datasource(DATASOURCE)
        .query(query)
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
        .description(f"The {label} whose numbers the grouped objectives show (group_by)")
    )


def links(*, to_overview: bool) -> list[cogbuilder.Builder[dm.DashboardLink]]:
    out: list[cogbuilder.Builder[dm.DashboardLink]] = []
    if to_overview:
        out.append(
            db.DashboardLink("SLA overview")
            .type(dm.DashboardLinkType.LINK)
            .url(f"/d/{OVERVIEW_UID}")
            .icon("dashboard")
            .keep_time(True)
            .include_vars(False)
            .target_blank(False)
            .tooltip("Every SLA and objective, worst first")
        )
    out.append(
        db.DashboardLink("SLA dashboards")
        .type(dm.DashboardLinkType.DASHBOARDS)
        .tags([TAG])
        .as_dropdown(True)
        .keep_time(True)
        .include_vars(False)
        .target_blank(False)
    )
    return out


def annotation(name: str, expr: str, color: str) -> db.AnnotationQuery:
    return db.AnnotationQuery().name(name).datasource(DATASOURCE).enable(True).hide(False).icon_color(
        color
    ).expr(expr)
