"""A latency SLI picks its histogram's bucket with one regex (slaforge.promql_text, through the plan's SLI
table), read by the rules and the report alike, so that no output counts 0% good where another counts:
Prometheus 2 keeps the exposition's spelling of le (1, 1.0, 0.30, 3e-01)."""

from __future__ import annotations

import re

import pytest

from slaforge.plan import sli_plan
from slaforge.spec.model import SLI


@pytest.mark.parametrize(("threshold", "spellings"), [(1, ["1", "1.0", "1e+00"]), (0.3, ["0.3", "0.30", "3e-01"])])
def test_good_bucket_matches_every_spelling(threshold: float, spellings: list[str]) -> None:
    sli = SLI.model_validate({"latency": {"histogram": 'h_seconds{job="a"}', "threshold": threshold}})
    good = sli_plan("s", sli).good
    assert good is not None
    regex = re.search(r'le=~"([^"]*)"', good[0])
    assert regex is not None, good
    for spelling in spellings:
        assert re.fullmatch(regex.group(1).replace("\\\\", "\\"), spelling), (spelling, regex.group(1))
