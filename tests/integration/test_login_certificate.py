"""certificate sign-in (applicative mailbox, PKCS#12) against the sandbox operator; the
password is asked once and kept in the keyring only with consent; a revoked certificate is
refused by the server, and locally once the CRL is known."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backends import fail

from client.auth import (
    AuthenticationRefused,
    CertificatePasswordRequired,
    CertificateTlsAuthenticator,
    PasswordAnswer,
    build_authenticator,
    trust_for_profile,
)
from client.auth.certificate import load_certificate_signer
from client.profiles import load_profile
from client.profiles.model import Profile
from client.trust import CertificateRevoked
from sandbox.identities import APPLICATIVE
from sandbox.operator import Sandbox
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(6 * LIVE_TIMEOUT)]


@pytest.fixture()
def profile(sandbox_operator: Sandbox) -> Profile:
    return load_profile(sandbox_operator.profile_certificate)


@pytest.fixture(autouse=True)
def no_keyring() -> object:
    """No keyring in this process: the password must come from the prompt."""
    previous = keyring.get_keyring()
    keyring.core.set_keyring(fail.Keyring())
    yield None
    keyring.core.set_keyring(previous)


def test_certificate_sign_in_imap_and_smtp(profile: Profile, sandbox_operator: Sandbox) -> None:
    asked: list[tuple[Path, bool]] = []
    password = sandbox_operator.credentials["applicative"].password

    def prompt(path: Path, retry: bool) -> PasswordAnswer:
        asked.append((path, retry))
        return PasswordAnswer("faux" if not asked[:-1] else password, remember=True)

    auth = build_authenticator(profile, password_prompt=prompt)
    try:
        assert auth.address == APPLICATIVE.address
        imap = auth.open_imap()
        try:
            assert "INBOX" in [name for _f, _d, name in imap.list_folders()]
        finally:
            imap.logout()
        smtp = auth.open_smtp()
        try:
            assert smtp.noop()[0] == 250
        finally:
            smtp.quit()
        assert auth.describe()["method"] == "certificate"
    finally:
        auth.close()
    # A wrong password first, asked again with retry=True, then the right one.
    assert [retry for _p, retry in asked] == [False, True]


def test_password_required_without_prompt(profile: Profile) -> None:
    assert profile.auth.certificate_file is not None
    with pytest.raises(CertificatePasswordRequired) as info:
        load_certificate_signer(profile.auth.certificate_file)
    assert info.value.path == profile.auth.certificate_file


def test_revoked_certificate(profile: Profile, sandbox_operator: Sandbox) -> None:
    credential = sandbox_operator.credentials["revoked"]
    signer = load_certificate_signer(
        credential.pkcs12, lambda path, retry: PasswordAnswer(credential.password))
    revoked_profile = dataclasses.replace(profile, address=credential.identity.address)
    trust = trust_for_profile(profile)
    # The server refuses it: Dovecot checks its CRL, keeps the TLS session but does not
    # take a name from an invalid certificate, so EXTERNAL fails...
    with pytest.raises(AuthenticationRefused) as info:
        CertificateTlsAuthenticator(revoked_profile, signer, trust).open_imap()
    assert info.value.method == "EXTERNAL"
    # ...and once the CRL is known locally, the client does not even connect.
    crl = sandbox_operator.pki.crl_path("persons").read_bytes()
    before = signer.signature_count
    with pytest.raises(CertificateRevoked):
        CertificateTlsAuthenticator(
            revoked_profile, signer, trust, method="certificate",
            crl_fetch=lambda url: crl,
        ).open_imap()
    assert signer.signature_count == before
