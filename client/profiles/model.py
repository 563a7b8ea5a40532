"""The operator profile (a contract: administrators write these files), once validated.

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
    "SECRET_SOURCES",
    "SECURITY_MODES",
    "SecretSource",
    "SecretsSettings",
    "Security",
]

Security = Literal["starttls", "tls"]
AuthMethod = Literal["card-tls", "psc", "certificate"]

SecretSource = Literal["keyring", "file", "systemd-credential"]

SECURITY_MODES: tuple[Security, ...] = ("starttls", "tls")
SECRET_SOURCES: tuple[SecretSource, ...] = ("keyring", "file", "systemd-credential")
AUTH_METHODS: tuple[AuthMethod, ...] = ("card-tls", "psc", "certificate")

# Pro Santé Connect defaults: every scope the wallet offers, at its
# ``eidas1`` assurance level.
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
    #: the publisher's or operator's PSC gateway, which holds the confidential client's
    #: credentials; empty = the app talks to the provider directly (a public client,
    #: which production Pro Santé Connect does not accept).
    gateway: str = ""
    #: extra trust anchors for the gateway's TLS certificate.
    gateway_ca: Path | None = None
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
class SecretsSettings:
    """The ``[secrets]`` table: where the cache key and the PKCS#12 password come from.

    ``keyring`` (the default) is the desktop's keyring; ``file`` reads ``password_file``
    and ``cache_key_file`` (owned by the user running the program, mode 600 or 400);
    ``systemd-credential`` reads ``password_credential`` and ``cache_key_credential`` from
    ``$CREDENTIALS_DIRECTORY``. The cache key is 32 random bytes in base64.
    """

    source: SecretSource = "keyring"
    password_file: Path | None = None
    cache_key_file: Path | None = None
    password_credential: str = "mssante-p12-password"  # noqa: S105 - a name, not a secret
    cache_key_credential: str = "mssante-cache-key"


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
    secrets: SecretsSettings = field(default_factory=SecretsSettings)
    #: ``[trust] domains``: more domains of the same operator (or group) whose colleagues
    #: are always inside the trust space, list or no list.
    trusted_domains: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        """The mailbox's domain (the part after ``@``)."""
        return self.address.rpartition("@")[2]

    @property
    def own_domains(self) -> tuple[str, ...]:
        """The mailbox's domain and the profile's ``[trust] domains``, lower-case."""
        return (self.domain.lower(), *(d.lower() for d in self.trusted_domains))
