"""What of a probe is secret, and taking it out of any text the exporter shows.

Header values are checked at load (they never reach a message through the spec's own errors) and URLs
cannot carry userinfo, but a probe's failure message can come from anywhere (an exception of a library,
a server's answer): every message goes through :func:`redact` before it is kept, so the status page,
the logs and ``/metrics`` can only show what is left.
"""

from __future__ import annotations

from slaforge.exporter.redirects import SAFE_ACROSS_ORIGINS
from slaforge.spec.model import Probe
from slaforge.spec.urls import shown_url

REDACTED = "[redacted]"
MIN_WORD = 6  # a word of a credential header value this long is redacted on its own too ("Bearer <token>")


def secrets_of(probe: Probe) -> tuple[str, ...]:
    """The values of the probe's headers that may carry credentials, longest first, and their long words."""
    found: set[str] = set()
    for name, value in probe.headers.items():
        if name.lower() in SAFE_ACROSS_ORIGINS or not value:
            continue
        found.add(value)
        found.update(word for word in value.split() if len(word) >= MIN_WORD)
    return tuple(sorted(found, key=lambda s: (-len(s), s)))


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` without any of ``secrets`` and without URL userinfo."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return shown_url_in(text)


def shown_url_in(text: str) -> str:
    """Every ``scheme://user:pass@`` inside ``text`` replaced by ``scheme://***@``."""
    if "@" not in text or "//" not in text:
        return text
    return " ".join(_redact_word(word) for word in text.split(" "))


def _redact_word(word: str) -> str:
    start = word.find("//")
    if start < 0 or "@" not in word:
        return word
    # the URL begins at its scheme (letters before "//") or right at "//", after any quote or bracket
    begin = start
    while begin > 0 and (word[begin - 1].isalnum() or word[begin - 1] in "+-.:"):
        begin -= 1
    return word[:begin] + shown_url(word[begin:])
