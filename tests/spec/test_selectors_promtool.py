"""What `validate` accepts as a selector, Prometheus 2.42 accepts: checked against the real promtool.

Every case below is run through slaforge's selector parser and, as a bare expression, through
`promtool check rules`. slaforge may refuse a selector promtool takes only for a reason listed in
DELIBERATE (docs/sla-file.md, "Selectors"); it never accepts one promtool refuses. Then every accepted
odd case goes through `slaforge rules` and `promtool check rules`, as a ratio and a latency SLI.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from slaforge.cli import cli
from slaforge.spec.promql import Selector
from tests.support.prometheus import promtool

# accepted by slaforge and by Prometheus 2.42
ACCEPTED = [
    'sum{job="a"}', 'offset{job="a"}', "by", 'start{job="a"}', "up{job='a'}", 'up{job=`a\\b"c`}',
    'up{job="a\\u2028b"}', 'up{job="😀"}', 'up{job="\\U0001F600"}', 'up{job="a",}', 'up {\n job = "a" ,\n}',
    "up{}", '{__name__="up",job="a"}', 'up{job="a\\"b"}', "up{job='it\\'s'}", 'up{job="\\177"}', 'up{job="a\\tb"}',
    'up{job="\\x01"}', 'up{job="{{ .Value }}"}', 'up{job="a: b # c"}', 'up{job="é\\u00e9"}', 'a:b:c{x="y"}',
    'up{job=""}', 'up{job="\\u0085\\ufeff"}', 'up{job="a",job="b"}', 'up{and="a"}', 'up{job="x"}\t',
    'up{job=~"(?P<n>a)"}', 'up{job=~"\\\\pL\\\\p{Lu}[\\\\pN]"}', 'up{job=~"[[:alpha:]][[:^word:]]"}',
    'up{job=~"a{,5}x{0}a{1000}"}', 'up{job=~"\\\\x{41}\\\\x41\\\\z\\\\A\\\\b\\\\B"}', 'up{job=~"a*?b+?c??"}',
    'up{job=~"(a*)*"}', 'up{job=~"[a&&b][a[b]][]a][^]a]"}', 'up{job=~"(?i-s:a)(?U)(?:b)"}', 'up{job=~"a{"}',
    'up{job=~"\\\\d+\\\\.\\\\s\\\\w\\\\D\\\\S\\\\W\\\\/\\\\-\\\\ \\\\~\\\\#\\\\<"}', 'up{job=~"a|"}',
    'up{job!~"5.."}', 'up{job=~"\\\\b{start}"}', 'up{job=~"(a{100}){10}"}', 'up{job=~"((a{10}b{3}){10}){10}"}',
    'up{job=~"(a{2,}){500}"}', 'up{job=~"(?:a{0}){1000}(a*){1000}"}', 'up{job=~"(?i:a){2}x{1000}(a){2}"}',
]
# refused by slaforge and by Prometheus 2.42
REFUSED = [
    '{"up"}', 'up{"job"="a"}', 'bool{job="a"}', 'inf{job="a"}', 'on{job="a"}', 'group_right{job="a"}',
    'Atan2{job="a"}', 'up{,}', 'up{job="\\ud83d\\ude00"}', 'up{job="\\q"}', "up{job=\"a'\nb\"}", "up{job=\"a\\'b\"}",
    'up{__name__="x"}', 'up{__name__!="x"}', '{__name__!="x"}', 'up{job="a"}}', 'up{{job="a"}',
    'up{job="a"', 'up{job="a" code="b"}', 'up{9="a"}', 'up{job:x="a"}', 'up{job=="a"}', 'up{job=a}',
    'up{job=~"(?x)a"}', 'up{job=~"(?<n>a)"}', 'up{job=~"(?u)a"}', 'up{job=~"a{1001}"}', 'up{job=~"a{2,1}"}',
    'up{job=~"a++"}', 'up{job=~"a**"}', 'up{job=~"a*??"}', 'up{job=~"a{2}{3}"}', 'up{job=~"\\\\Z"}',
    'up{job=~"\\\\C"}', 'up{job=~"\\\\e"}', 'up{job=~"\\\\u0041"}', 'up{job=~"\\\\p{greek}"}', 'up{job=~"(a)\\\\1"}',
    'up{job=~"\\\\p{Letter}"}', 'up{job=~"[[:foo:]]"}', 'up{job=~"[a-\\\\d]"}', 'up{job=~"*"}', 'up{job=~"{1}"}',
    'up{job=~"[z-a]"}', 'up{job=~"\\\\8"}', 'up{job=~"(?P=n)"}', "up\u00a0{}",
    'up{job=~"(a{100}){11}"}', 'up{job=~"(a{2,}){501}"}', 'up{job=~"(a|b{600}){2}"}', 'up{job=~"(a{3}){334}"}',
    'up{job=~"$\\\\pL)]-(?s:"}', 'up{job=~"a)|(b"}', 'up{job=~"(a"}', 'up{job=~"a)"}',
]
# accepted by Prometheus 2.42, refused by slaforge on purpose (docs/sla-file.md, "Selectors")
DELIBERATE = [
    'up{job="x"} # c',  # a comment: pasted into rate(...[W]) it would swallow the rest of the line
    "up offset 1h", "up @ 5", "rate(up[5m])", "nan",  # not a plain selector: the generator adds rate() itself
    '{job="a"}',  # no metric name: an SLI counts the events of one metric
    '{__name__="a-b"}', '{__name__="bool"}',  # names 2.42 cannot store, or read back bare
    '{__name__="up",__name__="x"}', '{__name__="up",__name__!="x"}',  # the metric name once, with =
    'up{job="\\x80"}', 'up{job="\\200"}',  # escapes that give a byte, not a character
    # regexes Rust's regex crate (promql-parser) refuses where Go's takes them
    'up{job=~"\\\\12"}', 'up{job=~"\\\\Qa.b\\\\E"}', 'up{job=~"[[]"}', 'up{job=~"(?)"}', 'up{job=~"\\\\p{^L}"}',
    'up{job=~"\\\\p{Greek}"}',  # Unicode scripts: only the general categories are taken
]


def _ours(text: str) -> bool:
    try:
        Selector.parse(text)
    except ValueError:
        return False
    return True


def _promtool_verdicts(tmp_path: Path, exprs: list[str]) -> list[bool]:
    """Whether promtool 2.42 parses each expression, from one `promtool check rules` run."""
    rules = [{"record": f"case_{i}", "expr": e} for i, e in enumerate(exprs)]
    path = tmp_path / "cases.yml"
    path.write_text(json.dumps({"groups": [{"name": "cases", "rules": rules}]}, ensure_ascii=False))
    result = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True)
    bad = {int(n) - 1 for n in re.findall(r'group "cases", rule (\d+),', result.stdout + result.stderr)}
    assert result.returncode == (1 if bad else 0), result.stdout + result.stderr
    return [i not in bad for i in range(len(exprs))]


def test_slaforge_accepts_only_what_prometheus_accepts(tmp_path: Path) -> None:
    cases = ACCEPTED + REFUSED + DELIBERATE
    rendered = [str(Selector.parse(c)) for c in cases if _ours(c)]
    verdicts = _promtool_verdicts(tmp_path, cases + rendered)
    prom = dict(zip(cases, verdicts, strict=False))
    disagree = {c: (_ours(c), prom[c]) for c in cases if _ours(c) != (c in ACCEPTED) or prom[c] != (c not in REFUSED)}
    assert not disagree, f"(slaforge, promtool) verdicts not as listed: {disagree}"
    assert all(verdicts[len(cases):]), "a selector slaforge renders is refused by promtool"


def test_every_accepted_odd_selector_gives_rules_promtool_accepts(tmp_path: Path) -> None:
    objectives = []
    for i, sel in enumerate(ACCEPTED):
        total = f'total_{i}{{job="a"}}'
        objectives.append({"name": f"r{i}", "target": 99.9, "sli": {"ratio": {"errors": sel, "total": total}}})
        objectives.append({"name": f"l{i}", "target": 99, "sli": {"latency": {"histogram": sel, "threshold": 0.3}}})
    doc = {
        "apiVersion": "slaforge/v1", "kind": "SLA", "metadata": {"name": "odd"},
        "spec": {"service": "s", "provider": "p", "customer": "c", "window": "30d", "objectives": objectives},
    }
    sla = tmp_path / "odd.yaml"
    sla.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "odd.rules.yml"
    result = CliRunner().invoke(cli, ["rules", str(sla), "-o", str(out)])
    assert result.exit_code == 0, result.output
    check = subprocess.run([promtool(), "check", "rules", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize(
    ("selector", "fragment"),
    [
        ('up{job="x"} # c', "at character 13: comments (#) are not allowed"),
        ('{"up"}', "at character 2: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found a quoted label name"),
        ('up{"job"="a"}', "at character 4: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found a quoted label"),
    ],
)
def test_the_three_reported_selectors_are_refused_where_they_are_written(
    tmp_path: Path, selector: str, fragment: str
) -> None:
    from tests.spec.helpers import BASE, at, edit

    line = '          errors: http_requests_total{job="checkout",code=~"5.."}'
    text = edit(BASE, line, "          errors: " + json.dumps(selector))
    path = tmp_path / "sla.yaml"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    where = at(text, "errors: »" + json.dumps(selector))
    assert result.exit_code == 1
    prefix = f"{path}:{where[0]}:{where[1]}: spec.objectives[2].sli.ratio.errors: "
    assert result.stderr.startswith(prefix), result.stderr
    assert fragment in result.stderr, result.stderr


# pieces of regexes, as they appear inside a PromQL string (backslashes doubled)
_PIECES = [
    "a", "b", ".", "\\\\d", "\\\\W", "[a-z]", "[^a]", "(", ")", "|", "*", "+", "?", "{2}", "{1,3}", "{2,}", "{,2}", "{",
    "}", "(?:", "(?i)", "(?-s)", "(?P<x>", "\\\\pL", "\\\\PN", "\\\\p{Lu}", "[[:alpha:]]", "[[:^digit:]]", "^", "$",
    "\\\\.", "[", "]", "-", "{100}", "{40}", "{30}", "{7,}", "\\\\b", "\\\\x{41}", "\\\\x7f", "\\\\z", "(?s:",
    "[\\\\d-z]", "[a-]", "[]]", "\\\\/", "é", "😀", "\\\\t", ":", "&&", "[a&&b]", "\\\\ ",
]


def test_random_regexes_slaforge_accepts_promtool_accepts(tmp_path: Path) -> None:
    """A fixed random sample of regexes built from the pieces that differ between Go, Rust and Python."""
    rng = random.Random(12)
    cases = sorted(
        {'up{job=~"' + "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 9))) + '"}' for _ in range(3000)}
    )
    accepted = [c for c in cases if _ours(c)]
    assert len(accepted) > 500  # the sample exercises acceptance, not only refusals
    verdicts = _promtool_verdicts(tmp_path, accepted)
    assert all(verdicts), [c for c, ok in zip(accepted, verdicts, strict=True) if not ok][:10]
