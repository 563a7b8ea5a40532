"""The bridge's local TLS certificate: generated once per installation, kept under the
application's data directory, exportable as PEM so a mail client can trust it.

Two certificates, ECDSA P-256: a local CA and the server certificate it signs for
``localhost`` and ``127.0.0.1`` (RFC 5280 subjectAltName). The exported PEM (what the
mail client trusts) is the CA: Thunderbird's verifier (mozilla::pkix) refuses a
self-signed end-entity certificate even when trusted as a peer in NSS, and accepts a CA
trusted with ``certutil -t "C,,"`` (seen with Thunderbird 153 ESR). The CA is harmless
beyond the bridge: its name constraints (RFC 5280 section 4.2.1.10) only allow
``localhost`` and 127.0.0.0/8, and its private key is thrown away once the server
certificate is signed, so nothing else can ever be issued under it. No admin rights, no
system trust store change. The server key file is owner-only.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from client.bridge.errors import LocalCertificateError
from client.paths import app_paths, private_dir

__all__ = ["LocalCertificate", "default_certificate_dir", "load_or_create_certificate"]

logger = logging.getLogger(__name__)

_VALIDITY_DAYS = 825  # the longest validity clients accept for a server certificate
_CA = "bridge-ca.pem"
_CHAIN = "bridge-cert.pem"
_KEY = "bridge-key.pem"


def default_certificate_dir() -> Path:
    """``<data>/bridge`` under the application's directories."""
    return app_paths().data / "bridge"


@dataclass(frozen=True)
class LocalCertificate:
    """The bridge's certificate files.

    Attributes:
        cert_path: the local CA certificate (PEM): what the mail client trusts/exports.
        chain_path: the server certificate followed by the CA (what the bridge presents).
        key_path: the server key (owner-only).
    """

    cert_path: Path
    chain_path: Path
    key_path: Path

    @property
    def pem(self) -> bytes:
        """The certificate the mail client trusts (PEM)."""
        return self.cert_path.read_bytes()

    @property
    def certificate(self) -> x509.Certificate:
        """The parsed certificate."""
        return x509.load_pem_x509_certificate(self.pem)

    @property
    def fingerprint(self) -> str:
        """SHA-256 fingerprint, ``AB:CD:...`` as mail clients display it."""
        digest = self.certificate.fingerprint(hashes.SHA256())
        return ":".join(f"{b:02X}" for b in digest)

    @property
    def not_after(self) -> datetime.datetime:
        """End of validity (UTC)."""
        return self.certificate.not_valid_after_utc

    def export(self, target: Path) -> Path:
        """Write the certificate (never the key) to ``target``; returns the path.

        Raises:
            LocalCertificateError: the file cannot be written.
        """
        try:
            target.write_bytes(self.pem)
        except OSError as exc:
            raise LocalCertificateError(str(target), exc.strerror or str(exc)) from exc
        return target

    def server_context(self) -> ssl.SSLContext:
        """A server-side TLS context (TLS 1.2 minimum) for the bridge's listeners."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(str(self.chain_path), str(self.key_path))
        except (OSError, ssl.SSLError) as exc:
            raise LocalCertificateError(str(self.cert_path), str(exc)) from exc
        return context


def _generate(ca_path: Path, chain_path: Path, key_path: Path) -> None:
    now = datetime.datetime.now(datetime.UTC)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(
        days=_VALIDITY_DAYS)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "Compagnon MSSante local bridge CA"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Compagnon MSSante"),
        # A per-installation serial in the name: two installations never share a name.
        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"{x509.random_serial_number():x}"[:32]),
    ])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.NameConstraints(
            permitted_subtrees=[x509.DNSName("localhost"),
                                x509.IPAddress(ipaddress.ip_network("127.0.0.0/8"))],
            excluded_subtrees=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    del ca_key  # never stored: nothing else can be issued under this CA
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Key first, owner-only from creation (no window with default permissions).
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    chain_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + ca_pem)
    ca_path.write_bytes(ca_pem)


def load_or_create_certificate(directory: Path | None = None) -> LocalCertificate:
    """The installation's bridge certificate, created on first use or when expired.

    Raises:
        LocalCertificateError: the directory or files cannot be written or read.
    """
    folder = directory or default_certificate_dir()
    cert_path, chain_path, key_path = folder / _CA, folder / _CHAIN, folder / _KEY
    try:
        private_dir(folder)
        if cert_path.exists() and chain_path.exists() and key_path.exists():
            current = LocalCertificate(cert_path, chain_path, key_path)
            try:
                expired = current.not_after < datetime.datetime.now(datetime.UTC) + (
                    datetime.timedelta(days=7))
            except ValueError as exc:
                raise LocalCertificateError(str(cert_path), f"unreadable: {exc}") from exc
            if not expired:
                return current
            logger.info("bridge certificate expires soon: making a new one")
        _generate(cert_path, chain_path, key_path)
    except OSError as exc:
        raise LocalCertificateError(str(folder), exc.strerror or str(exc)) from exc
    logger.info("bridge certificate created in %s", folder)
    return LocalCertificate(cert_path, chain_path, key_path)
