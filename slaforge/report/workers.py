"""SLAs are collected a few at a time: while Prometheus evaluates one SLA's queries, the client reads
and adds up another's. The results keep the SLAs' order; the first error (in that order) is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

WORKERS = 4  # queries in flight at once: enough to keep 2 cores busy, few enough not to crowd Prometheus

In = TypeVar("In")
Out = TypeVar("Out")


def each(function: Callable[[In], Out], items: Iterable[In], workers: int = WORKERS) -> list[Out]:
    """``[function(item) for item in items]``, ``workers`` at a time."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slaforge-report") as pool:
        return list(pool.map(function, items))
