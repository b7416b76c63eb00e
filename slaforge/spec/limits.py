"""How large each part of an SLA may be: every output grows with these, so each is bounded.

One table, used by the model (as pydantic constraints, which also reach the JSON Schema) and
documented in docs/sla-file.md ("Limits"). A file over a limit gets a located error like any other.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# characters
TEXT = 256  # service, provider, customer, receiver, label values, tls.server_name
DESCRIPTION = 1024  # spec, objective and maintenance descriptions; annotation values
NAME = 128  # label and annotation names, header names
SELECTOR = 1024  # a PromQL selector, regexes included
URL = 2048  # a probe's url
HEADER_VALUE = 8192  # one header value (a long bearer token fits)
BODY = 65536  # a probe's request body
BODY_REGEX = 1024  # expect.body_regex
PATH = 4096  # tls.ca_file

# items
LABELS = 16  # metadata.labels, alerting.labels, alerting.annotations: each
HEADERS = 32  # a probe's headers
PROBES = 100  # per SLA
OBJECTIVES = 100  # per SLA
MAINTENANCE = 100  # windows per SLA
CREDITS = 20  # tiers per objective
ESCALATION = 20  # steps per SLA
STATUSES = 50  # expect.status entries
BUCKETS = 100  # latency.buckets
GROUP_BY = 8  # an objective's group_by labels
MAX_GROUPS_DEFAULT = 1000  # an objective's max_groups when not given
MAX_GROUPS = 1_000_000  # the largest max_groups

Text = Annotated[str, Field(max_length=TEXT)]
Description = Annotated[str, Field(max_length=DESCRIPTION)]
Name = Annotated[str, Field(max_length=NAME)]
Labels = dict[Name, Text]
Annotations = dict[Name, Description]


def too_long(value: str, limit: int) -> str | None:
    """The message for a string over ``limit`` characters, or None."""
    return f"too long: at most {limit} characters, got {len(value)}" if len(value) > limit else None
