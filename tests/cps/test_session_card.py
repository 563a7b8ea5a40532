"""The session follows its card: reader events decided without a reader (event sequences
as the PC/SC watcher reports them; the real-reader runs are in test_session_card_reader)."""

from __future__ import annotations

import queue
import time

import pytest

from cps.atr import ATR_CPS3, ATR_VITALE, CardKind
from cps.errors import CardChoiceNeeded, ChosenCardAbsent
from cps.events import EventType, WatcherEvent
from cps.session_card import (
    CardChoice,
    FirstCardChooser,
    NamedCardChooser,
    RememberingCardChooser,
    SessionCard,
    SessionCardChange,
    SessionCardFollower,
)

READER_A = "Lecteur bi-fente 00 00"
READER_B = "Lecteur bi-fente 00 01"
OTHER_CPS_ATR = ATR_CPS3 + b"\x01"


def _inserted(reader: str, kind: CardKind = CardKind.CPS3, atr: bytes = ATR_CPS3,
              ) -> WatcherEvent:
    return WatcherEvent(EventType.CARD_INSERTED, reader, kind, atr)


def _removed(reader: str, kind: CardKind = CardKind.CPS3, atr: bytes = ATR_CPS3, *,
             lost: bool = False) -> WatcherEvent:
    return WatcherEvent(EventType.CARD_REMOVED, reader, kind, atr, service_lost=lost)


class Decisions:
    def __init__(self, follower: SessionCardFollower) -> None:
        self.queue: queue.Queue[tuple[SessionCardChange, WatcherEvent]] = queue.Queue()
        follower.subscribe(lambda change, event: self.queue.put((change, event)))

    def next(self, timeout: float = 0.2) -> tuple[SessionCardChange, WatcherEvent] | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None


@pytest.fixture
def follower() -> SessionCardFollower:
    return SessionCardFollower(grace=1.0, confirm=0.3)


def _bind_in_a(follower: SessionCardFollower) -> None:
    follower.handle_event(_inserted(READER_A))
    follower.bind(SessionCard(READER_A, "SERIAL-A", b"\x01" * 32, ATR_CPS3))


def test_cards_in_the_other_slot_never_lock_or_unlock(follower: SessionCardFollower) -> None:
    decisions = Decisions(follower)
    _bind_in_a(follower)
    assert decisions.next() == (SessionCardChange.AVAILABLE, _inserted(READER_A))
    for event in (_inserted(READER_B, CardKind.VITALE, ATR_VITALE),
                  _removed(READER_B, CardKind.VITALE, ATR_VITALE),
                  _inserted(READER_B, CardKind.CPS3, OTHER_CPS_ATR),
                  _removed(READER_B, CardKind.CPS3, OTHER_CPS_ATR),
                  WatcherEvent(EventType.READER_REMOVED, READER_B),
                  WatcherEvent(EventType.READER_ADDED, READER_B)):
        follower.handle_event(event)
    assert decisions.next() is None
    assert follower.bound is not None
    follower.handle_event(_removed(READER_A))
    change, event = decisions.next() or (None, None)
    assert change is SessionCardChange.LEFT and event is not None and event.reader == READER_A
    assert follower.bound is None
    follower.handle_event(_inserted(READER_A))
    assert decisions.next() == (SessionCardChange.AVAILABLE, _inserted(READER_A))


def test_unplugging_the_reader_is_a_removal(follower: SessionCardFollower) -> None:
    decisions = Decisions(follower)
    _bind_in_a(follower)
    decisions.next()
    follower.handle_event(WatcherEvent(EventType.READER_REMOVED, READER_A))
    assert (decisions.next() or (None,))[0] is SessionCardChange.LEFT


def test_pcsc_restart_with_the_card_still_there_keeps_the_session(
    follower: SessionCardFollower,
) -> None:
    decisions = Decisions(follower)
    _bind_in_a(follower)
    decisions.next()
    follower.handle_event(_removed(READER_A, lost=True))
    follower.handle_event(WatcherEvent(EventType.READER_REMOVED, READER_A, service_lost=True))
    follower.handle_event(WatcherEvent(EventType.READER_ADDED, READER_A))
    follower.handle_event(_inserted(READER_A))
    assert decisions.next(timeout=1.5) is None  # past grace and confirm: nothing decided
    assert follower.bound is not None


def test_pcsc_restart_without_the_card_is_a_removal(follower: SessionCardFollower) -> None:
    decisions = Decisions(follower)
    _bind_in_a(follower)
    decisions.next()
    follower.handle_event(_removed(READER_A, lost=True))
    follower.handle_event(WatcherEvent(EventType.READER_ADDED, READER_A))
    started = time.monotonic()
    change, event = decisions.next(timeout=2.0) or (None, None)
    assert change is SessionCardChange.LEFT and event is not None
    assert event.type is EventType.CARD_REMOVED and event.reader == READER_A
    assert 0.25 < time.monotonic() - started < 1.0  # the confirm delay, not the grace


def test_pcsc_never_back_is_a_removal_after_the_grace(follower: SessionCardFollower) -> None:
    decisions = Decisions(follower)
    _bind_in_a(follower)
    decisions.next()
    follower.handle_event(_removed(READER_A, lost=True))
    assert decisions.next(timeout=0.5) is None
    assert (decisions.next(timeout=1.5) or (None,))[0] is SessionCardChange.LEFT


def test_another_card_in_the_reader_after_a_restart(follower: SessionCardFollower) -> None:
    decisions = Decisions(follower)
    _bind_in_a(follower)
    decisions.next()
    follower.handle_event(_removed(READER_A, lost=True))
    follower.handle_event(_inserted(READER_A, CardKind.CPS3, OTHER_CPS_ATR))
    assert (decisions.next() or (None,))[0] is SessionCardChange.LEFT
    assert (decisions.next() or (None,))[0] is SessionCardChange.AVAILABLE


def test_reader_unknown_any_cps_removal_counts(follower: SessionCardFollower) -> None:
    decisions = Decisions(follower)
    follower.bind(SessionCard(None, "SERIAL", b"\x02" * 32))
    follower.handle_event(_removed(READER_B, CardKind.VITALE, ATR_VITALE))
    assert decisions.next() is None
    follower.handle_event(_removed(READER_B))
    assert (decisions.next() or (None,))[0] is SessionCardChange.LEFT


def test_filtered_event_stream_and_first_card_chooser(
    follower: SessionCardFollower, caplog: pytest.LogCaptureFixture,
) -> None:
    events: list[WatcherEvent] = []
    follower.subscribe_events(events.append)
    _bind_in_a(follower)
    follower.handle_event(_inserted(READER_B, CardKind.VITALE, ATR_VITALE))
    follower.handle_event(_removed(READER_A))
    assert [(e.type, e.reader) for e in events] == [
        (EventType.CARD_INSERTED, READER_A), (EventType.CARD_REMOVED, READER_A)]
    choices = [CardChoice(READER_A, 0, "JEAN MARTIN"), CardChoice(READER_B, 1, "PAUL DUPONT")]
    assert FirstCardChooser().choose_card(choices) == choices[0]
    assert "2 CPS cards are inserted" in caplog.text and READER_B in caplog.text


_TWO = [CardChoice(READER_A, 0, "JEAN MARTIN", "111"),
        CardChoice(READER_B, 1, "PAUL DUPONT", "222")]


def test_a_named_card_is_taken_and_nothing_named_is_never_a_guess() -> None:
    assert NamedCardChooser(reader=READER_B).choose_card(_TWO) == _TWO[1]
    assert NamedCardChooser(reader="FENTE 00 01").choose_card(_TWO) == _TWO[1]
    assert NamedCardChooser(serial="111").choose_card(_TWO) == _TWO[0]
    assert NamedCardChooser(reader=READER_A, serial="111").choose_card(_TWO) == _TWO[0]
    with pytest.raises(ChosenCardAbsent) as absent:
        NamedCardChooser(reader=READER_A, serial="222").choose_card(_TWO)
    assert absent.value.exit_status == 3 and absent.value.serials == ("111", "222")
    # A part of a name common to both readers names neither.
    with pytest.raises(ChosenCardAbsent):
        NamedCardChooser(reader="bi-fente").choose_card(_TWO)
    with pytest.raises(CardChoiceNeeded) as needed:
        NamedCardChooser().choose_card(_TWO)
    assert needed.value.exit_status == 2
    assert needed.value.holders == ("JEAN MARTIN", "PAUL DUPONT")
    # Consulted for one card only when something is named.
    assert not NamedCardChooser().ask_for_one and NamedCardChooser(serial="1").ask_for_one
    assert NamedCardChooser().choose_card(_TWO[:1]) == _TWO[0]


def test_the_bridge_keeps_to_the_card_chosen_first() -> None:
    asked: list[int] = []

    class PickSecond:
        def choose_card(self, choices: list[CardChoice]) -> CardChoice | None:
            asked.append(len(choices))
            return choices[1]

    chooser = RememberingCardChooser(PickSecond())
    assert chooser.choose_card(_TWO) == _TWO[1]
    assert chooser.choose_card(list(reversed(_TWO))) == _TWO[1]  # not asked again
    assert asked == [2]
    # The remembered card is out and two others are in: asked as the first time.
    others = [CardChoice("Lecteur C", 2, "A", "333"), CardChoice("Lecteur D", 3, "B", "444")]
    assert chooser.choose_card(others) == others[1] and asked == [2, 2]
    # A sign-in with a single card remembers it too.
    chooser.remember(READER_A, "111")
    assert chooser.choose_card(_TWO) == _TWO[0] and asked == [2, 2]
