"""What a TLS client-authentication key must offer: the card's signer, or a software key.

The card layer (``cps``) provides a signer usable from any thread (it hops to the card
thread itself) with this shape; :class:`SoftwareSigner` gives the same shape to a key held
in memory (PKCS#12 certificate files, tests).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.asymmetric import rsa, utils

__all__ = ["DIGEST_INFO_PREFIXES", "Padding", "Signer", "SoftwareSigner"]

Padding = Literal["pkcs1v15", "pss"]

# RFC 8017 section 9.2 note 1: DER DigestInfo prefixes, to recover the digest from what
# tlslite hands to a PKCS#1 v1.5 signature.
DIGEST_INFO_PREFIXES: dict[str, bytes] = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}

_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha1": hashes.SHA1(),  # noqa: S303 - only to honour a TLS 1.2 peer's choice
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}


@runtime_checkable
class Signer(Protocol):
    """A private key that signs digests; its certificate; how many times it signed."""

    @property
    def certificate(self) -> x509.Certificate:
        """The certificate of the key (the card's authentication certificate)."""
        ...

    @property
    def supports_pss(self) -> bool:
        """True when RSA-PSS is available (CPS4; CPS3 only signs PKCS#1 v1.5)."""
        ...

    @property
    def signature_count(self) -> int:
        """Signatures made so far (a sign-in must cost exactly one)."""
        ...

    def sign_digest(
        self, digest: bytes, *, hash_name: str = "sha256", padding: Padding = "pkcs1v15"
    ) -> bytes:
        """Sign an already-computed digest; may ask for the PIN."""
        ...


class SoftwareSigner:
    """A :class:`Signer` over an RSA key in memory (certificate files, tests).

    Args:
        key: the private key.
        certificate: its certificate.
        chain: intermediates to send after the certificate.
    """

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        certificate: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        self._key = key
        self._certificate = certificate
        self.chain = list(chain)
        self._count = 0
        self._lock = threading.Lock()

    @property
    def certificate(self) -> x509.Certificate:
        """The key's certificate."""
        return self._certificate

    @property
    def supports_pss(self) -> bool:
        """Software keys sign RSA-PSS."""
        return True

    @property
    def signature_count(self) -> int:
        """Signatures made so far."""
        return self._count

    def sign_digest(
        self, digest: bytes, *, hash_name: str = "sha256", padding: Padding = "pkcs1v15"
    ) -> bytes:
        """Sign ``digest`` (computed with ``hash_name``)."""
        algorithm = _HASHES[hash_name]
        if padding == "pss":
            pad: rsa_padding.AsymmetricPadding = rsa_padding.PSS(
                mgf=rsa_padding.MGF1(algorithm), salt_length=algorithm.digest_size
            )
        else:
            pad = rsa_padding.PKCS1v15()
        signature = self._key.sign(digest, pad, utils.Prehashed(algorithm))
        with self._lock:
            self._count += 1
        return signature
