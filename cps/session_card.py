"""The session follows its card: which reader events lock or unlock a signed-in session.

An office desk has a bi-slot reader where the patient's Vitale card comes and goes all
day, often a second reader, sometimes a colleague's CPS. The card that signed in is
identified by its reader, its token serial and its certificate (:class:`SessionCard`);
:class:`SessionCardFollower` turns the watcher's events into decisions for the desktop
app, the bridge and the CLI alike:

* ``LEFT``: the signed-in card left its reader (or its reader was unplugged): lock; with
  no session bound, any CPS leaving (a sign-in waiting for its PIN stops);
* ``AVAILABLE``: a CPS card was inserted while no session is bound: offer to sign in;
* everything in another reader or slot is ignored, whatever the card;
* a PC/SC service restart is not a removal: the removals the watcher reports because the
  service went away (``WatcherEvent.service_lost``) suspend the decision; the card found
  again in the same reader with the same ATR once the service is back keeps the session,
  and ``LEFT`` is decided only if the reader comes back empty (after ``confirm`` seconds)
  or the service stays away longer than ``grace`` seconds.

When the signed-in card's reader cannot be known (a PKCS#11 slot that names no PC/SC
reader and several CPS readers, or no PC/SC at all), any CPS removal counts: locking once
too often is safe, the opposite is not.

Two CPS cards present at sign-in: :class:`CardChooser` is asked which one (a GUI-neutral
question like the PIN prompt: the desktop shows a list, a terminal a numbered menu);
:class:`NamedCardChooser` takes the card a command line names (reader or serial) and
refuses to guess when none is named; :class:`FirstCardChooser` takes the first and says
so. The chosen card's reader is the one :class:`SessionCardFollower` then follows.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cps.atr import CardKind
from cps.errors import CardChoiceNeeded, ChosenCardAbsent
from cps.events import EventType, WatcherEvent

__all__ = [
    "CardChoice",
    "CardChooser",
    "FirstCardChooser",
    "NamedCardChooser",
    "RememberingCardChooser",
    "SessionCard",
    "SessionCardChange",
    "SessionCardFollower",
    "SessionCardListener",
    "matches",
]

logger = logging.getLogger(__name__)

#: How long a PC/SC service may stay away before the signed-in card counts as gone.
SERVICE_GRACE = 20.0
#: Once the reader is back, how long its card has to show up again.
REAPPEAR_CONFIRM = 2.0


@dataclass(frozen=True)
class SessionCard:
    """The card a session was opened with.

    Attributes:
        reader: its PC/SC reader, or None when it cannot be told (then any CPS removal
            counts as this card leaving).
        serial: the PKCS#11 token serial.
        certificate_sha256: fingerprint of its authentication certificate.
        atr: its ATR when PC/SC reported it (to recognise it after a service restart).
    """

    reader: str | None
    serial: str
    certificate_sha256: bytes
    atr: bytes = b""


@dataclass(frozen=True)
class CardChoice:
    """One CPS card the user may sign in with.

    Attributes:
        reader: its PC/SC reader (None when the slot names none).
        slot_id: its PKCS#11 slot.
        holder: the holder's name as the card gives it (``JEAN MARTIN``), else the token
            label.
        serial: the token serial.
        profession: the holder's profession, when the certificate says it.
        national_id: the holder's national identifier (RPPS/ADELI), when known.
        family_name: the holder's family name, when known.
        given_name: the holder's given name, when known.
    """

    reader: str | None
    slot_id: int | None
    holder: str
    serial: str = ""
    profession: str = ""
    national_id: str = ""
    family_name: str = ""
    given_name: str = ""


class CardChooser(Protocol):
    """Asked when two CPS cards are present at sign-in (the UI shows a list, the CLI
    asks on the terminal or takes the one named by an option)."""

    def choose_card(self, choices: Sequence[CardChoice]) -> CardChoice | None:
        """The card to use, or None to cancel the sign-in."""
        ...


def matches(choice: CardChoice, *, reader: str | None = None,
            serial: str | None = None) -> bool:
    """Whether ``choice`` is the card named by ``reader`` (its full PC/SC name, or a part
    of it, case-insensitive) and ``serial`` (its token serial)."""
    if serial is not None and choice.serial.strip() != serial.strip():
        return False
    if reader is not None:
        name = (choice.reader or "").casefold()
        return bool(name) and reader.strip().casefold() in name
    return True


class NamedCardChooser:
    """The card a command line names (``--reader`` and/or ``--card``); nothing named
    with several cards present is an error, never a guess.

    With a name it is consulted even for a single card (``ask_for_one``): signing in
    with another card than the one named would be worse than stopping.

    Raises (from :meth:`choose_card`):
        CardChoiceNeeded: several cards and nothing named.
        ChosenCardAbsent: no card (or more than one) matches what was named.
    """

    def __init__(self, reader: str | None = None, serial: str | None = None) -> None:
        self.reader = reader or None
        self.serial = serial or None

    @property
    def ask_for_one(self) -> bool:
        """Consulted for a single card too when a card is named."""
        return self.reader is not None or self.serial is not None

    def choose_card(self, choices: Sequence[CardChoice]) -> CardChoice | None:
        """The named card among ``choices``."""
        if not self.ask_for_one:
            if len(choices) == 1:
                return choices[0]
            raise CardChoiceNeeded([c.reader for c in choices], [c.holder for c in choices],
                                   [c.serial for c in choices])
        found = [c for c in choices if matches(c, reader=self.reader, serial=self.serial)]
        if len(found) > 1 and self.reader is not None:
            # "Reader 01" is part of "... Reader 01" and "... Reader 011": exact wins.
            exact = [c for c in found if (c.reader or "").casefold()
                     == self.reader.strip().casefold()]
            found = exact or found
        if len(found) != 1:
            wanted = " ".join(p for p in (self.reader, self.serial) if p)
            raise ChosenCardAbsent(wanted, [c.reader for c in choices],
                                   [c.serial for c in choices])
        return found[0]


class FirstCardChooser:
    """Takes the first card and says which one in the log (CLI default)."""

    def choose_card(self, choices: Sequence[CardChoice]) -> CardChoice | None:
        """The first of ``choices``."""
        if not choices:
            return None
        chosen = choices[0]
        others = ", ".join(c.reader or f"slot {c.slot_id}" for c in choices[1:])
        logger.warning(
            "%d CPS cards are inserted: using the one in %s (%s); remove the other one (%s) "
            "to use it instead", len(choices), chosen.reader or f"slot {chosen.slot_id}",
            chosen.holder or "holder unknown", others)
        return chosen


class RememberingCardChooser:
    """Asks ``inner`` once, then keeps to the card chosen (by reader and serial) while it
    is inserted: a long-running sign-in (the bridge) signs in again with that card after
    a removal, not with the other one, and does not ask again.

    :meth:`remember` records the card a sign-in used when there was nothing to choose
    (one card), so that a second card inserted later changes nothing.
    """

    def __init__(self, inner: CardChooser) -> None:
        self._inner = inner
        self._named: NamedCardChooser | None = None

    @property
    def ask_for_one(self) -> bool:
        """Consulted for a single card when ``inner`` is (a card named by the user)."""
        return bool(getattr(self._inner, "ask_for_one", False))

    def remember(self, reader: str | None, serial: str) -> None:
        """Keep to the card in ``reader`` with ``serial`` from now on."""
        self._named = NamedCardChooser(reader=reader, serial=serial or None)

    def choose_card(self, choices: Sequence[CardChoice]) -> CardChoice | None:
        """The remembered card when present, else ``inner``'s answer (remembered)."""
        if self._named is not None:
            try:
                return self._named.choose_card(choices)
            except ChosenCardAbsent:
                pass  # the remembered card is not in: ask as the first time
        chosen = self._inner.choose_card(choices)
        if chosen is not None:
            self.remember(chosen.reader, chosen.serial)
        return chosen


class SessionCardChange(enum.Enum):
    """What a reader event means for the session."""

    LEFT = "left"
    AVAILABLE = "available"


#: ``callback(change, event)``: the event that decided (synthesised after a restart).
SessionCardListener = Callable[[SessionCardChange, WatcherEvent], None]


class SessionCardFollower:
    """Decides which watcher events concern the signed-in card (thread-safe).

    Feed it every :class:`~cps.watcher.WatcherEvent` (:meth:`handle_event`); bind it at
    sign-in (:meth:`bind`); listeners hear ``LEFT`` and ``AVAILABLE``.
    """

    def __init__(self, *, grace: float = SERVICE_GRACE,
                 confirm: float = REAPPEAR_CONFIRM) -> None:
        self._grace = grace
        self._confirm = confirm
        self._lock = threading.RLock()
        self._bound: SessionCard | None = None
        self._cards: dict[str, tuple[CardKind, bytes]] = {}
        self._suspended: WatcherEvent | None = None
        self._timer: threading.Timer | None = None
        self._listeners: list[SessionCardListener] = []

    # -- state ---------------------------------------------------------------------------
    @property
    def bound(self) -> SessionCard | None:
        """The signed-in card, if any."""
        return self._bound

    def cps_readers(self) -> list[str]:
        """Readers holding a CPS card according to the events so far."""
        with self._lock:
            return sorted(r for r, (kind, _atr) in self._cards.items() if kind.is_cps)

    def atr_of(self, reader: str) -> bytes:
        """The ATR of the card in ``reader`` (b"" if none)."""
        with self._lock:
            return self._cards.get(reader, (CardKind.UNKNOWN, b""))[1]

    def subscribe(self, listener: SessionCardListener) -> Callable[[], None]:
        """Hear ``LEFT`` and ``AVAILABLE``; returns an unsubscriber."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def subscribe_events(self, callback: Callable[[WatcherEvent], None]) -> Callable[[], None]:
        """The filtered event stream for those written against the watcher's callbacks:
        ``LEFT`` arrives as a ``CARD_REMOVED`` event, ``AVAILABLE`` as ``CARD_INSERTED``;
        nothing else arrives."""

        def forward(change: SessionCardChange, event: WatcherEvent) -> None:
            kind = EventType.CARD_REMOVED if change is SessionCardChange.LEFT else \
                EventType.CARD_INSERTED
            callback(WatcherEvent(kind, event.reader, event.kind, event.atr, event.source))

        return self.subscribe(forward)

    def bind(self, card: SessionCard) -> None:
        """A session was opened with ``card``."""
        with self._lock:
            self._cancel_timer()
            self._suspended = None
            self._bound = card
        logger.info("session bound to the card in %s", card.reader or "an unknown reader")

    def unbind(self) -> None:
        """The session ended (logout): no card is followed."""
        with self._lock:
            self._cancel_timer()
            self._suspended = None
            self._bound = None

    # -- events --------------------------------------------------------------------------
    def handle_event(self, event: WatcherEvent) -> None:
        """Watcher callback (any thread)."""
        decisions: list[tuple[SessionCardChange, WatcherEvent]] = []
        with self._lock:
            if event.type is EventType.CARD_INSERTED:
                self._cards[event.reader] = (event.kind, event.atr)
                decisions = self._inserted(event)
            elif event.type in (EventType.CARD_REMOVED, EventType.READER_REMOVED):
                self._cards.pop(event.reader, None)
                change = self._removed(event)
                decisions = [(change, event)] if change is not None else []
            elif event.type is EventType.READER_ADDED:
                self._reader_back(event)
        for change, cause in decisions:
            self._notify(change, cause)

    def _concerns_bound(self, reader: str) -> bool:
        bound = self._bound
        return bound is not None and (bound.reader is None or bound.reader == reader)

    def _inserted(self, event: WatcherEvent) -> list[tuple[SessionCardChange, WatcherEvent]]:
        suspended = self._suspended
        if suspended is not None and suspended.reader == event.reader:
            bound = self._bound
            if bound is not None and (not bound.atr or bound.atr == event.atr):
                # The service came back and the card is still there: nothing happened.
                logger.info("PC/SC is back and the signed-in card is still in %s",
                            event.reader)
                self._cancel_timer()
                self._suspended = None
                return []
            # Another card in that reader now: the signed-in one left during the outage.
            self._cancel_timer()
            self._suspended = None
            self._bound = None
            decisions = [(SessionCardChange.LEFT, _as_removal(suspended))]
            if event.kind.is_cps:
                decisions.append((SessionCardChange.AVAILABLE, event))
            return decisions
        if self._bound is None and event.kind.is_cps:
            return [(SessionCardChange.AVAILABLE, event)]
        return []  # a card in another reader or slot never unlocks anything

    def _removed(self, event: WatcherEvent) -> SessionCardChange | None:
        bound = self._bound
        if bound is None:
            # No session to lock; a sign-in waiting for its PIN must stop, though.
            if (event.kind.is_cps or event.kind is CardKind.UNKNOWN) and not (
                event.service_lost or event.type is EventType.READER_REMOVED
            ):
                return SessionCardChange.LEFT
            return None
        if not self._concerns_bound(event.reader):
            return None
        if bound.reader is None and not (event.kind.is_cps or event.kind is CardKind.UNKNOWN):
            return None  # reader unknown: a Vitale card leaving is still not the CPS
        if event.service_lost and bound.reader is not None:
            if self._suspended is None:
                logger.info("PC/SC service lost: waiting for it before deciding about %s",
                            event.reader)
                self._suspended = event
                self._start_timer(self._grace)
            return None
        if self._suspended is not None and event.type is EventType.READER_REMOVED:
            return None  # the reader's own removal during the outage
        self._cancel_timer()
        self._suspended = None
        self._bound = None
        logger.info("the signed-in card left %s", event.reader)
        return SessionCardChange.LEFT

    def _reader_back(self, event: WatcherEvent) -> None:
        suspended = self._suspended
        if suspended is not None and suspended.reader == event.reader:
            # The service is back: the card has ``confirm`` seconds to be seen again.
            self._start_timer(self._confirm)

    # -- timers --------------------------------------------------------------------------
    def _start_timer(self, delay: float) -> None:
        self._cancel_timer()
        timer = threading.Timer(delay, self._expired)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def _expired(self) -> None:
        with self._lock:
            suspended, self._suspended = self._suspended, None
            self._timer = None
            if suspended is None or self._bound is None:
                return
            self._bound = None
        logger.info("PC/SC is back without the signed-in card: it left %s", suspended.reader)
        self._notify(SessionCardChange.LEFT, _as_removal(suspended))

    def _notify(self, change: SessionCardChange, event: WatcherEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change, event)
            except Exception:  # a listener's bug must not stop the others
                logger.exception("session card listener failed")


def _as_removal(event: WatcherEvent) -> WatcherEvent:
    return WatcherEvent(EventType.CARD_REMOVED, event.reader, event.kind, event.atr,
                        event.source)
