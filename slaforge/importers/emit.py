"""Write SLA drafts as commented slaforge YAML that `slaforge validate` accepts."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import yaml

from slaforge.importers.model import Imported, SLADraft
from slaforge.importers.policies import settle
from slaforge.spec.loader import load_text
from slaforge.spec.problems import Problem, SpecError


def scalar(value: object) -> str:
    """One YAML scalar, quoted only where YAML needs it."""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    text: str = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 20)
    lines = [line for line in text.splitlines() if line != "..."]
    return "\n".join(lines)


def flow(value: dict[str, object] | Sequence[object]) -> str:
    """A small mapping or list on one line: {a: b, c: d}."""
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    text: str = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 20, sort_keys=False)
    return text.strip()


WIDTH = 110


def comment(lines: Iterable[str], indent: int) -> list[str]:
    """YAML comment lines; long prose is wrapped, lines that start with a space (examples) are kept."""
    pad = " " * indent
    out = []
    for text in lines:
        for line in text.splitlines() or [""]:
            if not line or line.startswith(" ") or len(line) + indent + 2 <= WIDTH:
                out.append(f"{pad}# {line}".rstrip())
                continue
            wrapped = textwrap.wrap(line, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
            out.append(f"{pad}# {wrapped[0]}")
            out.extend(f"{pad}#   {more}" for more in wrapped[1:])
    return out


def render(drafts: Sequence[SLADraft], *, header: Sequence[str], tool: str, provider: str | None,
           customer: str | None) -> str:
    out = comment(header, 0)
    for i, sla in enumerate(drafts):
        if i:
            out.append("---")
        out.extend(_sla(sla, tool, provider, customer))
    return "\n".join(out) + "\n"


def _sla(sla: SLADraft, tool: str, provider: str | None, customer: str | None) -> list[str]:
    out = comment(sla.comments, 0)
    out += [
        "apiVersion: slaforge/v1",
        "kind: SLA",
        "metadata:",
        f"  name: {scalar(sla.name)}",
        f"  labels: {flow(dict(sla.labels))}",
        "spec:",
        f"  service: {scalar(sla.service)}",
    ]
    out += comment([f"REVIEW: who promises this SLA, and to whom ({tool} has no such fields)"], 2)
    out.append(f"  provider: {scalar(provider or 'TODO: the provider (who promises)')}")
    out.append(f"  customer: {scalar(customer or 'TODO: the customer (to whom it is promised)')}")
    out += comment([
        sla.window_comment,
        "Reports and service credits are counted per calendar period (calendar: month | quarter | none).",
    ], 2)
    out += [f"  window: {sla.window}", f"  calendar: {sla.calendar}", f"  timezone: {scalar(sla.timezone)}",
            "  objectives:"]
    for objective in sla.objectives:
        out += comment(objective.comments, 4)
        out.append(f"    - name: {scalar(objective.name)}")
        if objective.description:
            out.append(f"      description: {scalar(objective.description)}")
        out.append(f"      target: {scalar(objective.target)}")
        if objective.group_by:
            out.append(f"      group_by: {flow(list(objective.group_by))}")
        out.append("      sli:")
        for kind, fields in objective.sli.items():
            out.append(f"        {kind}:")
            assert isinstance(fields, dict)
            for key, value in fields.items():
                rendered = flow(value) if isinstance(value, list | tuple) else scalar(value)
                out.append(f"          {key}: {rendered}")
    alerting = sla.alerting
    out.append("  alerting:")
    out += comment(alerting.comments, 4)
    out += [
        f"    labels: {flow(dict(alerting.labels))}",
        f"    annotations: {flow(dict(alerting.annotations))}",
        f"    page: {{enabled: {'true' if alerting.page else 'false'}}}",
        f"    ticket: {{enabled: {'true' if alerting.ticket else 'false'}}}",
    ]
    if alerting.policies is not None:
        out.append("    policies:")
        for policy in alerting.policies:
            out += comment([policy.source], 6)
            fields = {"severity": policy.severity, "budget_spent": policy.budget_spent, "long": policy.long.prom,
                      "short": policy.short.prom}
            out.append("      - {" + ", ".join(f"{k}: {scalar(v)}" for k, v in fields.items()) + "}")
    out += comment([
        "REVIEW: escalation steps (Alertmanager receivers) while a page keeps firing, for example:",
        "escalation:",
        "  - {after: 0m, receiver: team-oncall}",
        "  - {after: 30m, receiver: team-lead}",
    ], 2)
    return out


def finish(drafts: Sequence[SLADraft], errors: Sequence[Problem], warnings: Sequence[Problem], *, filename: str,
           tool: str, header: Sequence[str], provider: str | None, customer: str | None) -> Imported:
    """Check every SLA as `slaforge validate` would; leave out (and name) any that fails.

    A problem of the result is located at the SLA's origin in the input, never in the output.
    Raises SpecError when no SLA is left.
    """
    errors = list(errors)
    warnings = [*warnings, *(w for draft in drafts for w in settle(draft))]
    kept: list[SLADraft] = []
    names: set[str] = set()
    for draft in drafts:
        if draft.name in names:
            errors.append(Problem(filename, draft.origin.line, draft.origin.column, "(document)",
                                  f"SLA name {draft.name!r} would be used twice; this one is left out"))
            continue
        try:
            load_text(render([draft], header=[], tool=tool, provider=provider, customer=customer), filename)
        except SpecError as exc:
            for problem in exc.problems:
                errors.append(Problem(filename, draft.origin.line, draft.origin.column, "(document)",
                                      f"the converted SLA {draft.name!r} would be invalid ({problem.path}: "
                                      f"{problem.message}); it is left out"))
            continue
        names.add(draft.name)
        kept.append(draft)
    if not kept:
        raise SpecError(errors or [Problem(filename, 1, 1, "(document)", f"no {tool} SLO could be converted")])
    text = render(kept, header=header, tool=tool, provider=provider, customer=customer)
    return Imported(text, tuple(d.name for d in kept), tuple(sorted(set(warnings))), tuple(sorted(set(errors))))
