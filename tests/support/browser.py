"""Screenshots of generated pages in headless Chromium (the Debian package), for tests/output/."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def screenshot(page: Path, shot: Path, *, width: int = 1200, height: int = 1600) -> bytes:
    """Render ``page`` (a local file) to the PNG ``shot`` and return its bytes; raises when Chromium
    is missing or fails."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise RuntimeError("chromium is not installed; run `make system-deps`")
    shot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             f"--screenshot={shot}", f"--window-size={width},{height}", page.resolve().as_uri()],
            check=True, capture_output=True, timeout=60,
        )
    return shot.read_bytes()
