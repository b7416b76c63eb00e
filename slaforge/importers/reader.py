"""Walking another tool's YAML document: located errors (an SLO left out) and warnings (a field not carried)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from slaforge.conventions import RESERVED_LABELS
from slaforge.importers.model import Place
from slaforge.spec.model import LABEL_NAME
from slaforge.spec.problems import Path, Problem, SpecError, format_path
from slaforge.spec.yamlsource import Document, Position, parse_documents

Entry = tuple[Any, Path]  # a value and where it stands


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass
class Reader:
    """Walks one document, collecting problems (errors) and warnings, each located in the input file."""

    file: str
    doc: Document
    tool: str
    base: Path = ()
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def where(self, path: Path, key: bool = False) -> Position:
        return self.doc.position((*self.base, *path), key=key)

    def _problem(self, path: Path, message: str, severity: str, key: bool = False) -> Problem:
        pos = self.where(path, key)
        return Problem(self.file, pos.line, pos.column, format_path((*self.base, *path)), message, severity)

    def error(self, path: Path, message: str, key: bool = False) -> None:
        self.errors.append(self._problem(path, message, "error", key))

    def warn(self, path: Path, message: str) -> None:
        self.warnings.append(self._problem(path, message, "warning", key=True))

    def place(self, path: Path) -> Place:
        """Where a warning about path will point, once the whole file is read."""
        pos = self.where(path, key=True)
        return Place(self.file, pos.line, pos.column, format_path((*self.base, *path)))

    def mapping(self, value: Any, path: Path, known: set[str]) -> dict[str, Entry]:
        """The mapping at path with camelCase keys folded to snake_case; unknown keys are warned about."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping, got {type(value).__name__}")
            return {}
        out: dict[str, Entry] = {}
        aliases = {camel(k): k for k in known}
        for key, item in value.items():
            name = aliases.get(str(key), str(key))
            if name in known:
                out[name] = (item, (*path, key))
            else:
                self.warn((*path, key), f"{key!r} is not a {self.tool} field the importer knows; it was not imported")
        return out

    def string_map(self, entry: Entry | None) -> dict[str, str]:
        if entry is None or entry[0] is None:
            return {}
        value, path = entry
        if not isinstance(value, dict):
            self.error(path, "expected a mapping of names to strings")
            return {}
        return {str(k): "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in value.items()}

    def labels(self, labels: dict[str, str], path: Path, what: str) -> dict[str, str]:
        """Drop labels slaforge sets itself or Prometheus would refuse, warning about each."""
        kept = {}
        for key, value in labels.items():
            if key in RESERVED_LABELS:
                self.warn((*path, key), f"{what} label {key!r} is set by slaforge itself; it was not imported")
            elif not LABEL_NAME.fullmatch(key) or key.startswith("__"):
                self.warn((*path, key), f"{key!r} is not a valid Prometheus label name; it was not imported")
            else:
                kept[key] = value
        return kept

    def kubernetes_metadata(self, metadata: Any, path: Path, carried: frozenset[str] = frozenset()) -> None:
        """Warn about each Kubernetes metadata field not carried into the SLA file."""
        if not isinstance(metadata, dict):
            return
        for key in metadata:
            if key not in carried:
                self.warn((*path, key), f"Kubernetes metadata {key!r} is not carried: an SLA file is not a "
                          "Kubernetes resource (slaforge rules --format operator wraps the rules in one)")


def dns_label(text: str) -> str:
    label = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return label[:63].rstrip("-")


def inline(values: dict[str, str]) -> str:
    text: str = yaml.safe_dump(values, default_flow_style=True, width=1 << 20, sort_keys=False)
    return text.strip()


def documents(text: str, filename: str, what: str) -> list[Document]:
    """The YAML documents of the input; SpecError when it is not YAML or holds none."""
    try:
        found = parse_documents(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SpecError([Problem(filename, line, column, "(document)", f"invalid YAML: {exc}")]) from None
    if not found:
        raise SpecError([Problem(filename, 1, 1, "(document)", f"no {what} in this file")])
    return found
