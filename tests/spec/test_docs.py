"""docs/sla-file.md stays true: its examples load, its snippets are YAML, every field is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from slaforge.spec import load_text
from slaforge.spec.model import SLA
from tests.spec.helpers import BASE, edit, problems

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sla-file.md"
EDITORS = ROOT / "docs" / "editors.md"


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(), flags=re.DOTALL)


def test_the_complete_file_in_the_docs_is_valid() -> None:
    complete = [b for b in blocks(DOC, "yaml") if b.startswith("apiVersion:")]
    assert complete
    for block in complete:
        [sla] = load_text(block, "docs/sla-file.md")
        assert [o.sli.kind for o in sla.spec.objectives] == ["probe", "probe_latency", "ratio", "latency"]


def test_every_yaml_snippet_parses() -> None:
    snippets = blocks(DOC, "yaml") + blocks(EDITORS, "yaml")
    assert len(snippets) > 8
    for snippet in snippets:
        text = snippet.replace("...\n", "")  # "..." stands for the rest of a file
        list(yaml.safe_load_all(text))


def _fields(model: Any, seen: set[type]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(field.alias or name)
        for inner in _models(field.annotation):
            names |= _fields(inner, seen)
    return names


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models(arg)]


def test_every_field_of_the_model_is_documented() -> None:
    text = DOC.read_text()
    fields = sorted(_fields(SLA, set()))
    assert len(fields) > 40
    missing = [f for f in fields if not (f"`{f}`" in text or f"`{f}." in text or f".{f}`" in text)]
    assert missing == []


def test_the_documented_error_lines_are_what_validate_prints() -> None:
    # the sample output's messages must be ones slaforge really produces (locations depend on the files)
    text = DOC.read_text()
    sample = re.search(r"```text\n\$ slaforge validate slas/\n(.*?)\$ echo", text, flags=re.DOTALL)
    assert sample is not None
    lines = sample.group(1).splitlines()
    assert lines == sorted(lines)
    messages = {line.split(": ", 2)[2] for line in lines}
    broken = edit(BASE, "timeout: 5s", "timeout: 20s")
    broken = edit(broken, "sli: {probe: healthz}", "sli: {probe: healhtz}")
    broken = edit(broken, "    - name: latency\n      target: 99\n", "    - name: latency\n      targt: 99\n")
    produced = {p.message for p in problems(broken)}
    assert messages - {m for m in messages if m.startswith("SLA name")} <= produced


@pytest.mark.parametrize("path", [DOC, EDITORS], ids=lambda p: p.name)
def test_relative_links_point_at_files(path: Path) -> None:
    for target in re.findall(r"\]\((?!https?:|#)([^)#]+)", path.read_text()):
        if target.endswith(("rules.md", "reports.md", "escalation.md", "exporter.md")):
            continue  # written by other parts of the project; may land later
        assert (path.parent / target).exists(), target
