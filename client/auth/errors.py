"""Errors of strong authentication (a branch of :class:`client.errors.ClientError`).

    ClientError
     └── AuthError
          ├── OperatorUnreachable(host, port, reason)
          ├── AuthenticationRefused(method, server_message)
          │    └── TokenRejected(status, scope)           SMTP 334 JSON, RFC 7628 section 3.2.2
          ├── SessionEnded(reason)                        refresh refused: sign in again
          ├── OidcError
          │    ├── ProviderUnreachable(url, reason)
          │    ├── ProviderError(error, description)      an OAuth error response (RFC 6749 5.2)
          │    │    └── UnknownClient(client_id)
          │    ├── IssuerMismatch(expected, found)
          │    ├── InteractiveLoginRequired(url)
          │    └── IdTokenInvalid(reason)
          └── CertificateFileError(path, reason)
               └── CertificatePasswordRequired(path)

Card errors (``cps.errors``: PIN incorrect with attempts left, card removed) and trust
errors (``client.trust``) pass through unchanged: the CLI and the dialogs word them.
"""

from __future__ import annotations

from pathlib import Path

from client.errors import ClientError

__all__ = [
    "AuthError",
    "AuthenticationRefused",
    "CertificateFileError",
    "CertificatePasswordRequired",
    "IdTokenInvalid",
    "InteractiveLoginRequired",
    "IssuerMismatch",
    "OidcError",
    "OperatorUnreachable",
    "ProviderError",
    "ProviderUnreachable",
    "SessionEnded",
    "TokenRejected",
    "UnknownClient",
]


class AuthError(ClientError):
    """Root of the authentication failures."""


class OperatorUnreachable(AuthError):
    """The operator's server does not answer (DNS, refused, timeout).

    Attributes:
        host, port: the endpoint.
        reason: the system's explanation.
    """

    def __init__(self, host: str, port: int, reason: str) -> None:
        self.host = host
        self.port = port
        self.reason = reason
        super().__init__(f"{host}:{port} unreachable: {reason}")


class AuthenticationRefused(AuthError):
    """The server refused the SASL authentication.

    Attributes:
        method: ``EXTERNAL``, ``XOAUTH2``, ``OAUTHBEARER``.
        server_message: what the server answered (no secret in it).
    """

    def __init__(self, method: str, server_message: str) -> None:
        self.method = method
        self.server_message = server_message
        super().__init__(f"{method} refused: {server_message}")


class TokenRejected(AuthenticationRefused):
    """The server refused the access token (RFC 7628 section 3.2.2 error document).

    Attributes:
        status: the HTTP-like status in the document (``"401"``).
        scope: the scope the server expects (``"mail"``), if given.
    """

    def __init__(self, method: str, status: str, scope: str = "", server_message: str = "") -> None:
        self.status = status
        self.scope = scope
        super().__init__(method, server_message or f"token refused (status {status})")


class SessionEnded(AuthError):
    """The sign-in session is over (refresh token refused or expired): sign in again.

    Attributes:
        reason: the provider's explanation.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"session ended: {reason}")


class OidcError(AuthError):
    """Root of Pro Santé Connect / OpenID Connect failures."""


class ProviderUnreachable(OidcError):
    """The identity provider does not answer.

    Attributes:
        url: what was asked.
        reason: the system's explanation.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class ProviderError(OidcError):
    """The provider answered with an OAuth error (RFC 6749 sections 4.1.2.1 and 5.2).

    Attributes:
        error: the error code (``invalid_grant``...).
        description: its ``error_description``.
    """

    def __init__(self, error: str, description: str = "") -> None:
        self.error = error
        self.description = description
        super().__init__(f"{error}: {description}" if description else error)


class UnknownClient(ProviderError):
    """The provider does not know the profile's ``client_id``.

    Attributes:
        client_id: the identifier sent.
    """

    def __init__(self, client_id: str, description: str = "") -> None:
        self.client_id = client_id
        super().__init__("invalid_client", description or f"unknown client_id {client_id!r}")


class IssuerMismatch(OidcError):
    """The discovery document names another issuer than the profile's (OIDC Discovery 4.3).

    Attributes:
        expected: the profile's issuer.
        found: the document's issuer.
    """

    def __init__(self, expected: str, found: str) -> None:
        self.expected = expected
        self.found = found
        super().__init__(f"issuer mismatch: profile says {expected}, provider says {found}")


class InteractiveLoginRequired(OidcError):
    """The provider answered with a page to show rather than a redirect.

    Attributes:
        url: the authorization URL to open in a browser.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__("the provider asks for an interactive sign-in")


class IdTokenInvalid(OidcError):
    """The ID token does not check (signature, issuer, audience, nonce, expiry).

    Attributes:
        reason: which check failed.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"ID token invalid: {reason}")


class CertificateFileError(AuthError):
    """The PKCS#12 certificate file cannot be used.

    Attributes:
        path: the file.
        reason: what is wrong.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class CertificatePasswordRequired(CertificateFileError):
    """The PKCS#12 file needs a password and none is available (no keyring, no prompt)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "a password is required")
