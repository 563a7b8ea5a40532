"""The audit trail's sealing key: 32 random bytes in the OS keyring, never beside the log.

Why HMAC-SHA256 with a keyring key rather than Ed25519-signed entries: both make a rewrite
without the key detectable, but a signature only helps a third party if its public key
is anchored somewhere the attacker cannot write, and the private key would have to live
in the same keyring anyway. HMAC is one keyring entry, costs microseconds per entry (the
bridge may record many failed logins) and needs no public-key distribution; the price
is that ``audit verify`` needs the keyring (it runs as the same user, who has it).

Secret name ``audit-key`` under the service ``mssante-companion`` (:mod:`client.secrets`).
The key is read once per process and kept in memory; only a fingerprint (``key_id``,
SHA-256 of a label and the key, 16 hex digits) is ever written to the trail.

A profile whose ``[secrets]`` source is not the keyring (a key file, a systemd credential:
a server without a desktop keyring) seals with a key derived from its cache key with
HKDF-SHA256 (:func:`derive_from_cache_key`): nothing new to provision, the key never sits
beside the log, and it differs from the cache key. :func:`use_profile_secrets` makes it
the key of every append and verification of the process; keyring profiles keep the
keyring's key.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from client.errors import ClientError

__all__ = [
    "HKDF_INFO",
    "KEY_NAME",
    "AuditKeyUnavailable",
    "configured_origin",
    "current_key",
    "derive_from_cache_key",
    "forget_cached_key",
    "key_id",
    "keyring_key",
    "use_profile_secrets",
]

if TYPE_CHECKING:
    from client.profiles.model import SecretsSettings

logger = logging.getLogger(__name__)

KEY_NAME = "audit-key"
_KEY_BYTES = 32
# (keyring backend, key): a backend switched at run time (tests) is asked again.
_cache: list[tuple[object, bytes]] = []
_lock = threading.Lock()
#: The label that makes the derived key differ from the cache key it comes from.
HKDF_INFO = b"mssante-companion audit key v1"
# The profile's source when it is not the keyring: (origin, reader of the derived key).
_configured: list[tuple[str, Callable[[], bytes]]] = []


class AuditKeyUnavailable(ClientError):
    """The audit trail's key cannot be read from the keyring (locked, absent, damaged).

    Attributes:
        reason: what the keyring said.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"the audit trail's key is not available: {reason}")
        self.reason = reason


def key_id(key: bytes) -> str:
    """A public fingerprint of ``key`` (tells keys apart, reveals nothing of them)."""
    return hashlib.sha256(b"mssante-companion audit key\n" + key).hexdigest()[:16]


def keyring_key(*, create: bool = True) -> bytes:
    """The sealing key from the keyring, created there the first time when ``create``.

    Raises:
        AuditKeyUnavailable: no usable keyring, a locked one, a damaged entry, or no key
            yet and ``create`` is False.
    """
    import keyring

    from client import secrets

    with _lock:
        backend = keyring.get_keyring()
        if _cache and _cache[0][0] is backend:
            return _cache[0][1]
        try:
            stored = secrets.load(KEY_NAME)
            if stored:
                try:
                    key = secrets.decode_key(stored, _KEY_BYTES)
                except ValueError as exc:
                    raise AuditKeyUnavailable(f"the stored key {exc}") from exc
            elif not create:
                raise AuditKeyUnavailable("no audit key in the keyring")
            else:
                secrets.store(KEY_NAME, base64.b64encode(os.urandom(_KEY_BYTES)).decode())
                # Read back: if another process stored one at the same moment, both use
                # the value that stayed.
                key = base64.b64decode(secrets.load(KEY_NAME) or "", validate=True)
                logger.info("created the audit trail's key in the OS keyring")
        except secrets.SecretStoreError as exc:
            raise AuditKeyUnavailable(exc.reason) from exc
        _cache[:] = [(backend, key)]
        return key


def forget_cached_key() -> None:
    """Drop the in-memory copy (tests switching keyrings; a keyring reset)."""
    with _lock:
        _cache.clear()


def derive_from_cache_key(cache_key: bytes) -> bytes:
    """The audit key of a profile whose secrets are not in the keyring (HKDF-SHA256)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=None,
                info=HKDF_INFO).derive(cache_key)


def use_profile_secrets(settings: SecretsSettings | None) -> None:
    """Seal this process's entries with the key of ``settings``' source.

    A keyring source (or None) goes back to the keyring's key. Another source is read
    only when the first entry is written or checked, then kept in memory.
    """
    with _lock:
        _configured.clear()
        if settings is None or settings.source == "keyring":
            return
        derived: list[bytes] = []

        def read() -> bytes:
            from client import secrets

            if not derived:
                try:
                    cache_key = secrets.read_cache_key(settings)
                except secrets.SecretSourceError as exc:
                    raise AuditKeyUnavailable(exc.reason) from exc
                if cache_key is None:  # pragma: no cover - the source is not the keyring
                    raise AuditKeyUnavailable("the profile gives no cache key")
                derived.append(derive_from_cache_key(cache_key))
            return derived[0]

        _configured.append((settings.source, read))


def configured_origin() -> str:
    """Where this process's audit key comes from: ``keyring``, ``file`` or
    ``systemd-credential``."""
    with _lock:
        return _configured[0][0] if _configured else "keyring"


def current_key(*, create: bool = True) -> bytes:
    """The key this process seals with: the profile's source's, else the keyring's.

    Raises:
        AuditKeyUnavailable: the source cannot give it.
    """
    with _lock:
        reader = _configured[0][1] if _configured else None
    if reader is not None:
        return reader()
    return keyring_key(create=create)
