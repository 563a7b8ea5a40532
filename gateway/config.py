"""The gateway's configuration, read from the environment and from files only.

Credentials never come from the command line (it is visible to every local user in the
process list): the client secret or the ``private_key_jwt`` key is read from a file that
an orchestrator mounts (a Kubernetes Secret, a Docker secret).

Environment:

``PSC_GATEWAY_ISSUER``                PSC's issuer URL (required)
``PSC_GATEWAY_DISCOVERY_URL``         discovery document (default: PSC's
                                      ``{issuer}/.well-known/wallet-openid-configuration``)
``PSC_GATEWAY_CLIENT_ID``             the confidential client registered at PSC (required)
``PSC_GATEWAY_CLIENT_SECRET_FILE``    file holding the client secret (HTTP Basic)
``PSC_GATEWAY_PRIVATE_KEY_FILE``      PEM key for ``private_key_jwt`` (instead of a secret)
``PSC_GATEWAY_CA_FILE``               anchors for PSC's TLS (default: the system's)
``PSC_GATEWAY_SEAL_KEY_FILE``         key that seals ``auth_req_id`` (default: derived from
                                      the credential, so every instance agrees)
``PSC_GATEWAY_RATE`` / ``_BURST``     per-client-address rate limit (requests/s, burst)
``PSC_GATEWAY_MAX_BODY``              largest accepted request body in bytes
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ConfigError", "GatewayConfig"]


class ConfigError(Exception):
    """The gateway cannot start: a setting is missing or unusable (the message says which)."""


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _read(path: str, name: str) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{name}: cannot read {path} ({exc.strerror})") from exc
    if not data.strip():
        raise ConfigError(f"{name}: {path} is empty")
    return data


@dataclass(frozen=True)
class GatewayConfig:
    """Validated settings of one gateway instance (credentials hidden from ``repr``)."""

    issuer: str
    client_id: str
    discovery_url: str = ""
    client_secret: str = field(default="", repr=False)
    private_key_pem: bytes = field(default=b"", repr=False)
    ca_file: str = ""
    seal_key: bytes = field(default=b"", repr=False)
    rate: float = 20.0
    burst: float = 40.0
    max_body: int = 16 * 1024
    upstream_timeout: float = 15.0

    def __post_init__(self) -> None:
        if not self.issuer.startswith("https://"):
            raise ConfigError("PSC_GATEWAY_ISSUER must be an https:// URL")
        if not self.client_id:
            raise ConfigError("PSC_GATEWAY_CLIENT_ID is required")
        if not self.client_secret and not self.private_key_pem:
            raise ConfigError("PSC_GATEWAY_CLIENT_SECRET_FILE or PSC_GATEWAY_PRIVATE_KEY_FILE "
                              "is required")
        if not self.seal_key:
            # Every instance holding the same credential derives the same key, so an
            # auth_req_id sealed by one is opened by another (no shared store needed).
            credential = self.client_secret.encode() or self.private_key_pem
            object.__setattr__(self, "seal_key", hmac.new(
                credential, b"psc-gateway auth_req_id seal v1", hashlib.sha256).digest())

    @property
    def effective_discovery_url(self) -> str:
        """Where PSC's metadata is read (PSC publishes a non-standard name)."""
        return self.discovery_url or (
            self.issuer.rstrip("/") + "/.well-known/wallet-openid-configuration")

    @property
    def auth_method(self) -> str:
        """``client_secret_basic`` or ``private_key_jwt``."""
        return "private_key_jwt" if self.private_key_pem else "client_secret_basic"

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> GatewayConfig:
        """Read the settings (see the module docstring).

        Raises:
            ConfigError: naming the variable or file at fault.
        """
        env = os.environ if env is None else env
        secret_file = env.get("PSC_GATEWAY_CLIENT_SECRET_FILE", "")
        key_file = env.get("PSC_GATEWAY_PRIVATE_KEY_FILE", "")
        seal_file = env.get("PSC_GATEWAY_SEAL_KEY_FILE", "")
        ca_file = env.get("PSC_GATEWAY_CA_FILE", "")
        if ca_file and not Path(ca_file).is_file():
            raise ConfigError(f"PSC_GATEWAY_CA_FILE: {ca_file} is not a file")
        secret = (_read(secret_file, "PSC_GATEWAY_CLIENT_SECRET_FILE").decode().strip()
                  if secret_file else "")
        return cls(
            issuer=env.get("PSC_GATEWAY_ISSUER", "").rstrip("/"),
            client_id=env.get("PSC_GATEWAY_CLIENT_ID", ""),
            discovery_url=env.get("PSC_GATEWAY_DISCOVERY_URL", ""),
            client_secret=secret,
            private_key_pem=_read(key_file, "PSC_GATEWAY_PRIVATE_KEY_FILE") if key_file else b"",
            ca_file=ca_file,
            seal_key=_read(seal_file, "PSC_GATEWAY_SEAL_KEY_FILE").strip() if seal_file else b"",
            rate=_number(env, "PSC_GATEWAY_RATE", 20.0),
            burst=_number(env, "PSC_GATEWAY_BURST", 40.0),
            max_body=int(_number(env, "PSC_GATEWAY_MAX_BODY", 16 * 1024)),
        )
