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
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading

from client.errors import ClientError

__all__ = ["KEY_NAME", "AuditKeyUnavailable", "forget_cached_key", "key_id", "keyring_key"]

logger = logging.getLogger(__name__)

KEY_NAME = "audit-key"
_KEY_BYTES = 32
# (keyring backend, key): a backend switched at run time (tests) is asked again.
_cache: list[tuple[object, bytes]] = []
_lock = threading.Lock()


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
