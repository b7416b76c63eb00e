"""The outcome of one probe."""

from __future__ import annotations

from dataclasses import dataclass

from slaforge.conventions import FAILURE_REASONS

TIMEOUT, CONNECT, TLS, STATUS, BODY, OTHER = FAILURE_REASONS


@dataclass(slots=True)
class ProbeResult:
    success: bool
    duration: float  # seconds, from the start of the probe to its end
    reason: str | None = None  # one of FAILURE_REASONS when not success
    message: str = ""
    status_code: int = 0  # last HTTP status; 0 when none
    cert_expiry: float | None = None  # unix time the peer's leaf certificate expires
    body_truncated: bool = False

    @classmethod
    def failed(cls, reason: str, duration: float, message: str, **extra: object) -> ProbeResult:
        assert reason in FAILURE_REASONS, reason
        return cls(False, duration, reason, message, **extra)  # type: ignore[arg-type]
