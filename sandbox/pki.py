"""A test PKI shaped like IGC-Santé TEST, written under one directory.

Layout (all PEM)::

    root.pem / root.key                 TEST AC RACINE IGC-SANTE ELEMENTAIRE
    persons-ca.pem / persons-ca.key     TEST AC IGC-SANTE ELEMENTAIRE PERSONNES
    orgs-ca.pem / orgs-ca.key           TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS
    chain.pem                           root + both intermediates
    crl-{root,persons,orgs}.pem         one CRL per CA
    crl.pem                             all CRLs concatenated (what Dovecot's ssl_ca needs)
    crl-{root,persons,orgs}.crl         the same CRLs in DER, as IGC-Santé publishes them
    revoked.json                        serials revoked so far (per CA)
    pki.json                            where the CRLs and OCSP answers are served

Certificates name their CRL distribution point and OCSP responder on loopback
(``http://127.0.0.1:<port>/crl/persons.crl``, ``.../ocsp/persons``), a port chosen when the
PKI is built and kept in ``pki.json``; :mod:`sandbox.crl_server` serves them.

``build_pki`` reloads an existing directory, so a PKI survives a sandbox restart and
certificates issued earlier stay valid.

Shapes follow the observed CPS certificates: the subject is
``C=FR, title=<profession>, CN=<national id>+SN=<family>+GN=<given>`` where the last RDN is
multi-valued; issuers carry ``O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE TEST``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, ip_address
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from sandbox.processes import HOST, free_ports

__all__ = [
    "ORGS_CA_CN",
    "PERSONS_CA_CN",
    "ROOT_CN",
    "Pki",
    "build_pki",
    "ca_name",
    "generate_rsa_key",
    "load_pki",
    "person_name",
    "write_pkcs12",
    "write_private_key",
]

logger = logging.getLogger(__name__)

ROOT_CN = "TEST AC RACINE IGC-SANTE ELEMENTAIRE"
PERSONS_CA_CN = "TEST AC IGC-SANTE ELEMENTAIRE PERSONNES"
ORGS_CA_CN = "TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS"

# PKIs built before the CRLs were served on loopback name this host; nothing answers there.
_LEGACY_BASE_URL = "http://igc-sante.sandbox.invalid/"
_CA_KEYS = {"root": ROOT_CN, "persons": PERSONS_CA_CN, "orgs": ORGS_CA_CN}
_ONE_DAY = _dt.timedelta(days=1)


def generate_rsa_key() -> rsa.RSAPrivateKey:
    """Return a fresh RSA-2048 key (the size of CPS and IGC-Santé keys)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def write_private_key(key: rsa.RSAPrivateKey, path: Path) -> None:
    """Write ``key`` unencrypted in PKCS#8 PEM, readable by the owner only."""
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def ca_name(common_name: str) -> x509.Name:
    """The DN of an IGC-Santé TEST authority."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ASIP-SANTE"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "0002 187512751"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "IGC-SANTE TEST"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def person_name(national_id: str, family_name: str, given_name: str, profession: str) -> x509.Name:
    """The DN of a CPS certificate: ``C=FR, title=..., CN=id+SN=family+GN=given``."""
    return x509.Name(
        [
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COUNTRY_NAME, "FR")]),
            x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.TITLE, profession)]),
            x509.RelativeDistinguishedName(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, national_id),
                    x509.NameAttribute(NameOID.SURNAME, family_name),
                    x509.NameAttribute(NameOID.GIVEN_NAME, given_name),
                ]
            ),
        ]
    )


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def _entity_name(organisation: str, unit: str, common_name: str) -> x509.Name:
    """The DN of a server or organisation certificate: ``C=FR, O=..., OU=..., CN=...``."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(
    *, digital_signature: bool = False, content_commitment: bool = False,
    key_encipherment: bool = False, key_cert_sign: bool = False, crl_sign: bool = False,
) -> x509.KeyUsage:
    """A keyUsage with the named bits set (the others, never used here, off)."""
    return x509.KeyUsage(
        digital_signature=digital_signature, content_commitment=content_commitment,
        key_encipherment=key_encipherment, data_encipherment=False, key_agreement=False,
        key_cert_sign=key_cert_sign, crl_sign=crl_sign, encipher_only=False,
        decipher_only=False,
    )


def _ocsp_failure(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )


@dataclass
class _Authority:
    key_name: str
    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    base_url: str = _LEGACY_BASE_URL

    @property
    def crl_url(self) -> str:
        return f"{self.base_url}crl/{self.key_name}.crl"

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}ocsp/{self.key_name}"


def _distribution_point(issuer: _Authority) -> x509.CRLDistributionPoints:
    """The cRLDistributionPoints naming ``issuer``'s CRL."""
    return x509.CRLDistributionPoints(
        [
            x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(issuer.crl_url)],
                relative_name=None,
                reasons=None,
                crl_issuer=None,
            )
        ]
    )


@dataclass
class Pki:
    """An IGC-Santé-TEST-shaped PKI living in :attr:`directory`.

    Build it with :func:`build_pki`. Issuing methods return certificates; revocation rewrites
    the CRL files at once.
    """

    directory: Path
    _root: _Authority
    _persons: _Authority
    _orgs: _Authority
    _revoked: dict[str, dict[str, str]] = field(default_factory=dict)

    # -- certificates and files -------------------------------------------------------
    @property
    def root_cert(self) -> x509.Certificate:
        """The self-signed root (``TEST AC RACINE IGC-SANTE ELEMENTAIRE``)."""
        return self._root.cert

    @property
    def persons_ca_cert(self) -> x509.Certificate:
        """The CA issuing CPS (person) certificates."""
        return self._persons.cert

    @property
    def orgs_ca_cert(self) -> x509.Certificate:
        """The CA issuing server and organisation (applicative) certificates."""
        return self._orgs.cert

    @property
    def root_pem(self) -> Path:
        """The root certificate, PEM."""
        return self.directory / "root.pem"

    @property
    def persons_ca_pem(self) -> Path:
        """The PERSONNES intermediate, PEM."""
        return self.directory / "persons-ca.pem"

    @property
    def orgs_ca_pem(self) -> Path:
        """The ORGANISATIONS intermediate, PEM."""
        return self.directory / "orgs-ca.pem"

    @property
    def chain_pem(self) -> Path:
        """Root + both intermediates, PEM: the trust file for clients and servers."""
        return self.directory / "chain.pem"

    @property
    def crl_pem(self) -> Path:
        """All three CRLs concatenated, PEM."""
        return self.directory / "crl.pem"

    def crl_path(self, ca: Literal["root", "persons", "orgs"]) -> Path:
        """The CRL file of one authority."""
        return self.directory / f"crl-{ca}.pem"

    def crl_der_path(self, ca: str) -> Path:
        """The DER CRL of one authority (what the distribution point serves)."""
        return self.directory / f"crl-{ca}.crl"

    @property
    def base_url(self) -> str:
        """Where :mod:`sandbox.crl_server` serves this PKI (``http://127.0.0.1:PORT/``)."""
        return self._persons.base_url

    @property
    def serving_port(self) -> int | None:
        """The loopback port of the CRL/OCSP server, None for a PKI built without one."""
        if self.base_url == _LEGACY_BASE_URL:
            return None
        return int(self.base_url.rstrip("/").rsplit(":", 1)[1])

    def crl_url(self, ca: str) -> str:
        """The distribution point of one authority's CRL."""
        return self._authority_by_key(ca).crl_url

    def _authority_by_key(self, ca: str) -> _Authority:
        for authority in (self._root, self._persons, self._orgs):
            if authority.key_name == ca:
                return authority
        raise KeyError(ca)

    # -- issuing ----------------------------------------------------------------------
    def _builder(
        self,
        issuer: _Authority,
        subject: x509.Name,
        public_key: CertificateIssuerPublicKeyTypes,
        not_before: _dt.datetime | None,
        not_after: _dt.datetime | None,
        days: int,
    ) -> x509.CertificateBuilder:
        start = not_before or (_now() - _ONE_DAY)
        end = not_after or (start + _dt.timedelta(days=days))
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                critical=False,
            )
            .add_extension(_distribution_point(issuer), critical=False)
            .add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(issuer.ocsp_url),
                        )
                    ]
                ),
                critical=False,
            )
        )

    def issue_person_certificate(
        self,
        public_key: CertificateIssuerPublicKeyTypes,
        *,
        national_id: str,
        family_name: str,
        given_name: str,
        profession: str,
        usage: Literal["auth", "sign"],
        not_before: _dt.datetime | None = None,
        not_after: _dt.datetime | None = None,
        email: str | None = None,
    ) -> x509.Certificate:
        """Issue a CPS-shaped certificate from the PERSONNES CA.

        ``usage="auth"``: digitalSignature + EKU clientAuth (TLS client authentication);
        ``usage="sign"``: nonRepudiation (qualified-style signature key).
        ``email`` adds an rfc822Name subjectAltName (the mailbox), as some CPS profiles do.
        """
        subject = person_name(national_id, family_name, given_name, profession)
        builder = self._builder(self._persons, subject, public_key, not_before, not_after, 3 * 365)
        if usage == "auth":
            key_usage = _key_usage(digital_signature=True)
            builder = builder.add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
                ),
                critical=False,
            )
        elif usage == "sign":
            key_usage = _key_usage(content_commitment=True)
        else:
            raise ValueError(f"usage must be 'auth' or 'sign', not {usage!r}")
        builder = builder.add_extension(key_usage, critical=True)
        if email:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
            )
        cert = builder.sign(self._persons.key, hashes.SHA256())
        logger.debug("issued %s person certificate for %s", usage, national_id)
        return cert

    def issue_server_certificate(
        self, hostnames: list[str] | tuple[str, ...] = ("localhost", "127.0.0.1")
    ) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """Issue a TLS server certificate from the ORGANISATIONS CA.

        Each hostname that parses as an IP address becomes an iPAddress SAN, the others
        dNSName SANs; the first one is the CN.
        """
        key = generate_rsa_key()
        names: list[x509.GeneralName] = []
        for host in hostnames:
            try:
                address = ip_address(host)
            except ValueError:
                names.append(x509.DNSName(host))
            else:
                names.append(x509.IPAddress(IPv4Address(address)))
        subject = _entity_name("OPERATEUR SANDBOX MSSANTE", "0002 187512751", hostnames[0])
        builder = self._builder(self._orgs, subject, key.public_key(), None, None, 2 * 365)
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = self._sign_entity(
            builder, _key_usage(digital_signature=True, key_encipherment=True),
            ExtendedKeyUsageOID.SERVER_AUTH,
        )
        return cert, key

    def issue_organisation_certificate(
        self, common_name: str, public_key: CertificateIssuerPublicKeyTypes
    ) -> x509.Certificate:
        """Issue an organisation (applicative mailbox) client certificate."""
        subject = _entity_name("HOPITAL SANDBOX", "10B0012345", common_name)
        return self._sign_entity(
            self._builder(self._orgs, subject, public_key, None, None, 3 * 365),
            _key_usage(digital_signature=True), ExtendedKeyUsageOID.CLIENT_AUTH,
        )

    def _sign_entity(
        self, builder: x509.CertificateBuilder, key_usage: x509.KeyUsage,
        extended_usage: x509.ObjectIdentifier,
    ) -> x509.Certificate:
        """Finish a server or organisation certificate and sign it with the ORGANISATIONS CA."""
        return (
            builder.add_extension(key_usage, critical=True)
            .add_extension(x509.ExtendedKeyUsage([extended_usage]), critical=False)
            .sign(self._orgs.key, hashes.SHA256())
        )

    def issue_organisation_pkcs12(
        self, common_name: str, password: str, path: Path
    ) -> x509.Certificate:
        """Issue an organisation certificate and write key + cert + chain as PKCS#12."""
        key = generate_rsa_key()
        cert = self.issue_organisation_certificate(common_name, key.public_key())
        write_pkcs12(path, key, cert, [self.orgs_ca_cert, self.root_cert], password, common_name)
        return cert

    # -- revocation -------------------------------------------------------------------
    def _authority_of(self, cert: x509.Certificate) -> _Authority:
        for authority in (self._persons, self._orgs, self._root):
            if cert.issuer == authority.cert.subject:
                return authority
        raise ValueError(f"certificate {cert.subject.rfc4514_string()} is not from this PKI")

    def revoke(self, cert: x509.Certificate) -> None:
        """Revoke ``cert`` (keyCompromise) and rewrite the CRLs (PEM and DER)."""
        authority = self._authority_of(cert)
        # Several Pki objects (processes, fixtures) may share the directory: merge with what
        # is on disk under a lock rather than overwrite another one's revocations.
        with _locked(self.directory):
            self._reload_revoked()
            entries = self._revoked.setdefault(authority.key_name, {})
            entries[str(cert.serial_number)] = _now().isoformat()
            (self.directory / "revoked.json").write_text(json.dumps(self._revoked, indent=1))
            self._write_crls()
        logger.info("revoked %s", cert.subject.rfc4514_string())

    def is_revoked(self, cert: x509.Certificate) -> bool:
        """Whether ``cert`` has been revoked by this PKI."""
        try:
            authority = self._authority_of(cert)
        except ValueError:
            return False
        return str(cert.serial_number) in self._revoked.get(authority.key_name, {})

    def _reload_revoked(self) -> None:
        revoked_file = self.directory / "revoked.json"
        if revoked_file.exists():
            on_disk: dict[str, dict[str, str]] = json.loads(revoked_file.read_text())
            for key, entries in on_disk.items():
                self._revoked.setdefault(key, {}).update(entries)

    def write_crls(self) -> None:
        """Write one CRL per authority and the concatenated ``crl.pem`` (valid 7 days)."""
        with _locked(self.directory):
            self._reload_revoked()
            self._write_crls()

    def signed_crl(
        self, ca: Literal["root", "persons", "orgs"], *, this_update: _dt.datetime,
        next_update: _dt.datetime,
    ) -> x509.CertificateRevocationList:
        """A CRL of ``ca`` with the given dates and no entry (e.g. one already past its
        ``nextUpdate``, as a client keeps it when the publication point is down)."""
        authority = self._authority_by_key(ca)
        return (
            x509.CertificateRevocationListBuilder()
            .issuer_name(authority.cert.subject)
            .last_update(this_update)
            .next_update(next_update)
            .add_extension(x509.CRLNumber(int(this_update.timestamp())), critical=False)
            .sign(authority.key, hashes.SHA256())
        )

    def _write_crls(self) -> None:
        now = _now()
        blobs: list[bytes] = []
        for authority in (self._root, self._persons, self._orgs):
            builder = (
                x509.CertificateRevocationListBuilder()
                .issuer_name(authority.cert.subject)
                .last_update(now - _dt.timedelta(minutes=5))
                .next_update(now + _dt.timedelta(days=7))
                .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(
                        authority.key.public_key()
                    ),
                    critical=False,
                )
            )
            for serial, when in self._revoked.get(authority.key_name, {}).items():
                builder = builder.add_revoked_certificate(
                    x509.RevokedCertificateBuilder()
                    .serial_number(int(serial))
                    .revocation_date(_dt.datetime.fromisoformat(when))
                    .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), False)
                    .build()
                )
            crl = builder.sign(authority.key, hashes.SHA256())
            blob = crl.public_bytes(serialization.Encoding.PEM)
            # Write then rename: servers may be reading the file right now.
            target = self.crl_path(authority.key_name)  # type: ignore[arg-type]
            _atomic_write(target, blob)
            _atomic_write(self.crl_der_path(authority.key_name),
                          crl.public_bytes(serialization.Encoding.DER))
            blobs.append(blob)
        _atomic_write(self.crl_pem, b"".join(blobs))

    def ocsp_answer(self, ca: str, request_der: bytes) -> bytes:
        """An OCSP response (RFC 6960) from authority ``ca`` for a DER request.

        The authority signs its answers itself (RFC 6960 section 4.2.2.2, first case);
        unknown serials are answered "unknown", requests for another CA "unauthorized".
        """
        try:
            authority = self._authority_by_key(ca)
            request = ocsp.load_der_ocsp_request(request_der)
        except (KeyError, ValueError):
            return _ocsp_failure(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        with _locked(self.directory):
            self._reload_revoked()
        mine = _cert_id_hashes(authority.cert, request.hash_algorithm)
        if (request.issuer_name_hash, request.issuer_key_hash) != mine:
            return _ocsp_failure(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        revoked_at = self._revoked.get(ca, {}).get(str(request.serial_number))
        now = _now()
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number, algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD,
            this_update=now - _dt.timedelta(minutes=1), next_update=now + _ONE_DAY,
            revocation_time=_dt.datetime.fromisoformat(revoked_at) if revoked_at else None,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, authority.cert)
        return builder.sign(authority.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )


def _cert_id_hashes(
    issuer: x509.Certificate, algorithm: hashes.HashAlgorithm
) -> tuple[bytes, bytes]:
    """RFC 6960 section 4.1.1 CertID: hash of the issuer's DN and of its public key bits
    (for RSA the BIT STRING holds the PKCS#1 RSAPublicKey)."""
    name = hashes.Hash(algorithm)
    name.update(issuer.subject.public_bytes())
    spki = issuer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    key = hashes.Hash(algorithm)
    key.update(spki)
    return name.finalize(), key.finalize()


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_pkcs12(
    path: Path,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    password: str,
    friendly_name: str,
) -> None:
    """Write a password-protected PKCS#12 (AES-256, what current OpenSSL reads)."""
    blob = pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        key,
        cert,
        chain,
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
    path.write_bytes(blob)
    path.chmod(0o600)


def _make_ca(
    key_name: str,
    issuer: _Authority | None,
    *,
    path_length: int | None,
    base_url: str,
) -> _Authority:
    key = generate_rsa_key()
    subject = ca_name(_CA_KEYS[key_name])
    signer_key = issuer.key if issuer else key
    start = _now() - _ONE_DAY
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + _dt.timedelta(days=(20 if issuer is None else 10) * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), False
        )
    )
    if issuer is not None:
        builder = builder.add_extension(_distribution_point(issuer), critical=False)
    cert = builder.sign(signer_key, hashes.SHA256())
    return _Authority(key_name, cert, key, base_url)


def _load_authority(
    directory: Path, key_name: str, file_stem: str, base_url: str
) -> _Authority:
    cert = x509.load_pem_x509_certificate((directory / f"{file_stem}.pem").read_bytes())
    key = serialization.load_pem_private_key(
        (directory / f"{file_stem}.key").read_bytes(), password=None
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"{file_stem}.key is not an RSA key")
    return _Authority(key_name, cert, key, base_url)


_FILES = {"root": "root", "persons": "persons-ca", "orgs": "orgs-ca"}


def load_pki(directory: Path) -> Pki:
    """Load the PKI that :func:`build_pki` wrote under ``directory``, writing nothing.

    For another process that issues certificates from a PKI its parent built (the
    virtual card's provisioning): the files of a running sandbox stay untouched.

    Raises:
        FileNotFoundError: no PKI in ``directory``.
    """
    settings = directory / "pki.json"
    base_url = _LEGACY_BASE_URL
    if settings.exists():
        base_url = str(json.loads(settings.read_text())["base_url"])
    root = _load_authority(directory, "root", "root", base_url)
    persons = _load_authority(directory, "persons", "persons-ca", base_url)
    orgs = _load_authority(directory, "orgs", "orgs-ca", base_url)
    revoked_file = directory / "revoked.json"
    revoked = json.loads(revoked_file.read_text()) if revoked_file.exists() else {}
    return Pki(directory, root, persons, orgs, revoked)


def build_pki(directory: Path) -> Pki:
    """Create (or reload) the test PKI under ``directory`` and write its CRLs.

    A new PKI picks a free loopback port for its CRL and OCSP server and names it in every
    certificate (kept in ``pki.json``; :mod:`sandbox.crl_server` binds it).

    Args:
        directory: created if missing; an existing PKI in it is reused as is.
    Returns:
        the :class:`Pki`, with ``chain.pem`` and the CRL files written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    settings = directory / "pki.json"
    if (directory / "root.key").exists():
        pki = load_pki(directory)
        root, persons, orgs = pki._root, pki._persons, pki._orgs
        revoked = pki._revoked
    else:
        base_url = f"http://{HOST}:{free_ports(1)[0]}/"
        settings.write_text(json.dumps({"base_url": base_url}))
        root = _make_ca("root", None, path_length=1, base_url=base_url)
        # Intermediates issue end-entity certificates only (pathlen 0).
        persons = _make_ca("persons", root, path_length=0, base_url=base_url)
        orgs = _make_ca("orgs", root, path_length=0, base_url=base_url)
        for authority in (root, persons, orgs):
            stem = _FILES[authority.key_name]
            (directory / f"{stem}.pem").write_bytes(
                authority.cert.public_bytes(serialization.Encoding.PEM)
            )
            write_private_key(authority.key, directory / f"{stem}.key")
        revoked = {}
        logger.info("built test PKI in %s", directory)
    pki = Pki(directory, root, persons, orgs, revoked)
    pki.chain_pem.write_bytes(
        b"".join(
            a.cert.public_bytes(serialization.Encoding.PEM) for a in (root, persons, orgs)
        )
    )
    pki.write_crls()
    return pki
