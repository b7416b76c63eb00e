"""Loading files, folders and multi-document YAML: every problem of every file at once, never a traceback."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slaforge.spec import SLA, SpecError, load_slas, load_text
from slaforge.spec.problems import Problem
from tests.spec.helpers import BASE, assert_located, at, edit, one_problem, problems

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load_problems(*paths: str | Path) -> list[Problem]:
    with pytest.raises(SpecError) as info:
        load_slas(list(paths))
    return list(info.value.problems)


def renamed(name: str, text: str = BASE) -> str:
    return edit(text, "  name: checkout\n", f"  name: {name}\n")


# --- files and folders ------------------------------------------------------------------


def test_examples_folder_loads_every_file() -> None:
    slas = load_slas([EXAMPLES])
    assert {s.name for s in slas} >= {"storefront", "payments-api", "directory"}
    assert all(isinstance(s, SLA) for s in slas)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_each_example_validates(example: Path) -> None:
    assert load_slas([example])


def test_folder_takes_yaml_and_yml_in_name_order_and_nothing_else(tmp_path: Path) -> None:
    write(tmp_path, "b.yml", renamed("bravo"))
    write(tmp_path, "a.yaml", renamed("alpha"))
    write(tmp_path, "notes.txt", "not: an sla\n")
    write(tmp_path, "c.yaml.bak", "garbage: [\n")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "d.yaml", "garbage: [\n")
    (tmp_path / "dir.yaml").mkdir()
    assert [s.name for s in load_slas([tmp_path])] == ["alpha", "bravo"]


def test_folder_without_yaml(tmp_path: Path) -> None:
    write(tmp_path, "readme.md", "# nothing\n")
    [problem] = load_problems(tmp_path)
    assert problem.format() == f"{tmp_path}:1:1: (file): folder holds no *.yaml or *.yml file"


def test_missing_path(tmp_path: Path) -> None:
    [problem] = load_problems(tmp_path / "nope.yaml")
    assert problem.format() == f"{tmp_path / 'nope.yaml'}:1:1: (file): no such file or folder"


def test_files_and_folders_mix(tmp_path: Path) -> None:
    single = write(tmp_path, "single.yaml", renamed("single"))
    slas = load_slas([single, EXAMPLES])
    assert slas[0].name == "single" and len(slas) >= 4


# --- every problem in every file, in one run, sorted ---------------------------------------


def test_several_problems_in_several_files_in_one_run_sorted(tmp_path: Path) -> None:
    one = edit(edit(BASE, "timeout: 5s", "timeout: 20s"), "window: 30d", "window: 30")
    two = renamed("other", edit(BASE, "sli: {probe: healthz}", "sli: {probe: healthy}"))
    three = renamed("third", edit(BASE, "      method: GET\n", "      methd: GET\n"))
    write(tmp_path, "one.yaml", one)
    write(tmp_path, "two.yaml", two)
    write(tmp_path, "three.yaml", three)
    found = load_problems(tmp_path / "two.yaml", tmp_path / "one.yaml", tmp_path / "three.yaml")
    assert [(Path(p.file).name, p.line, p.column, p.path) for p in found] == [
        ("one.yaml", *at(one, "30\n"), "spec.window"),
        ("one.yaml", *at(one, "20s"), "spec.probes[0].timeout"),
        ("three.yaml", *at(three, "methd"), "spec.probes[0].methd"),
        ("two.yaml", *at(two, "healthy"), "spec.objectives[0].sli.probe"),
    ]
    assert found == sorted(found)


def test_cross_field_problems_are_reported_alongside_structural_ones() -> None:
    text = edit(BASE, "      method: GET\n", "      methd: GET\n")
    text = edit(text, "{after: 30m, receiver: payments-lead}", "{after: 0m, receiver: payments-lead}")
    text = edit(text, "{below: 99.0, credit: 25}", "{below: 99.95, credit: 25}")
    found = problems(text)
    assert [(p.line, p.column, p.path) for p in found] == [
        (*at(text, "methd"), "spec.probes[0].methd"),
        (*at(text, "99.95"), "spec.objectives[0].credits[1].below"),
        (*at(text, "99.95"), "spec.objectives[0].credits[1].below"),
        (*at(text, "0m, receiver: payments-lead"), "spec.escalation[1].after"),
    ]
    assert "above the target" in found[1].message and "highest 'below' down" in found[2].message


def test_duplicate_sla_names_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", BASE)
    second = "# the same SLA again\n" + BASE
    write(tmp_path, "b.yaml", second)
    [problem] = load_problems(tmp_path)
    assert_located(problem, at(second, "checkout\n"), "metadata.name",
                   f"SLA name 'checkout' is already used at {tmp_path / 'a.yaml'}:4")
    assert problem.file == str(tmp_path / "b.yaml")


def test_duplicate_sla_names_within_one_file(tmp_path: Path) -> None:
    text = BASE + "---\n" + BASE
    write(tmp_path, "both.yaml", text)
    [problem] = load_problems(tmp_path / "both.yaml")
    assert (problem.line, problem.column, problem.path) == (*at(text, "checkout\n", 2), "metadata.name")
    assert "already used at" in problem.message


def test_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", BASE)
    assert [s.name for s in load_slas([path, tmp_path, tmp_path / "." / "a.yaml"])] == ["checkout"]


# --- multi-document files ---------------------------------------------------------------------


def test_multi_document_file_errors_at_the_right_lines() -> None:
    second = renamed("second", edit(BASE, "timeout: 5s", "timeout: 30s"))
    text = BASE + "---\n" + second + "...\n---\n# third\n" + renamed("third", edit(BASE, "window: 30d", "window: 2y"))
    found = problems(text)
    offset = BASE.count("\n") + 1
    assert [(p.line, p.column, p.path) for p in found] == [
        (offset + at(second, "30s")[0], at(second, "30s")[1], "spec.probes[0].timeout"),
        (*at(text, "2y"), "spec.window"),
    ]


def test_multi_document_file_loads_every_sla() -> None:
    slas = load_text("---\n" + BASE + "---\n" + renamed("two") + "---\n")
    assert [s.name for s in slas] == ["checkout", "two"]


def test_empty_documents_between_slas_are_ignored() -> None:
    assert len(load_text(BASE + "---\n---\n# only a comment\n---\n" + renamed("two"))) == 2


# --- never a traceback ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "where", "path", "message"),
    [
        ("", (1, 1), "(file)", "no SLA document in this file (it is empty)"),
        ("---\n", (1, 1), "(file)", "no SLA document in this file (it is empty)"),
        ("---\n...\n---\n", (1, 1), "(file)", "no SLA document in this file"),
        ("# just a comment\n\n", (1, 1), "(file)", "no SLA document in this file"),
        ("null\n", (1, 1), "(file)", "no SLA document in this file"),
        ("- apiVersion: slaforge/v1\n- kind: SLA\n", (1, 1), "(document)",
         "expected a mapping with apiVersion, kind, metadata and spec, got a list"),
        ("just words\n", (1, 1), "(document)",
         "expected a mapping with apiVersion, kind, metadata and spec, got a string"),
        ("42\n", (1, 1), "(document)", "expected a mapping with apiVersion, kind, metadata and spec, got int"),
        ("kind: SLA\nspec: [\n  a,\n  b: c\n", (5, 1), "(file)", "YAML syntax error: did not find expected ',' or ']'"),
        ("kind: SLA\nmetadata:\n  name: x\n   bad: indent\n", (4, 7), "(file)",
         "YAML syntax error: mapping values are not allowed in this context"),
        ("kind: SLA\n\tspec: 1\n", (2, 1), "(file)",
         "YAML syntax error: found a tab character that violates indentation"),
        ("key: 'open\n", (2, 1), "(file)", "YAML syntax error: found unexpected end of stream"),
        ("a: *nowhere\n", (1, 4), "(file)", "YAML syntax error: found undefined alias"),
        ("!!python/object:os.system {}\n", (1, 1), "(file)",
         "YAML syntax error: could not determine a constructor"),
        ("{[1]: 2}\n", (1, 2), "(file)", "YAML syntax error: found unhashable key"),
    ],
    ids=["empty", "only-dashes", "empty-docs", "comment", "null", "list", "string", "number", "flow-syntax",
         "indentation", "tab", "unterminated-quote", "undefined-alias", "python-tag", "unhashable-key"],
)
def test_bad_files_are_located_problems(
    tmp_path: Path, content: str, where: tuple[int, int], path: str, message: str
) -> None:
    file = write(tmp_path, "bad.yaml", content)
    found = load_problems(file)
    assert (found[0].line, found[0].column, found[0].path) == (*where, path), found[0].format()
    assert message in found[0].message
    assert found[0].file == str(file)


def test_binary_with_nul(tmp_path: Path) -> None:
    [problem] = load_problems(write(tmp_path, "x.yaml", b"apiVersion: \x00\x01\x02"))
    assert problem.format().endswith(":1:1: (file): binary data, not a YAML text file")


def test_random_bytes(tmp_path: Path) -> None:
    rng = random.Random(20261122)
    for index in range(20):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        found = load_problems(write(tmp_path, f"r{index}.yaml", blob))
        assert found and all(p.path in ("(file)", "(document)") or p.message for p in found)


def test_invalid_utf8_reports_its_line(tmp_path: Path) -> None:
    latin1 = "kind: SLA\nmetadata:\n  name: café\n".encode("latin-1")
    [problem] = load_problems(write(tmp_path, "latin1.yaml", latin1))
    assert problem.format() == f"{tmp_path / 'latin1.yaml'}:3:1: (file): not UTF-8 text"


def test_utf8_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    text = edit(BASE, "timeout: 5s", "timeout: 50s").replace("\n", "\r\n")
    file = write(tmp_path, "win.yaml", b"\xef\xbb\xbf" + text.encode())
    [problem] = load_problems(file)
    assert (problem.line, problem.column, problem.path) == (20, 16, "spec.probes[0].timeout")
    write(tmp_path, "win.yaml", b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode())
    assert load_slas([file])[0].name == "checkout"


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    text = edit(BASE, "  window: 30d\n", "  window: 30d\n  window: 7d\n")
    problem = one_problem(text)
    assert_located(problem, at(text, "window: 7d"), "spec.window",
                   "duplicate key 'window': the second value would silently win")


def test_duplicate_keys_in_flow_mappings() -> None:
    text = edit(BASE, "page: {enabled: true}", "page: {enabled: true, enabled: false}")
    found = problems(text)
    assert_located(found[0], at(text, "enabled: false"), "spec.alerting.page.enabled", "duplicate key 'enabled'")
    # and indeed the second value won: escalation now follows a disabled page
    assert_located(found[1], at(text, "- {after: 0m"), "spec.escalation", "alerting.page.enabled is false")
    assert len(found) == 2


def test_unicode_text_is_fine() -> None:
    [sla] = load_text(edit(BASE, "customer: ACME Corp", "customer: Société Générale — 東京"))
    assert sla.spec.customer == "Société Générale — 東京"


_yaml_ish = st.lists(
    st.sampled_from([*"ab:-[]{},'\"#&*!|>%@ \n\t01.", "apiVersion", "spec", "---", "\n  ", "&x ", "*x"])
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_yaml_ish | st.text(max_size=200))
def test_any_text_is_either_loaded_or_a_located_problem(text: str) -> None:
    try:
        load_text(text, "fuzz.yaml")
    except SpecError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.line >= 1 and p.column >= 1 and p.message
            assert p.format().startswith(f"fuzz.yaml:{p.line}:{p.column}: ")


@settings(max_examples=60, deadline=None)
@given(
    line=st.integers(min_value=0, max_value=BASE.count("\n") - 1),
    junk=st.sampled_from(["[", "]", ":", "{", "- x", "  ", "*a", "&b", "\t", " # x"]),
)
def test_mangled_base_never_raises_anything_but_spec_error(line: int, junk: str) -> None:
    lines = BASE.splitlines(keepends=True)
    lines[line] = lines[line].rstrip("\n") + junk + "\n"
    try:
        load_text("".join(lines))
    except SpecError as exc:
        assert all(p.line <= len(lines) + 1 for p in exc.problems)
