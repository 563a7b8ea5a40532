"""The test PKI: IGC-Santé TEST shapes, chains that verify, CRLs that revoke."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sandbox.pki import ORGS_CA_CN, PERSONS_CA_CN, ROOT_CN, Pki, build_pki, generate_rsa_key


def _pem(cert: x509.Certificate, path: Path) -> Path:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _openssl_verify(pki: Pki, cert_file: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    cafile = tmp_path / "ca-and-crl.pem"
    cafile.write_bytes(pki.chain_pem.read_bytes() + pki.crl_pem.read_bytes())
    return subprocess.run(
        ["openssl", "verify", "-crl_check_all", "-CAfile", str(cafile), str(cert_file)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_authorities_have_igc_sante_test_names(sandbox_pki: Pki) -> None:
    for cert, cn in (
        (sandbox_pki.root_cert, ROOT_CN),
        (sandbox_pki.persons_ca_cert, PERSONS_CA_CN),
        (sandbox_pki.orgs_ca_cert, ORGS_CA_CN),
    ):
        name = cert.subject
        assert name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == cn
        units = [a.value for a in name.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]
        assert units == ["0002 187512751", "IGC-SANTE TEST"]
        assert name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "ASIP-SANTE"
    for intermediate in (sandbox_pki.persons_ca_cert, sandbox_pki.orgs_ca_cert):
        constraints = intermediate.extensions.get_extension_for_class(x509.BasicConstraints)
        assert constraints.value.ca and constraints.value.path_length == 0
        intermediate.extensions.get_extension_for_class(x509.CRLDistributionPoints)
        assert intermediate.issuer == sandbox_pki.root_cert.subject


def test_person_certificate_is_cps_shaped(sandbox_pki: Pki) -> None:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="810001234567", family_name="MARTIN",
        given_name="JEAN", profession="Médecin", usage="auth",
    )  # fmt: skip
    rdns = list(cert.subject.rdns)
    assert [len(rdn) for rdn in rdns] == [1, 1, 3]  # the last RDN is multi-valued
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "Médecin"
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "810001234567"
    assert cert.subject.get_attributes_for_oid(NameOID.SURNAME)[0].value == "MARTIN"
    assert cert.subject.get_attributes_for_oid(NameOID.GIVEN_NAME)[0].value == "JEAN"
    assert cert.issuer == sandbox_pki.persons_ca_cert.subject
    assert cert.public_key().key_size == 2048  # type: ignore[union-attr]
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.content_commitment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in eku

    signing = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="810001234567", family_name="MARTIN",
        given_name="JEAN", profession="Médecin", usage="sign",
    )  # fmt: skip
    usage = signing.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and not usage.digital_signature


def test_server_and_organisation_certificates(sandbox_pki: Pki, tmp_path: Path) -> None:
    cert, _key = sandbox_pki.issue_server_certificate(["localhost", "127.0.0.1"])
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert cert.issuer == sandbox_pki.orgs_ca_cert.subject
    assert _openssl_verify(sandbox_pki, _pem(cert, tmp_path / "s.pem"), tmp_path).returncode == 0

    p12 = tmp_path / "bal.p12"
    org = sandbox_pki.issue_organisation_pkcs12("BAL-APP-TEST", "secret", p12)
    loaded = pkcs12.load_pkcs12(p12.read_bytes(), b"secret")
    assert loaded.cert is not None and loaded.cert.certificate == org
    assert loaded.key is not None
    assert org.issuer == sandbox_pki.orgs_ca_cert.subject


def test_revocation_rewrites_crl_and_survives_reload(sandbox_pki: Pki, tmp_path: Path) -> None:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_person_certificate(
        key.public_key(), national_id="810000000042", family_name="REVOQUE",
        given_name="PAUL", profession="Médecin", usage="auth",
    )  # fmt: skip
    cert_file = _pem(cert, tmp_path / "p.pem")
    assert _openssl_verify(sandbox_pki, cert_file, tmp_path).returncode == 0
    sandbox_pki.revoke(cert)
    result = _openssl_verify(sandbox_pki, cert_file, tmp_path)
    assert result.returncode != 0
    assert "revoked" in (result.stdout + result.stderr)
    crl = x509.load_pem_x509_crl(sandbox_pki.crl_path("persons").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    reloaded = build_pki(sandbox_pki.directory)
    assert reloaded.is_revoked(cert)
    assert reloaded.root_cert == sandbox_pki.root_cert


def test_unknown_usage_is_refused(sandbox_pki: Pki) -> None:
    with pytest.raises(ValueError, match="usage"):
        sandbox_pki.issue_person_certificate(
            generate_rsa_key().public_key(), national_id="810000000001", family_name="X",
            given_name="Y", profession="Médecin", usage="encrypt",  # type: ignore[arg-type]
        )  # fmt: skip
