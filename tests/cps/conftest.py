"""Fixtures of the card-layer tests: a card service over the sandbox's SoftHSM2 card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cps.service import CardService
from sandbox.card import VirtualCard
from tests.helpers.fake_token import FakePinPrompt


@pytest.fixture
def card_env(sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch) -> VirtualCard:
    """The sandbox card, with SOFTHSM2_CONF set for this test."""
    for name, value in sandbox_card.environment().items():
        monkeypatch.setenv(name, value)
    # The token is shared by the session: a right PIN clears a count-low flag left behind.
    service = CardService.for_module(sandbox_card.module)
    try:
        service.login(FakePinPrompt(sandbox_card.pin))
    finally:
        service.close()
    return sandbox_card


@pytest.fixture
def card_service(card_env: VirtualCard) -> Iterator[CardService]:
    """A card service over SoftHSM2 holding the sandbox's virtual CPS card."""
    service = CardService.for_module(card_env.module)
    try:
        yield service
    finally:
        service.close()
