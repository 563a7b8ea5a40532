"""The cache key: 32 random bytes kept in the OS keyring, never on disk beside the cache.

Service ``mssante-companion`` (:mod:`client.secrets`), name ``mail-cache:<address>``.
Without the keyring entry the cache file is unreadable (AES-256-GCM,
:mod:`client.mail.store`), outbox included: losing the entry makes the file unreadable
(queued messages too, which no sync rebuilds) until the key is restored from a backup.
"""

from __future__ import annotations

import base64
import logging
import os
from typing import TYPE_CHECKING, Protocol

from client.mail.errors import CacheKeyUnavailable

if TYPE_CHECKING:
    from client.profiles.model import SecretsSettings

__all__ = [
    "KEYRING_SERVICE",
    "ConfiguredKeyStore",
    "KeyStore",
    "KeyringKeyStore",
    "MemoryKeyStore",
    "keystore_for",
]

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "mssante-companion"
_KEY_BYTES = 32


class KeyStore(Protocol):
    """Where the cache key of an account lives."""

    def load_or_create(self, account: str) -> bytes:
        """Return the account's cache key, creating and storing one the first time."""
        ...


class KeyringKeyStore:
    """The OS keyring (Secret Service, Keychain, Windows Credential Manager), through
    :mod:`client.secrets` like every other secret of the application."""

    def load_or_create(self, account: str) -> bytes:
        """Read the key, or create it; keyring failures become :class:`CacheKeyUnavailable`."""
        from client import secrets

        name = f"mail-cache:{account.lower()}"
        try:
            stored = secrets.load(name)
            if stored:
                try:
                    return secrets.decode_key(stored, _KEY_BYTES)
                except ValueError as exc:
                    raise CacheKeyUnavailable(f"the stored cache key {exc}") from exc
            key = os.urandom(_KEY_BYTES)
            secrets.store(name, base64.b64encode(key).decode("ascii"))
            logger.info("created a new mail cache key in the OS keyring")
            return key
        except secrets.SecretStoreError as exc:
            raise CacheKeyUnavailable(exc.reason) from exc


class MemoryKeyStore:
    """Keys in memory only (one process); for tools that must not touch the keyring."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    def load_or_create(self, account: str) -> bytes:
        """Return this process's key for ``account``."""
        return self._keys.setdefault(account.lower(), os.urandom(_KEY_BYTES))


class ConfiguredKeyStore:
    """The key named by the profile's ``[secrets]`` table: a file or a systemd credential.

    The key is never created here: a server's administrator makes it once (``head -c 32
    /dev/urandom | base64``) and backs it up, since the outbox cannot be read without it.
    """

    def __init__(self, settings: SecretsSettings) -> None:
        self.settings = settings

    def load_or_create(self, account: str) -> bytes:
        """The configured key (the same for every account of this profile).

        Raises:
            client.secrets.SecretSourceError: the file or credential cannot be used.
        """
        from client import secrets

        key = secrets.read_cache_key(self.settings)
        if key is None:  # source = "keyring": the caller should have used KeyringKeyStore
            return KeyringKeyStore().load_or_create(account)
        return key


def keystore_for(settings: SecretsSettings) -> KeyStore:
    """The key store the profile's ``[secrets]`` table names (the OS keyring by default)."""
    if settings.source == "keyring":
        return KeyringKeyStore()
    return ConfiguredKeyStore(settings)
