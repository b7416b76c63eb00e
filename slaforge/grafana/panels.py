"""Panel shapes shared by both dashboards, on top of grafana-foundation-sdk's typed builders.

Every panel reads the ``$datasource`` variable and has a description, so that a person who opens
the panel's info icon learns what it shows and how it is computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grafana_foundation_sdk.builders import common as cb
from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import prometheus, stat, table, text, timeseries
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models import common as cm
from grafana_foundation_sdk.models import dashboard as dm
from grafana_foundation_sdk.models import prometheus as pm
from grafana_foundation_sdk.models import text as tm

from slaforge.grafana.queries import VAR_DATASOURCE

DATASOURCE = dm.DataSourceRef(type_val="prometheus", uid=f"${{{VAR_DATASOURCE}}}")
REF_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PanelBuilder = cogbuilder.Builder[dm.Panel]


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""
    instant: bool = False
    table: bool = False


@dataclass(frozen=True)
class Step:
    """A threshold step: from ``value`` upwards (None = from minus infinity) in ``color``."""

    value: float | None
    color: str


def thresholds(steps: Sequence[Step]) -> db.ThresholdsConfig:
    return (
        db.ThresholdsConfig()
        .mode(dm.ThresholdsMode.ABSOLUTE)
        .steps([dm.Threshold(value=s.value, color=s.color) for s in steps])
    )


def targets(queries: Sequence[Query]) -> list[cogbuilder.Builder[cogvariants.Dataquery]]:
    out: list[cogbuilder.Builder[cogvariants.Dataquery]] = []
    for ref, q in zip(REF_IDS, queries, strict=False):
        target = (
            prometheus.Dataquery()
            .expr(q.expr)
            .ref_id(ref)
            .datasource(DATASOURCE)
            .editor_mode(pm.QueryEditorMode.CODE)
            .legend_format(q.legend or "__auto")
        )
        target = target.instant() if q.instant or q.table else target.range()
        if q.table:
            target = target.format(pm.PromQueryFormat.TABLE)
        out.append(target)
    return out


def stat_panel(
    title: str,
    description: str,
    query: Query,
    *,
    unit: str,
    steps: Sequence[Step] = (Step(None, "text"),),
    decimals: int | None = None,
    width: int = 4,
    height: int = 4,
    mappings: Sequence[dm.ValueMapping] = (),
    time_from: str | None = None,
    color_background: bool = False,
) -> stat.Panel:
    panel = (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .targets(targets([Query(query.expr, query.legend, instant=True)]))
        .unit(unit)
        .thresholds(thresholds(steps))
        .color_scheme(db.FieldColor().mode(dm.FieldColorModeId.THRESHOLDS))
        .color_mode(cm.BigValueColorMode.BACKGROUND if color_background else cm.BigValueColorMode.VALUE)
        .graph_mode(cm.BigValueGraphMode.NONE)
        .text_mode(cm.BigValueTextMode.VALUE)
        .reduce_options(cb.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .span(width)
        .height(height)
    )
    if decimals is not None:
        panel = panel.decimals(decimals)
    if mappings:
        panel = panel.mappings(list(mappings))
    if time_from is not None:
        panel = panel.time_from(time_from)
    return panel


def graph_panel(
    title: str,
    description: str,
    queries: Sequence[Query],
    *,
    unit: str,
    steps: Sequence[Step] = (),
    threshold_style: cm.GraphThresholdsStyleMode = cm.GraphThresholdsStyleMode.OFF,
    width: int = 12,
    height: int = 8,
    bars: bool = False,
    decimals: int | None = None,
    soft_min: float | None = None,
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .targets(targets(queries))
        .unit(unit)
        .line_width(1)
        .fill_opacity(60 if bars else 10)
        .show_points(cm.VisibilityMode.NEVER)
        .span_nulls(False)
        .draw_style(cm.GraphDrawStyle.BARS if bars else cm.GraphDrawStyle.LINE)
        .legend(
            cb.VizLegendOptions()
            .display_mode(cm.LegendDisplayMode.LIST)
            .placement(cm.LegendPlacement.BOTTOM)
            .show_legend(True)
        )
        .tooltip(cb.VizTooltipOptions().mode(cm.TooltipDisplayMode.MULTI).sort(cm.SortOrder.DESCENDING))
        .span(width)
        .height(height)
    )
    if bars:
        panel = panel.stacking(cb.StackingConfig().mode(cm.StackingMode.NORMAL))
    if steps:
        panel = panel.thresholds(thresholds(steps)).thresholds_style(
            cb.GraphThresholdsStyleConfig().mode(threshold_style)
        )
    if decimals is not None:
        panel = panel.decimals(decimals)
    if soft_min is not None:
        panel = panel.axis_soft_min(soft_min)
    return panel


def table_panel(
    title: str,
    description: str,
    queries: Sequence[Query],
    *,
    width: int = 24,
    height: int = 8,
) -> table.Panel:
    return (
        table.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .targets(targets([Query(q.expr, q.legend, table=True) for q in queries]))
        .span(width)
        .height(height)
    )


def alerts_table(title: str, description: str, query: Query, columns: Sequence[str], *, width: int) -> table.Panel:
    """A table of ALERTS series showing only ``columns``, with a plain message when nothing fires."""
    keep = dm.DataTransformerConfig(id_val="filterFieldsByName", options={"include": {"names": list(columns)}})
    return (
        table_panel(title, description, [query], width=width, height=8)
        .transformations([keep])
        .no_value("No slaforge alert is firing or pending")
    )


def text_panel(title: str, markdown: str, *, width: int = 24, height: int = 4) -> text.Panel:
    return (
        text.Panel()
        .title(title)
        .mode(tm.TextMode.MARKDOWN)
        .content(markdown)
        .span(width)
        .height(height)
    )


def value_text(mapping: dict[str, tuple[str, str]]) -> dm.ValueMap:
    """Map exact values to (text, colour)."""
    return dm.ValueMap(
        options={
            key: dm.ValueMappingResult(text=label, color=color, index=i)
            for i, (key, (label, color)) in enumerate(mapping.items())
        }
    )


def no_data_as(label: str) -> dm.SpecialValueMap:
    return dm.SpecialValueMap(
        options=dm.DashboardSpecialValueMapOptions(
            match=dm.SpecialValueMatch.NULL_AND_NAN,
            result=dm.ValueMappingResult(text=label, color="text"),
        )
    )


def row(title: str) -> db.Row:
    return db.Row(title)
