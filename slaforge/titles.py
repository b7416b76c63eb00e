"""How an SLA is titled for people: its name, and its service only when that says more.

An SLA named after its service (``static-site`` for the service ``static-site``) would otherwise read
``static-site: static-site``. The report, the dashboards, the exporter's status page and `explain`
all title SLAs through here.
"""

from __future__ import annotations


def distinct_service(name: str, service: str) -> str | None:
    """The service, or None when it is the SLA's name again (case and surrounding spaces aside)."""
    return None if service.strip().casefold() == name.strip().casefold() else service


def sla_heading(name: str, service: str) -> str:
    """``checkout: checkout-api``, or just ``static-site`` when the SLA and its service share a name."""
    other = distinct_service(name, service)
    return name if other is None else f"{name}: {other}"
