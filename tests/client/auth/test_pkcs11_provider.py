"""The OpenSSL pkcs11-provider backend is chosen only when this machine can run it.

Debian bookworm ships pkcs11-provider only in backports, and it is not installable on
the development machine: these tests check the capability probe and the key-reference
encoding; the handshake itself is not exercised here (see the issue report)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from client.tls import TlsBackendUnavailable, pkcs11_provider
from client.trust import CrlStore, TrustStore


def test_probe_names_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENSSL_MODULES", str(tmp_path))
    found = pkcs11_provider.probe()
    assert not found.available
    assert "pkcs11-provider" in found.reason
    (tmp_path / "pkcs11.so").write_bytes(b"\x7fELF")
    monkeypatch.delenv("OPENSSL_CONF", raising=False)
    found = pkcs11_provider.probe()
    assert not found.available and found.module == tmp_path / "pkcs11.so"
    assert "OPENSSL_CONF" in found.reason


def test_context_refuses_when_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OPENSSL_MODULES", str(tmp_path))
    with pytest.raises(TlsBackendUnavailable) as info:
        pkcs11_provider.Pkcs11ProviderContext(
            "pkcs11:token=CPS;object=auth;type=private", b"",
            TrustStore(use_system=False, crls=CrlStore(tmp_path / "crl")))
    assert info.value.backend == "pkcs11-provider"


def test_uri_pem_body_is_der() -> None:
    uri = "pkcs11:token=CPS;id=%20;type=private"
    der = base64.b64decode(pkcs11_provider._der_uri_base64(uri))
    assert der[0] == 0x30  # SEQUENCE
    assert b"PKCS#11 Provider URI v1.0" in der
    assert der.endswith(uri.encode())
