"""The trust failures (server chains, TLS versions, revocation, CRL imports).

    ClientError
     └── TrustError
          ├── ServerCertificateError(host, reason)
          │    ├── HostnameMismatch
          │    ├── SelfSignedServer
          │    ├── ServerCertificateExpired
          │    └── ServerCertificateRevoked(revoked_at, revocation_reason)
          ├── ProtocolTooOld(host, version)
          ├── CertificateRevoked(subject, serial, revoked_at, revocation_reason)
          └── CrlRejected(source, reason)
"""

from __future__ import annotations

import datetime as _dt

from client.errors import ClientError

__all__ = [
    "CertificateRevoked",
    "CrlRejected",
    "HostnameMismatch",
    "ProtocolTooOld",
    "SelfSignedServer",
    "ServerCertificateError",
    "ServerCertificateExpired",
    "ServerCertificateRevoked",
    "TrustError",
]


class TrustError(ClientError):
    """Root of the trust failures."""


class ServerCertificateError(TrustError):
    """The operator's server certificate is not acceptable.

    Attributes:
        host: the host name we connected to.
        reason: the verifier's explanation (English, technical).
    """

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        self.reason = reason
        super().__init__(f"{host}: {reason}")


class HostnameMismatch(ServerCertificateError):
    """The server's certificate is for another host."""


class SelfSignedServer(ServerCertificateError):
    """The server presents a self-signed certificate that no anchor vouches for."""


class ServerCertificateExpired(ServerCertificateError):
    """The server's certificate is expired or not yet valid."""


class ServerCertificateRevoked(ServerCertificateError):
    """A certificate of the server's chain is on its authority's CRL.

    Attributes:
        revoked_at: when it was revoked.
        revocation_reason: the CRL's reason code name (RFC 5280 section 5.3.1), or "".
    """

    def __init__(self, host: str, revoked_at: _dt.datetime, revocation_reason: str = "") -> None:
        self.revoked_at = revoked_at
        self.revocation_reason = revocation_reason
        super().__init__(host, f"certificate revoked on {revoked_at:%Y-%m-%d}")


class ProtocolTooOld(TrustError):
    """The server only speaks a TLS version below 1.2.

    Attributes:
        host: the server.
        version: what was offered, when known (``"TLSv1"``), else ``""``.
    """

    def __init__(self, host: str, version: str = "") -> None:
        self.host = host
        self.version = version
        super().__init__(f"{host} does not offer TLS 1.2 or later {version}".strip())


class CertificateRevoked(TrustError):
    """A certificate (the card's, or a certificate file's) is revoked by its authority.

    Attributes:
        subject: the certificate's subject (RFC 4514 string).
        serial: its serial number.
        revoked_at: when it was revoked.
        revocation_reason: RFC 5280 section 5.3.1 reason name (``"key_compromise"``,
            ``"superseded"``...), or "" when the authority gave none.
        source: who said so (``"crl"`` or ``"ocsp"``).
    """

    def __init__(
        self,
        subject: str,
        serial: int,
        revoked_at: _dt.datetime,
        revocation_reason: str = "",
        source: str = "crl",
    ) -> None:
        self.subject = subject
        self.serial = serial
        self.revoked_at = revoked_at
        self.revocation_reason = revocation_reason
        self.source = source
        why = f" ({revocation_reason})" if revocation_reason else ""
        super().__init__(
            f"certificate {serial:x} ({subject}) revoked on {revoked_at:%Y-%m-%d}{why}"
        )


class CrlRejected(TrustError):
    """A CRL offered for import cannot be kept.

    Attributes:
        source: the file (or URL) it came from.
        reason: ``"unreadable"`` (neither PEM nor DER), ``"untrusted"`` (no trusted
            authority signed it) or ``"older"`` (a newer CRL of that authority is kept).
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"CRL {source}: {reason}")
