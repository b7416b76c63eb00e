"""PromQL selectors in SLIs: only plain series selectors, parsed once and rendered back exactly."""

from __future__ import annotations

import re

import pytest

from slaforge.spec.promql import Matcher, Selector


def test_parse_matchers_of_every_operator() -> None:
    sel = Selector.parse('http_requests_total{job="api",code=~"5..",path!="/health",method!~"HEAD|OPTIONS"}')
    assert sel.metric == "http_requests_total"
    assert sel.matchers == (
        Matcher("job", "=", "api"),
        Matcher("code", "=~", "5.."),
        Matcher("path", "!=", "/health"),
        Matcher("method", "!~", "HEAD|OPTIONS"),
    )


def test_render_round_trips() -> None:
    text = 'http_requests_total{job="api",code=~"5.."}'
    assert Selector.parse(text).render() == text
    assert str(Selector.parse("up")) == "up"


def test_name_matcher_becomes_the_metric() -> None:
    sel = Selector.parse('{__name__="up",job="node"}')
    assert sel.metric == "up" and sel.matchers == (Matcher("job", "=", "node"),)


def test_render_with_other_metric_and_extra_matchers() -> None:
    sel = Selector.parse('http_request_duration_seconds{job="api"}')
    extra = (Matcher("le", "=", "0.3"),)
    assert sel.render("http_request_duration_seconds_bucket", extra) == (
        'http_request_duration_seconds_bucket{job="api",le="0.3"}'
    )
    assert Selector.parse("up").render(extra=extra) == 'up{le="0.3"}'


def test_values_with_quotes_and_backslashes_are_escaped() -> None:
    sel = Selector.parse(r'm{path=~"/a\\.b",q="say \"hi\""}')
    assert sel.matchers[0].value == r"/a\.b"
    assert sel.matchers[1].value == 'say "hi"'
    assert Selector.parse(sel.render()) == sel


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a PromQL series selector"),
        ("   ", "expected a PromQL series selector"),
        ('m{job="a"', "invalid PromQL selector"),
        ("m{job=a}", "invalid PromQL selector"),
        ("rate(m[5m])", "expected a plain series selector (no functions, ranges or operators)"),
        ("sum by (job) (m)", "expected a plain series selector"),
        ("m[5m]", "expected a plain series selector"),
        ("m / n", "expected a plain series selector"),
        ("m > 0", "expected a plain series selector"),
        ("42", "expected a plain series selector"),
        ("m offset 1h", "offset and @ modifiers are not allowed"),
        ("m @ 1700000000", "offset and @ modifiers are not allowed"),
        ('{job="a"}', "the selector must name a metric"),
    ],
)
def test_rejected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Selector.parse(text)


def test_histogram_selector_drops_bucket_suffix() -> None:
    from slaforge.spec.model import LatencySLI

    for metric in ("http_request_duration_seconds", "http_request_duration_seconds_bucket"):
        sli = LatencySLI(histogram=f'{metric}{{job="api"}}', threshold=0.3)
        assert sli.selector.metric == "http_request_duration_seconds"
        assert sli.selector.matchers == (Matcher("job", "=", "api"),)
