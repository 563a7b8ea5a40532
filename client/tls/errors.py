"""Errors of the TLS backends (a branch of :class:`client.errors.ClientError`).

    ClientError
     └── TlsError(host)
          ├── HandshakeFailed(host, reason)
          │    └── ResumptionRefused(host, reason)
          ├── ClientCertificateRefused(host, alert)
          └── TlsBackendUnavailable(backend, reason)

Trust failures (server certificate, protocol version, revocation) are
:class:`client.trust.TrustError`; card failures (PIN, removal) stay :class:`cps.errors.CardError`.
"""

from __future__ import annotations

from client.errors import ClientError

__all__ = [
    "ClientCertificateRefused",
    "HandshakeFailed",
    "ResumptionRefused",
    "TlsBackendUnavailable",
    "TlsError",
]


class TlsError(ClientError):
    """A TLS session with the operator could not be set up or broke.

    Attributes:
        host: the server.
    """

    def __init__(self, host: str, message: str) -> None:
        self.host = host
        super().__init__(f"{host}: {message}")


class HandshakeFailed(TlsError):
    """The TLS handshake failed for a reason other than trust or the client certificate.

    Attributes:
        reason: technical detail (alert name, library message).
    """

    def __init__(self, host: str, reason: str) -> None:
        self.reason = reason
        super().__init__(host, f"TLS handshake failed: {reason}")


class ResumptionRefused(HandshakeFailed):
    """The server broke off a handshake that offered to resume an earlier session.

    Some servers abort instead of falling back to a full handshake (OpenSSL servers that
    verify client certificates without a session id context, Dovecot 2.3 among them).
    The session is forgotten and never offered to that server again by this context:
    opening the connection once more runs a full handshake. Callers that open
    connections (:class:`client.auth.CertificateTlsAuthenticator`) do so at once, so
    the user never meets this error.
    """


class ClientCertificateRefused(TlsError):
    """The server refused our client certificate (revoked, unknown authority, expired).

    Attributes:
        alert: the TLS alert the server sent (``"certificate_revoked"``...).
    """

    def __init__(self, host: str, alert: str) -> None:
        self.alert = alert
        super().__init__(host, f"the server refused the client certificate ({alert})")


class TlsBackendUnavailable(TlsError):
    """A card TLS backend cannot run on this machine.

    Attributes:
        backend: its name.
        reason: what is missing.
    """

    def __init__(self, backend: str, reason: str) -> None:
        self.backend = backend
        self.reason = reason
        super().__init__("-", f"TLS backend {backend} unavailable: {reason}")
