"""Shared pieces of the rules tests: fixture SLAs and running real `promtool test rules`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from slaforge.rules import EngineOptions, render
from slaforge.spec import load_slas
from slaforge.spec.model import SLA
from tests.support.prometheus import promtool

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"
EXAMPLES = HERE.parent.parent / "examples"


def fixture(name: str) -> SLA:
    return load_slas([str(FIXTURES / f"{name}.yaml")])[0]


def only(sla: SLA, *objectives: str) -> SLA:
    """The SLA with just these objectives: fewer rules, so promtool runs faster."""
    kept = tuple(o for o in sla.spec.objectives if o.name in objectives)
    return sla.model_copy(update={"spec": sla.spec.model_copy(update={"objectives": kept})})


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.yaml"))


def run_promtool_tests(slas: Sequence[SLA], tests: Sequence[dict[str, Any]] | str,
                       workdir: Path | None = None, evaluation_interval: str = "1m",
                       engine: EngineOptions | None = None) -> subprocess.CompletedProcess[str]:
    """Write the rules of ``slas`` (laid out for ``engine``, Prometheus by default) and the tests next
    to each other and run promtool on them."""
    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="slaforge-rules-")) if own else workdir
    assert folder is not None
    (folder / "rules.yml").write_text(render(slas) if engine is None else render(slas, engine=engine))
    if isinstance(tests, str):
        text = tests
    else:
        text = yaml.safe_dump(
            {"rule_files": ["rules.yml"], "evaluation_interval": evaluation_interval, "tests": list(tests)},
            sort_keys=False,
        )
    (folder / "tests.yml").write_text(text)
    result = subprocess.run(
        [promtool(), "test", "rules", str(folder / "tests.yml")],
        capture_output=True, text=True, check=False,
    )
    if own and result.returncode == 0:  # a failure's files stay, named in promtool's output
        shutil.rmtree(folder, ignore_errors=True)
    return result


def assert_passes(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr


def counter(*segments: tuple[int, float]) -> str:
    """promtool values for a counter: segments of (minutes, increase per minute), starting at 0."""
    parts = []
    value = 0.0
    for i, (minutes, step) in enumerate(segments):
        if i == 0:
            parts.append(f"{value:g}+{step:g}x{minutes}")
            value += step * minutes
        else:
            value += step
            parts.append(f"{value:g}+{step:g}x{minutes - 1}")
            value += step * (minutes - 1)
    return " ".join(parts)


def expect(expr: str, minute: int, *samples: tuple[str, float]) -> dict[str, Any]:
    """A promtool ``promql_expr_test``: ``expr`` at ``minute`` gives these (labels, value) samples."""
    return {
        "expr": expr,
        "eval_time": f"{minute}m",
        "exp_samples": [{"labels": labels, "value": value} for labels, value in samples],
    }


def group(series: dict[str, str], checks: list[dict[str, Any]]) -> dict[str, Any]:
    """One promtool test: these input series (selector -> values) at 1m, and these checks."""
    return {
        "interval": "1m",
        "input_series": [{"series": k, "values": v} for k, v in series.items()],
        "promql_expr_test": checks,
    }
