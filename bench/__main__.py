"""Dispatcher: every ``bench/<name>/run.py`` defines ``main(argv) -> int``.

    python -m bench                  # every benchmark, quick mode
    python -m bench exporter         # one of them
    python -m bench exporter --full  # arguments after the name go to that benchmark
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(p.parent.name for p in here.glob("*/run.py"))


def main(argv: list[str]) -> int:
    names = available()
    chosen = [a for a in argv if a in names]
    rest = [a for a in argv if a not in names and a != "--"]
    if not chosen:
        chosen = names
    status = 0
    for name in chosen:
        print(f"== bench {name} ==", flush=True)
        module = importlib.import_module(f"bench.{name}.run")
        status |= int(module.main(rest if len(chosen) == 1 else []) or 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
