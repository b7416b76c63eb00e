"""YAML documents with the position of every key and value, for located error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

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


# Limits that keep hostile or broken input from crashing or hanging the loader: libyaml's composer
# recurses once per nesting level (a segfault at ~100k levels), and aliases can expand a few lines
# into millions of nodes ("billion laughs") or into a structure that contains itself.
MAX_DEPTH = 64
MAX_NODES = 100_000


def _error(problem: str, mark: Any) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=problem, problem_mark=mark)


class _TooDeep(yaml.MarkedYAMLError):
    pass


def check_depth(text: str) -> None:
    """Reject nesting deeper than MAX_DEPTH from the event stream, before anything recurses.

    The event stream comes from PyYAML's pure-Python parser, on purpose: the libyaml bundled with a
    PyYAML release may have a nesting limit of its own (PyYAML 6.0.3 and later stop at 1,000 levels,
    with their own message and position), and this check must say the same thing, at the same place,
    whichever libyaml is underneath. It only runs when :func:`depth_bound` cannot prove a file shallow.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark: Any = event.start_mark
                    raise _TooDeep(problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=mark)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except _TooDeep:
        raise
    except yaml.YAMLError:
        return  # a syntax error before the limit: the C parser, which reads the file next, words it as always


# The column where a line's content starts: indentation plus compact "- ", "? " and ": " indicators.
_CONTENT_COLUMN = re.compile(r"^ *(?:[-?:] +)*", re.MULTILINE)
_FLOW = re.compile(r"[\[\]{}]")


def depth_bound(text: str) -> int:
    """A cheap upper bound of the nesting depth, without parsing.

    A block collection nested in another starts at a greater content column, except a sequence
    that is a mapping's value, which may share its key's column (once: its items are indented);
    so block depth <= 2 x (deepest content column) + 2. Flow collections add at most the deepest
    bracket balance (brackets in strings and comments only make the bound larger).
    """
    column = max((len(m) for m in _CONTENT_COLUMN.findall(text)), default=0)
    balance = deepest = 0
    for bracket in _FLOW.findall(text):
        balance = balance + 1 if bracket in "[{" else max(balance - 1, 0)
        deepest = max(deepest, balance)
    return 2 * column + 2 + deepest


def check_depth_fast(text: str) -> None:
    """:func:`check_depth`, skipping the event stream when :func:`depth_bound` proves it shallow."""
    if depth_bound(text) > MAX_DEPTH:
        check_depth(text)


def _walk(root: yaml.Node, doc: Document) -> None:
    """Record the position of every path, without recursion; refuse cyclic or huge alias expansions."""
    stack: list[tuple[yaml.Node, Path, frozenset[int]]] = [(root, (), frozenset())]
    count = 0
    while stack:
        node, path, ancestors = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _error(f"more than {MAX_NODES} values once aliases are expanded", node.start_mark)
        if id(node) in ancestors:
            raise _error("an alias refers to a node that contains it (a recursive structure)", node.start_mark)
        doc.values[path] = Position.of(node.start_mark)
        inner = ancestors | {id(node)}
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                child = (*path, key)
                if key in seen:
                    doc.duplicates.append((child, Position.of(key_node.start_mark)))
                seen.add(key)
                doc.keys[child] = Position.of(key_node.start_mark)
                stack.append((value_node, child, inner))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*path, index), inner))


def parse_documents(text: str) -> list[Document]:
    """Parse every document of a YAML stream. Raises yaml.YAMLError on syntax errors."""
    check_depth(text)
    documents = []
    for node in yaml.compose_all(text, Loader=_Loader):
        if node is None:
            continue
        doc = Document(value=None, start=Position.of(node.start_mark))
        _walk(node, doc)
        doc.value = _Constructor().construct_document(node)
        documents.append(doc)
    return documents


class DuplicateKey(Exception):
    """Raised by :class:`FastLoader` on a repeated mapping key (the located path reports it)."""


class FastLoader(_Loader):  # type: ignore[misc]
    """The C loader, refusing duplicate keys instead of letting the second value win silently."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        if len(keys) != len(set(keys)):
            raise DuplicateKey
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping



class DocumentLike(Protocol):
    @property
    def start(self) -> Position: ...

    def position(self, path: Path, *, key: bool = False) -> Position: ...


class LazyPositions:
    """Positions of a file's documents, parsed only when a message needs one."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._documents: list[Document] | None = None

    def documents(self) -> list[Document]:
        if self._documents is None:
            self._documents = [d for d in parse_documents(self._text) if d.value is not None]
        return self._documents

    def document(self, index: int) -> LazyDocument:
        return LazyDocument(self, index)


class LazyDocument:
    def __init__(self, source: LazyPositions, index: int) -> None:
        self._source = source
        self._index = index

    @property
    def start(self) -> Position:
        return self._source.documents()[self._index].start

    def position(self, path: Path, *, key: bool = False) -> Position:
        return self._source.documents()[self._index].position(path, key=key)
