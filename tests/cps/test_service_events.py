"""How the card service reads watcher events: which removal ends which session.

With Cryptolib CPS a PKCS#11 slot is named after its PC/SC reader, so a session is tied
to that reader; the fake token here is named like one. Events are built by hand: the
real PC/SC path is covered in test_watcher_reader.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cps.atr import CardKind
from cps.errors import CardRemoved, TokenNotPresent
from cps.service import CardService
from cps.watcher import EventType, WatcherEvent
from tests.helpers.fake_token import FakeCard, FakePinPrompt, FakeTokenBackend, make_fake_card

CPS_READER = "Gemalto PC Twin Reader 00 00"
OTHER_READER = "Gemalto PC Twin Reader 01 00"


@pytest.fixture(scope="module")
def card() -> FakeCard:
    return make_fake_card()


@pytest.fixture
def service(card: FakeCard) -> Iterator[CardService]:
    service = CardService(lambda: FakeTokenBackend(card, description=CPS_READER))
    yield service
    service.close()


def _event(kind: EventType, reader: str, card_kind: CardKind) -> WatcherEvent:
    return WatcherEvent(kind, reader, card_kind)


def test_session_is_tied_to_the_reader_named_by_the_slot(service: CardService) -> None:
    service.handle_event(_event(EventType.READER_ADDED, CPS_READER, CardKind.UNKNOWN))
    service.handle_event(_event(EventType.READER_ADDED, OTHER_READER, CardKind.UNKNOWN))
    service.handle_event(_event(EventType.CARD_INSERTED, CPS_READER, CardKind.CPS4))
    service.handle_event(_event(EventType.CARD_INSERTED, OTHER_READER, CardKind.CPS3))
    session = service.login(FakePinPrompt("1234"))
    assert session.reader == CPS_READER
    # Another CPS leaving another reader does not end this session.
    service.handle_event(_event(EventType.CARD_REMOVED, OTHER_READER, CardKind.CPS3))
    assert session.active
    service.handle_event(_event(EventType.CARD_REMOVED, CPS_READER, CardKind.CPS4))
    assert not session.active and service.session is None


def test_vitale_removal_never_ends_the_session(service: CardService) -> None:
    service.handle_event(_event(EventType.CARD_INSERTED, "SoftHSM-like", CardKind.CPS3))
    service.handle_event(_event(EventType.CARD_INSERTED, OTHER_READER, CardKind.VITALE))
    session = service.login(FakePinPrompt("1234"))
    # The slot names no known reader: the session follows the only reader holding a CPS.
    assert session.reader == "SoftHSM-like"
    service.handle_event(_event(EventType.CARD_REMOVED, OTHER_READER, CardKind.VITALE))
    assert session.active
    # An unplugged reader takes its CPS with it.
    service.handle_event(_event(EventType.READER_REMOVED, "SoftHSM-like", CardKind.UNKNOWN))
    assert not session.active
    with pytest.raises(TokenNotPresent):
        service.login(FakePinPrompt("1234"))


def test_card_removed_api_for_callers_without_a_watcher(service: CardService) -> None:
    signer = service.signer(FakePinPrompt("1234"))
    service.card_removed()
    with pytest.raises(CardRemoved):
        signer.sign(b"x")
