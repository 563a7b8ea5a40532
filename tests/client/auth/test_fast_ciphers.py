"""The cryptography-backed AEADs agree with tlslite-ng's own pure-Python ciphers."""

from __future__ import annotations

import os

import pytest

from client.tls import _tlslite  # noqa: F401 - loads tlslite quietly
from client.tls.fast_ciphers import FastAESGCM, FastChaCha20Poly1305, install, installed


@pytest.mark.parametrize("key_size", [16, 32])
def test_aesgcm_matches_tlslite(key_size: int) -> None:
    from tlslite.utils import python_aesgcm

    key, nonce, aad = bytearray(os.urandom(key_size)), bytearray(os.urandom(12)), b"hdr"
    plaintext = bytearray(os.urandom(1000))
    reference = python_aesgcm.new(key)
    fast = FastAESGCM(key)
    sealed = fast.seal(nonce, plaintext, aad)
    assert sealed == reference.seal(nonce, plaintext, aad)
    assert fast.open(nonce, sealed, aad) == plaintext
    assert reference.open(nonce, sealed, aad) == plaintext
    tampered = bytearray(sealed)
    tampered[0] ^= 1
    assert fast.open(nonce, tampered, aad) is None
    assert fast.name == ("aes128gcm" if key_size == 16 else "aes256gcm")


def test_chacha20_matches_tlslite() -> None:
    from tlslite.utils import python_chacha20_poly1305

    key, nonce = bytearray(os.urandom(32)), bytearray(os.urandom(12))
    plaintext = bytearray(os.urandom(300))
    reference = python_chacha20_poly1305.new(key)
    fast = FastChaCha20Poly1305(key)
    sealed = fast.seal(nonce, plaintext, b"")
    assert sealed == reference.seal(nonce, plaintext, b"")
    assert fast.open(nonce, sealed, b"") == plaintext
    assert fast.open(nonce, sealed[:10], b"") is None


def test_install_replaces_the_record_layer_factories() -> None:
    import tlslite.recordlayer as recordlayer

    install()
    assert installed()
    assert isinstance(recordlayer.createAESGCM(bytearray(16)), FastAESGCM)
    assert isinstance(recordlayer.createCHACHA20(bytearray(32)), FastChaCha20Poly1305)
