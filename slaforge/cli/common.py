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


def parse_listen(text: str, example: str) -> tuple[str, int]:
    """A ``--listen`` value, ``HOST:PORT`` (``[::1]:9105`` for IPv6), as (host, port).

    The host is required: an empty one (``:9105``) is refused rather than taken to mean every
    interface, so that what a process is reachable on is always written out. ValueError with a
    message that shows ``example``.
    """
    host, sep, port = text.rpartition(":")
    if not sep or not host.strip("[]") or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--listen: expected HOST:PORT such as {example}, got {text!r}")
    return host.strip("[]"), int(port)


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
