"""Certificate revocation lists: the last valid CRL of each authority, kept on disk.

IGC-Santé publishes its CRLs daily at the HTTP distribution points named in each
certificate (RFC 5280 section 4.2.1.13). MSSanté asks clients to keep the last valid CRL
when the network fails, so a CRL is replaced only by a newer one signed by the same trusted
authority, and a CRL past its ``nextUpdate`` is still used (and reported as stale).

Files: ``<cache>/crl/<sha256(issuer)[:32]>.der`` and a ``.json`` beside it saying where the
CRL came from (a URL, an imported file, the profile's ``ca_file``) and when.
Downloads run on daemon threads with a timeout (:class:`CrlDownloader`): a caller waits a
bounded time and goes on with what is kept.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from client.paths import app_paths, private_dir
from client.trust.errors import CertificateRevoked, CrlRejected

__all__ = [
    "CrlDownloader",
    "CrlStore",
    "KeptCrl",
    "RevocationStatus",
    "distribution_points",
    "http_fetch",
    "http_urls",
    "parse_crl",
    "readable_name",
]

logger = logging.getLogger(__name__)

_MAX_CRL_BYTES = 32 * 1024 * 1024
#: Seconds before a failed distribution point is asked again.
RETRY_AFTER = 300.0

_NAMES = {
    x509.NameOID.GIVEN_NAME: "GN",
    x509.NameOID.SURNAME: "SN",
    x509.NameOID.TITLE: "title",
}


def readable_name(name: x509.Name) -> str:
    """RFC 4514 string with the CPS attributes named (GN, SN, title) instead of OIDs."""
    return name.rfc4514_string(_NAMES)


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


@dataclass(frozen=True)
class RevocationStatus:
    """What is known of one certificate's revocation.

    Attributes:
        state: ``"good"``, ``"revoked"`` or ``"unknown"`` (no CRL and no OCSP answer).
        source: ``"crl"``, ``"ocsp"`` or ``""``.
        revoked_at: the revocation date, when revoked.
        reason: the RFC 5280 reason name, when revoked and given.
        next_update: when the authority promises the next CRL (CRL source only).
        stale: the kept CRL is past its ``nextUpdate`` (still used: the last valid CRL).
    """

    state: Literal["good", "revoked", "unknown"]
    source: str = ""
    revoked_at: _dt.datetime | None = None
    reason: str = ""
    next_update: _dt.datetime | None = None
    stale: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (dates ISO 8601)."""
        return {
            "state": self.state, "source": self.source,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "reason": self.reason,
            "next_update": self.next_update.isoformat() if self.next_update else None,
            "stale": self.stale,
        }  # fmt: skip


@dataclass(frozen=True)
class KeptCrl:
    """One kept CRL as ``trust status`` lists it."""

    issuer: str
    this_update: _dt.datetime
    next_update: _dt.datetime | None
    revoked: int
    source: str
    kept_at: str

    @property
    def stale(self) -> bool:
        """Past its ``nextUpdate``: a newer CRL should exist."""
        return self.next_update is not None and self.next_update < _utcnow()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "issuer": self.issuer, "this_update": self.this_update.isoformat(),
            "next_update": self.next_update.isoformat() if self.next_update else None,
            "revoked": self.revoked, "source": self.source, "kept_at": self.kept_at,
            "stale": self.stale,
        }  # fmt: skip


def parse_crl(data: bytes, source: str = "") -> x509.CertificateRevocationList:
    """A CRL from PEM or DER bytes.

    Raises:
        CrlRejected: (reason ``"unreadable"``) neither a PEM nor a DER CRL.
    """
    try:
        if data.lstrip().startswith(b"-----"):
            return x509.load_pem_x509_crl(data.strip())
        return x509.load_der_x509_crl(data)
    except ValueError as exc:
        raise CrlRejected(source, "unreadable") from exc


def revocation_reason(entry: x509.RevokedCertificate) -> str:
    """The entry's CRLReason name (``key_compromise``...), or "" when absent."""
    try:
        return entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.name
    except x509.ExtensionNotFound:
        return ""


def _crl_order(crl: x509.CertificateRevocationList) -> tuple[_dt.datetime, int, int]:
    """Which CRL is newer: thisUpdate, then the cRLNumber (RFC 5280 section 5.2.3), then
    the number of entries (issuers with a one-second clock may issue two in a second)."""
    try:
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except x509.ExtensionNotFound:
        number = 0
    return crl.last_update_utc, number, len(crl)


def _signer_of(
    crl: x509.CertificateRevocationList, authorities: Iterable[x509.Certificate]
) -> x509.Certificate | None:
    for authority in authorities:
        if authority.subject != crl.issuer:
            continue
        try:
            if crl.is_signature_valid(authority.public_key()):  # type: ignore[arg-type]
                return authority
        except (TypeError, ValueError):
            continue
    return None


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

    def _meta(self, der_path: Path) -> dict[str, str]:
        try:
            loaded = json.loads(der_path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}

    def add(
        self,
        crl: x509.CertificateRevocationList,
        authorities: Iterable[x509.Certificate],
        *,
        source: str = "",
    ) -> bool:
        """Keep ``crl`` if a trusted authority signed it and it is newer than the kept one.

        Returns:
            True when ``crl`` is now the kept CRL of its issuer.
        """
        try:
            return self.import_crl(crl, authorities, source=source)
        except CrlRejected as exc:
            logger.info("ignoring a CRL of %s: %s", crl.issuer.rfc4514_string(), exc.reason)
            return False

    def import_crl(
        self,
        crl: x509.CertificateRevocationList,
        authorities: Iterable[x509.Certificate],
        *,
        source: str = "",
    ) -> bool:
        """Like :meth:`add` but saying why a CRL is refused.

        Returns:
            True when kept; False when the very same CRL was already kept.

        Raises:
            CrlRejected: ``"untrusted"`` (no authority signed it) or ``"older"``.
        """
        if _signer_of(crl, authorities) is None:
            raise CrlRejected(source, "untrusted")
        kept = self.get(crl.issuer)
        if kept is not None and _crl_order(kept) >= _crl_order(crl):
            if _crl_order(kept) == _crl_order(crl):
                return False
            raise CrlRejected(source, "older")
        private_dir(self.directory)
        path = self._path_for(crl.issuer)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(crl.public_bytes(serialization.Encoding.DER))
        temporary.replace(path)
        meta = {"source": source, "kept_at": _utcnow().isoformat(timespec="seconds"),
                "issuer": crl.issuer.rfc4514_string()}
        path.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
        logger.info("kept the CRL of %s issued %s (from %s)", crl.issuer.rfc4514_string(),
                    crl.last_update_utc, source or "unknown source")
        return True

    def remember_authority(self, certificate: x509.Certificate) -> None:
        """Keep an intermediate authority (seen on a card, verified against an anchor) so
        that its CRLs can be checked later, e.g. when imported offline."""
        folder = self.directory / "authorities"
        path = folder / f"{certificate.fingerprint(hashes.SHA256()).hex()[:32]}.pem"
        if path.exists():
            return
        private_dir(folder)
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))

    def remembered_authorities(self) -> list[x509.Certificate]:
        """The intermediates kept by :meth:`remember_authority` (to verify again: a
        candidate, never an anchor)."""
        folder = self.directory / "authorities"
        found = []
        for path in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
            try:
                found.append(x509.load_pem_x509_certificate(path.read_bytes()))
            except (OSError, ValueError):
                continue
        return found

    def kept(self) -> list[KeptCrl]:
        """Every kept CRL, by issuer name."""
        found: list[KeptCrl] = []
        for path in sorted(self.directory.glob("*.der")) if self.directory.is_dir() else []:
            try:
                crl = x509.load_der_x509_crl(path.read_bytes())
            except (OSError, ValueError):
                continue
            meta = self._meta(path)
            found.append(KeptCrl(
                issuer=crl.issuer.rfc4514_string(), this_update=crl.last_update_utc,
                next_update=crl.next_update_utc, revoked=len(crl),
                source=meta.get("source", ""), kept_at=meta.get("kept_at", ""),
            ))  # fmt: skip
        return sorted(found, key=lambda k: k.issuer)

    def status(self, certificate: x509.Certificate) -> RevocationStatus:
        """What the kept CRL of ``certificate``'s issuer says of it."""
        crl = self.get(certificate.issuer)
        if crl is None:
            return RevocationStatus("unknown")
        stale = crl.next_update_utc is not None and crl.next_update_utc < _utcnow()
        if stale:
            # The last valid CRL stays the best knowledge we have.
            logger.warning("the CRL of %s is past its next update",
                           certificate.issuer.rfc4514_string())
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is not None:
            return RevocationStatus("revoked", "crl", entry.revocation_date_utc,
                                    revocation_reason(entry), crl.next_update_utc, stale)
        return RevocationStatus("good", "crl", next_update=crl.next_update_utc, stale=stale)

    def check(self, certificate: x509.Certificate) -> bool | None:
        """Check ``certificate`` against its issuer's kept CRL.

        Returns:
            True when a kept CRL lists it as good, None when no CRL is known.

        Raises:
            CertificateRevoked: the certificate is on the CRL.
        """
        status = self.status(certificate)
        if status.state == "revoked" and status.revoked_at is not None:
            raise CertificateRevoked(readable_name(certificate.subject),
                                     certificate.serial_number, status.revoked_at,
                                     status.reason, "crl")
        return True if status.state == "good" else None


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


def distribution_points(certificate: x509.Certificate) -> list[str]:
    """The http(s) URLs of ``certificate``'s CRL distribution points (LDAP ones skipped)."""
    try:
        points = certificate.extensions.get_extension_for_class(
            x509.CRLDistributionPoints
        ).value
    except x509.ExtensionNotFound:
        return []
    return http_urls(name for point in points for name in point.full_name or [])


def http_urls(names: Iterable[x509.GeneralName]) -> list[str]:
    """The http(s) URIs among ``names`` (where CRLs and OCSP answers can be fetched)."""
    return [
        name.value for name in names
        if isinstance(name, x509.UniformResourceIdentifier)
        and name.value.startswith(("http://", "https://"))
    ]  # fmt: skip


class CrlDownloader:
    """Downloads distribution points on daemon threads, one download per URL at a time.

    Args:
        store: where good CRLs are kept.
        fetch: downloads a URL (:func:`http_fetch` by default), raising on failure.
    """

    def __init__(self, store: CrlStore, fetch: Callable[[str], bytes] = http_fetch) -> None:
        self.store = store
        self.fetch = fetch
        self._lock = threading.Lock()
        self._running: dict[str, threading.Thread] = {}
        # A publication point that just failed is not asked again at every connection.
        self._failed: dict[str, float] = {}

    def _download(self, url: str, authorities: Sequence[x509.Certificate]) -> None:
        try:
            crl = parse_crl(self.fetch(url), url)
            self.store.add(crl, authorities, source=url)
        except Exception as exc:  # any failure keeps the last valid CRL
            logger.info("CRL download from %s failed: %s", url, exc)
            with self._lock:
                self._failed[url] = time.monotonic()
        finally:
            with self._lock:
                self._running.pop(url, None)

    def refresh(
        self,
        certificates: Iterable[x509.Certificate],
        authorities: Sequence[x509.Certificate],
        *,
        wait: float = 0.0,
        force: bool = False,
    ) -> None:
        """Download the CRLs of ``certificates`` whose kept CRL is missing or stale.

        Args:
            authorities: who may sign them.
            wait: seconds to wait for the downloads (0: return at once).
            force: download even when the kept CRL is still fresh.
        """
        threads: list[threading.Thread] = []
        now = _utcnow()
        for certificate in certificates:
            kept = self.store.get(certificate.issuer)
            fresh = kept is not None and (
                kept.next_update_utc is None or kept.next_update_utc > now
            )
            if fresh and not force:
                # RFC 5280 section 5.1.2.5: nothing newer is promised before nextUpdate.
                continue
            for url in distribution_points(certificate):
                with self._lock:
                    failed_at = self._failed.get(url)
                    if failed_at is not None and time.monotonic() - failed_at < RETRY_AFTER:
                        continue
                    thread = self._running.get(url)
                    if thread is None:
                        thread = threading.Thread(
                            target=self._download, args=(url, list(authorities)),
                            name=f"crl-download {url}", daemon=True,
                        )  # fmt: skip
                        self._running[url] = thread
                        thread.start()
                threads.append(thread)
        deadline = _utcnow() + _dt.timedelta(seconds=wait)
        for thread in threads:
            remaining = (deadline - _utcnow()).total_seconds()
            if remaining <= 0:
                break
            thread.join(remaining)
