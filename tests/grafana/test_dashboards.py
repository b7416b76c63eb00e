"""The generated dashboards: golden files, PromQL that parses, stable uids, thresholds equal to the rules'."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from slaforge import conventions as c
from slaforge.burnrate import burn_alerts
from slaforge.grafana import dashboard_uid, render_dashboards
from slaforge.grafana.common import OVERVIEW_UID, UID_MAX
from slaforge.spec import load_slas
from slaforge.spec.model import SLA
from tests.grafana.dashboard_queries import as_promql, find_queries, substitute

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "slas.yaml"
GOLDEN = HERE / "golden"
EXAMPLES = HERE.parent.parent / "examples"


@pytest.fixture(scope="module")
def slas() -> list[SLA]:
    return load_slas([FIXTURE])


@pytest.fixture(scope="module")
def files(slas: list[SLA]) -> dict[str, str]:
    return dict(render_dashboards(slas))


def dashboards(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {path: json.loads(text) for path, text in files.items() if path.endswith(".json")}


def test_golden(files: dict[str, str]) -> None:
    """The fixture's files equal tests/grafana/golden/ (refresh with UPDATE_GOLDEN=1 after a deliberate change)."""
    if os.environ.get("UPDATE_GOLDEN"):
        for stale in GOLDEN.rglob("*"):
            if stale.is_file() and stale.name != "README.md":
                stale.unlink()
        for path, text in files.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text)
    expected = {
        str(p.relative_to(GOLDEN)): p.read_text()
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }
    assert sorted(expected) == sorted(files), "set of generated files changed; UPDATE_GOLDEN=1 pytest"
    for path, text in files.items():
        assert text == expected[path], f"{path} differs from its golden file; UPDATE_GOLDEN=1 pytest"


def test_output_is_deterministic_and_sorted(slas: list[SLA], files: dict[str, str]) -> None:
    again = dict(render_dashboards(list(reversed(slas))))
    assert again == files
    for path, text in files.items():
        if path.endswith(".json"):
            data = json.loads(text)
            assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_file_layout(slas: list[SLA], files: dict[str, str]) -> None:
    assert sorted(files) == sorted(
        ["dashboards/slaforge-overview.json", "provisioning/dashboards/slaforge.yaml"]
        + [f"dashboards/sla-{s.name}.json" for s in slas]
    )
    provider = yaml.safe_load(files["provisioning/dashboards/slaforge.yaml"])
    assert provider["apiVersion"] == 1
    [entry] = provider["providers"]
    assert entry["type"] == "file"
    assert entry["options"]["path"] == "/var/lib/grafana/dashboards/slaforge"


def test_uids_are_stable_short_and_distinct(slas: list[SLA], files: dict[str, str]) -> None:
    assert dashboard_uid("storefront") == "slaforge-storefront"  # what the example's alert annotation links
    long = "a-very-long-service-level-agreement-name-for-uids"
    assert dashboard_uid(long) == dashboard_uid(long)
    assert len(dashboard_uid(long)) == UID_MAX
    assert "_" in dashboard_uid(long)
    assert dashboard_uid(long + "x") != dashboard_uid(long)
    uids = {json.loads(t)["uid"] for p, t in files.items() if p.endswith(".json")}
    assert uids == {OVERVIEW_UID} | {dashboard_uid(s.name) for s in slas}
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,40}", uid) for uid in uids)


def test_every_query_parses_as_promql(slas: list[SLA], files: dict[str, str]) -> None:
    count = 0
    for path, data in dashboards(files).items():
        for found in find_queries(data):
            sla = ".*" if "overview" in path else data["templating"]["list"][1]["current"]["value"]
            expr = as_promql(substitute(found.expr, sla))
            assert "$" not in expr.replace("$1", ""), f"{path} {found.title}: unsubstituted variable in {expr}"
            try:
                promql_parser.parse(expr)
            except ValueError as exc:
                pytest.fail(f"{path} {found.where} {found.title!r}: {exc}\n{expr}")
            count += 1
    assert count > 100


def test_queries_use_only_contract_names(slas: list[SLA], files: dict[str, str]) -> None:
    """Every slaforge metric a dashboard reads is a name from slaforge.conventions."""
    known = {
        getattr(c, name)
        for name in dir(c)
        if name.isupper() and isinstance(getattr(c, name), str) and getattr(c, name).startswith("slaforge")
    }
    known |= {c.error_ratio_rule(w) for w in (*c.ERROR_RATIO_WINDOWS, *(s.spec.window.prom for s in slas))}
    known |= {c.PROBE_DURATION + "_bucket"}
    for data in dashboards(files).values():
        for found in find_queries(data):
            for name in re.findall(r"\bslaforge[a-z_:0-9]*", found.expr):
                assert name in known, f"{found.title}: {name} is not a conventions name"


def test_burn_thresholds_are_the_alerts(slas: list[SLA], files: dict[str, str]) -> None:
    """Each burn-rate panel draws exactly the factor the rules alert on, for each applicable alert."""
    for sla in slas:
        data = json.loads(files[f"dashboards/sla-{sla.name}.json"])
        panels = [p for p in data["panels"] if p["title"].startswith("Burn rate,")]
        expected = []
        for objective in sla.spec.objectives:
            enabled = {"page": sla.spec.alerting.page.enabled, "ticket": sla.spec.alerting.ticket.enabled}
            for alert in burn_alerts(objective, sla.spec.window):
                if not (alert.applicable and enabled[alert.severity]):
                    continue
                expected.append(
                    (
                        round(alert.factor, 6),
                        c.error_ratio_rule(alert.long_window.prom),
                        c.error_ratio_rule(alert.short_window.prom),
                        alert.severity,
                    )
                )
        drawn = []
        for p in panels:
            steps = p["fieldConfig"]["defaults"]["thresholds"]["steps"]
            exprs = [t["expr"] for t in p["targets"]]
            severity = p["title"].split(",")[1].split(":")[0].strip()
            drawn.append((steps[-1]["value"], exprs[0].split("{")[0], exprs[1].split("{")[0], severity))
            assert p["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"] == "line"
        assert drawn == expected, sla.name
    # The 1h-window SLA has only the 1h page alert; the quarter SLA only the ticket alert.
    short = json.loads(files["dashboards/sla-a-very-long-service-level-agreement-name-for-uids.json"])
    assert [p["title"] for p in short["panels"] if p["title"].startswith("Burn")] == [
        "Burn rate, page: 2% of budget in 1h"
    ]


def test_detail_contents(files: dict[str, str]) -> None:
    shop = json.loads(files["dashboards/sla-shop.json"])
    titles = [p["title"] for p in shop["panels"]]
    assert titles.count("Credit at risk") == 1  # only availability has credits
    assert "Objective availability: 99.9% (probe SLI)" in titles
    assert {"Probe latency", "Failures by reason", "TLS certificate expires in"} <= set(titles)
    assert shop["timezone"] == "Europe/Berlin"
    assert [a["name"] for a in shop["annotations"]["list"]] == ["Maintenance", "SLA alerts firing"]
    assert {v["name"] for v in shop["templating"]["list"]} == {"datasource", "sla"}
    achieved = next(p for p in shop["panels"] if p["title"] == "Achieved this month")
    assert achieved["timeFrom"] == "now/M"
    latency = next(p for p in shop["panels"] if p["title"] == "Probe latency")
    assert [s["value"] for s in latency["fieldConfig"]["defaults"]["thresholds"]["steps"]] == [None, 0.5]
    # panels never overlap and fill the 24-column grid
    cells: set[tuple[int, int]] = set()
    for p in shop["panels"]:
        g = p["gridPos"]
        assert g["x"] + g["w"] <= 24
        box = {(x, y) for x in range(g["x"], g["x"] + g["w"]) for y in range(g["y"], g["y"] + g["h"])}
        assert not box & cells, p["title"]
        cells |= box
    assert [p["id"] for p in shop["panels"]] == list(range(1, len(shop["panels"]) + 1))

    api = json.loads(files["dashboards/sla-api.json"])
    api_titles = [p["title"] for p in api["panels"]]
    assert "Requests and errors (from your counters)" in api_titles
    assert "Request latency (from your histogram)" in api_titles
    assert "Achieved the last 28d" in api_titles  # calendar: none -> the rolling window
    intranet = json.loads(files["dashboards/sla-intranet.json"])
    assert "Achieved this quarter" in [p["title"] for p in intranet["panels"]]
    # the SLA's name, and its service only when it is another name: not "SLA api (api)"
    assert (shop["title"], api["title"]) == ("SLA shop (shop-web)", "SLA api")


def test_overview_contents(slas: list[SLA], files: dict[str, str]) -> None:
    overview = json.loads(files["dashboards/slaforge-overview.json"])
    table = next(p for p in overview["panels"] if p["title"] == "Objectives, worst first")
    assert table["options"]["sortBy"] == [{"desc": False, "displayName": "Budget left"}]
    overrides = table["fieldConfig"]["overrides"]
    links = [o["properties"][0]["value"][0]["url"] for o in overrides if o["matcher"]["options"] == "SLA"]
    assert links == ["/${__data.fields.link}${datasource:queryparam}&${__url_time_range}"]
    info = table["targets"][0]["expr"]
    assert '"link", "d/slaforge-$1?", "sla", "(.{1,31})"' in info  # the short names: their uid
    assert '"link", "dashboards?tag=slaforge&query=$1&", "sla", "(.{32,})"' in info  # the long ones: a search
    sla_var = next(v for v in overview["templating"]["list"] if v["name"] == "sla")
    assert sla_var["multi"] and sla_var["includeAll"]


def test_the_overview_does_not_grow_with_the_fleet(slas: list[SLA]) -> None:
    """The same overview for 4 SLAs and for 1,000, long names included: one table driven by queries,
    a graph of the few lowest budgets; the per-SLA detail dashboards are where each SLA is listed."""
    from slaforge.grafana.overview import overview_dashboard
    from slaforge.grafana.render import dashboard_dict

    fleet = [s.model_copy(update={"metadata": s.metadata.model_copy(update={"name": f"{s.name[:50]}-{i}"})})
             for i in range(250) for s in slas]
    small, large = (json.dumps(dashboard_dict(overview_dashboard(x))) for x in (slas, fleet))
    assert small == large
    graph = next(p for p in json.loads(small)["panels"] if p["type"] == "timeseries")
    assert graph["targets"][0]["expr"].startswith("bottomk(10, ")


def test_examples_render(tmp_path: Path) -> None:
    """The bundled examples render too (they are not golden: they belong to the product docs)."""
    examples = sorted(p for p in EXAMPLES.rglob("*.yaml") if "kind: SLA" in p.read_text())
    slas = [s for path in examples for s in load_slas([path])]
    if not slas:
        pytest.skip("no examples")
    files = render_dashboards(slas)
    assert len(files) == len(slas) + 2
    for path, text in files:
        if not path.endswith(".json"):
            continue
        data = json.loads(text)
        sla = ".*" if "overview" in path else data["templating"]["list"][1]["current"]["value"]
        for found in find_queries(data):
            promql_parser.parse(as_promql(substitute(found.expr, sla)))


def test_layout_pictures(files: dict[str, str]) -> None:
    """The docs' layout pictures: valid SVG, one box per panel, every panel title written."""
    import xml.etree.ElementTree as ET

    from slaforge.grafana.layout import layout_svg

    for data in dashboards(files).values():
        svg = layout_svg(data)
        root = ET.fromstring(svg)
        rects = [e for e in root.iter() if e.tag.endswith("rect")]
        texts = "".join(e.text or "" for e in root.iter() if e.tag.endswith("text"))
        assert len(rects) >= len(data["panels"]) + 1
        for panel in data["panels"]:
            assert panel["title"][:10] in texts


def test_dashboards_fit_grafanas_schema(files: dict[str, str]) -> None:
    """Read back through the SDK's model of Grafana's schema, nothing is lost but our annotation extras."""
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import Dashboard

    from slaforge.grafana.render import ANNOTATION_EXTRAS, ANNOTATION_TEXT

    extras = set(ANNOTATION_EXTRAS) | {k for v in ANNOTATION_TEXT.values() for k in v}
    for path, data in dashboards(files).items():
        back = json.loads(json.dumps(Dashboard.from_json(data), cls=JSONEncoder))
        for item in data.get("annotations", {}).get("list", []):
            for key in extras:
                item.pop(key, None)
        assert back == data, path


def test_period_to_date_panel_has_the_credit_tiers_as_thresholds(files: dict[str, str]) -> None:
    shop = next(d for d in dashboards(files).values() if d.get("uid") == dashboard_uid("shop"))
    panels = [p for p in shop["panels"] if p.get("title") == "Period to date"]
    assert panels, "no period-to-date panel"
    steps = panels[0]["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [s["value"] for s in steps][1:] == sorted(s["value"] for s in steps[1:])
    exprs = [t["expr"] for t in panels[0]["targets"]]
    assert any(c.PERIOD_PROJECTED in e for e in exprs) and any(c.VALID_EVENTS_PERIOD in e for e in exprs)
