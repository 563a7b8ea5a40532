"""Who the card belongs to, read from its certificate, and whether IGC-Santé vouches for it.

A CPS authentication certificate names its holder in a multi-valued RDN
``CN=<national id>+SN=<family name>+GN=<given name>``, with the profession in ``title``
(as observed on CPS cards). The national id is ``8`` + RPPS (11 digits) or ``0`` + ADELI (9
digits); other prefixes (``3`` staff of an establishment...) are kept as ``other``.

Chain checking is done here rather than with a generic verifier so that each failure
gets its own error (expired, not yet valid, untrusted issuer, bad signature) and so
that the IGC-Santé profile is accepted as issued (e.g. RFC 5280 details a strict
verifier would refuse on older CA certificates). Revocation (CRL) is the client layer's.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from cps.errors import (
    CertificateExpired,
    CertificateMalformed,
    CertificateNotYetValid,
    CertificateUntrusted,
)

__all__ = [
    "EXTRA_ANCHORS_ENV",
    "CardIdentity",
    "bundled_anchor_dir",
    "load_anchors",
    "load_certificates",
    "name_text",
    "verify_certificate",
]

logger = logging.getLogger(__name__)

#: ``os.pathsep``-separated PEM files (or directories of them) added to the anchors:
#: the sandbox points it at its test root.
EXTRA_ANCHORS_ENV = "MSSANTE_COMPANION_EXTRA_ANCHORS"

_MAX_CHAIN = 8

# RFC 4514 names for the attributes of CPS subjects (cryptography prints OIDs otherwise).
_NAME_OVERRIDES = {NameOID.SURNAME: "SN", NameOID.GIVEN_NAME: "GN", NameOID.TITLE: "title"}


def name_text(name: x509.Name) -> str:
    """RFC 4514 text of ``name`` with SN, GN and title spelt out."""
    return name.rfc4514_string(_NAME_OVERRIDES)


def _utc(value: _dt.datetime) -> _dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=_dt.UTC)


def _single(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


@dataclass(frozen=True)
class CardIdentity:
    """The holder of a CPS card as its certificate names them."""

    national_id: str
    id_type: str  # "RPPS", "ADELI" or "other"
    rpps: str | None
    adeli: str | None
    family_name: str
    given_name: str
    profession: str | None
    subject: str
    issuer: str
    not_before: _dt.datetime
    not_after: _dt.datetime

    @property
    def display_name(self) -> str:
        """``GIVEN FAMILY`` as printed on the card."""
        return f"{self.given_name} {self.family_name}".strip()

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (dates in ISO 8601) for the CLI contract."""
        data = asdict(self)
        data["not_before"] = self.not_before.isoformat()
        data["not_after"] = self.not_after.isoformat()
        return data

    @classmethod
    def from_certificate(cls, cert: x509.Certificate) -> CardIdentity:
        """Read the identity from a CPS certificate.

        Raises:
            CertificateMalformed: no CN, a CN that is not a national id, or no name.
        """
        subject = cert.subject
        national_id = _single(subject, NameOID.COMMON_NAME)
        if not national_id:
            raise CertificateMalformed("the certificate subject has no CN (national id)")
        national_id = national_id.strip()
        if not national_id.isalnum() or len(national_id) < 2:
            raise CertificateMalformed(
                f"the certificate CN {national_id!r} is not a health professional national id"
            )
        family = _single(subject, NameOID.SURNAME)
        given = _single(subject, NameOID.GIVEN_NAME)
        if not family:
            raise CertificateMalformed("the certificate subject has no SN (family name)")
        rpps = adeli = None
        prefix, rest = national_id[0], national_id[1:]
        if prefix == "8" and len(rest) == 11 and rest.isdigit():
            id_type, rpps = "RPPS", rest
        elif prefix == "0" and len(rest) == 9 and rest.isdigit():
            id_type, adeli = "ADELI", rest
        else:
            id_type = "other"
        return cls(
            national_id=national_id,
            id_type=id_type,
            rpps=rpps,
            adeli=adeli,
            family_name=family,
            given_name=given or "",
            profession=_single(subject, NameOID.TITLE),
            subject=name_text(subject),
            issuer=name_text(cert.issuer),
            not_before=_utc(cert.not_valid_before_utc),
            not_after=_utc(cert.not_valid_after_utc),
        )


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Read every certificate of a PEM (or single DER) file.

    Raises:
        CertificateMalformed: the file holds no readable certificate.
    """
    data = path.read_bytes()
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise CertificateMalformed(f"{path} holds no readable certificate: {exc}") from exc
    return certs


def bundled_anchor_dir() -> Path:
    """The IGC-Santé roots shipped with the application (``resources/igc-sante``)."""
    return Path(__file__).resolve().parent.parent / "resources" / "igc-sante"


def _pem_files(source: Path) -> list[Path]:
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.suffix.lower() in {".pem", ".crt", ".cer"})
    return [source] if source.is_file() else []


def load_anchors(extra: Iterable[Path] = (), *, include_bundled: bool = True,
                 include_env: bool = True) -> list[x509.Certificate]:
    """Return the trust anchors for card certificates.

    The bundled IGC-Santé roots, then ``extra`` (admin additions: files or directories),
    then the files named by ``MSSANTE_COMPANION_EXTRA_ANCHORS`` (the sandbox's test root).
    Missing sources are skipped with a debug message: a deployment may have none of them.
    """
    sources: list[Path] = []
    if include_bundled:
        sources.append(bundled_anchor_dir())
    sources.extend(extra)
    if include_env:
        sources.extend(Path(p) for p in os.environ.get(EXTRA_ANCHORS_ENV, "").split(os.pathsep)
                       if p)
    anchors: list[x509.Certificate] = []
    seen: set[bytes] = set()
    for source in sources:
        files = _pem_files(source)
        if not files:
            logger.debug("no anchors at %s", source)
        for file in files:
            for cert in load_certificates(file):
                fingerprint = cert.fingerprint(_sha256())
                if fingerprint not in seen:
                    seen.add(fingerprint)
                    anchors.append(cert)
    return anchors


def _sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _check_validity(cert: x509.Certificate, at: _dt.datetime) -> None:
    subject = name_text(cert.subject)
    if at > cert.not_valid_after_utc:
        raise CertificateExpired(cert.not_valid_after_utc, subject)
    if at < cert.not_valid_before_utc:
        raise CertificateNotYetValid(cert.not_valid_before_utc, subject)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    return constraints.ca


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def verify_certificate(
    cert: x509.Certificate,
    anchors: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate] = (),
    at: _dt.datetime | None = None,
) -> list[x509.Certificate]:
    """Check that ``cert`` is valid at ``at`` and chains to one of ``anchors``.

    Returns the chain, leaf first, ending with the anchor.

    Raises:
        CertificateExpired, CertificateNotYetValid: the leaf (or a CA of its chain) is
            outside its validity period.
        CertificateUntrusted: no path leads to an anchor (``reason`` names the issuer).
    """
    at = _utc(at or _dt.datetime.now(_dt.UTC))
    _check_validity(cert, at)
    anchor_keys = {a.fingerprint(_sha256()) for a in anchors}
    if not anchors:
        raise CertificateUntrusted("no IGC-Santé trust anchor is configured")
    chain = [cert]
    current = cert
    pool = list(intermediates) + list(anchors)
    for _ in range(_MAX_CHAIN):
        if current.fingerprint(_sha256()) in anchor_keys:
            return chain
        candidates = [c for c in pool if c.subject == current.issuer and _is_ca(c)
                      and c is not current]
        if not candidates:
            raise CertificateUntrusted(
                f"the issuer {name_text(current.issuer)} is not a configured "
                "IGC-Santé authority"
            )
        issuer = next((c for c in candidates if _signed_by(current, c)), None)
        if issuer is None:
            raise CertificateUntrusted(
                f"the signature of {name_text(current.subject)} does not match its "
                f"issuer {name_text(current.issuer)}"
            )
        _check_validity(issuer, at)
        chain.append(issuer)
        if issuer.fingerprint(_sha256()) in anchor_keys:
            return chain
        current = issuer
    raise CertificateUntrusted("the certificate chain is too long")
