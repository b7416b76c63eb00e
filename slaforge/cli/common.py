"""Shared pieces of the commands: loading SLA files with located errors (writing: slaforge.cli.output)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from slaforge.cli.output import replace_tree, write_file
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


# The writers live in slaforge.cli.output; these names stay for the commands that import them from here.
write_atomically = write_file
write_tree = replace_tree
