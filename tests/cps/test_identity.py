"""Reading who holds a card from its certificate, and checking it chains to IGC-Santé."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cps.errors import (
    CertificateExpired,
    CertificateMalformed,
    CertificateNotYetValid,
    CertificateUntrusted,
)
from cps.identity import (
    EXTRA_ANCHORS_ENV,
    CardIdentity,
    bundled_anchor_dir,
    load_anchors,
    verify_certificate,
)
from sandbox.pki import Pki

_KEY = ec.generate_private_key(ec.SECP256R1())


def _person(pki: Pki, national_id: str = "810001234567", **kwargs: object) -> x509.Certificate:
    return pki.issue_person_certificate(
        _KEY.public_key(), national_id=national_id, family_name="MARTIN", given_name="JEAN",
        profession="Médecin", usage="auth", **kwargs)  # type: ignore[arg-type]


def test_rpps_identity_from_a_cps_certificate(sandbox_pki: Pki) -> None:
    cert = _person(sandbox_pki)
    identity = CardIdentity.from_certificate(cert)
    assert (identity.national_id, identity.id_type, identity.rpps, identity.adeli) == (
        "810001234567", "RPPS", "10001234567", None)
    assert (identity.family_name, identity.given_name, identity.profession) == (
        "MARTIN", "JEAN", "Médecin")
    assert identity.display_name == "JEAN MARTIN"
    assert "CN=810001234567" in identity.subject and "SN=MARTIN" in identity.subject
    assert identity.issuer.startswith("CN=TEST AC IGC-SANTE ELEMENTAIRE PERSONNES")
    assert identity.not_after == cert.not_valid_after_utc
    assert identity.as_dict()["not_before"] == cert.not_valid_before_utc.isoformat()


def test_adeli_and_other_national_ids(sandbox_pki: Pki) -> None:
    adeli = CardIdentity.from_certificate(_person(sandbox_pki, "0751234567"))
    assert (adeli.id_type, adeli.adeli, adeli.rpps) == ("ADELI", "751234567", None)
    staff = CardIdentity.from_certificate(_person(sandbox_pki, "3123456789"))
    assert (staff.id_type, staff.rpps, staff.adeli) == ("other", None, None)


def _self_signed(name: x509.Name, **validity: dt.datetime) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(_KEY.public_key()).serial_number(1)
        .not_valid_before(validity.get("start", now - dt.timedelta(days=1)))
        .not_valid_after(validity.get("end", now + dt.timedelta(days=1)))
        .sign(_KEY, hashes.SHA256())
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (x509.Name([x509.NameAttribute(NameOID.SURNAME, "MARTIN")]), "no CN"),
        (x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jean martin")]), "not a health"),
        (x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "810001234567")]), "no SN"),
    ],
)
def test_malformed_subjects_are_refused(name: x509.Name, message: str) -> None:
    with pytest.raises(CertificateMalformed, match=message):
        CardIdentity.from_certificate(_self_signed(name))


def test_chain_to_the_test_root(sandbox_pki: Pki) -> None:
    cert = _person(sandbox_pki)
    chain = verify_certificate(cert, [sandbox_pki.root_cert], [sandbox_pki.persons_ca_cert])
    assert [c.subject for c in chain] == [
        cert.subject, sandbox_pki.persons_ca_cert.subject, sandbox_pki.root_cert.subject]


def test_non_igc_sante_issuer_is_untrusted(sandbox_pki: Pki) -> None:
    foreign = _self_signed(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "810001234567"),
                                      x509.NameAttribute(NameOID.SURNAME, "X")]))
    with pytest.raises(CertificateUntrusted, match="not a configured IGC-Santé authority"):
        verify_certificate(foreign, [sandbox_pki.root_cert], [sandbox_pki.persons_ca_cert])
    # The real IGC-Santé root does not vouch for the TEST chain either.
    with pytest.raises(CertificateUntrusted):
        verify_certificate(_person(sandbox_pki), load_anchors(include_env=False),
                           [sandbox_pki.persons_ca_cert])


def test_no_anchor_at_all_is_untrusted(sandbox_pki: Pki) -> None:
    with pytest.raises(CertificateUntrusted, match="no IGC-Santé trust anchor"):
        verify_certificate(_person(sandbox_pki), [], [])


def test_expired_and_not_yet_valid(sandbox_pki: Pki) -> None:
    now = dt.datetime.now(dt.UTC)
    expired = _person(sandbox_pki, not_before=now - dt.timedelta(days=30),
                      not_after=now - dt.timedelta(days=1))
    with pytest.raises(CertificateExpired) as info:
        verify_certificate(expired, [sandbox_pki.root_cert], [sandbox_pki.persons_ca_cert])
    assert info.value.not_after == expired.not_valid_after_utc
    future = _person(sandbox_pki, not_before=now + dt.timedelta(days=2),
                     not_after=now + dt.timedelta(days=30))
    with pytest.raises(CertificateNotYetValid):
        verify_certificate(future, [sandbox_pki.root_cert], [sandbox_pki.persons_ca_cert])
    # Checked "at" a moment inside its validity, the future certificate chains.
    assert verify_certificate(future, [sandbox_pki.root_cert], [sandbox_pki.persons_ca_cert],
                              at=now + dt.timedelta(days=3))


def test_bundled_anchor_is_the_public_igc_sante_root() -> None:
    anchors = load_anchors(include_env=False)
    assert (bundled_anchor_dir() / "AC_RACINE_IGC-SANTE_ELEMENTAIRE.pem").exists()
    fingerprints = {a.fingerprint(hashes.SHA256()).hex().upper() for a in anchors}
    assert "2D9E22CA19F777C6B745257C723ECB8DF3C35FA6F1F6EC36B83600C97346967F" in fingerprints


def test_extra_anchors_from_the_environment(
    sandbox_pki: Pki, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(EXTRA_ANCHORS_ENV, str(sandbox_pki.root_pem))
    anchors = load_anchors()
    assert sandbox_pki.root_cert in anchors
    assert len(anchors) == len(load_anchors(include_env=False)) + 1
    assert verify_certificate(_person(sandbox_pki), anchors, [sandbox_pki.persons_ca_cert])
