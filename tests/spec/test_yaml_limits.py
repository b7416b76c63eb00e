"""Hostile or broken YAML structure is reported as a located problem, never a crash or a hang."""

from __future__ import annotations

import random

import yaml

from slaforge.spec import load_text
from slaforge.spec.yamlsource import MAX_DEPTH, MAX_NODES, depth_bound
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
    # bounded by construction: the walk stops at MAX_NODES (the time is measured nowhere here)
    problem = one_problem("\n".join(lines) + "\n")
    assert problem.path == "(file)"
    assert f"more than {MAX_NODES} values once aliases are expanded" in problem.message


def test_shared_aliases_within_limits_still_work() -> None:
    text = edit(BASE, "      headers: {}\n", "      headers: &common {Accept: application/json}\n")
    [sla] = load_text(text)
    assert sla.spec.probes[0].headers == {"Accept": "application/json"}



def _true_depth(text: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(text):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return deepest


def _nested(rng: random.Random, depth: int) -> object:
    """A chain of ``depth`` lists and maps (one nested child each, sometimes a scalar sibling)."""
    if depth == 0:
        return rng.choice(["x", "a{b}", "[c]", 1])
    children = [_nested(rng, depth - 1)] + [rng.choice(["y", "{", 2])] * rng.randint(0, 1)
    rng.shuffle(children)
    if rng.random() < 0.5:
        return children
    return {f"k{i}": child for i, child in enumerate(children)}


def test_depth_bound_never_underestimates() -> None:
    """The loader's fast path skips the depth check when the cheap bound proves a file shallow."""
    rng = random.Random(7)
    texts = ["- - - - - - - - x\n", "a:\n- b:\n  - c:\n    - d\n", "? - - x\n: - - y\n",
             "a: {b: [c, {d: [e]}]}\n", "[\n[\n[\n[x]\n]\n]\n]\n"]
    for _ in range(300):
        data = _nested(rng, rng.randint(1, 30))
        style = rng.choice([True, False, None])
        indent, width = rng.choice([2, 4]), rng.choice([20, 80])
        texts.append(yaml.safe_dump(data, default_flow_style=style, indent=indent, width=width))
    for text in texts:
        assert depth_bound(text) >= _true_depth(text), text
    # SLA files are far below the limit: their fast path never walks the event stream
    assert depth_bound(BASE) <= MAX_DEPTH
