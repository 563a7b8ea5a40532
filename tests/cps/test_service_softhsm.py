"""The card service over a real PKCS#11 module: SoftHSM2 holding the sandbox's CPS card."""

from __future__ import annotations

import hashlib
import threading

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cps.errors import (
    CertificateNotFound,
    PinEntryCancelled,
    PinIncorrect,
    PinLengthInvalid,
)
from cps.pin import RETRY_INCORRECT, RETRY_LENGTH
from cps.service import CardService
from cps.signer import CardSigner
from sandbox.card import VirtualCard
from tests.helpers.fake_token import FakePinPrompt


def test_card_contents_identity_and_pin_state(
    card_service: CardService, card_env: VirtualCard
) -> None:
    contents = card_service.read_card()
    assert contents.token.label == card_env.token_label
    assert contents.token.serial == card_env.serial
    assert contents.kind == "cps"
    assert set(contents.data_labels) >= {"CPS_ID_CARD", "CPS_NAME_PS", "CPS_INFO_PS"}
    assert contents.auth_certificate == card_env.auth_cert
    assert contents.sign_certificate == card_env.sign_cert
    assert len(contents.ca_certificates) == 2
    identity = contents.identity
    assert identity is not None
    assert (identity.national_id, identity.rpps, identity.family_name, identity.given_name,
            identity.profession) == ("810001234567", "10001234567", "MARTIN", "JEAN", "Médecin")
    assert not contents.token.pin.locked and not contents.token.pin.final_try


def test_wrong_pin_then_right_pin(card_service: CardService, card_env: VirtualCard) -> None:
    prompt = FakePinPrompt("9999", card_env.pin)
    session = card_service.login(prompt)
    assert session.active
    first, second = prompt.requests
    assert first.retry_reason is None and first.holder_name == "JEAN MARTIN"
    assert first.attempts_left == 3
    # SoftHSM2 raises CKF_USER_PIN_COUNT_LOW after a failure: the CPS policy says 2 left.
    assert second.retry_reason == RETRY_INCORRECT
    assert second.count_low and second.attempts_left == 2
    # A right PIN resets the counter.
    assert not card_service.read_card().token.pin.count_low


def test_wrong_pin_with_a_single_prompt_raises_with_attempts_left(
    card_service: CardService, card_env: VirtualCard
) -> None:
    with pytest.raises(PinIncorrect) as info:
        card_service.login(FakePinPrompt("0000"), max_prompts=1)
    assert info.value.attempts_left == 2
    assert card_service.read_card().token.pin.count_low
    card_service.login(FakePinPrompt(card_env.pin))  # resets the counter for other tests
    assert not card_service.read_card().token.pin.count_low


def test_pin_of_wrong_length_costs_no_try(card_service: CardService, card_env: VirtualCard) -> None:
    prompt = FakePinPrompt("12", card_env.pin)
    card_service.login(prompt)
    assert prompt.requests[1].retry_reason == RETRY_LENGTH
    assert prompt.requests[1].count_low == prompt.requests[0].count_low
    assert prompt.requests[1].attempts_left == prompt.requests[0].attempts_left
    with pytest.raises(PinLengthInvalid):
        card_service.logout()
        card_service.login(FakePinPrompt("1"), max_prompts=1)


def test_cancelled_prompt(card_service: CardService) -> None:
    with pytest.raises(PinEntryCancelled):
        card_service.login(FakePinPrompt(None))


def test_one_login_per_insertion(card_service: CardService, card_env: VirtualCard) -> None:
    prompt = FakePinPrompt(card_env.pin)
    first = card_service.signer(prompt)
    second = card_service.signer(prompt)
    assert first.session is second.session
    assert len(prompt.requests) == 1
    card_service.logout()
    card_service.signer(FakePinPrompt(card_env.pin))


@pytest.fixture
def signer(card_service: CardService, card_env: VirtualCard) -> CardSigner:
    return card_service.signer(FakePinPrompt(card_env.pin))


def _rsa(signer: CardSigner) -> rsa.RSAPublicKey:
    key = signer.certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def test_signer_describes_the_authentication_key(signer: CardSigner, card_env: VirtualCard) -> None:
    assert signer.certificate == card_env.auth_cert
    assert (signer.key_type, signer.key_size) == ("RSA", 2048)
    assert signer.supports_pss  # SoftHSM2 offers CKM_RSA_PKCS_PSS, like a CPS4
    assert signer.signature_count == 0


@pytest.mark.parametrize("hash_name", ["sha256", "sha384", "sha512", "sha224"])
def test_pkcs1_signatures_verify(signer: CardSigner, hash_name: str) -> None:
    algorithm = {"sha224": hashes.SHA224(), "sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
                 "sha512": hashes.SHA512()}[hash_name]
    data = b"MSSante sign-in " + hash_name.encode()
    key = _rsa(signer)
    key.verify(signer.sign(data, hash_name=hash_name), data, padding.PKCS1v15(), algorithm)
    digest = hashlib.new(hash_name, data).digest()
    key.verify(signer.sign_digest(digest, hash_name=hash_name), data, padding.PKCS1v15(),
               algorithm)
    assert signer.signature_count == 2


@pytest.mark.parametrize("hash_name", ["sha256", "sha384"])
def test_pss_signatures_verify(signer: CardSigner, hash_name: str) -> None:
    algorithm = hashes.SHA256() if hash_name == "sha256" else hashes.SHA384()
    pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
    data = b"TLS 1.3 CertificateVerify"
    key = _rsa(signer)
    key.verify(signer.sign(data, hash_name=hash_name, padding="pss"), data, pss, algorithm)
    digest = hashlib.new(hash_name, data).digest()
    key.verify(signer.sign_digest(digest, hash_name=hash_name, padding="pss"), data, pss,
               algorithm)


def test_signatures_from_many_threads_all_verify(signer: CardSigner) -> None:
    key = _rsa(signer)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        data = f"thread {i}".encode()
        try:
            key.verify(signer.sign(data), data, padding.PKCS1v15(), hashes.SHA256())
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert signer.signature_count == 8


def test_bad_digest_length_is_refused(signer: CardSigner) -> None:
    from cps.errors import MechanismNotSupported

    with pytest.raises(MechanismNotSupported, match="expected 32"):
        signer.sign_digest(b"short")
    assert signer.signature_count == 0


def test_empty_token_has_no_authentication_certificate(card_service: CardService) -> None:
    # SoftHSM2 always offers one more, uninitialised token: an empty card.
    empty = next(s for s in card_service.slots()
                 if s.token_present and s.slot_id != card_service.read_card().slot.slot_id)
    contents = card_service.read_card(empty.slot_id)
    assert contents.auth_certificate is None and contents.identity is None
    assert contents.kind == "other"
    with pytest.raises(CertificateNotFound):
        card_service.login(FakePinPrompt("1234"), slot_id=empty.slot_id)
