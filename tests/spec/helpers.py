"""Helpers for the spec tests: a complete valid SLA, small edits to it, and located-problem asserts."""

from __future__ import annotations

import pytest

from slaforge.spec import SpecError, load_text
from slaforge.spec.problems import Problem

# The contract's example, complete: every section and all four SLI kinds. Tests edit one line of it
# (``edit``) so that each test shows only what it breaks, and locate problems by a unique needle (``at``).
BASE = """\
apiVersion: slaforge/v1
kind: SLA
metadata:
  name: checkout
  labels: {team: payments}
spec:
  service: checkout-api
  provider: Payments Platform
  customer: ACME Corp
  window: 30d
  calendar: month
  timezone: UTC
  maintenance:
    - weekly: {day: sunday, start: "02:00", duration: 2h}
    - once: {start: "2026-12-01T02:00:00Z", duration: 4h}
  probes:
    - name: healthz
      url: https://checkout.example.com/healthz
      interval: 15s
      timeout: 5s
      method: GET
      headers: {}
      expect: {status: ["2xx"], body_regex: '"status":\\s*"ok"'}
      tls: {insecure_skip_verify: false, ca_file: null}
  objectives:
    - name: availability
      target: 99.9
      sli: {probe: healthz}
      credits:
        - {below: 99.9, credit: 10}
        - {below: 99.0, credit: 25}
        - {below: 95.0, credit: 100}
    - name: latency
      target: 99
      sli: {probe_latency: {probe: healthz, threshold: 300ms}}
    - name: api-errors
      target: 99.95
      sli:
        ratio:
          errors: http_requests_total{job="checkout",code=~"5.."}
          total: http_requests_total{job="checkout"}
    - name: api-latency
      target: 99
      sli:
        latency:
          histogram: http_request_duration_seconds{job="checkout"}
          threshold: 0.3
          buckets: [0.1, 0.3, 1]
  alerting:
    labels: {}
    annotations: {runbook_url: "https://runbooks.example.com/checkout"}
    page: {enabled: true}
    ticket: {enabled: true}
  escalation:
    - {after: 0m, receiver: payments-oncall}
    - {after: 30m, receiver: payments-lead}
"""


def edit(text: str, old: str, new: str) -> str:
    """Replace one unique piece of ``text`` (fails loudly if ``old`` is missing or ambiguous)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


MARK = "»"


def at(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) where the ``occurrence``-th ``needle`` starts in ``text``.

    A ``»`` inside the needle marks the exact spot: ``at(text, "sli: »{}")`` is the column of ``{``.
    """
    before, _, after = needle.partition(MARK)
    index = -1
    for _ in range(occurrence):
        index = text.index(before + after, index + 1)
    if MARK in needle:
        index += len(before)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def problems(text: str, filename: str = "sla.yaml") -> list[Problem]:
    with pytest.raises(SpecError) as info:
        load_text(text, filename)
    return list(info.value.problems)


def one_problem(text: str, filename: str = "sla.yaml") -> Problem:
    found = problems(text, filename)
    assert len(found) == 1, "\n".join(p.format() for p in found)
    return found[0]


def assert_located(problem: Problem, where: tuple[int, int], path: str, fragment: str) -> None:
    """The problem is at ``where`` (line, column), names ``path`` and says ``fragment``."""
    assert (problem.line, problem.column, problem.path) == (*where, path), problem.format()
    assert fragment in problem.message, problem.format()
