"""Final-try and locked PIN states, which SoftHSM2 cannot produce, through the FAKE token.

The fake sits behind ``cps``'s own token interface (tests/helpers/fake_token.py); the
service code under test is the real one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cps.errors import (
    CardRemoved,
    MechanismNotSupported,
    PinIncorrect,
    PinLocked,
    TokenNotPresent,
    TokenOperationFailed,
)
from cps.pin import RETRY_INCORRECT
from cps.service import CardService
from tests.helpers.fake_token import FakeCard, FakePinPrompt, FakeTokenBackend, make_fake_card


@pytest.fixture(scope="module")
def template() -> FakeCard:
    return make_fake_card()


@pytest.fixture
def card(template: FakeCard) -> FakeCard:
    return FakeCard(pin=template.pin, key=template.key, certificate=template.certificate)


@pytest.fixture
def service(card: FakeCard) -> Iterator[CardService]:
    backend = FakeTokenBackend(card)
    service = CardService(lambda: backend)
    yield service
    service.close()
    assert backend.closed


def test_final_try_is_announced_before_the_last_attempt(
    service: CardService, card: FakeCard
) -> None:
    prompt = FakePinPrompt("0000", "1111", "1234")
    service.login(prompt)
    states = [(r.attempts_left, r.count_low, r.final_try, r.retry_reason) for r in prompt.requests]
    assert states == [
        (3, False, False, None),
        (2, True, False, RETRY_INCORRECT),
        (1, True, True, RETRY_INCORRECT),
    ]
    assert card.failures == 0  # the right PIN reset the counter


def test_third_wrong_pin_locks(service: CardService, card: FakeCard) -> None:
    with pytest.raises(PinLocked):
        service.login(FakePinPrompt("0000", "1111", "2222"))
    assert service.read_card().token.pin.locked
    prompt = FakePinPrompt("1234")
    with pytest.raises(PinLocked):
        service.login(prompt)
    assert prompt.requests == []  # a locked card is not asked for a PIN


def test_incorrect_pin_carries_attempts_left(service: CardService) -> None:
    with pytest.raises(PinIncorrect) as info:
        service.login(FakePinPrompt("0000"), max_prompts=1)
    assert info.value.attempts_left == 2
    with pytest.raises(PinIncorrect) as info:
        service.login(FakePinPrompt("0000"), max_prompts=1)
    assert info.value.attempts_left == 1


def test_cps3_without_pss_signs_pkcs1_only(service: CardService, card: FakeCard) -> None:
    signer = service.signer(FakePinPrompt("1234"))
    assert not signer.supports_pss
    with pytest.raises(MechanismNotSupported):
        signer.sign(b"x", padding="pss")
    key = signer.certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(signer.sign(b"data"), b"data", padding.PKCS1v15(), hashes.SHA256())
    key.verify(signer.sign_digest(hashlib.sha256(b"d").digest()), b"d", padding.PKCS1v15(),
               hashes.SHA256())
    # sha384 has no combined mechanism on this card: hashed here, CKM_RSA_PKCS on the card.
    key.verify(signer.sign(b"e", hash_name="sha384"), b"e", padding.PKCS1v15(), hashes.SHA384())
    assert card.sign_calls == signer.signature_count == 3


def test_card_pulled_under_a_session(service: CardService, card: FakeCard) -> None:
    signer = service.signer(FakePinPrompt("1234"))
    card.present = False
    with pytest.raises(CardRemoved):
        signer.sign(b"x")
    assert service.session is None
    with pytest.raises(CardRemoved):
        signer.sign(b"again")
    with pytest.raises(TokenNotPresent):
        service.login(FakePinPrompt("1234"))
    card.present = True
    assert service.signer(FakePinPrompt("1234")).session is not signer.session


def test_no_card_in_the_reader() -> None:
    service = CardService(lambda: FakeTokenBackend(None))
    try:
        assert service.tokens() == []
        with pytest.raises(TokenNotPresent):
            service.read_card()
    finally:
        service.close()
    service.close()  # closing twice is harmless


def test_card_reset_by_another_program_ends_the_session(
    service: CardService, card: FakeCard
) -> None:
    prompt = FakePinPrompt("1234", "1234")
    signer = service.signer(prompt)
    card.reset()
    with pytest.raises(TokenOperationFailed, match="CKR_USER_NOT_LOGGED_IN"):
        signer.sign(b"x")
    assert service.session is None
    assert len(service.signer(prompt).sign(b"y")) == 256
    assert len(prompt.requests) == 2  # the PIN was asked again


def test_pin_pad_reader_never_asks_the_pin_here(service: CardService, card: FakeCard) -> None:
    card.pin_pad = True
    card.pad_entries = ["0000", "1234"]
    prompt = FakePinPrompt()
    signer = service.signer(prompt)
    assert prompt.requests == []
    assert card.pad_entries == [] and card.failures == 0
    assert len(signer.sign(b"x")) == 256
