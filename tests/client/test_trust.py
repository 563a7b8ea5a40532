"""Trust: server chains against anchors (host, validity, self-signed) and kept CRLs."""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from client.trust import (
    CertificateRevoked,
    CrlStore,
    HostnameMismatch,
    SelfSignedServer,
    ServerCertificateError,
    ServerCertificateExpired,
    TrustStore,
    load_pem_objects,
)
from sandbox.pki import Pki, generate_rsa_key


@pytest.fixture(scope="module")
def server_chain(sandbox_pki: Pki) -> list[x509.Certificate]:
    cert, _key = sandbox_pki.issue_server_certificate(("imap.sandbox.test", "127.0.0.1"))
    return [cert, sandbox_pki.orgs_ca_cert]


@pytest.fixture()
def store(sandbox_pki: Pki, tmp_path: Path) -> TrustStore:
    return TrustStore.from_files(
        [sandbox_pki.chain_pem], use_system=False, crls=CrlStore(tmp_path / "crl")
    )


def test_good_chain_for_name_and_address(
    store: TrustStore, server_chain: list[x509.Certificate], sandbox_pki: Pki
) -> None:
    path = store.verify_server(server_chain, "imap.sandbox.test")
    # chain.pem lists the intermediates as anchors too: the path may stop at one of them.
    assert path[-1] in (sandbox_pki.root_cert, sandbox_pki.orgs_ca_cert)
    root_only = TrustStore.from_files([sandbox_pki.root_pem], use_system=False)
    assert root_only.verify_server(server_chain, "imap.sandbox.test")[-1] == sandbox_pki.root_cert
    assert store.verify_server(server_chain, "127.0.0.1")[0] == server_chain[0]


def test_other_host_is_refused(store: TrustStore, server_chain: list[x509.Certificate]) -> None:
    with pytest.raises(HostnameMismatch) as info:
        store.verify_server(server_chain, "smtp.elsewhere.test")
    assert info.value.host == "smtp.elsewhere.test"


def test_expired_is_refused(store: TrustStore, server_chain: list[x509.Certificate]) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    with pytest.raises(ServerCertificateExpired):
        store.verify_server(server_chain, "127.0.0.1", now=later)


def test_self_signed_is_refused(store: TrustStore) -> None:
    key = generate_rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=9))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    with pytest.raises(SelfSignedServer):
        store.verify_server([cert], "localhost")


def test_unknown_authority_is_refused(
    server_chain: list[x509.Certificate], tmp_path: Path
) -> None:
    bare = TrustStore(use_system=True, crls=CrlStore(tmp_path))
    with pytest.raises(ServerCertificateError) as info:
        bare.verify_server(server_chain, "127.0.0.1")
    assert type(info.value) is ServerCertificateError


def test_shipped_igc_sante_root_is_an_anchor(tmp_path: Path) -> None:
    store = TrustStore(use_system=False, crls=CrlStore(tmp_path))
    names = [a.subject.rfc4514_string() for a in store.anchors]
    assert any("AC RACINE IGC-SANTE ELEMENTAIRE" in n for n in names)


def test_ssl_context_refuses_below_tls12(store: TrustStore) -> None:
    context = store.ssl_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED


def test_revoked_card_certificate(sandbox_pki: Pki, tmp_path: Path) -> None:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="810000000001", family_name="REVOQUE",
        given_name="ANNE", profession="Médecin", usage="auth",
    )
    crls = CrlStore(tmp_path / "crl")
    store = TrustStore.from_files([sandbox_pki.chain_pem], use_system=False, crls=crls)
    assert store.check_revocation(cert) is None  # no CRL of PERSONNES kept yet
    first = sandbox_pki.crl_path("persons").read_bytes()
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return first

    # No CRL kept: it is downloaded from the certificate's distribution point.
    assert store.check_revocation(cert, fetch=fetch) is True
    assert fetched == [sandbox_pki.crl_url("persons")]
    # Kept and not past nextUpdate: no download.
    assert store.check_revocation(cert, fetch=fetch) is True
    assert len(fetched) == 1

    sandbox_pki.revoke(cert)
    newer = load_pem_objects(sandbox_pki.crl_path("persons").read_bytes())[1][0]
    assert crls.add(newer, store.anchors)  # a newer CRL replaces the kept one
    with pytest.raises(CertificateRevoked) as info:
        store.check_revocation(cert)
    assert info.value.serial == cert.serial_number
    # The last valid CRL was kept on disk: a new store (offline) still knows.
    offline = TrustStore(use_system=False, crls=CrlStore(tmp_path / "crl"))
    with pytest.raises(CertificateRevoked):
        offline.check_revocation(cert, fetch=lambda url: (_ for _ in ()).throw(OSError("down")))
    # An older CRL never replaces a newer one.
    assert not crls.add(load_pem_objects(first)[1][0], store.anchors)


def test_crl_not_signed_by_an_anchor_is_ignored(sandbox_pki: Pki, tmp_path: Path) -> None:
    crl = load_pem_objects(sandbox_pki.crl_path("persons").read_bytes())[1][0]
    crls = CrlStore(tmp_path)
    assert not crls.add(crl, [])
    assert crls.get(crl.issuer) is None
