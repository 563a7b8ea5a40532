"""The bridge's local password: random, one per installation, kept in the OS keyring.

The mail client signs in to the bridge with the mailbox address and this password; it
protects the loopback ports from other local users and programs. It is generated on
first use (:func:`load_or_create_password` says so, for the caller to show it once) and
stored with :mod:`client.secrets` (never on disk, never logged).
"""

from __future__ import annotations

import hmac
import logging
import secrets as _random
from dataclasses import dataclass

from client import secrets

__all__ = ["SECRET_NAME", "BridgePassword", "load_or_create_password", "reset_password"]

logger = logging.getLogger(__name__)

#: Name of the keyring entry (service ``mssante-companion``).
SECRET_NAME = "bridge-password"  # noqa: S105 - the entry name, not a secret


@dataclass(frozen=True)
class BridgePassword:
    """The local password and whether it was just created (to be shown once)."""

    value: str
    created: bool

    def matches(self, candidate: str) -> bool:
        """Constant-time comparison (RFC 4616 leaves it to the server)."""
        return hmac.compare_digest(candidate.encode("utf-8"), self.value.encode("utf-8"))

    def __repr__(self) -> str:  # never print the value by accident
        return f"BridgePassword(created={self.created})"


def _new_password() -> str:
    # 20 characters from an unambiguous alphabet: about 110 bits, easy to copy by hand.
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(_random.choice(alphabet) for _ in range(20))


def load_or_create_password() -> BridgePassword:
    """The bridge password from the keyring, created the first time.

    Raises:
        client.secrets.SecretStoreUnavailable: no usable keyring (the bridge cannot
            start without one: say so, nothing is lost).
        client.secrets.SecretStoreError: the keyring failed otherwise.
    """
    value = secrets.load(SECRET_NAME)
    if value:
        return BridgePassword(value, created=False)
    value = _new_password()
    secrets.store(SECRET_NAME, value)
    logger.info("bridge password created")
    return BridgePassword(value, created=True)


def reset_password() -> BridgePassword:
    """Replace the password with a new one (the mail client must be updated)."""
    value = _new_password()
    secrets.store(SECRET_NAME, value)
    logger.info("bridge password replaced")
    return BridgePassword(value, created=True)
