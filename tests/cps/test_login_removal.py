"""A card removed (or swapped) while the PIN prompt is open: the PIN is never presented.

The prompt runs on the caller's thread; the removal arrives meanwhile from the watcher
(``handle_event``) or from a caller without a watcher (``card_removed``). The fake card
counts every PIN it is shown, so "never presented" is checked on the card itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from cps.atr import CardKind
from cps.errors import CardRemoved
from cps.pin import PinRequest
from cps.service import CardService
from cps.watcher import EventType, WatcherEvent
from tests.helpers.fake_token import FakeCard, FakeTokenBackend, FakeTokenSession, make_fake_card

READER = "Gemalto PC Twin Reader 00 00"
OTHER_READER = "Gemalto PC Twin Reader 01 00"


class _ActingPrompt:
    """A FAKE prompt that runs ``during`` while "open", then answers ``answer``."""

    def __init__(self, during: Callable[[], None], answer: str | None = "1234") -> None:
        self.during = during
        self.answer = answer
        self.asked = 0

    def ask_pin(self, request: PinRequest) -> str | None:
        self.asked += 1
        self.during()
        return self.answer


@pytest.fixture
def card() -> FakeCard:
    return make_fake_card()


@pytest.fixture
def presented(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every PIN given to C_Login on the fake card."""
    seen: list[str | None] = []
    original = FakeTokenSession.login

    def login(self: FakeTokenSession, pin: str | None) -> None:
        seen.append(pin)
        original(self, pin)

    monkeypatch.setattr(FakeTokenSession, "login", login)
    return seen


@pytest.fixture
def backend(card: FakeCard) -> FakeTokenBackend:
    return FakeTokenBackend(card, description=READER)


@pytest.fixture
def service(backend: FakeTokenBackend) -> Iterator[CardService]:
    service = CardService(lambda: backend)
    service.handle_event(WatcherEvent(EventType.READER_ADDED, READER, CardKind.UNKNOWN))
    service.handle_event(WatcherEvent(EventType.CARD_INSERTED, READER, CardKind.CPS3))
    yield service
    service.close()


def test_removal_event_during_prompt_fails_login_without_presenting(
        service: CardService, presented: list[str | None], card: FakeCard) -> None:
    def pulled_and_reinserted() -> None:
        service.handle_event(WatcherEvent(EventType.CARD_REMOVED, READER, CardKind.CPS3))
        service.handle_event(WatcherEvent(EventType.CARD_INSERTED, READER, CardKind.CPS3))

    prompt = _ActingPrompt(pulled_and_reinserted)
    with pytest.raises(CardRemoved):
        service.login(prompt)
    assert prompt.asked == 1
    assert presented == []
    assert card.failures == 0 and service.session is None
    # The next login asks again and works with the card now in the slot.
    later = _ActingPrompt(lambda: None)
    assert service.login(later).active and presented == ["1234"]


def test_prompt_cancelled_by_the_removal_is_card_removed_not_cancel(
        service: CardService, presented: list[str | None]) -> None:
    # The desktop app closes the dialog on removal: the prompt then answers None.
    prompt = _ActingPrompt(lambda: service.card_removed(READER), answer=None)
    with pytest.raises(CardRemoved):
        service.login(prompt)
    assert presented == []


def test_removal_from_another_reader_does_not_abort_the_login(
        service: CardService, presented: list[str | None]) -> None:
    prompt = _ActingPrompt(lambda: service.handle_event(
        WatcherEvent(EventType.CARD_REMOVED, OTHER_READER, CardKind.CPS3)))
    assert service.login(prompt).active
    assert presented == ["1234"]


def test_card_swapped_during_prompt_is_refused(
        service: CardService, backend: FakeTokenBackend, card: FakeCard,
        presented: list[str | None]) -> None:
    # No event reached the service (no watcher), but another card is now in the slot.
    other = replace(card, serial="FAKE0002", failures=0)

    def swap() -> None:
        backend.card = other

    with pytest.raises(CardRemoved):
        service.login(_ActingPrompt(swap))
    assert presented == [] and other.failures == 0 and card.failures == 0


def test_card_pulled_without_event_during_prompt_is_card_removed(
        service: CardService, card: FakeCard, presented: list[str | None]) -> None:
    def pull() -> None:
        card.present = False

    with pytest.raises(CardRemoved):
        service.login(_ActingPrompt(pull))
    assert presented == []


def test_watcherless_removal_during_prompt(card: FakeCard,
                                          presented: list[str | None]) -> None:
    # A SoftHSM-like slot naming no reader: any removal reported counts.
    service = CardService(lambda: FakeTokenBackend(card, description="SoftHSM slot"))
    try:
        with pytest.raises(CardRemoved):
            service.login(_ActingPrompt(service.card_removed))
        assert presented == []
        assert service.login(_ActingPrompt(lambda: None)).active
        assert presented == ["1234"]
    finally:
        service.close()


def test_softhsm_removal_during_prompt_burns_no_try(card_service: CardService,
                                                    card_env: object) -> None:
    # A wrong PIN typed after the removal: had it reached C_Login, SoftHSM2 would raise
    # CKF_USER_PIN_COUNT_LOW. The removal is the service's watcher-less path.
    prompt = _ActingPrompt(card_service.card_removed, answer="99999999")
    with pytest.raises(CardRemoved):
        card_service.login(prompt)
    pin = card_service.read_card().token.pin
    assert prompt.asked == 1 and not pin.count_low and pin.attempts_left() == 3
