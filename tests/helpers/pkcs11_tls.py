"""Test helper: TLS client authentication with a key that stays on a PKCS#11 token.

Independent of the app's own client code on purpose: the sandbox proof test shows that
the virtual card can authenticate to Dovecot and to the provider before any client layer
exists. tlslite-ng does the TLS; a small RSA key class signs through PyKCS11 with
CKM_RSA_PKCS over a DigestInfo (all a CPS3 card can do), so the session is
TLS 1.2 with PKCS#1 v1.5 signatures.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import PyKCS11
from cryptography import x509
from cryptography.hazmat.primitives import serialization

# tlslite/__init__ imports its asyncore integration, deprecated since Python 3.11; the
# warning is not ours and pytest turns warnings into errors.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from tlslite import X509, HandshakeSettings, X509CertChain
    from tlslite.integration.httptlsconnection import HTTPTLSConnection
    from tlslite.integration.imap4_tls import IMAP4_TLS
    from tlslite.integration.smtp_tls import SMTP_TLS
    from tlslite.utils.python_rsakey import Python_RSAKey

__all__ = [
    "IMAP4_TLS",
    "SMTP_TLS",
    "HTTPTLSConnection",
    "Pkcs11RsaKey",
    "card_tls_credentials",
    "tls_settings",
]


class Pkcs11RsaKey(Python_RSAKey):  # type: ignore[misc]
    """A tlslite RSA key whose private operation is a PKCS#11 C_Sign on the token."""

    def __init__(self, session: PyKCS11.Session, handle: Any, n: int, e: int) -> None:
        super().__init__(n, e)
        self._session = session
        self._handle = handle
        self.signatures = 0

    def hasPrivateKey(self) -> bool:  # tlslite's interface
        return True

    def sign(self, bytes: Any, padding: str = "pkcs1", hashAlg: Any = None,
             saltLen: Any = None) -> bytearray:  # # fmt: skip
        if padding.lower() != "pkcs1":
            raise ValueError("this card key signs with PKCS#1 v1.5 only")
        data = self.addPKCS1Prefix(bytes, hashAlg) if hashAlg is not None else bytes
        signature = self._session.sign(
            self._handle, bytes_(data), PyKCS11.Mechanism(PyKCS11.CKM_RSA_PKCS)
        )
        self.signatures += 1
        return bytearray(signature)


def bytes_(data: Any) -> bytes:
    """``bytes`` of a bytearray (tlslite passes bytearrays)."""
    return bytes(data)


def tls_settings() -> HandshakeSettings:
    """TLS 1.2, PKCS#1 v1.5 with SHA-256 (tlslite-ng 0.8.2 quirks)."""
    settings = HandshakeSettings()
    settings.minVersion = (3, 3)
    settings.maxVersion = (3, 3)
    settings.rsaSchemes = ["pkcs1"]
    settings.rsaSigHashes = ["sha256"]
    if hasattr(settings, "certificate_compression_send"):
        settings.certificate_compression_send = []
    return settings


@contextmanager
def card_tls_credentials(
    softhsm_conf: str, module: str, token_label: str, pin: str, key_id: bytes,
    chain: list[x509.Certificate],
) -> Iterator[tuple[X509CertChain, Pkcs11RsaKey]]:  # fmt: skip
    """Open the token, log in, and yield ``(certificate chain, key)`` for tlslite.

    ``chain`` starts with the end-entity certificate (its public key must match the key
    with ``key_id`` on the token).
    """
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = softhsm_conf
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    slot = next(
        s for s in lib.getSlotList(tokenPresent=True)
        if lib.getTokenInfo(s).label.strip() == token_label
    )  # fmt: skip
    session = lib.openSession(slot)
    try:
        session.login(pin)
        (handle,) = session.findObjects(
            [(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY), (PyKCS11.CKA_ID, tuple(key_id))]
        )
        numbers = chain[0].public_key().public_numbers()  # type: ignore[union-attr]
        key = Pkcs11RsaKey(session, handle, numbers.n, numbers.e)
        certs = []
        for cert in chain:
            parsed = X509()
            parsed.parse(cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
            certs.append(parsed)
        yield X509CertChain(certs), key
        session.logout()
    finally:
        session.closeSession()
        del lib
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous
