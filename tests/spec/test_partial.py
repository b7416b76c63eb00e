"""A document that fails structural validation still gets its cross-field problems, from the pieces
that validated on their own (slaforge.spec.partial), at the index they have in the file."""

from __future__ import annotations

import yaml

from slaforge.spec.loader import load_text
from slaforge.spec.partial import partial_sla
from slaforge.spec.problems import SpecError

DOC = """\
apiVersion: slaforge/v1
kind: SLA
metadata: {name: shop, labels: {sla: x}}
spec:
  service: s
  provider: p
  customer: c
  window: 30d
  bogus: 1
  probes:
    - {name: a, url: "https://a.example/", interval: 10s}
    - {name: b, url: "https://b.example/", interval: 10s, tiemout: 1s}
    - {name: a, url: "tcp://c.example:1", interval: 10s, method: POST}
  objectives:
    - {name: up, target: 99, sli: {probe: nowhere}}
    - {name: up, target: 99, sli: {probe_latency: {probe: a, threshold: 20s}}}
    - {name: broken, target: 200, sli: {probe: a}}
  maintenance:
    - weekly: {day: monday, start: "01:00", duration: 8d}
    - weekly: {day: funday, start: "01:00", duration: 1h}
  escalation:
    - {after: 10m, receiver: a}
    - {after: 5m, receiver: b}
    - {after: x}
    - {after: 1m, receiver: c}
  alerting:
    page: {enabled: false}
    annotations: {"bad-name": x}
"""

EXPECTED = (
    "sla.yaml:3:38: metadata.labels.sla: label 'sla' is set by slaforge and cannot be overridden\n"
    "sla.yaml:9:3: spec.bogus: unknown field 'bogus' (known fields: "
    "alerting, calendar, customer, description, escalation, incidents, maintenance, objectives, probes, provider, "
    "service, timezone, window)\n"
    "sla.yaml:12:59: spec.probes[1].tiemout: unknown field 'tiemout'; did you mean 'timeout'?\n"
    "sla.yaml:13:14: spec.probes[2].name: probe name 'a' is used twice in this SLA\n"
    'sla.yaml:13:66: spec.probes[2].method: method has no meaning for a tcp:// probe\n'
    "sla.yaml:16:14: spec.objectives[1].name: objective name 'up' is used twice in this SLA\n"
    'sla.yaml:16:73: spec.objectives[1].sli.probe_latency.threshold: '
    "the threshold (20s) must be shorter than the probe's timeout (5s)\n"
    'sla.yaml:17:30: spec.objectives[2].target: the target must be a percent strictly between 0 and 100, got 200\n'
    'sla.yaml:19:55: spec.maintenance[0].weekly.duration: a weekly window of 8d would never close (must be < 7d)\n'
    "sla.yaml:20:21: spec.maintenance[1].weekly.day: "
    "'funday' is not one of monday, tuesday, wednesday, thursday, friday, saturday, sunday; did you mean 'sunday'?\n"
    'sla.yaml:22:5: spec.escalation: escalation follows the page alert, but alerting.page.enabled is false\n'
    "sla.yaml:23:15: spec.escalation[1].after: steps must be in increasing order of 'after': 5m follows 10m\n"
    'sla.yaml:24:7: spec.escalation[2].receiver: required field is missing\n'
    "sla.yaml:24:15: spec.escalation[2].after: invalid duration 'x': "
    'use a Prometheus duration such as 30s, 5m, 2h, 30d or 1w\n'
    "sla.yaml:28:31: spec.alerting.annotations.bad-name: 'bad-name' is not a valid annotation name\n"
)


def _problems(text: str) -> str:
    try:
        load_text(text, "sla.yaml")
    except SpecError as exc:
        return "".join(p.format() + "\n" for p in exc.problems)
    raise AssertionError("the document is valid")


def test_cross_field_problems_of_the_valid_pieces_are_reported() -> None:
    assert _problems(DOC) == "".join(EXPECTED)


def test_the_partial_sla_keeps_each_valid_item_at_its_index() -> None:
    partial = partial_sla(yaml.safe_load(DOC))
    assert partial is not None
    assert [(i, p.name) for i, p in partial.probes] == [(0, "a"), (2, "a")]
    assert not partial.probes.complete and partial.probes.count == 3
    assert [i for i, _ in partial.objectives] == [0, 1]
    assert [i for i, _ in partial.escalation] == [0, 1, 3] and partial.escalation.get(2) is None
    assert partial.labels == {"sla": "x"} and not partial.alerting.page.enabled
    assert partial_sla({"spec": "x"}) is None
