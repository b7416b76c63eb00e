"""Every module imports on its own, in a fresh interpreter: an import cycle shows here, not when a user's
first command happens to import the modules in the wrong order (the exporter once died at start because
slaforge.schedule -> report -> rules -> schedule)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "slaforge").rglob("*.py")
)

# one interpreter imports the modules one at a time, each after forgetting every slaforge module
SCRIPT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "slaforge" or m.startswith("slaforge.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""


@pytest.mark.slow
def test_every_module_imports_first() -> None:
    assert len(MODULES) > 50
    result = subprocess.run([sys.executable, "-c", SCRIPT, *MODULES], capture_output=True, text=True, cwd=ROOT,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
