"""Time zone names an SLA may use: the IANA tz database's zone names, as the tzdata package lists them.

zoneinfo also opens whatever file the host has under /usr/share/zoneinfo: ``localtime`` and
``posixrules`` (copies of the host's own zone), ``posix/...`` and ``right/...`` (leap-second variants)
and ``Factory`` (a placeholder with no offset rules). Their meaning depends on the host, so an SLA
names a zone from the database's list instead; UTC and Etc/UTC stay valid.
"""

from __future__ import annotations

import difflib
import functools
from importlib import resources

NOT_A_PLACE = frozenset({"Factory"})  # in tzdata's list, but "Local time zone must be set" is not a zone


@functools.cache
def zone_names() -> frozenset[str]:
    listed = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(listed) - NOT_A_PLACE


def zone_problem(name: str) -> str | None:
    """Why ``name`` is not an IANA zone name an SLA can use, or None."""
    if name in zone_names():
        return None
    close = sorted(z for z in zone_names() if z.lower() == name.strip().lower())
    close = close or difflib.get_close_matches(name, sorted(zone_names()), n=1, cutoff=0.85)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{name!r} is not an IANA timezone name (like UTC or Europe/Berlin){hint}"
