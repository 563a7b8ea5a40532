"""Revocation as IGC-Santé publishes it, against the sandbox PKI's real publication point:
CRLs downloaded from the distribution points, kept with their nextUpdate, the last valid
CRL kept when the network fails, OCSP where a certificate names a responder, CRL import."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from client.trust import (
    CertificateRevoked,
    CrlRejected,
    CrlStore,
    ServerCertificateRevoked,
    TrustStore,
    distribution_points,
    http_fetch,
    http_post_ocsp,
    ocsp_urls,
)
from sandbox.crl_server import CrlServer
from sandbox.pki import Pki, build_pki, generate_rsa_key


def _person(pki: Pki, name: str) -> x509.Certificate:
    return pki.issue_person_certificate(
        generate_rsa_key().public_key(), national_id="810000000099", family_name=name,
        given_name="ANNE", profession="Médecin", usage="auth",
    )  # fmt: skip


@pytest.fixture()
def store(sandbox_pki: Pki, tmp_path: Path) -> TrustStore:
    return TrustStore.from_files([sandbox_pki.root_pem], use_system=False,
                                 crls=CrlStore(tmp_path / "crl"), crl_fetch=http_fetch)


def test_certificates_name_loopback_publication_points(sandbox_pki: Pki) -> None:
    cert = _person(sandbox_pki, "POINTS")
    assert distribution_points(cert) == [sandbox_pki.crl_url("persons")]
    assert distribution_points(cert)[0].startswith("http://127.0.0.1:")
    assert ocsp_urls(cert) == [f"{sandbox_pki.base_url}ocsp/persons"]


def test_crl_downloaded_kept_and_revocation_seen(
    sandbox_pki: Pki, sandbox_crl_server: CrlServer, store: TrustStore
) -> None:
    cert = _person(sandbox_pki, "TELECHARGE")
    chain = [sandbox_pki.persons_ca_cert]
    # The PERSONNES CA is not an anchor here (root only): the card's chain vouches for it.
    assert store.check_revocation(cert, http_fetch, chain=chain) is True
    [kept] = [k for k in store.crls.kept() if "PERSONNES" in k.issuer]
    assert kept.source == sandbox_pki.crl_url("persons")
    assert kept.next_update is not None and kept.next_update > dt.datetime.now(dt.UTC)
    assert not kept.stale

    sandbox_pki.revoke(cert)
    # Kept CRL still fresh: no download, so still "good" per the kept CRL...
    assert store.revocation_status(cert, chain=chain, fetch=http_fetch).state == "good"
    # ...but OCSP, when the certificate names a responder, knows at once.
    status = store.revocation_status(cert, chain=chain, fetch=http_fetch,
                                     ocsp_post=http_post_ocsp)
    assert (status.state, status.source, status.reason) == ("revoked", "ocsp", "key_compromise")
    with pytest.raises(CertificateRevoked) as info:
        store.check_revocation(cert, http_fetch, chain=chain, ocsp_post=http_post_ocsp)
    assert info.value.revocation_reason == "key_compromise"
    assert info.value.source == "ocsp"
    assert info.value.revoked_at.date() == dt.datetime.now(dt.UTC).date()


def test_crl_downloaded_then_last_valid_kept_when_offline(
    sandbox_pki: Pki, sandbox_crl_server: CrlServer, tmp_path: Path
) -> None:
    cert = _person(sandbox_pki, "HORSLIGNE")
    sandbox_pki.revoke(cert)
    crls = CrlStore(tmp_path / "crl")
    store = TrustStore.from_files([sandbox_pki.chain_pem], use_system=False, crls=crls)
    with pytest.raises(CertificateRevoked) as info:
        store.check_revocation(cert, http_fetch)
    assert info.value.revocation_reason == "key_compromise"
    assert info.value.source == "crl"
    # The publication point fails: a new process (new store) still refuses the card.
    sandbox_crl_server.offline()
    try:
        again = TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                      crls=CrlStore(tmp_path / "crl"))
        with pytest.raises(CertificateRevoked):
            again.check_revocation(cert, http_fetch, ocsp_post=http_post_ocsp, wait=2)
    finally:
        sandbox_crl_server.online()


def test_no_publication_point_means_unknown(sandbox_pki: Pki, sandbox_crl_server: CrlServer,
                                            tmp_path: Path) -> None:
    cert = _person(sandbox_pki, "INCONNU")
    sandbox_crl_server.offline()
    try:
        store = TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                      crls=CrlStore(tmp_path / "crl"))
        status = store.revocation_status(cert, fetch=http_fetch, ocsp_post=http_post_ocsp,
                                         wait=2)
        assert status.state == "unknown"
        assert store.check_revocation(cert, http_fetch, wait=2) is None
    finally:
        sandbox_crl_server.online()


def test_import_crl_pem_and_der_checked_against_anchors(
    sandbox_pki: Pki, tmp_path: Path
) -> None:
    store = TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                  crls=CrlStore(tmp_path / "crl"))
    der = sandbox_pki.crl_der_path("persons").read_bytes()
    kept = store.import_crl(der, "persons.crl")
    assert "PERSONNES" in kept.issuer and kept.source == "persons.crl"
    pem = sandbox_pki.crl_path("orgs").read_bytes()
    assert "ORGANISATIONS" in store.import_crl(pem, "orgs.pem").issuer
    with pytest.raises(CrlRejected) as info:
        store.import_crl(b"not a CRL", "junk.crl")
    assert info.value.reason == "unreadable"
    # A CRL from another PKI (same names, other keys) is not signed by our anchors.
    other = build_pki(tmp_path / "other-pki")
    with pytest.raises(CrlRejected) as info:
        store.import_crl(other.crl_der_path("persons").read_bytes(), "other.crl")
    assert info.value.reason == "untrusted"
    # An older CRL never replaces the kept one.
    older = x509.CertificateRevocationListBuilder().issuer_name(
        sandbox_pki.persons_ca_cert.subject
    ).last_update(dt.datetime(2020, 1, 1)).next_update(dt.datetime(2020, 1, 8)).sign(
        sandbox_pki._persons.key, hashes.SHA256()
    )
    with pytest.raises(CrlRejected) as info:
        store.import_crl(older.public_bytes(serialization.Encoding.DER), "old.crl")
    assert info.value.reason == "older"


def test_revoked_server_certificate_is_refused(
    sandbox_pki: Pki, sandbox_crl_server: CrlServer, tmp_path: Path
) -> None:
    cert, _key = sandbox_pki.issue_server_certificate(("imap.revoque.test",))
    chain = [cert, sandbox_pki.orgs_ca_cert]
    store = TrustStore.from_files([sandbox_pki.root_pem], use_system=False,
                                  crls=CrlStore(tmp_path / "crl"), crl_fetch=http_fetch)
    store.verify_server(chain, "imap.revoque.test")  # kept CRLs say nothing yet
    sandbox_pki.revoke(cert)
    # The background download started by the first handshake ran before the revocation;
    # a new store (tomorrow's process) downloads the new CRL.
    fresh = TrustStore.from_files([sandbox_pki.root_pem], use_system=False,
                                  crls=CrlStore(tmp_path / "crl2"), crl_fetch=http_fetch)
    fresh.verify_server(chain, "imap.revoque.test")
    deadline = dt.datetime.now() + dt.timedelta(seconds=10)
    while fresh.crls.get(cert.issuer) is None and dt.datetime.now() < deadline:
        time.sleep(0.05)
    with pytest.raises(ServerCertificateRevoked) as info:
        fresh.verify_server(chain, "imap.revoque.test")
    assert info.value.revocation_reason == "key_compromise"


def test_failed_publication_point_is_not_asked_at_every_connection(
    sandbox_pki: Pki, tmp_path: Path
) -> None:
    cert = _person(sandbox_pki, "RECESSION")
    asked: list[str] = []

    def unreachable(url: str) -> bytes:
        asked.append(url)
        raise OSError("network is unreachable")

    store = TrustStore.from_files([sandbox_pki.chain_pem], use_system=False,
                                  crls=CrlStore(tmp_path / "crl"))
    for _ in range(3):
        assert store.check_revocation(cert, unreachable, wait=2) is None
    assert asked == [sandbox_pki.crl_url("persons")]
