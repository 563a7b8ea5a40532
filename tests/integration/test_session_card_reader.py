"""The session follows its card, with a real pcscd and two vpcd readers: a Vitale card and
a second CPS come and go in the other reader while the card service, the bridge's gate and
the desktop's card watcher stay signed in; a pcscd restart keeps the session when the card
is still there; the signed-in card leaving locks everything within a second."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence

import pytest
from pytestqt.qtbot import QtBot

from client.bridge.gate import CardGate
from cps.events import EventType, WatcherEvent
from cps.service import CardService
from cps.session_card import CardChoice
from cps.watcher import CardWatcher
from sandbox.card import VirtualCard
from sandbox.reader import VirtualReader
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT
from ui.card_watch import QtCardWatcher

pytestmark = [pytest.mark.reader, pytest.mark.timeout(4 * LIVE_TIMEOUT)]


class _Opener:
    """What the gate's factory builds (a signed-in opener); only closing matters here."""

    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


class Desk:
    """The card service, the bridge's gate and the desktop's watcher, all on one follower."""

    def __init__(self, card: VirtualCard, qt: QtCardWatcher) -> None:
        self.service = CardService.for_module(card.module)
        self.watcher = CardWatcher()
        self.events: list[WatcherEvent] = []
        self.gate = CardGate(_Opener, card.holder.address)
        self.desktop_removals: list[object] = []
        qt.cps_removed.connect(self.desktop_removals.append)
        follower = self.service.follower
        follower.subscribe_events(self.events.append)
        follower.subscribe_events(self.gate.on_event)
        follower.subscribe_events(lambda e: qt.on_removed(e)
                                  if e.type is EventType.CARD_REMOVED else qt.on_inserted(e))
        self.raw: list[WatcherEvent] = []
        self.watcher.subscribe(self.raw.append)
        self.service.watch(self.watcher)
        self.watcher.start()

    def close(self) -> None:
        self.watcher.stop()
        self.service.close()


def _wait(condition: Callable[[], bool], timeout: float, qtbot: QtBot | None = None) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s")
        if qtbot is not None:
            qtbot.wait(20)
        else:
            time.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture
def card_env(sandbox_card: VirtualCard, monkeypatch: pytest.MonkeyPatch) -> VirtualCard:
    for name, value in sandbox_card.environment().items():
        monkeypatch.setenv(name, value)
    return sandbox_card


@pytest.fixture
def reader(virtual_reader: VirtualReader) -> Iterator[VirtualReader]:
    yield virtual_reader
    virtual_reader.remove(0)
    virtual_reader.remove(1)


@pytest.fixture
def desk(card_env: VirtualCard, reader: VirtualReader, qtbot: QtBot) -> Iterator[Desk]:
    qt = QtCardWatcher()
    desk = Desk(card_env, qt)
    try:
        reader.insert("cps", slot=0)
        name = reader.reader_name(0)
        _wait(lambda: desk.service.follower.cps_readers() == [name], 3)
        desk.signer = desk.service.signer(FakePinPrompt(card_env.pin))  # type: ignore[attr-defined]
        desk.gate.opener()
        yield desk
    finally:
        desk.close()
        qt.deleteLater()


def test_other_cards_come_and_go_while_the_session_stays(
    desk: Desk, reader: VirtualReader, qtbot: QtBot,
) -> None:
    session = desk.service.session
    assert session is not None and session.reader == reader.reader_name(0)
    other = reader.reader_name(1)
    for kind in ("vitale", "cps4", "vitale"):
        reader.insert(kind, slot=1)
        _wait(lambda: other in desk.watcher.cards(), 3)
        reader.remove(1)
        _wait(lambda: other not in desk.watcher.cards(), 3)
    qtbot.wait(300)
    assert desk.service.session is session and session.active
    assert len(desk.signer.sign(b"still signed in")) == 256  # type: ignore[attr-defined]
    assert desk.gate.state == "ready" and desk.desktop_removals == []
    assert [e for e in desk.events if e.type is EventType.CARD_REMOVED] == []

    reader.remove(0)
    took = _wait(lambda: not session.active and desk.gate.state == "removed"
                 and len(desk.desktop_removals) == 1, 1.0, qtbot)
    assert took < 1.0


def test_pcscd_restart_is_not_a_removal_unless_the_card_is_gone(
    desk: Desk, reader: VirtualReader, qtbot: QtBot,
) -> None:
    if not reader.started_pcscd:
        pytest.skip("pcscd is shared with other programs on this machine: not ours to restart")
    session = desk.service.session
    assert session is not None
    name = reader.reader_name(0)
    reader.restart_pcscd(keep_cards=True)
    _wait(lambda: desk.watcher.cards().get(name) is not None, 10)
    qtbot.wait(2500)  # past the follower's confirmation delay
    # The watcher did see the service go: the card was reported gone, then back.
    assert any(e.service_lost and e.reader == name for e in desk.raw)
    assert session.active and desk.service.session is session
    assert desk.gate.state == "ready" and desk.desktop_removals == []

    # The card is pulled while the service is down: once it is back, that is a removal.
    reader.restart_pcscd(keep_cards=True, while_down=lambda: reader.remove(0))
    _wait(lambda: not session.active and desk.gate.state == "removed"
          and len(desk.desktop_removals) == 1, 10, qtbot)


class _PickSecond:
    """A hand-written chooser answering as a user picking the second card."""

    def __init__(self) -> None:
        self.asked: list[list[str | None]] = []

    def choose_card(self, choices: Sequence[CardChoice]) -> CardChoice | None:
        self.asked.append([c.reader for c in choices])
        return choices[1]


def test_two_cps_cards_at_sign_in_ask_which_one(
    card_env: VirtualCard, reader: VirtualReader, qtbot: QtBot,
) -> None:
    desk = Desk(card_env, QtCardWatcher())
    try:
        first, second = reader.insert("cps", slot=0), reader.insert("cps4", slot=1)
        _wait(lambda: desk.service.follower.cps_readers() == sorted([first, second]), 3)
        chooser = _PickSecond()
        session = desk.service.login(FakePinPrompt(card_env.pin), chooser=chooser)
        assert chooser.asked == [sorted([first, second])]
        assert session.reader == second
        reader.remove(0)  # the card not chosen leaves: nothing happens
        _wait(lambda: first not in desk.watcher.cards(), 3)
        qtbot.wait(200)
        assert session.active
        reader.remove(1)
        _wait(lambda: not session.active, 1.0, qtbot)
    finally:
        desk.close()
