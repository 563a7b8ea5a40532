"""psc sign-in against the sandbox operator: the card proves the user at the wallet (one
card signature), tokens open IMAP and SMTP over XOAUTH2/OAUTHBEARER, refresh needs no card,
an expired token is refreshed transparently, a refused refresh ends the session.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.auth import (
    IssuerMismatch,
    PscAuthenticator,
    SessionEnded,
    UnknownClient,
    trust_for_profile,
)
from client.profiles import load_profile
from client.profiles.model import Profile
from client.tls import ClientCertificateRefused, SoftwareSigner
from cps.service import CardService
from cps.signer import CardSigner
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(8 * LIVE_TIMEOUT)]


@pytest.fixture()
def profile(sandbox_operator: Sandbox) -> Profile:
    return load_profile(sandbox_operator.profile_psc)


@pytest.fixture()
def signer(sandbox_operator: Sandbox) -> Iterator[CardSigner]:
    service = CardService.for_module(Path(sandbox_operator.card.module))
    try:
        yield service.signer(FakePinPrompt(sandbox_operator.card.pin))
    finally:
        service.close()


@pytest.fixture()
def short_tokens(sandbox_operator: Sandbox) -> Iterator[int]:
    """Access tokens of 3 seconds for this test (the operator is shared: restored after)."""
    sandbox_operator.set_access_token_lifetime(3)
    try:
        yield 3
    finally:
        sandbox_operator.set_access_token_lifetime(300)


def _imap_works(auth: PscAuthenticator) -> None:
    imap = auth.open_imap()
    try:
        assert imap.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
    finally:
        imap.logout()


def _smtp_works(auth: PscAuthenticator) -> None:
    smtp = auth.open_smtp()
    try:
        assert smtp.noop()[0] == 250
    finally:
        smtp.quit()


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_psc_sign_in_one_card_signature(
    profile: Profile, signer: CardSigner, mechanism: str
) -> None:
    auth = PscAuthenticator(profile, trust_for_profile(profile), signer,
                            mechanism=mechanism)  # type: ignore[arg-type]
    try:
        info = auth.sign_in()
        assert info["SubjectNameID"] == DOCTOR.national_id
        assert info["SubjectRefPro"]["exercices"]
        _imap_works(auth)
        _smtp_works(auth)
        _imap_works(auth)
        assert signer.signature_count == 1
        assert auth.describe()["national_id"] == DOCTOR.national_id
    finally:
        auth.close()


def test_refresh_uses_no_card_signature(profile: Profile, signer: CardSigner) -> None:
    auth = PscAuthenticator(profile, trust_for_profile(profile), signer)
    try:
        auth.sign_in()
        auth.refresh()
        auth.refresh()
        _imap_works(auth)
        assert auth.refresh_count == 2
        assert signer.signature_count == 1
    finally:
        auth.close()


def test_token_expiring_mid_session_is_refreshed(
    profile: Profile, signer: CardSigner, short_tokens: int
) -> None:
    auth = PscAuthenticator(profile, trust_for_profile(profile), signer, refresh_margin=1.0)
    try:
        imap = auth.open_imap()  # signs in
        try:
            time.sleep(short_tokens + 1)
            # The open session keeps working; a dropped one reopens with a fresh token.
            assert imap.noop()
        finally:
            imap.logout()
        _imap_works(auth)
        assert auth.refresh_count >= 1
        assert signer.signature_count == 1
    finally:
        auth.close()


def test_expired_token_refused_by_server_then_refreshed(
    profile: Profile, signer: CardSigner, sandbox_operator: Sandbox
) -> None:
    # A clock that lags makes the client believe its expired token is still good: the
    # server refuses it (SMTP: 334 + JSON error, RFC 7628) and the client refreshes once.
    # Tokens of 10 s: long enough to outlive Dovecot's delay after the failed attempt
    # (several seconds), short enough to expire during the test.
    sandbox_operator.set_access_token_lifetime(10)
    auth = PscAuthenticator(profile, trust_for_profile(profile), signer, refresh_margin=-3600)
    try:
        auth.sign_in()
        time.sleep(11)
        _smtp_works(auth)
        assert auth.refresh_count == 1
        assert signer.signature_count == 1
    finally:
        auth.close()
        sandbox_operator.set_access_token_lifetime(300)


def test_refused_refresh_ends_the_session(
    profile: Profile, signer: CardSigner, sandbox_operator: Sandbox
) -> None:
    auth = PscAuthenticator(profile, trust_for_profile(profile), signer)
    try:
        auth.sign_in()
        sandbox_operator.revoke_refresh_tokens()
        with pytest.raises(SessionEnded) as info:
            auth.refresh()
        assert info.value.reason
        assert not auth.signed_in
    finally:
        auth.close()


def test_unknown_client_id(profile: Profile, signer: CardSigner) -> None:
    other = dataclasses.replace(
        profile, auth=dataclasses.replace(profile.auth, client_id="logiciel-inconnu"))
    auth = PscAuthenticator(other, trust_for_profile(profile), signer)
    try:
        with pytest.raises(UnknownClient) as info:
            auth.sign_in()
        assert info.value.client_id == "logiciel-inconnu"
    finally:
        auth.close()


def test_issuer_mismatch(profile: Profile, signer: CardSigner) -> None:
    other = dataclasses.replace(profile, auth=dataclasses.replace(
        profile.auth, issuer="https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet"))
    auth = PscAuthenticator(other, trust_for_profile(profile), signer)
    try:
        with pytest.raises(IssuerMismatch) as info:
            auth.sign_in()
        assert info.value.found == profile.auth.issuer
        assert signer.signature_count == 0  # discovery fails before the card is used
    finally:
        auth.close()


def test_revoked_certificate_refused_by_the_wallet(
    profile: Profile, sandbox_operator: Sandbox
) -> None:
    from cryptography.hazmat.primitives.serialization import pkcs12

    credential = sandbox_operator.credentials["revoked"]
    key, cert, _ = pkcs12.load_key_and_certificates(
        credential.pkcs12.read_bytes(), credential.password.encode())
    assert key is not None and cert is not None
    auth = PscAuthenticator(profile, trust_for_profile(profile),
                            SoftwareSigner(key, cert))  # type: ignore[arg-type]
    try:
        with pytest.raises(ClientCertificateRefused) as info:
            auth.sign_in()
        assert info.value.alert == "certificate_revoked"
    finally:
        auth.close()


def test_kept_refresh_token_resumes_without_the_card(
    profile: Profile, signer: CardSigner, sandbox_operator: Sandbox
) -> None:
    from tests.helpers.fake_keyring import fake_keyring

    def no_card() -> CardSigner:
        raise AssertionError("the card must not be needed")

    with fake_keyring() as store:
        first = PscAuthenticator(profile, trust_for_profile(profile), signer,
                                 keep_refresh_token=True)
        first.sign_in()
        first.close()
        # The refresh token only (the audit trail's key sits beside it), never an access token.
        kept = {k: v for k, v in store.secrets.items() if k[1].startswith("psc-refresh:")}
        assert len(kept) == 1
        assert not any("ey" in v[:2] for v in store.secrets.values())  # no JWT access token
        resumed = PscAuthenticator(profile, trust_for_profile(profile), no_card,
                                   keep_refresh_token=True)
        try:
            assert resumed.sign_in()["SubjectNameID"] == DOCTOR.national_id
            _imap_works(resumed)
        finally:
            resumed.close()
        assert signer.signature_count == 1
        # Once the provider ends the session, the card is asked again.
        sandbox_operator.revoke_refresh_tokens()
        again = PscAuthenticator(profile, trust_for_profile(profile), signer,
                                 keep_refresh_token=True)
        try:
            again.sign_in()
        finally:
            again.close()
        assert signer.signature_count == 2
