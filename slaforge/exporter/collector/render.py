"""The text exposition (format 0.0.4), rendered from the probes' state without per-scrape objects.

prometheus_client would build a Metric and a Sample object per series at every scrape (about 2 s for
10,000 probes); here each probe keeps its rendered lines until its next result, and the label
prefixes of its series are built once per target.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from prometheus_client.exposition import generate_latest
from prometheus_client.registry import CollectorRegistry

from slaforge.exporter.collector.table import (
    LABELS,
    PROBE_FAMILIES,
    SLI_FAMILY,
    ProbeFamily,
    Values,
    go_float,
    sli_values,
)
from slaforge.exporter.state import ObjectiveState, ProbeState
from slaforge.exporter.targets import Target
from slaforge.promql_text import escape

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def header(name: str, kind: str, help_text: str) -> str:
    return f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n"


HEADERS = tuple(header(f.name, f.kind, f.help).encode() for f in PROBE_FAMILIES)


LABELS_SLOT = "\0"  # where a template takes the probe's labels (never in a template's own text)


def template(family: ProbeFamily, buckets: Sequence[float]) -> str:
    """The %-format string of a probe's series of ``family``: one ``%d`` or ``%r`` per value that
    ``family.read`` gives, in order, and LABELS_SLOT for the probe's labels, which are put in after
    the values (``(template % values).replace(LABELS_SLOT, labels)``, about three times faster than
    str.format here)."""

    def line(name: str, extra: str, value: str) -> str:
        text = f"{name}{{{LABELS_SLOT}{extra}}} "
        return text.replace("%", "%%") + value + "\n"

    value = "%d" if family.number == "int" else "%r"
    if family.kind == "histogram":
        lines = [line(f"{family.name}_bucket", f',le="{go_float(bound)}"', "%d") for bound in (*buckets, math.inf)]
        lines += [line(f"{family.name}_sum", "", "%r"), line(f"{family.name}_count", "", "%d")]
        return "".join(lines)
    if family.by is not None:
        label, label_values = family.by
        return "".join(line(family.name, f',{label}="{escape(v)}"', value) for v in label_values)
    return line(family.name, "", value)


Reader = Callable[[ProbeState], Values | None]


class Templates:
    """Per family, the template of a probe's series and the reader of its values (None when the family
    does not apply); shared by every target of the same kind, so that a probe itself only keeps its
    label string."""

    __slots__ = ("parts",)

    def __init__(self, buckets: Sequence[float], applies: tuple[bool, ...]) -> None:
        self.parts: tuple[tuple[Reader, str] | None, ...] = tuple(
            (family.read, template(family, buckets)) if applied else None
            for family, applied in zip(PROBE_FAMILIES, applies, strict=True)
        )


_TEMPLATES: dict[tuple[tuple[float, ...], tuple[bool, ...]], Templates] = {}


class Prefixes:
    """A target's label string and its (shared) templates."""

    __slots__ = ("key", "labels", "templates")

    def __init__(self, target: Target) -> None:
        self.key = (target.sla, target.probe.name, target.buckets)
        sla, probe = LABELS
        self.labels = f'{sla}="{escape(target.sla)}",{probe}="{escape(target.probe.name)}"'
        kind = (target.buckets, tuple(family.applies(target) for family in PROBE_FAMILIES))
        templates = _TEMPLATES.get(kind)
        if templates is None:
            if len(_TEMPLATES) > 10_000:
                _TEMPLATES.clear()
            templates = _TEMPLATES[kind] = Templates(*kind)
        self.templates = templates


def prefixes_of(state: ProbeState) -> Prefixes:
    target = state.target
    prefixes = state.prefixes
    if not isinstance(prefixes, Prefixes) or prefixes.key != (target.sla, target.probe.name, target.buckets):
        prefixes = state.prefixes = Prefixes(target)
    return prefixes


def render_probe(state: ProbeState) -> tuple[bytes, ...]:
    """One text fragment per family of PROBE_FAMILIES (empty when the probe has no such series)."""
    p = prefixes_of(state)
    labels = p.labels
    return tuple([
        b"" if part is None or (values := part[0](state)) is None
        else (part[1] % values).replace(LABELS_SLOT, labels).encode()
        for part in p.templates.parts
    ])


def refresh(state: ProbeState) -> None:
    """Render a probe's lines as soon as its result is in, so that a scrape only has to join them."""
    state.cache = render_probe(state)


def render_probes(states: Iterable[ProbeState]) -> list[bytes]:
    """The probe families as chunks, to be joined once with everything else."""
    fragments = []
    for state in states:
        cached = state.cache
        if cached is None:
            cached = state.cache = render_probe(state)
        fragments.append(cached)
    out = []
    for i, head in enumerate(HEADERS):
        out.append(head)
        out.extend([f[i] for f in fragments])
    return out


def render_sli(objectives: Iterable[ObjectiveState], now: float) -> str:
    f = SLI_FAMILY
    sla, objective, window_label = f.labels
    out = [header(f.name, f.kind, f.help)]
    for ref, window, ratio in sli_values(objectives, now):
        labels = f'{sla}="{escape(ref.sla)}",{objective}="{escape(ref.name)}",{window_label}="{escape(window)}"'
        out.append(f"{f.name}{{{labels}}} {ratio!r}\n")
    return "".join(out)


class FastCollector(Protocol):
    def render_chunks(self) -> list[bytes]: ...


class Exposition:
    """The exporter's own CollectorRegistry, rendered collector by collector.

    Collectors with a ``render_chunks`` method render themselves (the probe collector); the others are
    rendered by prometheus_client. Every collector also works through the plain registry
    (``generate_latest(exposition.registry)``), which is how the tests check the fast path.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._collectors: list[Any] = []

    def register(self, collector: Any) -> None:
        self.registry.register(collector)
        self._collectors.append(collector)

    def render(self) -> bytes:
        return b"".join(self.render_chunks())

    def render_chunks(self) -> list[bytes]:
        """The exposition as many byte strings, to be written without joining them."""
        parts: list[bytes] = []
        for collector in self._collectors:
            fast = getattr(collector, "render_chunks", None)
            if fast is not None:
                parts.extend(fast())
            else:
                parts.append(generate_latest(collector))
        return parts
