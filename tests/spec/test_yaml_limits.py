"""Hostile or broken YAML structure is reported as a located problem, never a crash or a hang."""

from __future__ import annotations

import time

from slaforge.spec import load_text
from slaforge.spec.yamlsource import MAX_DEPTH, MAX_NODES
from tests.spec.helpers import BASE, assert_located, edit, one_problem, problems


def test_deep_nesting_is_refused_before_the_composer_recurses() -> None:
    # libyaml's composer recurses per level: 100k levels would be a segfault, not an error.
    text = "[" * 100_000 + "]" * 100_000
    problem = one_problem(text)
    assert_located(problem, (1, MAX_DEPTH + 1), "(file)", f"nested more than {MAX_DEPTH} levels deep")


def test_reasonable_nesting_is_not_refused() -> None:
    text = "a: " + "[" * 40 + "]" * 40 + "\n"
    messages = [p.message for p in problems(text)]
    assert not any("nested" in m for m in messages)
    assert "unknown field 'a' (known fields: apiVersion, kind, metadata, spec)" in messages


def test_recursive_alias_is_refused() -> None:
    problem = one_problem("spec: &loop [*loop]\n")
    assert_located(problem, (1, 7), "(file)", "an alias refers to a node that contains it")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[index]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    started = time.monotonic()
    problem = one_problem("\n".join(lines) + "\n")
    assert time.monotonic() - started < 5
    assert problem.path == "(file)"
    assert f"more than {MAX_NODES} values once aliases are expanded" in problem.message


def test_shared_aliases_within_limits_still_work() -> None:
    text = edit(BASE, "      headers: {}\n", "      headers: &common {Accept: application/json}\n")
    [sla] = load_text(text)
    assert sla.spec.probes[0].headers == {"Accept": "application/json"}

