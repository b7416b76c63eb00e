"""What Prometheus 3 changes for the generated rules, proved on the generated text (only 2.42 runs here).

* classic histogram ``le`` values are normalised (``0.3``, ``1.0``): the latency matchers accept
  every spelling of the threshold;
* range selectors are left-open ``(t - r, t]``: every range over recorded pieces selects the same
  pieces under both semantics, so the window ratios stay exact;
* UTF-8 metric and label names: every name we write is a legacy name, valid under both name
  validation schemes, never quoted;
* removed or renamed functions (``holt_winters``) and the removed ``.`` newline quirk: not used.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from slaforge.rules import generate_rule_file
from slaforge.rules.engines import EngineOptions
from slaforge.spec import load_slas
from tests.rules.helpers import EXAMPLES, FIXTURES

LEGACY_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LEGACY_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
RANGE = re.compile(
    r"(slaforge:sli_(?:bad|valid)_events:increase(1m|5m))\{[^}]*\}\[([0-9hms]+)\](?: offset ([0-9hms]+))?"
)
STEP = {"1m": 60, "5m": 300}


def seconds(text: str) -> int:
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([dhms])", text))


def documents() -> list[dict[str, Any]]:
    slas = load_slas([str(p) for p in sorted(EXAMPLES.glob("*.yaml"))] + [str(FIXTURES)])
    return [generate_rule_file(slas), generate_rule_file(slas, EngineOptions("vmalert"))]


def rules() -> list[dict[str, Any]]:
    return [r for d in documents() for g in d["groups"] for r in g["rules"]]


@pytest.mark.parametrize(("threshold", "spellings"), [
    (0.3, ["0.3", "0.30", "3e-01", "3E-1", "0.300"]),
    (1.0, ["1", "1.0", "1e+00", "1e0", "1.00"]),
    (2.5, ["2.5", "2.50", "2.5e+00"]),
])
def test_le_matches_prometheus_2_and_3_spellings(threshold: float, spellings: list[str]) -> None:
    from slaforge.rules.sli import le_regex

    pattern = re.compile(f"(?:{le_regex(threshold)})")  # PromQL anchors regexes: fullmatch
    for text in spellings:
        assert pattern.fullmatch(text), (threshold, text)
    # Prometheus 3 writes float64 text: 0.3 and 1.0 (what FormatFloat gives for a classic bucket)
    assert pattern.fullmatch(format(threshold, ".1f") if threshold == int(threshold) else repr(threshold))
    for other in ("0.03", "3", "30", "0.31", "1.5", "10", "0.1"):
        if float(other) != threshold:
            assert not pattern.fullmatch(other), (threshold, other)


def test_every_latency_rule_uses_the_spelling_free_matcher() -> None:
    found = [r["expr"] for r in rules() if "_bucket{" in r["expr"]]
    assert found
    for expr in found:
        assert 'le="' not in expr, expr  # an exact le="0.3" would miss Prometheus 3's other spelling


def pieces_in(lo_open: bool, t: int, rng: int, offset: int, step: int) -> int:
    """Pieces at multiples of ``step`` in the range [t-off-rng, t-off] (Prometheus 2, closed) or
    (t-off-rng, t-off] (Prometheus 3, left-open)."""
    end = t - offset
    start = end - rng
    return sum(1 for k in range(start // step - 1, end // step + 2)
               if (start < k * step if lo_open else start <= k * step) and k * step <= end)


def test_piece_ranges_select_the_same_pieces_under_left_open_ranges() -> None:
    """Window ratios (1m group, 5m group) and the 5m pieces evaluate at multiples of their step
    (the pieces they read are written at the same instants); 5m pieces also at any offset."""
    seen = 0
    for rule in rules():
        for _, step_name, rng_text, off_text in RANGE.findall(rule["expr"]):
            step, rng, offset = STEP[step_name], seconds(rng_text), seconds(off_text or "0s")
            reader = 300 if offset else step  # the 5m pieces (with their offset) run in the 5m group
            for t in range(0, 3 * 86400, reader):
                closed, left_open = pieces_in(False, t, rng, offset, step), pieces_in(True, t, rng, offset, step)
                assert closed == left_open, (rule.get("record") or rule.get("alert"), rng_text, t)
                expected = 5 if offset else -(-(rng + 1) // step)
                assert closed == expected
            seen += 1
    assert seen > 20


def test_raw_ranges_keep_two_samples_of_a_one_minute_scrape() -> None:
    """The 1m pieces read increase(x[2m]): left-open, a 2m range still holds two samples of a
    series scraped every minute, wherever the scrapes fall."""
    for phase in range(0, 60, 5):
        samples = [phase + 60 * k for k in range(-5, 5)]
        for t in range(0, 120):
            assert sum(1 for s in samples if t - 120 < s <= t) >= 2


def test_names_are_legacy_names() -> None:
    """Prometheus 3 accepts UTF-8 names but needs them quoted ({"my.metric"}); every name we write
    is a legacy name, so the same text parses on 2.x and 3.x."""
    for rule in rules():
        name = rule.get("record") or rule.get("alert")
        assert LEGACY_NAME.fullmatch(name), name
        for label in rule.get("labels", {}):
            assert LEGACY_LABEL.fullmatch(label), label
        assert '{"' not in rule["expr"]


def test_no_removed_or_renamed_function() -> None:
    for rule in rules():
        for function in ("holt_winters", "double_exponential_smoothing", "predict_linear"):
            assert f"{function}(" not in rule["expr"]
