"""YAML documents with the position of every key and value, for located error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from slaforge.spec.problems import Path

try:  # the C loader is several times faster where libyaml is present
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based

    @classmethod
    def of(cls, mark: Any) -> Position:
        return cls(mark.line + 1, mark.column + 1)


@dataclass
class Document:
    """One YAML document: its Python value and where each path's key and value stand."""

    value: Any
    start: Position
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    duplicates: list[tuple[Path, Position]] = field(default_factory=list)

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Best position for a path: its key or value, else the nearest ancestor that exists."""
        probe = tuple(path)
        while True:
            if key and probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return self.start
            probe = probe[:-1]
            key = False


class _Constructor(yaml.constructor.SafeConstructor):
    pass


def _walk(node: yaml.Node, path: Path, doc: Document) -> None:
    doc.values[path] = Position.of(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            child = (*path, key)
            if key in seen:
                doc.duplicates.append((child, Position.of(key_node.start_mark)))
            seen.add(key)
            doc.keys[child] = Position.of(key_node.start_mark)
            _walk(value_node, child, doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc)


def parse_documents(text: str) -> list[Document]:
    """Parse every document of a YAML stream. Raises yaml.YAMLError on syntax errors."""
    documents = []
    for node in yaml.compose_all(text, Loader=_Loader):
        if node is None:
            continue
        constructor = _Constructor()
        value = constructor.construct_document(node)
        doc = Document(value=value, start=Position.of(node.start_mark))
        _walk(node, (), doc)
        documents.append(doc)
    return documents
