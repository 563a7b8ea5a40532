"""Which servers and certificates we trust (IGC-Santé and the system store).

Anchors are the system store, the anchors an administrator lists in the profile
(``[trust] ca_file``) and the shipped public root ``AC RACINE IGC-SANTE ELEMENTAIRE``
(``resources/igc-sante/``). Server chains are checked with ``cryptography``'s RFC 5280
verifier (chain, host name, validity), the same rules for every TLS backend: stdlib
``ssl`` sessions get an :class:`ssl.SSLContext` built from the same anchors, and the
card-key backend (tlslite-ng, which checks nothing itself) calls :meth:`TrustStore.verify_server`.
TLS below 1.2 is refused everywhere (Ségur requirements).

Revocation (:meth:`TrustStore.revocation_status`): an OCSP answer when the certificate
names a responder, else the kept CRL of its authority (:mod:`client.trust.crl`), refreshed
from the distribution points when missing or past its ``nextUpdate``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import ipaddress
import logging
import re
import ssl
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from client.trust.crl import (
    CrlDownloader,
    CrlStore,
    KeptCrl,
    RevocationStatus,
    parse_crl,
    readable_name,
)
from client.trust.errors import (
    CertificateRevoked,
    HostnameMismatch,
    ProtocolTooOld,
    SelfSignedServer,
    ServerCertificateError,
    ServerCertificateExpired,
    ServerCertificateRevoked,
    TrustError,
)
from client.trust.ocsp import ocsp_status

__all__ = [
    "TrustStore",
    "load_pem_objects",
    "shipped_anchor_files",
    "translate_ssl_error",
]

logger = logging.getLogger(__name__)

_PEM_BLOCK = re.compile(
    rb"-----BEGIN (?P<kind>[A-Z0-9 ]+)-----\r?\n.*?-----END (?P=kind)-----", re.DOTALL
)
#: How long a sign-in waits for a CRL download before going on with what is kept.
CRL_WAIT = 10.0


def shipped_anchor_files() -> list[Path]:
    """The IGC-Santé roots shipped in ``resources/igc-sante/``."""
    folder = Path(__file__).resolve().parents[2] / "resources" / "igc-sante"
    return sorted(folder.glob("*.pem"))


def load_pem_objects(
    data: bytes,
) -> tuple[list[x509.Certificate], list[x509.CertificateRevocationList]]:
    """Split a PEM bundle into certificates and CRLs; other blocks are ignored."""
    certificates: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    for match in _PEM_BLOCK.finditer(data):
        kind = match.group("kind")
        try:
            if kind in (b"CERTIFICATE", b"TRUSTED CERTIFICATE"):
                certificates.append(x509.load_pem_x509_certificate(match.group(0)))
            elif kind == b"X509 CRL":
                crls.append(x509.load_pem_x509_crl(match.group(0)))
        except ValueError as exc:
            # A damaged entry of the system bundle must not make the others unusable.
            logger.info("skipping an unreadable PEM %s block: %s", kind.decode(), exc)
    return certificates, crls


@functools.cache
def _system_anchor_certificates() -> tuple[x509.Certificate, ...]:
    paths = ssl.get_default_verify_paths()
    certificates: list[x509.Certificate] = []
    # Some long-lived system roots break RFC 5280 (negative serials); cryptography warns
    # about them, and they are the system's business, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        if paths.cafile and Path(paths.cafile).is_file():
            certificates.extend(load_pem_objects(Path(paths.cafile).read_bytes())[0])
        elif paths.capath and Path(paths.capath).is_dir():
            for entry in Path(paths.capath).glob("*.pem"):
                certificates.extend(load_pem_objects(entry.read_bytes())[0])
    return tuple(certificates)


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _host_matches(certificate: x509.Certificate, host: str) -> bool:
    """RFC 6125 section 6.4 host check, only to explain a failure (the verifier decides)."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return address in san.get_values_for_type(x509.IPAddress)
    host = host.lower().rstrip(".")
    for name in san.get_values_for_type(x509.DNSName):
        name = name.lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


class TrustStore:
    """The anchors for operator servers and the CRLs of health certificates.

    Args:
        extra_anchors: certificates an administrator added (profile ``ca_file``).
        use_system: also trust the operating system's store.
        crls: where CRLs are kept.
        crl_fetch: downloads CRLs of server chains in the background (None: servers are
            checked against the kept CRLs only).
    """

    def __init__(
        self,
        extra_anchors: Sequence[x509.Certificate] = (),
        *,
        use_system: bool = True,
        crls: CrlStore | None = None,
        crl_fetch: Callable[[str], bytes] | None = None,
    ) -> None:
        anchors: list[x509.Certificate] = list(extra_anchors)
        for path in shipped_anchor_files():
            anchors.extend(load_pem_objects(path.read_bytes())[0])
        if use_system:
            anchors.extend(_system_anchor_certificates())
        self.anchors = anchors
        self.crls = crls or CrlStore()
        self.crl_fetch = crl_fetch
        self._downloaders: dict[int, CrlDownloader] = {}
        self._store = Store(anchors)

    @classmethod
    def from_files(
        cls,
        ca_files: Iterable[Path],
        *,
        use_system: bool = True,
        crls: CrlStore | None = None,
        crl_fetch: Callable[[str], bytes] | None = None,
    ) -> TrustStore:
        """Anchors from PEM files (certificates; CRLs in them are kept in the CRL store)."""
        certificates: list[x509.Certificate] = []
        found_crls: list[x509.CertificateRevocationList] = []
        for path in ca_files:
            certs, file_crls = load_pem_objects(Path(path).read_bytes())
            certificates.extend(certs)
            found_crls.extend(file_crls)
        store = cls(certificates, use_system=use_system, crls=crls, crl_fetch=crl_fetch)
        for crl in found_crls:
            store.crls.add(crl, store.anchors, source="profile ca_file")
        return store

    @property
    def anchor_pem(self) -> str:
        """Every anchor as one PEM string (for :meth:`ssl.SSLContext.load_verify_locations`)."""
        return "".join(
            a.public_bytes(serialization.Encoding.PEM).decode("ascii") for a in self.anchors
        )

    def ssl_context(self) -> ssl.SSLContext:
        """A stdlib client context: these anchors, host name check, TLS 1.2 minimum."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cadata=self.anchor_pem)
        return context

    def verify_server(
        self,
        chain: Sequence[x509.Certificate],
        host: str,
        *,
        now: _dt.datetime | None = None,
    ) -> list[x509.Certificate]:
        """Verify a server's chain (leaf first) for ``host``; return the validated path.

        Raises:
            ServerCertificateError: (or a subclass) naming what is wrong.
        """
        if not chain:
            raise ServerCertificateError(host, "the server sent no certificate")
        leaf, intermediates = chain[0], list(chain[1:])
        moment = now or _utcnow()
        if not leaf.not_valid_before_utc <= moment <= leaf.not_valid_after_utc:
            raise ServerCertificateExpired(
                host,
                f"certificate valid from {leaf.not_valid_before_utc:%Y-%m-%d} "
                f"to {leaf.not_valid_after_utc:%Y-%m-%d}",
            )
        try:
            subject: x509.DNSName | x509.IPAddress = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            subject = x509.DNSName(host)
        verifier = (
            PolicyBuilder().store(self._store).time(moment).build_server_verifier(subject)
        )
        try:
            path = list(verifier.verify(leaf, intermediates))
        except VerificationError as exc:
            reason = str(exc)
            if not _host_matches(leaf, host):
                raise HostnameMismatch(host, f"certificate is not for {host}") from exc
            if leaf.issuer == leaf.subject:
                raise SelfSignedServer(host, "self-signed certificate") from exc
            raise ServerCertificateError(host, reason) from exc
        self._check_server_path(path, host)
        return path

    def _check_server_path(self, path: Sequence[x509.Certificate], host: str) -> None:
        """Kept CRLs for every certificate of a validated server path but its anchor; the
        CRLs are refreshed in the background for the next connection (a handshake does
        not wait for a download)."""
        issued = list(path[:-1])
        if self.crl_fetch is not None:
            self._downloader(self.crl_fetch).refresh(issued, self.trusted_authorities(path))
        for certificate in issued:
            status = self.crls.status(certificate)
            if status.state == "revoked" and status.revoked_at is not None:
                raise ServerCertificateRevoked(host, status.revoked_at, status.reason)

    def _downloader(self, fetch: Callable[[str], bytes]) -> CrlDownloader:
        # One downloader per fetch function: concurrent sign-ins share one download.
        downloader = self._downloaders.get(id(fetch))
        if downloader is None:
            downloader = self._downloaders[id(fetch)] = CrlDownloader(self.crls, fetch)
        return downloader

    def trusted_authorities(
        self, extra: Iterable[x509.Certificate] = ()
    ) -> list[x509.Certificate]:
        """The anchors plus those of ``extra`` (a card's CA certificates, a server chain)
        that an anchor or another trusted authority issued: who may sign a CRL."""
        trusted = list(self.anchors)
        given = [c for c in extra if c not in trusted]
        pending = given + [
            c for c in self.crls.remembered_authorities() if c not in trusted and c not in given
        ]
        progress = True
        while pending and progress:
            progress = False
            for candidate in list(pending):
                for authority in trusted:
                    if authority.subject != candidate.issuer:
                        continue
                    try:
                        candidate.verify_directly_issued_by(authority)
                    except (ValueError, TypeError, InvalidSignature):
                        continue
                    trusted.append(candidate)
                    pending.remove(candidate)
                    progress = True
                    if candidate in given and _is_ca(candidate):
                        self.crls.remember_authority(candidate)
                    break
        return trusted

    def revocation_status(
        self,
        certificate: x509.Certificate,
        *,
        chain: Sequence[x509.Certificate] = (),
        fetch: Callable[[str], bytes] | None = None,
        ocsp_post: Callable[[str, bytes], bytes] | None = None,
        wait: float = CRL_WAIT,
    ) -> RevocationStatus:
        """What is known of ``certificate``'s revocation, asking the network if allowed.

        Args:
            chain: CA certificates that may have issued it (the card's, the file's).
            fetch: downloads a CRL distribution point (None: the kept CRL only).
            ocsp_post: posts an OCSP request (None: no OCSP).
            wait: seconds to wait for a CRL download; a failed or late download keeps
                the last valid CRL.
        """
        authorities = self.trusted_authorities(chain)
        if ocsp_post is not None:
            issuer = next((a for a in authorities if a.subject == certificate.issuer), None)
            if issuer is not None:
                answer = ocsp_status(certificate, issuer, ocsp_post)
                if answer is not None:
                    return answer
        if fetch is not None:
            # IGC-Santé CRLs are published daily: the downloader fetches only when the
            # kept one is missing or past its nextUpdate (RFC 5280 section 5.1.2.5).
            self._downloader(fetch).refresh([certificate], authorities, wait=wait)
        return self.crls.status(certificate)

    def prefetch_crls(
        self,
        certificates: Sequence[x509.Certificate],
        fetch: Callable[[str], bytes],
        *,
        chain: Sequence[x509.Certificate] = (),
        wait: float = CRL_WAIT,
    ) -> None:
        """Download the CRLs of ``certificates`` that are missing or past their
        ``nextUpdate`` (a failed download keeps the last valid CRL), waiting up to
        ``wait`` seconds: what a card's insertion does so that the sign-in finds them."""
        authorities = self.trusted_authorities(chain)
        self._downloader(fetch).refresh(certificates, authorities, wait=wait)

    def check_revocation(
        self,
        certificate: x509.Certificate,
        fetch: Callable[[str], bytes] | None = None,
        *,
        chain: Sequence[x509.Certificate] = (),
        ocsp_post: Callable[[str, bytes], bytes] | None = None,
        wait: float = CRL_WAIT,
    ) -> bool | None:
        """Check a health certificate before it is offered to any server.

        Returns:
            True when checked and good, None when nothing is known (no CRL, no OCSP).

        Raises:
            CertificateRevoked: the certificate is revoked (with date and reason).
        """
        status = self.revocation_status(certificate, chain=chain, fetch=fetch,
                                        ocsp_post=ocsp_post, wait=wait)
        if status.state == "revoked" and status.revoked_at is not None:
            raise CertificateRevoked(readable_name(certificate.subject),
                                     certificate.serial_number, status.revoked_at,
                                     status.reason, status.source)
        return True if status.state == "good" else None

    def import_crl(
        self, data: bytes, source: str, *, authorities: Iterable[x509.Certificate] = ()
    ) -> KeptCrl:
        """Keep a CRL given as PEM or DER bytes (``trust import-crl``).

        Args:
            source: where it came from (a file name), shown by ``trust status``.
            authorities: CA certificates that may have signed it besides the anchors
                (accepted only if an anchor vouches for them).

        Raises:
            CrlRejected: unreadable, signed by no trusted authority, or older than the kept.
        """
        crl = parse_crl(data, source)
        self.crls.import_crl(crl, self.trusted_authorities(authorities), source=source)
        issuer = crl.issuer.rfc4514_string()
        return next(k for k in self.crls.kept() if k.issuer == issuer)


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def translate_ssl_error(exc: ssl.SSLError, host: str) -> TrustError | None:
    """Map a stdlib TLS failure to a specific trust error, or None if it is not one."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        message = exc.verify_message or str(exc)
        code = exc.verify_code
        if "Hostname mismatch" in message or "IP address mismatch" in message or code == 62:
            return HostnameMismatch(host, message)
        if code in (18, 19):  # X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT / SELF_SIGNED_IN_CHAIN
            return SelfSignedServer(host, message)
        if code in (9, 10):  # X509_V_ERR_CERT_NOT_YET_VALID / CERT_HAS_EXPIRED
            return ServerCertificateExpired(host, message)
        return ServerCertificateError(host, message)
    reason = (getattr(exc, "reason", "") or "").upper()
    if reason in {
        "UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_PROTOCOLS_AVAILABLE",
        "WRONG_SSL_VERSION", "VERSION_TOO_LOW",
    }:
        return ProtocolTooOld(host)
    return None
