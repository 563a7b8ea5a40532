"""PKCS#12 password: from the keyring, else asked once and kept only with consent; a
kept password that no longer works is reported and left in place (never deleted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from client.auth import CertificateFileError, CertificatePasswordRequired, PasswordAnswer
from client.auth.certificate import load_certificate_signer, secret_name
from sandbox.pki import Pki, generate_rsa_key, write_pkcs12
from tests.helpers.fake_keyring import fake_keyring


@pytest.fixture(scope="module")
def p12(sandbox_pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = generate_rsa_key()
    cert = sandbox_pki.issue_organisation_certificate("BAL-APP-TEST", key.public_key())
    path = tmp_path_factory.mktemp("p12") / "bal.p12"
    write_pkcs12(path, key, cert, [sandbox_pki.orgs_ca_cert], "s3cret", "bal")
    return path


def test_asked_once_then_from_the_keyring(p12: Path) -> None:
    asked: list[bool] = []

    def prompt(path: Path, retry: bool) -> PasswordAnswer:
        asked.append(retry)
        return PasswordAnswer("s3cret", remember=True)

    with fake_keyring() as store:
        signer = load_certificate_signer(p12, prompt)
        assert "CN=BAL-APP-TEST" in signer.certificate.subject.rfc4514_string()
        assert signer.chain  # the intermediate travels with the key
        assert store.secrets == {("mssante-companion", secret_name(p12)): "s3cret"}
        load_certificate_signer(p12, prompt)
    assert asked == [False]


def test_not_kept_without_consent(p12: Path) -> None:
    with fake_keyring() as store:
        load_certificate_signer(p12, lambda path, retry: PasswordAnswer("s3cret"))
        assert store.secrets == {}


def test_stale_kept_password_is_reported_not_deleted(p12: Path) -> None:
    with fake_keyring() as store:
        store.secrets[("mssante-companion", secret_name(p12))] = "old"
        retries: list[bool] = []

        def prompt(path: Path, retry: bool) -> PasswordAnswer | None:
            retries.append(retry)
            return None  # the user cancels

        with pytest.raises(CertificatePasswordRequired):
            load_certificate_signer(p12, prompt)
        assert retries == [True]
        assert store.secrets[("mssante-companion", secret_name(p12))] == "old"


def test_not_a_pkcs12(tmp_path: Path) -> None:
    bad = tmp_path / "bal.p12"
    bad.write_bytes(b"not pkcs12")
    with pytest.raises(CertificateFileError) as info:
        load_certificate_signer(bad, lambda path, retry: PasswordAnswer("x"))
    assert info.value.path == bad
    assert type(info.value) is CertificateFileError  # not "password required"
