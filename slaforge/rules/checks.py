"""Problems in an SLA that only the rules generator can see (wired into `slaforge validate`)."""

from __future__ import annotations

import math

from slaforge.spec.model import SLA


def check(sla: SLA) -> list[tuple[str, str]]:
    """(field path, message) for each problem; an empty list when the rules will work."""
    problems: list[tuple[str, str]] = []
    for i, objective in enumerate(sla.spec.objectives):
        latency = objective.sli.latency
        if latency is None or latency.buckets is None:
            continue
        path = f"spec.objectives[{i}].sli.latency"
        if not any(math.isclose(latency.threshold, b, rel_tol=1e-9) for b in latency.buckets):
            listed = ", ".join(format(b, "g") for b in latency.buckets)
            problems.append(
                (
                    f"{path}.threshold",
                    f"the threshold {latency.threshold:g} is not one of the histogram's buckets "
                    f"({listed}); a latency SLI can only count requests at a bucket boundary",
                )
            )
    return problems
