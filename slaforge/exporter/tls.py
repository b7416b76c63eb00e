"""TLS client contexts (built once per setting) and the peer certificate's expiry."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from functools import lru_cache

from cryptography import x509

from slaforge.spec.checks import Finding
from slaforge.spec.model import SLA


@lru_cache(maxsize=64)
def client_context(ca_file: str | None, insecure: bool) -> ssl.SSLContext:
    """A verifying context (system CAs, or ``ca_file``), or a non-verifying one when ``insecure``."""
    ctx = ssl.create_default_context(cafile=ca_file)
    if insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def ca_file_problem(path: str) -> str | None:
    """Why ``path`` cannot serve as a probe's CA bundle here, or None (relative paths: from the working folder)."""
    try:
        ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:  # an OSError too: first
        return f"not a PEM certificate bundle: {getattr(exc, 'reason', None) or exc}"
    except OSError as exc:
        return f"cannot read the CA file: {exc.strerror or exc}"
    return None


def ca_files_are_usable(sla: SLA) -> Iterator[Finding]:
    """A load check of the exporter: every ``tls.ca_file`` is a readable PEM bundle on this host."""
    for index, probe in enumerate(sla.spec.probes):
        if probe.tls.ca_file and not probe.tls.insecure_skip_verify:
            problem = ca_file_problem(probe.tls.ca_file)
            if problem is not None:
                yield ("spec", "probes", index, "tls", "ca_file"), problem


@lru_cache(maxsize=1024)
def _expiry_of_der(der: bytes) -> float:
    cert = x509.load_der_x509_certificate(der)
    return cert.not_valid_after_utc.timestamp()


def leaf_expiry(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> float | None:
    """Unix time the peer's leaf certificate expires (works with verification off too)."""
    if ssl_object is None:
        return None
    der = ssl_object.getpeercert(binary_form=True)
    if not der:
        return None
    try:
        return _expiry_of_der(der)
    except ValueError:
        return None


def describe_ssl_error(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verification failed: {exc.verify_message or exc.reason}"
    reason = getattr(exc, "reason", None)
    return f"TLS handshake failed: {reason or exc}"
