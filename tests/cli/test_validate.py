"""`slaforge validate`: silent exit 0 when valid; every located problem on stderr and exit 1 when not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from slaforge.cli import cli
from tests.spec.helpers import BASE, at, edit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def validate(*paths: str | Path) -> Result:
    result = CliRunner().invoke(cli, ["validate", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def lines(result: Result) -> list[str]:
    return result.stderr.splitlines()


def test_examples_folder_is_valid_and_silent() -> None:
    result = validate(EXAMPLES)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("example", sorted(EXAMPLES.rglob("*.yaml")), ids=lambda p: p.name)
def test_each_example_is_valid(example: Path) -> None:
    result = validate(example)
    assert (result.exit_code, result.output) == (0, "")


def test_several_problems_in_several_files_one_run_sorted(tmp_path: Path) -> None:
    a = edit(edit(BASE, "timeout: 5s", "timeout: 15s"), "      method: GET\n", "      methd: GET\n")
    b = edit(edit(BASE, "  name: checkout\n", "  name: b\n"), "sli: {probe: healthz}", "sli: {probe: health}")
    (tmp_path / "a.yaml").write_text(a)
    (tmp_path / "b.yaml").write_text(b)
    (tmp_path / "ok.yaml").write_text(edit(BASE, "  name: checkout\n", "  name: fine\n"))
    result = validate(tmp_path / "b.yaml", tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    pa, pb = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert lines(result) == [
        f"{pa}:{at(a, 'methd')[0]}:{at(a, 'methd')[1]}: spec.probes[0].methd: unknown field 'methd'; "
        "did you mean 'method'?",
        f"{pb}:{at(b, 'health}')[0]}:{at(b, 'health}')[1]}: spec.objectives[0].sli.probe: no probe named 'health' "
        "in spec.probes (did you mean 'healthz'?) (probes: healthz)",
    ]


def test_error_format_is_file_line_column_path_message(tmp_path: Path) -> None:
    path = tmp_path / "sla.yaml"
    path.write_text(edit(BASE, "window: 30d", "window: 100d"))
    result = validate(path)
    assert result.exit_code == 1
    assert result.stderr == f"{path}:10:11: spec.window: the window must be between 1h and 90d, got 100d\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ":1:1: (file): no SLA document in this file (it is empty)"),
        (b"---\n", ":1:1: (file): no SLA document in this file (it is empty)"),
        (b"- a\n- b\n", ":1:1: (document): expected a mapping with apiVersion, kind, metadata and spec, got a list"),
        (b"kind: SLA\nspec: {a: [1, 2}\n", ":2:16: (file): YAML syntax error: did not find expected ',' or ']'"),
        (b"\x00\x01\x02\xff binary", ":1:1: (file): binary data, not a YAML text file"),
        (b"\x89PNG\r\n\x1a\n\xff\xd8", ":1:1: (file): not UTF-8 text"),
        (b"kind: SLA\nname: \xe9t\xe9\n", ":2:1: (file): not UTF-8 text"),
    ],
    ids=["empty", "only-dashes", "list", "yaml-syntax", "nul-bytes", "png-header", "latin1"],
)
def test_bad_files_never_traceback(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    result = validate(path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result)[0].startswith(f"{path}{expected}"), result.stderr
    assert "Traceback" not in result.output


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = validate(tmp_path / "missing.yaml", tmp_path / "empty")
    assert result.exit_code == 1
    assert lines(result) == [
        f"{tmp_path / 'empty'}:1:1: (file): folder holds no *.yaml or *.yml file",
        f"{tmp_path / 'missing.yaml'}:1:1: (file): no such file or folder",
    ]


def test_multi_document_second_document_errors_at_its_lines(tmp_path: Path) -> None:
    second = edit(edit(BASE, "  name: checkout\n", "  name: second\n"), "target: 99.9\n", "target: 150\n")
    text = BASE + "---\n" + second
    path = tmp_path / "multi.yaml"
    path.write_text(text)
    result = validate(path)
    line, column = at(text, "150")
    assert line == BASE.count("\n") + 1 + at(second, "150")[0]
    assert lines(result) == [
        f"{path}:{line}:{column}: spec.objectives[0].target: the target must be a percent strictly between 0 and 100, "
        "got 150"
    ]


def test_duplicate_key(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(edit(BASE, "  service: checkout-api\n", "  service: checkout-api\n  service: other\n"))
    result = validate(path)
    assert lines(result) == [f"{path}:8:3: spec.service: duplicate key 'service': the second value would silently win"]


def test_no_paths_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.stderr


def test_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "garbage.yaml").write_bytes(bytes(range(1, 256)) * 4)
    (tmp_path / "deep.yaml").write_text("[" * 50_000)
    proc = subprocess.run(
        [sys.executable, "-c", "from slaforge.cli import main; main()", "validate", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"{tmp_path / 'deep.yaml'}:1:65: (file): YAML syntax error: nested more than 64 levels deep",
        f"{tmp_path / 'garbage.yaml'}:2:1: (file): not UTF-8 text",  # byte 10 is a newline, 128 the first bad one
    ]


def test_a_file_and_its_folder_are_not_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(BASE)
    result = validate(tmp_path / "a.yaml", tmp_path)
    assert (result.exit_code, result.output) == (0, "")
