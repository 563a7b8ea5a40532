"""Fast AEAD ciphers for tlslite-ng's record layer, backed by ``cryptography`` (OpenSSL).

tlslite-ng encrypts records with pure-Python AES-GCM and ChaCha20-Poly1305 unless M2Crypto
or pycrypto is importable: about 0.5 MB/s, far too slow for a mailbox (tlslite-ng 0.8).
Its record layer picks ciphers through module-level factories
(``tlslite.recordlayer.createAESGCM`` / ``createCHACHA20``, looked up at each key change),
and only asks the returned object for ``seal``/``open`` and a few attributes, so an
object with the same shape backed by ``cryptography`` is a drop-in replacement.
:func:`install` swaps the factories once per process; it is idempotent.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

__all__ = ["FastAESGCM", "FastChaCha20Poly1305", "install", "installed"]

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_installed = False


class _FastAEAD:
    """The interface of ``tlslite.utils.aesgcm.AESGCM`` over a ``cryptography`` AEAD."""

    isBlockCipher = False  # tlslite attribute names
    isAEAD = True
    nonceLength = 12
    tagLength = 16
    implementation = "cryptography"

    def __init__(self, key: bytes | bytearray, name: str, cipher: AESGCM | ChaCha20Poly1305):
        self.key = bytes(key)
        self.name = name
        self._cipher = cipher

    def seal(self, nonce: bytes | bytearray, plaintext: bytes | bytearray,
             data: bytes | bytearray) -> bytearray:
        """Encrypt and authenticate; return ciphertext followed by the 16-byte tag."""
        if len(nonce) != 12:
            raise ValueError("Bad nonce length")
        return bytearray(self._cipher.encrypt(bytes(nonce), bytes(plaintext), bytes(data)))

    def open(self, nonce: bytes | bytearray, ciphertext: bytes | bytearray,
             data: bytes | bytearray) -> bytearray | None:
        """Check and decrypt; None when the tag is wrong (tlslite then sends bad_record_mac)."""
        if len(nonce) != 12:
            raise ValueError("Bad nonce length")
        if len(ciphertext) < 16:
            return None
        try:
            return bytearray(self._cipher.decrypt(bytes(nonce), bytes(ciphertext), bytes(data)))
        except InvalidTag:
            return None


class FastAESGCM(_FastAEAD):
    """AES-128/256-GCM (RFC 5288, RFC 8446) through OpenSSL."""

    def __init__(self, key: bytes | bytearray) -> None:
        if len(key) not in (16, 32):
            raise AssertionError("AES-GCM key must be 16 or 32 bytes")
        super().__init__(key, "aes128gcm" if len(key) == 16 else "aes256gcm", AESGCM(bytes(key)))


class FastChaCha20Poly1305(_FastAEAD):
    """ChaCha20-Poly1305 (RFC 7905) through OpenSSL."""

    def __init__(self, key: bytes | bytearray) -> None:
        if len(key) != 32:
            raise AssertionError("ChaCha20 key must be 32 bytes")
        super().__init__(key, "chacha20-poly1305", ChaCha20Poly1305(bytes(key)))


def _create_aesgcm(key: bytes | bytearray, implList: Any = None) -> FastAESGCM:
    return FastAESGCM(key)


def _create_chacha20(key: bytes | bytearray, implList: Any = None) -> FastChaCha20Poly1305:
    return FastChaCha20Poly1305(key)


def install() -> None:
    """Make tlslite-ng's record layer use the fast ciphers (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        from client.tls._tlslite import recordlayer

        recordlayer.createAESGCM = _create_aesgcm
        recordlayer.createCHACHA20 = _create_chacha20
        _installed = True
        logger.debug("tlslite-ng record layer now uses cryptography's AEAD ciphers")


def installed() -> bool:
    """True once :func:`install` has run."""
    return _installed
