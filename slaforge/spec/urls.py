"""URLs as they may be shown: never with the credentials of a ``user:password@`` part.

Probe URLs in SLA files cannot carry userinfo (the loader refuses it), but URLs also come from
places slaforge does not control (a redirect's ``Location``), and a URL that fails to parse is still
echoed in messages. Every URL that reaches a message, a page or a log goes through :func:`shown_url`.
"""

from __future__ import annotations

import re

# scheme://userinfo@ ; the userinfo ends at the last "@" before the path, query or fragment
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*:)?//(?P<userinfo>[^/?#]*)@")


def has_userinfo(url: str) -> bool:
    return _USERINFO.match(url) is not None


def shown_url(url: str) -> str:
    """``url`` with any userinfo replaced by ``***``: safe to print."""
    match = _USERINFO.match(url)
    if match is None:
        return url
    return f"{match.group('scheme') or ''}//***@{url[match.end():]}"
