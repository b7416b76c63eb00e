"""`slaforge rules --tests` gives a passing promtool test file for every valid SLA (issue 12,
item 10): label values holding `"` or `\\`, a threshold with many digits, and a weekly maintenance
window that leaves almost no time free."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from slaforge.rules import render_tests
from slaforge.spec.model import SLA
from tests.rules.helpers import assert_passes, run_promtool_tests

ERRORS = 'req_total{job="a\\"b\\\\c",code=~"5.."}'
TOTAL = 'req_total{job="a\\"b\\\\c"}'
RECEIVER = 'on-call "x" \\ y'


def quoted(**spec: Any) -> SLA:
    raw: dict[str, Any] = {
        "apiVersion": "slaforge/v1",
        "kind": "SLA",
        "metadata": {"name": "quoted"},
        "spec": {
            "service": "s", "provider": "p", "customer": "c", "window": "30d",
            "objectives": [{"name": "errors", "target": 99, "sli": {"ratio": {"errors": ERRORS, "total": TOTAL}}}],
            "escalation": [{"after": "0m", "receiver": RECEIVER}],
            **spec,
        },
    }
    return SLA.model_validate(raw)


def test_outage_test_with_quoted_values_passes(tmp_path: Path) -> None:
    """Series and expected labels (the escalation receiver) used to be written unescaped."""
    sla = quoted()
    text = render_tests([sla], rule_file="rules.yml")
    assert "a total outage alerts (page)" in text
    assert_passes(run_promtool_tests([sla], text, workdir=tmp_path))


def test_week_long_weekly_window_and_long_threshold_pass(tmp_path: Path) -> None:
    """A weekly window of 6d23h59m: the outage test used to run into it (no alert may fire there)
    and the maintenance test past the 10,000 samples promtool allows a query. A threshold of
    0.1234567 used to be written le="0.123457", which no bucket regex matches."""
    sla = quoted(
        window="7d",
        objectives=[
            {"name": "latency", "target": 99,
             "sli": {"latency": {"histogram": 'dur_seconds{job="say \\"hi\\""}', "threshold": 0.1234567}}},
        ],
        maintenance=[{"weekly": {"day": "sunday", "start": "00:00", "duration": "6d23h59m"}}],
    )
    text = render_tests([sla], rule_file="rules.yml")
    assert "a total outage during maintenance stays silent" in text
    assert 'le=\\"0.1234567\\"' in text or 'le="0.1234567"' in text
    assert_passes(run_promtool_tests([sla], text, workdir=tmp_path))
