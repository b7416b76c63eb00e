"""SLA text is text in every Markdown slaforge writes (issue 12, item 12): the Markdown report,
Grafana's text panels and panel descriptions. The HTML report is autoescaped by Jinja."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from slaforge.escaping import grafana_markdown, markdown_text
from slaforge.grafana.detail import detail_dashboard
from slaforge.grafana.render import dashboard_dict
from slaforge.report import render_html, render_markdown
from slaforge.report.model import Report
from slaforge.spec import load_text
from tests.report.test_report_html import synthetic_report

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![i](https://evil.example/x.png)",
    "a | b",
    "**bold** _it_ `code` ~~s~~",
    "# heading",
    "1. list",
    "- item",
    "&lt;entity&gt;",
    "$sla ${__user.login} [[sla]]",
    "line\nbreak\n<b>x</b>",
]
MARKUP = "\\`*_[]<>!|~&$"


def unescaped(text: str) -> list[str]:
    """Markup characters not preceded by a backslash (an escaped backslash counts as text)."""
    plain = re.sub(r"\\.", "", text)
    return [c for c in plain if c in MARKUP]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_leaves_no_markup(text: str) -> None:
    escaped = markdown_text(text)
    assert unescaped(escaped) == []
    assert "\n" not in escaped
    assert not re.match(r"[#+\-=]|\d+[.)]", escaped), "no block can start with it"
    # unescaping gives the text back (line breaks as spaces)
    assert re.sub(r"\\(.)", r"\1", escaped) == text.replace("\n", " ")
    grafana = grafana_markdown(text)
    assert "$" not in grafana and "[[" not in grafana
    assert re.sub(r"\\(.)", r"\1", grafana).replace("&#36;", "$") == text.replace("\n", " ")


def raw_in(raw: str, text: str) -> bool:
    """``raw`` occurs in ``text`` with its first character not escaped by a backslash."""
    return re.search(r"(?<!\\)" + re.escape(raw), text) is not None


def hostile_report() -> Report:
    report = synthetic_report()
    sla = report.slas[0]
    first = replace(sla.objectives[0], name="a|b", description=HOSTILE[1] + " " + HOSTILE[2])
    hostile_sla = replace(sla, service=HOSTILE[0], provider="# " + HOSTILE[3], customer="ACME | <b>Corp</b>",
                          objectives=(first, *sla.objectives[1:]))
    return replace(report, slas=(hostile_sla,))


def test_markdown_report_escapes_sla_text() -> None:
    md = render_markdown(hostile_report())
    for raw in ("<script>", "<img", "](javascript:", "![i]", "<b>", "\n# !"):
        assert not raw_in(raw, md), raw
    assert "## acme: \\<script\\>alert(1)\\</script\\>" in md
    assert "\\# \\!\\[i\\](https://evil.example/x.png) to ACME \\| \\<b\\>Corp\\</b\\>." in md
    row = next(line for line in md.splitlines() if line.startswith("| acme | a"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 10, "a | in a name does not add a table cell"


def test_html_report_is_autoescaped() -> None:
    page = render_html(hostile_report())
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Corp" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_grafana_text_and_descriptions_escape_sla_text() -> None:
    text = """
apiVersion: slaforge/v1
kind: SLA
metadata: {name: hostile}
spec:
  service: '<script>alert(1)</script>'
  provider: '[x](javascript:alert(1))'
  customer: 'ACME $sla ${__user.login} <img src=x onerror=alert(1)>'
  window: 30d
  maintenance:
    - {weekly: {day: sunday, start: "02:00", duration: 1h}, description: '| ![i](https://e/x.png)'}
  objectives:
    - name: errors
      target: 99
      sli: {ratio: {errors: 'x_total{job="<img src=x onerror=alert(1)>",code="5"}', total: 'x_total{job="a"}'}}
"""
    sla = load_text(text, "hostile.yaml")[0]
    board = dashboard_dict(detail_dashboard(sla))
    panels = [p for p in board["panels"] if p.get("type") != "row"]
    about = next(p["options"]["content"] for p in panels if p.get("type") == "text")
    texts = [about] + [p.get("description", "") for p in panels]
    for raw in ("<script>", "<img", "](javascript:", "![i]", "$sla", "${__user"):
        assert not any(raw_in(raw, t) for t in texts), raw
    assert "**\\<script\\>alert(1)\\</script\\>**" in about
    assert "ACME &#36;sla &#36;{\\_\\_user.login}" in about
