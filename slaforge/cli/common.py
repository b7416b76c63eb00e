"""Shared pieces of the commands: loading SLA files with located errors, safe output writing."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

import click

from slaforge.spec import SpecError, load_slas
from slaforge.spec.checks import Check
from slaforge.spec.model import SLA


def fail(message: str) -> NoReturn:
    click.echo(f"slaforge: {message}", err=True)
    sys.exit(1)


def not_built_yet(name: str) -> NoReturn:
    fail(f"'{name}' is not built yet; see the project's open issues")


def load_or_exit(paths: Sequence[str], checks: Sequence[Check] = ()) -> list[SLA]:
    """Load every SLA from the given files and folders, or print every problem and exit 1."""
    try:
        return load_slas(paths, checks)
    except SpecError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        sys.exit(1)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write through a temporary file in the same folder and rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode of a new file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_tree(root: Path, files: Iterable[tuple[str, str | bytes]]) -> None:
    """Write a set of generated files under ``root``; everything is generated before anything is written."""
    files = list(files)
    for rel, content in files:
        write_atomically(root / rel, content)
