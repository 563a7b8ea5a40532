"""OCSP (RFC 6960) for certificates that name a responder in their Authority Information
Access extension.

The answer is trusted only when the issuer signed it, or a responder certificate the issuer
signed with the OCSPSigning extended key usage (RFC 6960 section 4.2.2.2), and only when it
is current (``thisUpdate`` not in the future, ``nextUpdate`` not past). Any failure means
"no answer": the caller falls back to the kept CRL.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from client.trust.crl import RevocationStatus, http_urls

__all__ = ["http_post_ocsp", "ocsp_status", "ocsp_urls"]

logger = logging.getLogger(__name__)

_CLOCK_SKEW = _dt.timedelta(minutes=5)


def ocsp_urls(certificate: x509.Certificate) -> list[str]:
    """The http(s) OCSP responders ``certificate`` names."""
    try:
        access = certificate.extensions.get_extension_for_class(
            x509.AuthorityInformationAccess
        ).value
    except x509.ExtensionNotFound:
        return []
    return http_urls(
        d.access_location for d in access if d.access_method == AuthorityInformationAccessOID.OCSP
    )


def http_post_ocsp(url: str, body: bytes, *, timeout: float = 5.0) -> bytes:
    """POST an OCSP request (RFC 6960 appendix A.1); raises on any failure."""
    import httpx

    response = httpx.post(url, content=body, timeout=timeout,
                          headers={"Content-Type": "application/ocsp-request"})
    response.raise_for_status()
    if len(response.content) > 1024 * 1024:
        raise ValueError("OCSP response too large")
    return response.content


def _signed_by(response: ocsp.OCSPResponse, signer: x509.Certificate) -> bool:
    key = signer.public_key()
    algorithm = response.signature_hash_algorithm
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm is not None:
            key.verify(response.signature, response.tbs_response_bytes, padding.PKCS1v15(),
                       algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm is not None:
            key.verify(response.signature, response.tbs_response_bytes, ec.ECDSA(algorithm))
        else:
            return False
    except Exception:  # InvalidSignature and key mismatches alike
        return False
    return True


def _responder_trusted(response: ocsp.OCSPResponse, issuer: x509.Certificate) -> bool:
    if _signed_by(response, issuer):
        return True
    for delegate in response.certificates:
        if delegate.issuer != issuer.subject:
            continue
        try:
            delegate.verify_directly_issued_by(issuer)
            usage = delegate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except Exception as exc:  # not issued by the issuer, or no EKU
            logger.debug("OCSP responder certificate not usable: %s", exc)
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in usage and _signed_by(response, delegate):
            return True
    return False


def ocsp_status(
    certificate: x509.Certificate,
    issuer: x509.Certificate,
    post: Callable[[str, bytes], bytes] = http_post_ocsp,
) -> RevocationStatus | None:
    """Ask ``certificate``'s OCSP responders; None when none gives a trustworthy answer."""
    urls = ocsp_urls(certificate)
    if not urls:
        return None
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(certificate, issuer, hashes.SHA1())  # noqa: S303 - RFC 5019 2.1.1
        .build()
    )
    body = request.public_bytes(serialization.Encoding.DER)
    for url in urls:
        try:
            response = ocsp.load_der_ocsp_response(post(url, body))
        except Exception as exc:  # network or parse: try the next, then CRL
            logger.info("OCSP request to %s failed: %s", url, exc)
            continue
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            logger.info("OCSP responder %s answered %s", url, response.response_status.name)
            continue
        if response.serial_number != certificate.serial_number:
            continue
        if not _responder_trusted(response, issuer):
            logger.warning("OCSP answer from %s is not signed by the issuer", url)
            continue
        now = _dt.datetime.now(_dt.UTC)
        next_update = response.next_update_utc
        if response.this_update_utc > now + _CLOCK_SKEW or (
            next_update is not None and next_update < now - _CLOCK_SKEW
        ):
            logger.info("OCSP answer from %s is not current", url)
            continue
        if response.certificate_status == ocsp.OCSPCertStatus.GOOD:
            return RevocationStatus("good", "ocsp", next_update=next_update)
        if response.certificate_status == ocsp.OCSPCertStatus.REVOKED:
            reason = response.revocation_reason.name if response.revocation_reason else ""
            return RevocationStatus("revoked", "ocsp", response.revocation_time_utc, reason,
                                    next_update)
    return None
