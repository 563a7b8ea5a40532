"""Watching readers and cards: PC/SC events, with PKCS#11 slot polling as a fallback.

:class:`CardWatcher` runs one thread that waits on ``SCardGetStatusChange`` (pyscard's
low-level ``smartcard.scard``) with a short timeout, so insertion and removal reach the
subscribers well within a second, and relists readers on each round (a cheap call) to
see readers plugged and unplugged. Each card is classified by its ATR
(:func:`cps.atr.classify_atr`). Callbacks run on the watcher thread; no Qt here.

Hardening, after yubikey-manager's PC/SC backend: a context that pcscd no longer knows
(pcscd restarted, ``SCARD_E_INVALID_HANDLE``, ``SCARD_E_NO_SERVICE``...) is released and
rebuilt; while PC/SC is unavailable the cards seen so far are reported removed (the
middleware loses its sessions too) and, when a ``slot_poller`` was given, PKCS#11 slots
are polled instead until PC/SC comes back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cps.atr import CardKind, classify_atr
from cps.events import EventType, WatcherEvent

__all__ = [
    "ReaderStatus",
    "read_readers",
    "CardObserver",
    "CardWatcher",
    "EventType",
    "SlotPoller",
    "WatcherEvent",
    "pcsc_available",
]

logger = logging.getLogger(__name__)

try:  # pyscard may be missing (no wheel, no libpcsclite): the watcher then polls slots.
    from smartcard import scard as _scard
except ImportError:  # pragma: no cover - depends on the machine
    _scard = None


class CardObserver(Protocol):
    """An object told about insertions and removals (the UI's adapter is one)."""

    def on_inserted(self, event: WatcherEvent) -> None:
        """A card was inserted."""

    def on_removed(self, event: WatcherEvent) -> None:
        """A card was removed."""


#: Returns {slot description: kind of the card present, or None when empty}.
SlotPoller = Callable[[], Mapping[str, CardKind | None]]

# pcsc-lite return codes meaning "this context is dead, build a new one".
_LOST_SERVICE_NAMES = (
    "SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED", "SCARD_E_INVALID_HANDLE",
    "SCARD_F_COMM_ERROR", "SCARD_E_NO_READERS_AVAILABLE_STALE", "SCARD_F_INTERNAL_ERROR",
    "SCARD_E_INVALID_PARAMETER",
)


def _codes(names: tuple[str, ...]) -> frozenset[int]:
    if _scard is None:
        return frozenset()
    return frozenset(int(getattr(_scard, n)) & 0xFFFFFFFF for n in names if hasattr(_scard, n))


_LOST_SERVICE = _codes(_LOST_SERVICE_NAMES)


def _u32(value: int) -> int:
    return int(value) & 0xFFFFFFFF


def pcsc_available() -> bool:
    """True when a PC/SC service answers (a context can be established)."""
    if _scard is None:
        return False
    hresult, context = _scard.SCardEstablishContext(_scard.SCARD_SCOPE_USER)
    if _u32(hresult) != _u32(_scard.SCARD_S_SUCCESS):
        return False
    _scard.SCardReleaseContext(context)
    return True


@dataclass(frozen=True)
class ReaderStatus:
    """One PC/SC reader at one moment."""

    name: str
    card_present: bool
    atr: bytes
    kind: CardKind


def read_readers() -> list[ReaderStatus] | None:
    """The PC/SC readers and their cards now, or None when no PC/SC service answers."""
    if _scard is None:
        return None
    hresult, context = _scard.SCardEstablishContext(_scard.SCARD_SCOPE_USER)
    if _u32(hresult) != _u32(_scard.SCARD_S_SUCCESS):
        return None
    try:
        hresult, readers = _scard.SCardListReaders(context, [])
        if _u32(hresult) != _u32(_scard.SCARD_S_SUCCESS) or not readers:
            return []
        hresult, states = _scard.SCardGetStatusChange(
            context, 0, [(r, _scard.SCARD_STATE_UNAWARE) for r in readers])
        if _u32(hresult) != _u32(_scard.SCARD_S_SUCCESS):
            return [ReaderStatus(r, False, b"", CardKind.UNKNOWN) for r in readers]
        result = []
        for name, state, atr in states:
            present = bool(state & _scard.SCARD_STATE_PRESENT)
            data = bytes(atr or b"") if present else b""
            result.append(ReaderStatus(name, present, data,
                                       classify_atr(data) if present else CardKind.UNKNOWN))
        return result
    finally:
        _scard.SCardReleaseContext(context)


class CardWatcher:
    """Reports reader and card events to subscribers, from its own thread."""

    def __init__(self, *, poll_interval: float = 0.2, slot_poller: SlotPoller | None = None,
                 use_pcsc: bool = True) -> None:
        """Args:
            poll_interval: longest wait between two looks (seconds); keeps events < 1 s.
            slot_poller: PKCS#11 slot polling used while PC/SC is unavailable.
            use_pcsc: False forces slot polling (tests, machines without PC/SC).
        """
        self._interval = poll_interval
        self._poller = slot_poller
        self._use_pcsc = use_pcsc and _scard is not None
        self._subscribers: list[Callable[[WatcherEvent], None]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context: Any = None
        self._readers: dict[str, int] = {}  # reader -> last known SCARD_STATE_* bits
        self._cards: dict[str, tuple[bytes, CardKind]] = {}  # reader -> (atr, kind)
        self._polled: dict[str, CardKind] = {}
        self.mode = "stopped"  # "pcsc", "pkcs11", "none"
        self._ready = threading.Event()

    # -- subscription -------------------------------------------------------------------

    def subscribe(self, callback: Callable[[WatcherEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on the watcher thread for each event; returns an unsubscriber.

        A new subscriber is first told about the cards already present (those replayed
        events are delivered on the caller's thread, before this method returns).
        """
        with self._lock:
            self._subscribers.append(callback)
            present = [WatcherEvent(EventType.CARD_INSERTED, r, kind, atr, "pcsc")
                       for r, (atr, kind) in self._cards.items()]
            present += [WatcherEvent(EventType.CARD_INSERTED, r, kind, b"", "pkcs11")
                        for r, kind in self._polled.items()]
        for event in present:
            self._deliver(callback, event)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def add_observer(self, observer: CardObserver) -> Callable[[], None]:
        """Subscribe an object with ``on_inserted`` / ``on_removed`` (the UI adapter)."""
        def dispatch(event: WatcherEvent) -> None:
            if event.type is EventType.CARD_INSERTED:
                observer.on_inserted(event)
            elif event.type is EventType.CARD_REMOVED:
                observer.on_removed(event)

        return self.subscribe(dispatch)

    @staticmethod
    def _deliver(callback: Callable[[WatcherEvent], None], event: WatcherEvent) -> None:
        try:
            callback(event)
        except Exception:  # a subscriber's bug must not stop the watcher
            logger.exception("card event subscriber failed on %s", event)

    def _emit(self, event: WatcherEvent) -> None:
        logger.info("%s: %s (%s)", event.type.value, event.reader, event.kind.value)
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            self._deliver(callback, event)

    # -- state --------------------------------------------------------------------------

    def cards(self) -> dict[str, CardKind]:
        """The cards present now: {reader: kind}."""
        with self._lock:
            result = {r: kind for r, (_, kind) in self._cards.items()}
            result.update(self._polled)
        return result

    @property
    def pcsc_active(self) -> bool:
        """True while events come from PC/SC (not from slot polling)."""
        return self.mode == "pcsc"

    def readers(self) -> list[str]:
        """The PC/SC readers seen now."""
        with self._lock:
            return sorted(self._readers)

    # -- life cycle ---------------------------------------------------------------------

    def start(self, wait: float = 2.0) -> CardWatcher:
        """Start the watcher thread; wait up to ``wait`` seconds for the first look."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="cps-watcher", daemon=True)
            self._thread.start()
        self._ready.wait(wait)
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the thread and release the PC/SC context."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        self.mode = "stopped"

    def __enter__(self) -> CardWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._use_pcsc and self._ensure_context():
                    self.mode = "pcsc"
                    self._forget_polled()
                    self._pcsc_round()
                else:
                    self.mode = "pkcs11" if self._poller else "none"
                    self._poll_round()
                    self._ready.set()
                    self._stop.wait(self._interval)
        finally:
            self._release_context()

    # -- PC/SC --------------------------------------------------------------------------

    def _ensure_context(self) -> bool:
        if self._context is not None:
            return True
        hresult, context = _scard.SCardEstablishContext(_scard.SCARD_SCOPE_USER)
        if _u32(hresult) != _u32(_scard.SCARD_S_SUCCESS):
            logger.debug("PC/SC unavailable: %s", _scard.SCardGetErrorMessage(hresult))
            return False
        logger.info("PC/SC context established")
        self._context = context
        return True

    def _release_context(self) -> None:
        if self._context is not None and _scard is not None:
            try:
                _scard.SCardReleaseContext(self._context)
            except Exception:  # a dead context may refuse release
                logger.debug("SCardReleaseContext failed", exc_info=True)
        self._context = None

    def _lose_service(self, why: str) -> None:
        logger.warning("PC/SC service lost (%s); rebuilding the context", why)
        self._release_context()
        for reader in list(self._readers):
            self._reader_gone(reader, service_lost=True)

    def _reader_gone(self, reader: str, *, service_lost: bool = False) -> None:
        with self._lock:
            card = self._cards.pop(reader, None)
            self._readers.pop(reader, None)
        if card is not None:
            self._emit(WatcherEvent(EventType.CARD_REMOVED, reader, card[1], card[0],
                                    service_lost=service_lost))
        self._emit(WatcherEvent(EventType.READER_REMOVED, reader, service_lost=service_lost))

    def _list_readers(self) -> list[str] | None:
        hresult, readers = _scard.SCardListReaders(self._context, [])
        code = _u32(hresult)
        if code == _u32(_scard.SCARD_S_SUCCESS):
            return list(readers)
        if code == _u32(getattr(_scard, "SCARD_E_NO_READERS_AVAILABLE", -1)):
            return []
        self._lose_service(_scard.SCardGetErrorMessage(hresult))
        return None

    def _pcsc_round(self) -> None:
        readers = self._list_readers()
        if readers is None:
            return
        for gone in [r for r in self._readers if r not in readers]:
            self._reader_gone(gone)
        for new in [r for r in readers if r not in self._readers]:
            with self._lock:
                self._readers[new] = _scard.SCARD_STATE_UNAWARE
            self._emit(WatcherEvent(EventType.READER_ADDED, new))
        if not readers:
            self._ready.set()
            self._stop.wait(self._interval)
            return
        states = [(r, self._readers[r]) for r in readers]
        hresult, new_states = _scard.SCardGetStatusChange(
            self._context, int(self._interval * 1000), states)
        code = _u32(hresult)
        if code == _u32(_scard.SCARD_E_TIMEOUT):
            self._ready.set()
            return
        if code != _u32(_scard.SCARD_S_SUCCESS):
            if code == _u32(getattr(_scard, "SCARD_E_UNKNOWN_READER", -1)):
                return  # a reader vanished between list and wait: relist next round
            self._lose_service(_scard.SCardGetErrorMessage(hresult))
            return
        for reader, event_state, atr in new_states:
            self._apply_state(reader, int(event_state), bytes(atr or b""))
        self._ready.set()

    def _apply_state(self, reader: str, state: int, atr: bytes) -> None:
        present = bool(state & _scard.SCARD_STATE_PRESENT) and not (
            state & _scard.SCARD_STATE_MUTE)
        with self._lock:
            if reader not in self._readers:
                return
            self._readers[reader] = state & ~_scard.SCARD_STATE_CHANGED
            before = self._cards.get(reader)
        if present and atr and (before is None or before[0] != atr):
            if before is not None:  # swapped between two looks
                self._set_card(reader, None)
                self._emit(WatcherEvent(EventType.CARD_REMOVED, reader, before[1], before[0]))
            kind = classify_atr(atr)
            self._set_card(reader, (atr, kind))
            self._emit(WatcherEvent(EventType.CARD_INSERTED, reader, kind, atr))
        elif not present and before is not None:
            self._set_card(reader, None)
            self._emit(WatcherEvent(EventType.CARD_REMOVED, reader, before[1], before[0]))

    def _set_card(self, reader: str, card: tuple[bytes, CardKind] | None) -> None:
        with self._lock:
            if card is None:
                self._cards.pop(reader, None)
            else:
                self._cards[reader] = card

    # -- PKCS#11 polling fallback ---------------------------------------------------------

    def _poll_round(self) -> None:
        if self._poller is None:
            return
        try:
            now = {slot: kind for slot, kind in self._poller().items() if kind is not None}
        except Exception:  # the module may be unloading; try next round
            logger.debug("slot polling failed", exc_info=True)
            return
        with self._lock:
            before = dict(self._polled)
            self._polled = dict(now)
        for slot, kind in before.items():
            if now.get(slot) != kind:
                self._emit(WatcherEvent(EventType.CARD_REMOVED, slot, kind, b"", "pkcs11"))
        for slot, kind in now.items():
            if before.get(slot) != kind:
                self._emit(WatcherEvent(EventType.CARD_INSERTED, slot, kind, b"", "pkcs11"))

    def _forget_polled(self) -> None:
        with self._lock:
            before, self._polled = self._polled, {}
        for slot, kind in before.items():
            self._emit(WatcherEvent(EventType.CARD_REMOVED, slot, kind, b"", "pkcs11"))
