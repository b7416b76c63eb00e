"""Load SLA files, folders and multi-document YAML into validated models, or report every problem."""

from __future__ import annotations

import contextlib
import difflib
import re
import types
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from slaforge.spec.checks import Check, check_sla
from slaforge.spec.model import SLA
from slaforge.spec.partial import partial_sla
from slaforge.spec.problems import Path, Problem, SpecError, format_path
from slaforge.spec.yamlsource import (
    Document,
    DocumentLike,
    DuplicateKey,
    FastLoader,
    LazyPositions,
    Position,
    check_depth_fast,
    parse_documents,
)

SUFFIXES = (".yaml", ".yml")
# an anchor (&name) or alias (*name) node: such files take the located path, which guards them
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\]}]", re.MULTILINE)


def expand_paths(paths: Iterable[str | FsPath]) -> tuple[list[FsPath], list[Problem]]:
    """Files as given; a folder means every *.yaml / *.yml directly in it, in name order.

    A file named twice (``a.yaml`` and its folder) is read once.
    """
    files: list[FsPath] = []
    problems: list[Problem] = []
    seen: set[FsPath] = set()

    def add(file: FsPath) -> None:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            files.append(file)

    for raw in paths:
        path = FsPath(raw)
        if path.is_dir():
            try:
                found = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
            except OSError as exc:
                problems.append(Problem(str(path), 1, 1, "(file)", f"cannot read folder: {exc.strerror or exc}"))
                continue
            if not found:
                problems.append(Problem(str(path), 1, 1, "(file)", "folder holds no *.yaml or *.yml file"))
            for file in found:
                add(file)
        elif path.is_file():
            add(path)
        elif path.exists():
            problems.append(Problem(str(path), 1, 1, "(file)", "not a regular file or folder"))
        else:
            problems.append(Problem(str(path), 1, 1, "(file)", "no such file or folder"))
    return files, problems


def load_slas(paths: Sequence[str | FsPath], checks: Sequence[Check] = ()) -> list[SLA]:
    """Every SLA in ``paths``, validated. Raises :class:`SpecError` listing every problem found.

    ``checks`` are run on each valid SLA too, located like the built-in ones: what a command needs
    of its own host (the exporter: CA files it can read).
    """
    files, problems = expand_paths(paths)
    slas: list[SLA] = []
    names: dict[str, tuple[FsPath, DocumentLike]] = {}
    for file in files:
        for sla, doc, found in _load_file(file):
            problems.extend(found)
            if sla is None or doc is None:
                continue
            if sla.name in names:
                first_file, first_doc = names[sla.name]
                where = f"{first_file}:{first_doc.position(('metadata', 'name')).line}"
                pos = doc.position(("metadata", "name"))
                problems.append(
                    _problem(
                        str(file), pos, ("metadata", "name"),
                        f"SLA name {sla.name!r} is already used at {where}",
                    )
                )
                continue
            names[sla.name] = (file, doc)
            slas.append(sla)
            for check in checks:
                for path, message in check(sla):
                    problems.append(_problem(str(file), doc.position(path, key=False), path, message))
    if problems:
        raise SpecError(problems)
    return slas


def load_text(text: str, filename: str = "<string>") -> list[SLA]:
    """Validate SLA YAML given as text (tests, stdin)."""
    results = list(_load_documents(text, filename))
    problems = [p for _, _, found in results for p in found]
    if problems:
        raise SpecError(problems)
    return [sla for sla, _, _ in results if sla is not None]


def _load_valid_fast(text: str) -> list[SLA] | None:
    """The SLAs of a file that is entirely valid, without recording positions; None otherwise.

    Most files are valid, and they need no positions: the C loader builds the values directly and
    validation runs once. Anything unusual (anchors, duplicate keys, a YAML error, a single problem)
    returns None, and the caller takes the located path, which reports every problem with its place.
    """
    if _ANCHOR_OR_ALIAS.search(text):
        return None
    try:
        check_depth_fast(text)
        values = [v for v in yaml.load_all(text, Loader=FastLoader) if v is not None]
    except (yaml.YAMLError, DuplicateKey, RecursionError):
        return None
    if not values or not all(isinstance(v, dict) for v in values):
        return None
    slas = []
    for value in values:
        try:
            sla = SLA.model_validate(value)
        except ValidationError:
            return None
        if check_sla(sla):
            return None
        slas.append(sla)
    return slas


def _load_file(file: FsPath) -> Iterable[tuple[SLA | None, DocumentLike | None, list[Problem]]]:
    name = str(file)
    try:
        data = file.read_bytes()
    except OSError as exc:
        yield None, None, [Problem(name, 1, 1, "(file)", f"cannot read: {exc.strerror or exc}")]
        return
    if b"\x00" in data:
        yield None, None, [Problem(name, 1, 1, "(file)", "binary data, not a YAML text file")]
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        yield None, None, [Problem(name, line, 1, "(file)", "not UTF-8 text")]
        return
    yield from _load_documents(text, name)


def _load_documents(
    text: str, name: str
) -> Iterable[tuple[SLA | None, DocumentLike | None, list[Problem]]]:
    fast = _load_valid_fast(text)
    if fast is not None:
        positions = LazyPositions(text)
        for index, sla in enumerate(fast):
            yield sla, positions.document(index), []
        return
    try:
        documents = parse_documents(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        pos = Position.of(mark) if mark is not None else Position(1, 1)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        message = f"YAML syntax error: {reason}" + (f" ({context})" if context else "")
        yield None, None, [Problem(name, pos.line, pos.column, "(file)", message)]
        return
    documents = [d for d in documents if d.value is not None]
    if not documents:
        yield None, None, [Problem(name, 1, 1, "(file)", "no SLA document in this file (it is empty)")]
        return
    for doc in documents:
        yield _validate_document(doc, name)


def _validate_document(doc: Document, name: str) -> tuple[SLA | None, Document, list[Problem]]:
    problems = [
        _problem(name, pos, path, f"duplicate key {path[-1]!r}: the second value would silently win")
        for path, pos in doc.duplicates
    ]
    if not isinstance(doc.value, dict):
        kind = type(doc.value).__name__.replace("list", "a list").replace("str", "a string")
        problems.append(
            _problem(
                name, doc.start, (),
                f"expected a mapping with apiVersion, kind, metadata and spec, got {kind}",
            )
        )
        return None, doc, problems
    try:
        sla = SLA.model_validate(doc.value)
    except ValidationError as exc:
        for error in _useful(exc.errors(include_url=False)):
            problems.append(_from_pydantic(name, doc, error))
        partial = partial_sla(doc.value)
        if partial is not None:
            for path, message in check_sla(partial):
                problems.append(_problem(name, doc.position(path), path, message))
        return None, doc, problems
    for path, message in check_sla(sla):
        problems.append(_problem(name, doc.position(path, key=False), path, message))
    return (None if problems else sla), doc, problems


def _problem(file: str, pos: Position, path: Path, message: str) -> Problem:
    return Problem(file, pos.line, pos.column, format_path(path), message)


def _useful(errors: list[Any]) -> list[Any]:
    """Drop pydantic's "at least N items" for a list whose items already failed: it only counts the survivors."""
    locs = [tuple(e["loc"]) for e in errors]
    return [
        e
        for e in errors
        if not (
            e["type"] == "too_short"
            and any(len(other) > len(e["loc"]) and other[: len(e["loc"])] == tuple(e["loc"]) for other in locs)
        )
    ]


def _shown(value: Any) -> str:
    """How a YAML value reads to its author: ``a number (5)``, ``a list``, ``nothing (null)``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    return f"{type(value).__name__} ({value})"


# what a pydantic type error expected, in the words of the SLA file
_EXPECTED = {
    "string_type": "a string",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
}


# pydantic's wording for other errors, in the words of the SLA file
_MESSAGES: dict[str, Any] = {
    "finite_number": lambda e: f"expected a finite number, got {e['input']!r}",
    "less_than_equal": lambda e: f"must be at most {e['ctx']['le']:g}, got {e['input']!r}",
    "greater_than_equal": lambda e: f"must be at least {e['ctx']['ge']:g}, got {e['input']!r}",
    "string_too_short": lambda e: "must not be empty",
    "string_too_long": lambda e: f"too long: at most {e['ctx']['max_length']} characters, got {len(e['input'])}",
    "too_long": lambda e: f"too many: at most {e['ctx']['max_length']} items, got {len(e['input'])}",
    "too_short": lambda e: "must not be empty" if e["ctx"]["min_length"] == 1 else (
        f"needs at least {e['ctx']['min_length']} items"
    ),
}


def _from_pydantic(file: str, doc: Document, error: Any) -> Problem:
    loc: Path = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        key = str(loc[-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        known = f" (known fields: {', '.join(allowed)})" if allowed and not close else ""
        return _problem(file, doc.position(loc, key=True), loc, f"unknown field {key!r}{hint}{known}")
    if kind == "missing":
        return _problem(file, doc.position(loc), loc, "required field is missing")
    if kind in _EXPECTED and "input" in error:
        message = f"expected {_EXPECTED[kind]}, got {_shown(error['input'])}"
    elif kind in _MESSAGES:
        with contextlib.suppress(KeyError, TypeError, ValueError):  # else keep pydantic's own words
            message = _MESSAGES[kind](error)
    if kind == "literal_error":
        raw = str(error.get("ctx", {}).get("expected", ""))
        expected = [e.strip().strip("'") for e in raw.replace(" or ", ",").split(",")]
        given = error.get("input")
        close = _close_literal(given, expected) if isinstance(given, str) else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        message = f"{given!r} is not one of {', '.join(expected)}{hint}"
    return _problem(file, doc.position(loc), loc, message)


def _close_literal(given: str, expected: list[str]) -> list[str]:
    """A near miss, ignoring case first (kind: Sla -> SLA), then by spelling."""
    same_case = [e for e in expected if e.lower() == given.lower()]
    return same_case or difflib.get_close_matches(given, expected, n=1, cutoff=0.6)


def _allowed_keys(path: Path) -> list[str]:
    """Field names (as written in YAML) of the model found at ``path`` below SLA."""
    model: Any = SLA
    for part in path:
        model = _inner(model, part)
        if model is None:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(f.alias or n for n, f in model.model_fields.items())
    return []


def _inner(model: Any, part: str | int) -> Any:
    if isinstance(model, type) and issubclass(model, BaseModel) and isinstance(part, str):
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return _unwrap(field.annotation)
        return None
    if isinstance(part, int):
        args = typing.get_args(model)
        return _unwrap(args[0]) if args else None
    if typing.get_origin(model) is dict:
        return _unwrap(typing.get_args(model)[1])
    return None


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(inner[0]) if len(inner) == 1 else annotation
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation
