"""Signing with the card's authentication key, from any thread.

:class:`CardSigner` is what the TLS layers (tlslite-ng, OpenSSL) build their key classes
on. Each call is marshalled to the card thread through the service; a card removal fails
it with :class:`~cps.errors.CardRemoved`. ``signature_count`` counts the signatures the
card actually made (the sign-in target is exactly one per TLS handshake).

Mechanisms (PKCS#11 v2.40 section 2.1): ``CKM_RSA_PKCS`` over a DER DigestInfo (RFC 8017
section 9.2) for a precomputed digest; ``CKM_SHA*_RSA_PKCS`` for data; RSA-PSS with
``CKM_RSA_PKCS_PSS`` / ``CKM_SHA*_RSA_PKCS_PSS`` (salt = hash length, MGF1 with the same
hash, as TLS 1.3 requires, RFC 8446 section 4.2.3) when the card offers it (CPS4, not
CPS3); ``CKM_ECDSA`` for EC keys, returned DER-encoded (RFC 3279) as TLS expects.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from cps.errors import MechanismNotSupported

if TYPE_CHECKING:
    from cps.service import CardService, CardSession
    from cps.token import TokenSession

__all__ = ["DIGEST_INFO_PREFIXES", "CardSigner"]

logger = logging.getLogger(__name__)

#: DER prefixes of DigestInfo for each hash (RFC 8017 section 9.2, note 1).
DIGEST_INFO_PREFIXES: dict[str, bytes] = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "sha224": bytes.fromhex("302d300d06096086480165030402040500041c"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
_DIGEST_SIZES = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64}
_HASH_MECH = {"sha1": "SHA1", "sha224": "SHA224", "sha256": "SHA256", "sha384": "SHA384",
              "sha512": "SHA512"}


def _normalise_hash(hash_name: str) -> str:
    name = hash_name.lower().replace("-", "").replace("_", "")
    if name not in _DIGEST_SIZES:
        raise MechanismNotSupported(f"hash {hash_name}")
    return name


class CardSigner:
    """Signs with the authentication key of a logged-in card session (any thread)."""

    def __init__(self, service: CardService, session: CardSession) -> None:
        self._service = service
        self._session = session
        self._count = 0
        self._count_lock = threading.Lock()
        self.certificate: x509.Certificate = session.auth_certificate
        public = self.certificate.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            self.key_type = "RSA"
            self.key_size: int = public.key_size
        elif isinstance(public, ec.EllipticCurvePublicKey):
            self.key_type = "EC"
            self.key_size = public.curve.key_size
        else:
            raise MechanismNotSupported(type(public).__name__)

    @property
    def session(self) -> CardSession:
        """The card session this signer uses."""
        return self._session

    @property
    def mechanisms(self) -> frozenset[str]:
        """The ``CKM_*`` names the card offers."""
        return self._session.mechanisms

    @property
    def supports_pss(self) -> bool:
        """True when the card can make RSA-PSS signatures (CPS4; not CPS3)."""
        return self.key_type == "RSA" and "CKM_RSA_PKCS_PSS" in self.mechanisms

    @property
    def signature_count(self) -> int:
        """Signatures made by the card through this signer."""
        return self._count

    def _sign(self, mechanism: str, data: bytes, hash_name: str | None = None,
              salt_length: int | None = None) -> bytes:
        key = self._session.auth_key

        def op(token: TokenSession) -> bytes:
            return token.sign(key, mechanism, data, hash_name=hash_name,
                              salt_length=salt_length)

        signature = self._service.run_in_session(self._session, op)
        with self._count_lock:
            self._count += 1
        logger.debug("card signature with %s (%d so far)", mechanism, self._count)
        return signature

    def sign_digest(self, digest: bytes, *, hash_name: str = "sha256",
                    padding: str = "pkcs1v15") -> bytes:
        """Sign a precomputed ``digest`` of ``hash_name``.

        Args:
            padding: "pkcs1v15" or "pss" (RSA); ignored for EC keys.

        Raises:
            MechanismNotSupported: PSS on a card without it, unknown hash, wrong digest size.
            CardRemoved: the card left during the operation.
        """
        name = _normalise_hash(hash_name)
        if len(digest) != _DIGEST_SIZES[name]:
            raise MechanismNotSupported(
                f"{hash_name} digest of {len(digest)} bytes (expected {_DIGEST_SIZES[name]})")
        if self.key_type == "EC":
            return self._ecdsa(self._sign("CKM_ECDSA", digest))
        if padding == "pss":
            if not self.supports_pss:
                raise MechanismNotSupported("CKM_RSA_PKCS_PSS")
            return self._sign("CKM_RSA_PKCS_PSS", digest, name, _DIGEST_SIZES[name])
        if padding != "pkcs1v15":
            raise MechanismNotSupported(f"padding {padding}")
        return self._sign("CKM_RSA_PKCS", DIGEST_INFO_PREFIXES[name] + digest)

    def sign(self, data: bytes, *, hash_name: str = "sha256", padding: str = "pkcs1v15") -> bytes:
        """Hash and sign ``data`` on the card (``CKM_SHA256_RSA_PKCS`` and friends).

        When the card lacks the combined mechanism, the digest is computed here and
        signed with :meth:`sign_digest`: the result is the same signature.
        """
        name = _normalise_hash(hash_name)
        if self.key_type == "EC":
            return self.sign_digest(hashlib.new(name, data).digest(), hash_name=name)
        suffix = "RSA_PKCS_PSS" if padding == "pss" else "RSA_PKCS"
        if padding not in ("pss", "pkcs1v15"):
            raise MechanismNotSupported(f"padding {padding}")
        mechanism = f"CKM_{_HASH_MECH[name]}_{suffix}"
        if mechanism in self.mechanisms:
            if padding == "pss":
                return self._sign(mechanism, data, name, _DIGEST_SIZES[name])
            return self._sign(mechanism, data)
        return self.sign_digest(hashlib.new(name, data).digest(), hash_name=name,
                                padding=padding)

    @staticmethod
    def _ecdsa(raw: bytes) -> bytes:
        # PKCS#11 returns r || s (each half the signature); TLS wants DER (RFC 3279).
        half = len(raw) // 2
        return encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                    int.from_bytes(raw[half:], "big"))
