"""Reading the SLA files again: change detection by mtimes, and the diff between two target sets."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from slaforge.exporter.targets import Target
from slaforge.exporter.tls import ca_files_are_usable
from slaforge.spec import expand_paths, load_slas
from slaforge.spec.checks import Check
from slaforge.spec.model import SLA

Key = tuple[str, str]
# what the exporter needs of its host, checked at start and at every reload, located like validate's problems
LOAD_CHECKS: tuple[Check, ...] = (ca_files_are_usable,)


class ConfigSource:
    """The files and folders given on the command line."""

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self.paths = [Path(p) for p in paths]

    def load(self) -> list[SLA]:
        """Every SLA, or :class:`slaforge.spec.SpecError` listing every problem."""
        return load_slas(self.paths, LOAD_CHECKS)

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        """Changes when a file is edited, added, removed or replaced (folders included)."""
        entries = []
        files, _ = expand_paths(self.paths)
        for path in [*self.paths, *files]:
            try:
                st = os.stat(path)
            except OSError:
                entries.append((str(path), -1, -1))
                continue
            entries.append((str(path), st.st_mtime_ns, st.st_size))
        return tuple(entries)


@dataclass
class Plan:
    """What a new configuration changes: probes to keep running as they are, to restart, to add, to drop."""

    keep: list[Target] = field(default_factory=list)
    restart: list[Target] = field(default_factory=list)
    add: list[Target] = field(default_factory=list)
    remove: list[Key] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"kept": len(self.keep), "changed": len(self.restart), "added": len(self.add),
                "removed": len(self.remove)}


def plan(current: dict[Key, Target], new: Iterable[Target]) -> Plan:
    out = Plan()
    seen = set()
    for target in new:
        key = target.key
        seen.add(key)
        old = current.get(key)
        if old is None:
            out.add.append(target)
        elif old == target:
            out.keep.append(target)
        else:
            out.restart.append(target)
    out.remove = [key for key in current if key not in seen]
    return out
