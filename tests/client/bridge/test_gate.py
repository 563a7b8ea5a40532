"""The card gate: one sign-in per insertion, refusals remembered, removal closes."""

from __future__ import annotations

import threading

import pytest

from client.auth.errors import OperatorUnreachable
from client.bridge import CARD_REMOVED_TEXT, CardAbsent, CardGate
from cps.atr import CardKind
from cps.errors import CardRemoved, PinEntryCancelled
from cps.watcher import EventType, WatcherEvent
from tests.helpers.fake_bridge_opener import FakeOpenerFactory

ADDRESS = "jean.martin@hopital-sandbox.mssante.fr"


def test_concurrent_sessions_cause_one_sign_in() -> None:
    factory = FakeOpenerFactory(ADDRESS, delay=0.2)
    gate = CardGate(factory, ADDRESS)
    openers = []
    threads = [threading.Thread(target=lambda: openers.append(gate.opener()))
               for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert factory.calls == 1
    assert len({id(o) for o in openers}) == 1
    assert gate.state == "ready"


def test_removal_closes_the_opener_and_refuses_until_insertion() -> None:
    factory = FakeOpenerFactory(ADDRESS)
    gate = CardGate(factory, ADDRESS)
    heard: list[bool] = []
    gate.add_listener(heard.append)
    first = gate.opener()
    gate.on_event(WatcherEvent(EventType.CARD_REMOVED, "reader", CardKind.CPS3))
    assert first.closed and heard == [False] and gate.state == "removed"
    with pytest.raises(CardAbsent) as info:
        gate.open_imap()
    assert info.value.client_text == CARD_REMOVED_TEXT
    assert factory.calls == 1
    gate.on_event(WatcherEvent(EventType.CARD_INSERTED, "reader", CardKind.CPS3))
    assert heard == [False, True] and gate.state == "waiting"
    assert gate.opener() is not first
    assert factory.calls == 2


def test_a_vitale_card_leaving_changes_nothing() -> None:
    gate = CardGate(FakeOpenerFactory(ADDRESS), ADDRESS)
    gate.opener()
    gate.on_event(WatcherEvent(EventType.CARD_REMOVED, "reader 2", CardKind.VITALE))
    gate.on_event(WatcherEvent(EventType.CARD_INSERTED, "reader 2", CardKind.VITALE))
    assert gate.state == "ready"


def test_cancelled_pin_is_remembered_until_the_next_insertion() -> None:
    factory = FakeOpenerFactory(ADDRESS)
    factory.fail_with = PinEntryCancelled()
    gate = CardGate(factory, ADDRESS)
    for _ in range(5):
        with pytest.raises(CardAbsent) as info:
            gate.opener()
        assert info.value.reason == "pin-refused"
        assert "PIN" in info.value.client_text
    assert factory.calls == 1  # no prompt on every mail client retry
    factory.fail_with = None
    gate.card_removed()
    gate.card_inserted()
    gate.opener()
    assert factory.calls == 2


def test_other_sign_in_failures_are_retried() -> None:
    factory = FakeOpenerFactory(ADDRESS)
    factory.fail_with = OperatorUnreachable("imap.example", 143, "down")
    gate = CardGate(factory, ADDRESS)
    with pytest.raises(CardAbsent) as info:
        gate.opener()
    assert info.value.reason == "sign-in-failed"
    assert isinstance(info.value.__cause__, OperatorUnreachable)
    factory.fail_with = None
    gate.opener()
    assert factory.calls == 2


def test_card_removed_during_a_session_counts_as_removal() -> None:
    class Removed(FakeOpenerFactory):
        def __call__(self):  # type: ignore[no-untyped-def]
            opener = super().__call__()
            opener.open_imap = lambda: (_ for _ in ()).throw(CardRemoved("reader"))
            return opener

    gate = CardGate(Removed(ADDRESS), ADDRESS)
    with pytest.raises(CardAbsent) as info:
        gate.open_imap()
    assert info.value.reason == "removed"
    assert gate.state == "removed"
