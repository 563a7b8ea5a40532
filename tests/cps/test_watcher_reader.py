"""The card watcher against a real pcscd with vpcd readers and vicc cards (marker reader)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from cps.atr import CardKind
from cps.errors import CardRemoved, TokenNotPresent
from cps.service import CardService
from cps.watcher import CardWatcher, EventType, WatcherEvent
from sandbox.card import VirtualCard
from sandbox.reader import VirtualReader
from tests.helpers.fake_token import FakePinPrompt

pytestmark = pytest.mark.reader

# Insertion and removal must reach subscribers within 1 s (a user
# who inserts the card expects the window to react at once).
EVENT_DEADLINE = 1.0


class EventLog:
    """Collects watcher events with their arrival time."""

    def __init__(self) -> None:
        self.events: queue.Queue[tuple[float, WatcherEvent]] = queue.Queue()

    def __call__(self, event: WatcherEvent) -> None:
        self.events.put((time.monotonic(), event))

    def wait_for(self, match: Callable[[WatcherEvent], bool],
                 timeout: float = EVENT_DEADLINE) -> tuple[float, WatcherEvent]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no matching event within {timeout} s")
            try:
                arrived, event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if match(event):
                return arrived, event


def _is(kind: EventType, reader: str) -> Callable[[WatcherEvent], bool]:
    return lambda e: e.type is kind and e.reader == reader


@pytest.fixture
def reader(virtual_reader: VirtualReader) -> Iterator[VirtualReader]:
    yield virtual_reader
    virtual_reader.remove(0)
    virtual_reader.remove(1)


@pytest.fixture
def watched(reader: VirtualReader) -> Iterator[tuple[CardWatcher, EventLog]]:
    log = EventLog()
    watcher = CardWatcher()
    watcher.subscribe(log)
    watcher.start()
    try:
        yield watcher, log
    finally:
        watcher.stop()


def test_readers_are_reported(reader: VirtualReader,
                              watched: tuple[CardWatcher, EventLog]) -> None:
    watcher, log = watched
    log.wait_for(_is(EventType.READER_ADDED, reader.reader_name(0)))
    assert watcher.mode == "pcsc" and watcher.pcsc_active
    assert set(reader.reader_names) <= set(watcher.readers())


def test_insertion_and_removal_within_one_second(
    reader: VirtualReader, watched: tuple[CardWatcher, EventLog]
) -> None:
    _, log = watched
    name = reader.reader_name(0)
    reader.insert("cps", slot=0)
    shown = time.monotonic()  # pcscd reports the card from here on
    arrived, event = log.wait_for(_is(EventType.CARD_INSERTED, name))
    assert arrived - shown < EVENT_DEADLINE
    assert event.kind is CardKind.CPS3 and event.kind.is_cps
    started = time.monotonic()
    reader.remove(0)
    arrived, event = log.wait_for(_is(EventType.CARD_REMOVED, name), timeout=2.0)
    assert arrived - started < EVENT_DEADLINE
    assert event.kind is CardKind.CPS3  # the removal names what was removed


def test_vitale_beside_the_cps_is_never_the_cps(
    reader: VirtualReader, watched: tuple[CardWatcher, EventLog]
) -> None:
    watcher, log = watched
    reader.insert("vitale", slot=1)
    reader.insert("cps4", slot=0)
    _, vitale = log.wait_for(_is(EventType.CARD_INSERTED, reader.reader_name(1)))
    _, cps = log.wait_for(_is(EventType.CARD_INSERTED, reader.reader_name(0)))
    assert vitale.kind is CardKind.VITALE and not vitale.kind.is_cps
    assert cps.kind is CardKind.CPS4
    assert watcher.cards() == {reader.reader_name(0): CardKind.CPS4,
                               reader.reader_name(1): CardKind.VITALE}
    # A late subscriber learns about the cards already present.
    late = EventLog()
    watcher.subscribe(late)
    late.wait_for(_is(EventType.CARD_INSERTED, reader.reader_name(1)), timeout=0.1)


@pytest.fixture
def service(card_env: VirtualCard) -> Iterator[CardService]:
    service = CardService.for_module(card_env.module)
    yield service
    service.close()


def test_removal_while_a_signature_is_in_flight(
    reader: VirtualReader, watched: tuple[CardWatcher, EventLog], service: CardService,
    card_env: VirtualCard,
) -> None:
    watcher, log = watched
    reader.insert("vitale", slot=1)
    reader.insert("cps", slot=0)
    log.wait_for(_is(EventType.CARD_INSERTED, reader.reader_name(0)))
    service.watch(watcher)
    signer = service.signer(FakePinPrompt(card_env.pin))
    assert len(signer.sign(b"before")) == 256

    # Removing the Vitale card must not end the CPS session.
    reader.remove(1)
    log.wait_for(_is(EventType.CARD_REMOVED, reader.reader_name(1)))
    assert service.session is signer.session

    # Keep the card thread busy so that the signature is still pending at removal.
    release = threading.Event()
    service.thread.submit(release.wait, 10)
    outcome: queue.Queue[BaseException | bytes] = queue.Queue()

    def sign() -> None:
        try:
            outcome.put(signer.sign(b"in flight"))
        except BaseException as exc:  # handed to the test thread
            outcome.put(exc)

    worker = threading.Thread(target=sign)
    worker.start()
    started = time.monotonic()
    reader.remove(0)
    result = outcome.get(timeout=3)
    assert time.monotonic() - started < EVENT_DEADLINE + 0.5
    release.set()
    worker.join(5)
    assert isinstance(result, CardRemoved)
    with pytest.raises(CardRemoved):
        signer.sign(b"after")
    # SoftHSM2 still answers, but PC/SC says the CPS is out: no new session.
    with pytest.raises(TokenNotPresent):
        service.login(FakePinPrompt(card_env.pin))
    reader.insert("cps", slot=0)
    log.wait_for(_is(EventType.CARD_INSERTED, reader.reader_name(0)))
    new_signer = service.signer(FakePinPrompt(card_env.pin))
    assert new_signer.session is not signer.session
    assert len(new_signer.sign(b"after reinsertion")) == 256


def test_watcher_survives_a_pcscd_restart(
    reader: VirtualReader, watched: tuple[CardWatcher, EventLog]
) -> None:
    if not reader.started_pcscd:
        pytest.skip("pcscd is shared with other programs on this machine: not ours to restart")
    watcher, log = watched
    name = reader.reader_name(0)
    reader.insert("cps", slot=0)
    log.wait_for(_is(EventType.CARD_INSERTED, name))
    reader.restart_pcscd()
    log.wait_for(_is(EventType.CARD_REMOVED, name), timeout=5)
    reader.insert("cps", slot=0)
    log.wait_for(_is(EventType.CARD_INSERTED, name), timeout=5)
    assert watcher.mode == "pcsc"


def test_slot_polling_when_pcsc_is_not_used(service: CardService) -> None:
    log = EventLog()
    watcher = CardWatcher(slot_poller=service.poll_slots, use_pcsc=False)
    watcher.subscribe(log)
    with watcher:
        _, event = log.wait_for(lambda e: e.type is EventType.CARD_INSERTED and e.kind.is_cps)
        assert event.source == "pkcs11" and watcher.mode == "pkcs11"
        assert not watcher.pcsc_active
        assert event.reader.startswith("SoftHSM slot")
