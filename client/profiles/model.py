"""The operator profile (design section 4, a contract): what it holds, once validated.

A profile names the mailbox, the IMAP and SMTP submission endpoints, extra trust anchors
and the authentication method. Every value here has been checked by
:mod:`client.profiles.loader`; paths are absolute (resolved against the profile file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = [
    "AUTH_METHODS",
    "AuthMethod",
    "AuthSettings",
    "Endpoint",
    "Profile",
    "SECURITY_MODES",
    "Security",
]

Security = Literal["starttls", "tls"]
AuthMethod = Literal["card-tls", "psc", "certificate"]

SECURITY_MODES: tuple[Security, ...] = ("starttls", "tls")
AUTH_METHODS: tuple[AuthMethod, ...] = ("card-tls", "psc", "certificate")

# Pro Santé Connect defaults (design section 2).
DEFAULT_SCOPE = "openid scope_all"
DEFAULT_ACR_VALUES = "eidas1"


@dataclass(frozen=True)
class Endpoint:
    """One server of the operator: host, port and how TLS starts."""

    host: str
    port: int
    security: Security

    @property
    def implicit_tls(self) -> bool:
        """True when TLS starts at connect time (IMAPS 993, submissions 465)."""
        return self.security == "tls"


@dataclass(frozen=True)
class AuthSettings:
    """The ``[auth]`` table: which method and its parameters."""

    method: AuthMethod
    pkcs11_module: str = "auto"
    issuer: str = ""
    discovery_url: str = ""
    client_id: str = ""
    scope: str = DEFAULT_SCOPE
    acr_values: str = DEFAULT_ACR_VALUES
    certificate_file: Path | None = None
    #: The user name a mail client sends with SASL EXTERNAL (its authorisation identity):
    #: "" means the card certificate's CN, what operators name the user from.
    external_user: str = ""

    @property
    def effective_discovery_url(self) -> str:
        """The discovery document's URL: explicit, else ``{issuer}/.well-known/...``."""
        if self.discovery_url:
            return self.discovery_url
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Profile:
    """A validated operator profile."""

    address: str
    imap: Endpoint
    smtp: Endpoint
    auth: AuthSettings
    ca_file: Path | None = None
    source: Path | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def domain(self) -> str:
        """The mailbox's domain (the part after ``@``)."""
        return self.address.rpartition("@")[2]
