"""A picture of a generated dashboard's layout (SVG), for the docs: where each panel sits and what it is.

Grafana cannot run everywhere the docs are read, so this draws the 24-column grid from the panels'
gridPos, each panel with its title and a sketch of its visualisation (no data: sketches only).
"""

from __future__ import annotations

from html import escape
from typing import Any

COL = 40  # pixels per grid column (24 columns)
ROW = 26  # pixels per grid row
PAD = 3
FONT = "font-family='Helvetica,Arial,sans-serif'"
COLORS = {
    "row": "#2b3a55",
    "stat": "#1f6f43",
    "timeseries": "#245a8f",
    "table": "#6b4a8f",
    "text": "#555555",
}
KIND = {"stat": "stat", "timeseries": "graph", "table": "table", "text": "text"}


def _thresholds_drawn(panel: dict[str, Any]) -> bool:
    custom = panel.get("fieldConfig", {}).get("defaults", {}).get("custom", {})
    return str(custom.get("thresholdsStyle", {}).get("mode", "off")) != "off"


def _sketch(panel: dict[str, Any], x: float, y: float, w: float, h: float) -> list[str]:
    """A few strokes suggesting the visualisation inside a panel's body."""
    kind = panel["type"]
    out = []
    if kind == "timeseries" and h > 40:
        points = []
        for i in range(9):
            px = x + 8 + i * (w - 16) / 8
            py = y + h - 10 - ((i * 37) % 23) / 23 * (h - 30)
            points.append(f"{px:.0f},{py:.0f}")
        out.append(f"<polyline points='{' '.join(points)}' fill='none' stroke='#8ab8ff' stroke-width='2'/>")
        ty = y + h * 0.45
        if _thresholds_drawn(panel):
            out.append(
                f"<line x1='{x + 6:.0f}' y1='{ty:.0f}' x2='{x + w - 6:.0f}' y2='{ty:.0f}' "
                "stroke='#f2495c' stroke-dasharray='5,4' stroke-width='1.5'/>"
            )
    elif kind == "table" and h > 40:
        for i in range(min(6, int((h - 40) // 16))):
            ly = y + 38 + i * 16
            out.append(
                f"<line x1='{x + 8:.0f}' y1='{ly:.0f}' x2='{x + w - 8:.0f}' y2='{ly:.0f}' stroke='#c9b8e8'/>"
            )
    elif kind == "stat":
        out.append(
            f"<rect x='{x + w * 0.25:.0f}' y='{y + h * 0.45:.0f}' width='{w * 0.5:.0f}' height='{h * 0.28:.0f}' "
            "rx='3' fill='#73bf69' opacity='0.8'/>"
        )
    elif kind == "text":
        for i in range(min(5, int((h - 20) // 14))):
            ly = y + 22 + i * 14
            out.append(
                f"<line x1='{x + 8:.0f}' y1='{ly:.0f}' x2='{x + w * (0.9 - 0.12 * (i % 3)):.0f}' y2='{ly:.0f}' "
                "stroke='#bbbbbb' stroke-width='3'/>"
            )
    return out


def _columns(panel: dict[str, Any]) -> list[str]:
    """A table's column names, as its transformations leave them."""
    for step in panel.get("transformations", []):
        options = step.get("options", {})
        if step.get("id") == "organize":
            order = options.get("indexByName", {})
            hidden = {o["matcher"]["options"] for o in panel.get("fieldConfig", {}).get("overrides", [])
                      if any(prop["id"] == "custom.hidden" for prop in o["properties"])}
            rename = options.get("renameByName", {})
            names = [rename.get(n, n) for n in sorted(order, key=order.__getitem__)]
            return [n for n in names if n not in hidden]
        if step.get("id") == "filterFieldsByName":
            return list(options.get("include", {}).get("names", []))
    return []


def _header(panel: dict[str, Any], x: float, y: float, w: float) -> list[str]:
    columns = _columns(panel)
    if not columns:
        return []
    cell = (w - 16) / len(columns)
    return [
        f"<text x='{x + 8 + i * cell:.0f}' y='{y + 32:.0f}' fill='#c9b8e8' font-size='10' font-weight='bold' "
        f"{FONT}>{escape(_fit(name, cell - 4, 10))}</text>"
        for i, name in enumerate(columns)
    ]


def _fit(text: str, width: float, size: float) -> str:
    room = max(4, int(width / (size * 0.55)))
    return text if len(text) <= room else text[: room - 1] + "…"


def layout_svg(dashboard: dict[str, Any]) -> str:
    panels = dashboard.get("panels", [])
    bottom = max((p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels), default=1)
    width, height = 24 * COL, bottom * ROW + 40
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}'>",
        f"<rect width='{width}' height='{height}' fill='#111217'/>",
        f"<text x='8' y='24' fill='#ffffff' font-size='16' {FONT}>{escape(dashboard.get('title', ''))}</text>",
    ]
    for p in panels:
        g = p["gridPos"]
        x, y = g["x"] * COL + PAD, g["y"] * ROW + 36 + PAD
        w, h = g["w"] * COL - 2 * PAD, g["h"] * ROW - 2 * PAD
        kind = p["type"]
        color = COLORS.get(kind, "#444444")
        if kind == "row":
            out.append(f"<rect x='{x}' y='{y}' width='{w}' height='{h}' fill='{color}'/>")
            out.append(
                f"<text x='{x + 6}' y='{y + h - 6}' fill='#ffffff' font-size='13' font-weight='bold' {FONT}>"
                f"{escape(_fit(p['title'], w, 13))}</text>"
            )
            continue
        out.append(
            f"<rect x='{x}' y='{y}' width='{w}' height='{h}' rx='4' fill='#181b1f' stroke='{color}' stroke-width='2'/>"
        )
        out.append(
            f"<text x='{x + 6}' y='{y + 15}' fill='#d8d9da' font-size='11' {FONT}>{escape(_fit(p['title'], w - 8, 11))}"
            "</text>"
        )
        out.append(
            f"<text x='{x + w - 6}' y='{y + h - 6}' fill='{color}' font-size='10' text-anchor='end' {FONT}>"
            f"{KIND.get(kind, kind)} #{p.get('id', '')}</text>"
        )
        out += _sketch(p, x, y, w, h)
        if kind == "table":
            out += _header(p, x, y, w)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> None:
    """``python -m slaforge.grafana.layout SLA_PATH... OUT_DIR``: one SVG per generated dashboard."""
    import sys
    from pathlib import Path

    from slaforge.grafana.render import build_dashboards
    from slaforge.spec import load_slas

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        raise SystemExit("usage: python -m slaforge.grafana.layout SLA_PATH... OUT_DIR")
    out = Path(args[-1])
    out.mkdir(parents=True, exist_ok=True)
    for name, data in build_dashboards(load_slas(args[:-1])):
        (out / ("dashboard-" + name.removesuffix(".json") + ".svg")).write_text(layout_svg(data))


if __name__ == "__main__":
    main()
