"""What a card holds, read without a PIN: certificates sorted by use, identity, PIN state.

Certificates are told apart by CKA_ID first (CPS: last byte 0x20 authentication, 0x10
signature, as reported for Cryptolib CPS), then by key usage; CA certificates found on
the card are intermediates for chain building, never trust anchors.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from cps.atr import CardKind
from cps.errors import CardError
from cps.identity import CardIdentity
from cps.token import (
    CKA_ID_AUTHENTICATION,
    CKA_ID_SIGNATURE,
    CertificateObject,
    SlotInfo,
    TokenInfo,
)

__all__ = ["CPS_DATA_LABELS", "CardContents", "classify_certificate"]

#: Labels of the data objects Cryptolib CPS exposes for a CPS card.
CPS_DATA_LABELS = frozenset({"CPS_ID_CARD", "CPS_NAME_PS", "CPS_INFO_PS"})


def classify_certificate(obj: CertificateObject) -> str:
    """Return "authentication", "signature", "authority" or "other" for a card certificate.

    CKA_ID decides first (CPS: last byte 0x20 authentication, 0x10 signature); key usage
    decides when the id says nothing (nonRepudiation = signature, digitalSignature or
    EKU clientAuth = authentication).
    """
    try:
        cert = obj.certificate
    except ValueError:
        return "other"
    try:
        if cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return "authority"
    except x509.ExtensionNotFound:
        pass
    if obj.id and obj.id[-1] == CKA_ID_AUTHENTICATION:
        return "authentication"
    if obj.id and obj.id[-1] == CKA_ID_SIGNATURE:
        return "signature"
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return "other"
    if usage.content_commitment:
        return "signature"
    if usage.digital_signature:
        return "authentication"
    return "other"


@dataclass(frozen=True)
class CardContents:
    """What a present card holds, read without a PIN."""

    slot: SlotInfo
    token: TokenInfo
    certificates: tuple[CertificateObject, ...]
    data_labels: tuple[str, ...]
    mechanisms: frozenset[str]
    identity: CardIdentity | None = None
    identity_error: CardError | None = None

    def first_certificate(self, usage: str) -> CertificateObject | None:
        """The first certificate object classified as ``usage`` (see classify_certificate)."""
        return next((c for c in self.certificates if classify_certificate(c) == usage), None)

    @property
    def auth_certificate(self) -> x509.Certificate | None:
        """The authentication certificate, if the card has one."""
        obj = self.first_certificate("authentication")
        return obj.certificate if obj else None

    @property
    def sign_certificate(self) -> x509.Certificate | None:
        """The signature (non-repudiation) certificate, if the card has one."""
        obj = self.first_certificate("signature")
        return obj.certificate if obj else None

    @property
    def ca_certificates(self) -> list[x509.Certificate]:
        """CA certificates stored on the card (usable as intermediates, never as anchors)."""
        return [c.certificate for c in self.certificates if classify_certificate(c) == "authority"]

    @property
    def kind(self) -> str:
        """"cps" when the card carries CPS data objects or an authentication certificate."""
        if CPS_DATA_LABELS & set(self.data_labels) or self.first_certificate("authentication"):
            return CardKind.CPS.value
        return CardKind.OTHER.value
