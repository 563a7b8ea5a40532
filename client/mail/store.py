"""The encrypted SQLite file under the mail cache and the outbox.

One file per account (``<cache>/mail/<hash>.sqlite3``, mode 0600), WAL journal and one
transaction per batch so a kill at any moment leaves the last committed state. Sensitive
values (subjects, addresses, bodies, folder names, queued messages) are sealed with
AES-256-GCM under a key derived (HKDF-SHA256) from the keyring key; the associated data
binds each ciphertext to its row so rows cannot be swapped. Lookups by a sensitive value
use a keyed hash (HMAC-SHA256) so the value itself is never stored in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sqlite3
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from client.mail.errors import CacheCorrupted, CacheKeyMismatch, CacheWriteFailed
from client.paths import app_paths, private_dir
from client.sqlite_faults import is_disk_failure

__all__ = ["EncryptedStore", "default_store_path"]

logger = logging.getLogger(__name__)

_NONCE = 12
_FORMAT = b"mssante-companion mail cache v1"


def default_store_path(account: str) -> Path:
    """The cache file of ``account`` under the application's cache directory."""
    digest = hashlib.sha256(account.lower().encode("utf-8")).hexdigest()[:24]
    return app_paths().cache / "mail" / f"{digest}.sqlite3"


def _derive(key: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_FORMAT, info=label).derive(key)


class EncryptedStore:
    """An SQLite connection plus the seal/open/lookup-hash primitives over it."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        private_dir(path.parent)
        new = not path.exists()
        if new:
            # Create with owner-only permissions before SQLite writes anything.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        self._aead = AESGCM(_derive(key, b"aead"))
        self._mac_key = _derive(key, b"lookup")
        # isolation_level=None: explicit BEGIN/COMMIT through transaction().
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA secure_delete=ON")
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)"
            )
            self._check_key()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if is_disk_failure(exc):
                raise CacheWriteFailed(path, str(exc)) from exc
            raise CacheCorrupted(f"{path.name}: {exc}") from exc
        except CacheCorrupted:
            self.conn.close()
            raise

    def twin(self) -> EncryptedStore:
        """A second connection to the same file with the same keys, for another thread
        (readers do not wait for a writer's transaction under WAL)."""
        twin = object.__new__(EncryptedStore)
        twin.path = self.path
        twin._aead = self._aead
        twin._mac_key = self._mac_key
        twin.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            twin.conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            twin.conn.close()
            raise CacheCorrupted(f"{self.path.name}: {exc}") from exc
        return twin

    def _check_key(self) -> None:
        row = self.conn.execute("SELECT value FROM meta WHERE name='check'").fetchone()
        if row is None:
            self.conn.execute(
                "INSERT INTO meta(name, value) VALUES ('check', ?)",
                (self.seal(b"meta:check", _FORMAT),),
            )
            return
        # The check value fails to decrypt under any other key: the keyring's key is not
        # the one this file was made with (the original entry was lost or replaced).
        try:
            matches = self.unseal(b"meta:check", bytes(row[0])) == _FORMAT
        except CacheCorrupted as exc:
            raise CacheKeyMismatch(self.path) from exc
        if not matches:
            raise CacheKeyMismatch(self.path)

    def seal(self, aad: bytes, plaintext: bytes) -> bytes:
        """Encrypt ``plaintext`` bound to ``aad`` (nonce || ciphertext || tag)."""
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def unseal(self, aad: bytes, blob: bytes) -> bytes:
        """Decrypt a sealed value; a wrong key or a tampered row raises CacheCorrupted."""
        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], aad)
        except (InvalidTag, ValueError) as exc:
            raise CacheCorrupted("a cache entry cannot be decrypted") from exc

    def lookup_hash(self, value: str) -> str:
        """A keyed hash of ``value`` to index rows without storing ``value`` in clear."""
        return hmac.new(self._mac_key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def write_failed(self, exc: sqlite3.Error) -> CacheWriteFailed | None:
        """The :class:`CacheWriteFailed` to raise for ``exc`` (a full disk), else None."""
        return CacheWriteFailed(self.path, str(exc)) if is_disk_failure(exc) else None

    def begin(self) -> None:
        """Start a write transaction (``BEGIN IMMEDIATE``: one writer at a time)."""
        self._write("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """Commit the current transaction; a full disk rolls it back (CacheWriteFailed)."""
        try:
            self._write("COMMIT")
        except CacheWriteFailed:
            self.rollback()
            raise

    def _write(self, statement: str) -> None:
        try:
            self.conn.execute(statement)
        except sqlite3.OperationalError as exc:
            failure = self.write_failed(exc)
            if failure is None:
                raise
            raise failure from exc

    def rollback(self) -> None:
        """Roll back the current transaction, if any."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
