"""Import coverage: the share of SLOs in a corpus of Sloth, OpenSLO and Pyrra files that convert.

    python -m bench import_coverage

The corpus (corpus/*.yaml, written for this measurement from each format's documentation, with the
forms people publish: groupings, plugins, raw ratios, timeslices, native histograms...) is named by
tool: sloth-*.yaml, openslo-*.yaml, pyrra*.yaml. Each SLO left out is printed with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from slaforge.importers.model import Imported
from slaforge.importers.openslo import import_openslo
from slaforge.importers.pyrra import import_pyrra
from slaforge.importers.sloth import import_sloth
from slaforge.spec import SpecError, load_text

CORPUS = Path(__file__).resolve().parent / "corpus"
IMPORTERS: dict[str, Callable[[str, str], Imported]] = {
    "sloth": lambda text, name: import_sloth(text, name),
    "openslo": lambda text, name: import_openslo(text, name),
    "pyrra": lambda text, name: import_pyrra(text, name),
}


def count_slos(doc: Any) -> int:
    """SLOs in one input document, as its tool counts them (an OpenSLO SLO counts its objectives)."""
    if not isinstance(doc, dict):
        return 0
    if str(doc.get("apiVersion", "")).startswith("openslo/"):
        objectives = (doc.get("spec") or {}).get("objectives") if doc.get("kind") == "SLO" else None
        return len(objectives) if isinstance(objectives, list) else 0
    if doc.get("kind") == "ServiceLevelObjective":
        return 1
    spec = doc.get("spec") if doc.get("kind") == "PrometheusServiceLevel" else doc
    slos = (spec or {}).get("slos")
    return len(slos) if isinstance(slos, list) else 0


def measure(corpus: Path = CORPUS) -> dict[str, tuple[int, int]]:
    """tool -> (SLOs in the corpus, SLOs converted)."""
    out: dict[str, tuple[int, int]] = {}
    for path in sorted(corpus.glob("*.yaml")):
        tool = path.stem.split("-")[0]
        text = path.read_text()
        total = sum(count_slos(d) for d in yaml.safe_load_all(text))
        try:
            imported = IMPORTERS[tool](text, path.name)
            converted = sum(len(s.spec.objectives) for s in load_text(imported.yaml))
            left_out = [p.format() for p in imported.skipped]
        except SpecError as exc:
            converted, left_out = 0, [p.format() for p in exc.problems]
        print(f"{path.name}: {converted}/{total}")
        for line in left_out:
            print(f"    {line}")
        before = out.get(tool, (0, 0))
        out[tool] = (before[0] + total, before[1] + converted)
    return out


def main(argv: list[str]) -> int:
    result = measure()
    total = sum(t for t, _ in result.values())
    converted = sum(c for _, c in result.values())
    for tool, (t, c) in sorted(result.items()):
        print(f"{tool}: {c} of {t} SLOs converted")
    print(f"all: {converted} of {total} SLOs converted ({converted / total:.0%})")
    return 0
