"""Sloth's events queries read back as counters, with their grouping: which forms map and which are refused."""

from __future__ import annotations

import pytest

from slaforge.importers.queries import sloth_events

R = "[{{.window}}]"


@pytest.mark.parametrize(
    ("error", "total", "group_by"),
    [
        (f"sum by (tenant) (rate(e_total{R}))", f"sum by (tenant) (rate(t_total{R}))", ("tenant",)),
        (f"sum by (a, b) (rate(e_total{R}))", f"sum by (b, a) (rate(t_total{R}))", ("b", "a")),
        (f"sum by (a) (rate(e_total{R})) or vector(0)", f"sum by (a) (rate(t_total{R}))", ("a",)),
        (f"sum by (a) (rate(x_total{R})) + sum by (a) (rate(y_total{R}))",
         f"sum by (a) (rate(t_total{R}))", ("a",)),
        (f"sum by (a) (rate(t_total{R})) - sum by (a) (rate(g_total{R}))", f"sum by (a) (rate(t_total{R}))",
         ("a",)),
        (f"sum(rate(e_total{R}))", f"sum(rate(t_total{R}))", ()),
    ],
)
def test_groupings_alike_in_every_part_map(error: str, total: str, group_by: tuple[str, ...]) -> None:
    ratio, error_problem, total_problem = sloth_events(error, total)
    assert (error_problem, total_problem) == (None, None)
    assert ratio is not None and ratio.group_by == group_by


@pytest.mark.parametrize(
    ("error", "total", "where", "message"),
    [
        (f"sum by (a) (rate(e_total{R}))", f"sum(rate(t_total{R}))", 0,
         "the error events are summed by (a) and the total events are summed over all series"),
        (f"sum by (a) (rate(e_total{R}))", f"sum by (b) (rate(t_total{R}))", 0,
         "the error events are summed by (a) and the total events are summed by (b)"),
        (f"sum by (a) (rate(e_total{R}))", f"sum by (a) (rate(t_total{R})) + sum(rate(u_total{R}))", 1,
         "the events of one part of the sum are summed by (a) and those of another are summed over all series"),
        (f"sum(rate(t_total{R})) - sum by (a) (rate(g_total{R}))", f"sum(rate(t_total{R}))", 0,
         "the good events are summed by (a)"),
        (f"sum without (pod) (rate(e_total{R}))", f"sum(rate(t_total{R}))", 0, "sum without (pod) keeps every label"),
        (f"sum by (le) (rate(e_total{R}))", f"sum by (le) (rate(t_total{R}))", 1,
         "grouping by 'le': slaforge sets that label itself"),
    ],
)
def test_groupings_without_a_faithful_meaning_are_refused(error: str, total: str, where: int, message: str) -> None:
    ratio, *problems = sloth_events(error, total)
    assert ratio is None
    assert problems[1 - where] is None and message in str(problems[where])
