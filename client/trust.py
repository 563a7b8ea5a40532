"""Which servers and certificates we trust (design section 2, IGC-Santé).

Anchors are the system store, the anchors an administrator lists in the profile
(``[trust] ca_file``) and the shipped public root ``AC RACINE IGC-SANTE ELEMENTAIRE``
(``resources/igc-sante/``). Server chains are checked with ``cryptography``'s RFC 5280
verifier (chain, host name, validity), the same rules for every TLS backend: stdlib
``ssl`` sessions get an :class:`ssl.SSLContext` built from the same anchors, and the
card-key backend (tlslite-ng, which checks nothing itself) calls :meth:`TrustStore.verify_server`.
TLS below 1.2 is refused everywhere (Ségur requirements).

Revocation: the last valid CRL of each authority is kept under ``app_paths().cache/crl``
(IGC-Santé publishes daily; a CRL is kept only if its signature checks against a trusted
authority and it is newer than the one kept). CRLs come from the profile's ``ca_file``
(PEM ``X509 CRL`` blocks are accepted there beside certificates) or from a fetch of the
certificate's distribution point.

    ClientError
     └── TrustError
          ├── ServerCertificateError(host, reason)
          │    ├── HostnameMismatch
          │    ├── SelfSignedServer
          │    └── ServerCertificateExpired
          ├── ProtocolTooOld(host, version)
          └── CertificateRevoked(serial, revoked_at)
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import ipaddress
import logging
import re
import ssl
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from client.errors import ClientError
from client.paths import app_paths, private_dir

__all__ = [
    "CertificateRevoked",
    "CrlStore",
    "HostnameMismatch",
    "ProtocolTooOld",
    "SelfSignedServer",
    "ServerCertificateError",
    "ServerCertificateExpired",
    "TrustError",
    "TrustStore",
    "http_fetch",
    "load_pem_objects",
    "readable_name",
    "shipped_anchor_files",
    "translate_ssl_error",
]

logger = logging.getLogger(__name__)

_PEM_BLOCK = re.compile(
    rb"-----BEGIN (?P<kind>[A-Z0-9 ]+)-----\r?\n.*?-----END (?P=kind)-----", re.DOTALL
)


class TrustError(ClientError):
    """Root of the trust failures."""


class ServerCertificateError(TrustError):
    """The operator's server certificate is not acceptable.

    Attributes:
        host: the host name we connected to.
        reason: the verifier's explanation (English, technical).
    """

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        self.reason = reason
        super().__init__(f"{host}: {reason}")


class HostnameMismatch(ServerCertificateError):
    """The server's certificate is for another host."""


class SelfSignedServer(ServerCertificateError):
    """The server presents a self-signed certificate that no anchor vouches for."""


class ServerCertificateExpired(ServerCertificateError):
    """The server's certificate is expired or not yet valid."""


class ProtocolTooOld(TrustError):
    """The server only speaks a TLS version below 1.2.

    Attributes:
        host: the server.
        version: what was offered, when known (``"TLSv1"``), else ``""``.
    """

    def __init__(self, host: str, version: str = "") -> None:
        self.host = host
        self.version = version
        super().__init__(f"{host} does not offer TLS 1.2 or later {version}".strip())


class CertificateRevoked(TrustError):
    """A certificate (the card's, or a certificate file's) is on its authority's CRL.

    Attributes:
        subject: the certificate's subject (RFC 4514 string).
        serial: its serial number.
        revoked_at: when it was revoked.
    """

    def __init__(self, subject: str, serial: int, revoked_at: _dt.datetime) -> None:
        self.subject = subject
        self.serial = serial
        self.revoked_at = revoked_at
        super().__init__(f"certificate {serial:x} ({subject}) revoked on {revoked_at:%Y-%m-%d}")


_NAMES = {
    x509.NameOID.GIVEN_NAME: "GN",
    x509.NameOID.SURNAME: "SN",
    x509.NameOID.TITLE: "title",
}


def readable_name(name: x509.Name) -> str:
    """RFC 4514 string with the CPS attributes named (GN, SN, title) instead of OIDs."""
    return name.rfc4514_string(_NAMES)


def shipped_anchor_files() -> list[Path]:
    """The IGC-Santé roots shipped in ``resources/igc-sante/``."""
    folder = Path(__file__).resolve().parents[1] / "resources" / "igc-sante"
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


def _crl_order(crl: x509.CertificateRevocationList) -> tuple[_dt.datetime, int, int]:
    """Which CRL is newer: thisUpdate, then the cRLNumber (RFC 5280 section 5.2.3), then
    the number of entries (issuers with a one-second clock may issue two in a second)."""
    try:
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        number = 0
    return crl.last_update_utc, number, len(crl)


class CrlStore:
    """The last valid CRL of each authority, kept on disk (``cache/crl/<issuer>.der``)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or app_paths().cache / "crl"

    def _path_for(self, issuer: x509.Name) -> Path:
        digest = hashlib.sha256(issuer.public_bytes()).hexdigest()[:32]
        return self.directory / f"{digest}.der"

    def get(self, issuer: x509.Name) -> x509.CertificateRevocationList | None:
        """The kept CRL of ``issuer``, or None."""
        path = self._path_for(issuer)
        if not path.is_file():
            return None
        try:
            return x509.load_der_x509_crl(path.read_bytes())
        except ValueError:
            logger.warning("kept CRL %s is unreadable; it will be replaced", path)
            return None

    def add(
        self, crl: x509.CertificateRevocationList, authorities: Iterable[x509.Certificate]
    ) -> bool:
        """Keep ``crl`` if an authority signed it and it is newer than the kept one.

        Returns:
            True when ``crl`` is now the kept CRL of its issuer.
        """
        issuer_cert = next(
            (
                a for a in authorities
                if a.subject == crl.issuer and crl.is_signature_valid(a.public_key())  # type: ignore[arg-type]
            ),
            None,
        )
        if issuer_cert is None:
            logger.info("ignoring a CRL of %s: no trusted authority signed it", crl.issuer)
            return False
        kept = self.get(crl.issuer)
        if kept is not None and _crl_order(kept) >= _crl_order(crl):
            return _crl_order(kept) == _crl_order(crl)
        private_dir(self.directory)
        path = self._path_for(crl.issuer)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(crl.public_bytes(serialization.Encoding.DER))
        temporary.replace(path)
        logger.info("kept the CRL of %s issued %s", crl.issuer.rfc4514_string(),
                    crl.last_update_utc)
        return True

    def check(self, certificate: x509.Certificate) -> bool | None:
        """Check ``certificate`` against its issuer's kept CRL.

        Returns:
            True when a kept CRL lists it as good, None when no CRL is known.

        Raises:
            CertificateRevoked: the certificate is on the CRL.
        """
        crl = self.get(certificate.issuer)
        if crl is None:
            return None
        if crl.next_update_utc is not None and crl.next_update_utc < _utcnow():
            # The last valid CRL stays the best knowledge we have (design section 2).
            logger.warning("the CRL of %s is past its next update",
                           certificate.issuer.rfc4514_string())
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is not None:
            raise CertificateRevoked(
                readable_name(certificate.subject),
                certificate.serial_number,
                entry.revocation_date_utc,
            )
        return True


class TrustStore:
    """The anchors for operator servers and the CRLs of health certificates.

    Args:
        extra_anchors: certificates an administrator added (profile ``ca_file``).
        use_system: also trust the operating system's store.
        crls: where CRLs are kept.
    """

    def __init__(
        self,
        extra_anchors: Sequence[x509.Certificate] = (),
        *,
        use_system: bool = True,
        crls: CrlStore | None = None,
    ) -> None:
        anchors: list[x509.Certificate] = list(extra_anchors)
        for path in shipped_anchor_files():
            anchors.extend(load_pem_objects(path.read_bytes())[0])
        if use_system:
            anchors.extend(_system_anchor_certificates())
        self.anchors = anchors
        self.crls = crls or CrlStore()
        self._store = Store(anchors)

    @classmethod
    def from_files(
        cls, ca_files: Iterable[Path], *, use_system: bool = True, crls: CrlStore | None = None
    ) -> TrustStore:
        """Anchors from PEM files (certificates; CRLs in them are kept in the CRL store)."""
        certificates: list[x509.Certificate] = []
        found_crls: list[x509.CertificateRevocationList] = []
        for path in ca_files:
            certs, file_crls = load_pem_objects(Path(path).read_bytes())
            certificates.extend(certs)
            found_crls.extend(file_crls)
        store = cls(certificates, use_system=use_system, crls=crls)
        for crl in found_crls:
            store.crls.add(crl, store.anchors)
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
            return list(verifier.verify(leaf, intermediates))
        except VerificationError as exc:
            reason = str(exc)
            if not _host_matches(leaf, host):
                raise HostnameMismatch(host, f"certificate is not for {host}") from exc
            if leaf.issuer == leaf.subject:
                raise SelfSignedServer(host, "self-signed certificate") from exc
            raise ServerCertificateError(host, reason) from exc

    def check_revocation(
        self,
        certificate: x509.Certificate,
        fetch: Callable[[str], bytes] | None = None,
    ) -> bool | None:
        """Check a health certificate against the kept CRL, refreshing it first if possible.

        ``fetch`` downloads a URL (the certificate's CRL distribution point); a failed
        download keeps the last valid CRL.

        Returns:
            True when checked and good, None when no CRL is known.

        Raises:
            CertificateRevoked: the certificate is revoked.
        """
        kept = self.crls.get(certificate.issuer)
        fresh = kept is not None and (
            kept.next_update_utc is None or kept.next_update_utc > _utcnow()
        )
        if fetch is not None and not fresh:
            # IGC-Santé CRLs are published daily: download only when the kept one is
            # missing or past its nextUpdate (RFC 5280 section 5.1.2.5).
            for url in _distribution_points(certificate):
                try:
                    data = fetch(url)
                except Exception as exc:  # noqa: BLE001 - any download failure keeps the last CRL
                    logger.info("CRL download from %s failed: %s", url, exc)
                    continue
                try:
                    crl = (
                        x509.load_pem_x509_crl(data)
                        if data.lstrip().startswith(b"-----")
                        else x509.load_der_x509_crl(data)
                    )
                except ValueError:
                    logger.info("CRL from %s is unreadable", url)
                    continue
                self.crls.add(crl, self.anchors)
        return self.crls.check(certificate)


_MAX_CRL_BYTES = 32 * 1024 * 1024


def http_fetch(url: str, *, timeout: float = 10.0) -> bytes:
    """Download a CRL (http or https); raises on any failure (the caller keeps the last)."""
    import httpx

    if not url.startswith(("http://", "https://")):
        raise ValueError(f"unsupported CRL URL {url}")
    with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
        response.raise_for_status()
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > _MAX_CRL_BYTES:
                raise ValueError(f"CRL at {url} is too large")
    return bytes(data)


def _distribution_points(certificate: x509.Certificate) -> list[str]:
    try:
        points = certificate.extensions.get_extension_for_class(
            x509.CRLDistributionPoints
        ).value
    except x509.ExtensionNotFound:
        return []
    urls = []
    for point in points:
        for name in point.full_name or []:
            if isinstance(name, x509.UniformResourceIdentifier):
                urls.append(name.value)
    return urls


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
