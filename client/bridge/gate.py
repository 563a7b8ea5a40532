"""The card gate: the bridge's only way to the operator, open while the CPS card is in.

:class:`CardGate` holds the signed-in :class:`~client.sessions.SessionOpener` and follows
the card:

- on removal (:meth:`card_removed`, or a ``CARD_REMOVED`` event of :mod:`cps.watcher`)
  it forgets the opener, tells its listeners (the bridge closes every upstream session)
  and answers :class:`~client.bridge.errors.CardAbsent` until the card is back;
- after an insertion the opener is built again on the next session, through the factory
  the process provides (which asks the PIN through its PinPrompt: terminal for the CLI,
  dialog for the app). The factory runs under a lock: twenty clients connecting at once
  cause one PIN prompt, not twenty;
- a cancelled or refused PIN is remembered until the next insertion: mail clients retry
  every few minutes and must not bring up a PIN prompt each time (no endless prompts).
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from client.audit import record as audit_record
from client.bridge.errors import CardAbsent
from client.sessions import SessionOpener

if TYPE_CHECKING:
    from imapclient import IMAPClient

    from cps.watcher import WatcherEvent

__all__ = ["CardGate", "OpenerFactory"]

logger = logging.getLogger(__name__)

#: Builds a signed-in opener (asks the PIN once); the gate calls it once per insertion.
OpenerFactory = Callable[[], SessionOpener]


def _is_pin_failure(exc: BaseException) -> bool:
    from cps.errors import PinEntryCancelled, PinIncorrect, PinLengthInvalid, PinLocked

    return isinstance(exc, PinEntryCancelled | PinIncorrect | PinLengthInvalid | PinLocked)


def _is_card_gone(exc: BaseException) -> bool:
    from cps.errors import CardRemoved, TokenNotPresent

    return isinstance(exc, CardRemoved | TokenNotPresent)


class CardGate:
    """Signed-in sessions while the card is in; :class:`CardAbsent` otherwise.

    Args:
        factory: builds the opener (one PIN prompt); called lazily.
        address: the mailbox address (known from the profile without signing in).
        card_present: the state at start (the CLI starts with the card in).
    """

    def __init__(self, factory: OpenerFactory, address: str, *,
                 card_present: bool = True) -> None:
        self._factory = factory
        self._address = address
        self._lock = threading.RLock()
        self._opener: SessionOpener | None = None
        self._present = card_present
        self._refused: CardAbsent | None = None
        self._listeners: list[Callable[[bool], None]] = []
        self.generation = 0  # bumped on each removal: sessions opened before are stale

    @property
    def address(self) -> str:
        """The mailbox address."""
        return self._address

    @property
    def card_present(self) -> bool:
        """Whether the card is in (as far as the events told)."""
        return self._present

    @property
    def state(self) -> str:
        """``"ready"`` (signed in), ``"waiting"`` (card in, not yet signed in),
        ``"removed"`` or ``"pin-refused"``."""
        if not self._present:
            return "removed"
        if self._refused is not None:
            return self._refused.reason
        return "ready" if self._opener is not None else "waiting"

    def add_listener(self, callback: Callable[[bool], None]) -> Callable[[], None]:
        """``callback(present)`` on every insertion/removal; returns an unsubscriber."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def opener(self) -> SessionOpener:
        """The signed-in opener, signing in now (one PIN prompt) if needed.

        Raises:
            CardAbsent: card out, PIN refused for this insertion, or sign-in failed.
        """
        with self._lock:
            if not self._present:
                raise CardAbsent("removed")
            if self._refused is not None:
                raise self._refused
            if self._opener is None:
                try:
                    self._opener = self._factory()
                except Exception as exc:
                    if _is_card_gone(exc):
                        raise CardAbsent("removed") from exc
                    if _is_pin_failure(exc):
                        # Remembered until the next insertion: no prompt on every retry.
                        self._refused = CardAbsent("pin-refused", type(exc).__name__)
                        raise self._refused from exc
                    raise CardAbsent("sign-in-failed", str(exc) or type(exc).__name__) from exc
            return self._opener

    def _call(self, what: Callable[[SessionOpener], Any]) -> Any:
        generation = self.generation
        opener = self.opener()
        try:
            return what(opener)
        except Exception as exc:
            if _is_card_gone(exc):
                # The card left between the event and us: same answer as after the event.
                if generation == self.generation:
                    self.card_removed()
                raise CardAbsent("removed") from exc
            raise

    def open_imap(self) -> IMAPClient:
        """A new authenticated upstream IMAP session (caller logs out).

        Raises:
            CardAbsent; the opener's errors (operator unreachable, refused...).
        """
        client: IMAPClient = self._call(lambda o: o.open_imap())
        return client

    def open_smtp(self) -> smtplib.SMTP:
        """A new authenticated upstream SMTP session (caller quits)."""
        smtp: smtplib.SMTP = self._call(lambda o: o.open_smtp())
        return smtp

    def card_removed(self) -> None:
        """The card left: forget the sign-in and tell the listeners (they close sessions)."""
        with self._lock:
            self._present = False
            self._refused = None
            self.generation += 1
            opener, self._opener = self._opener, None
        if opener is not None:
            close = getattr(opener, "close", None)
            if callable(close):
                with contextlib.suppress(Exception):
                    close()
        logger.info("card removed: bridge sessions closed until the card is back")
        audit_record("card-removed", address=self.address, where="bridge")
        self._notify(False)

    def card_inserted(self) -> None:
        """A card is back: the next session signs in again (one PIN prompt)."""
        with self._lock:
            self._present = True
            self._refused = None
        logger.info("card inserted: the bridge signs in at the next session")
        self._notify(True)

    def _notify(self, present: bool) -> None:
        for callback in list(self._listeners):
            try:
                callback(present)
            except Exception:  # a listener's bug must not stop the others
                logger.exception("bridge card listener failed")

    def on_event(self, event: WatcherEvent) -> None:
        """:class:`cps.watcher.CardWatcher` callback: follow CPS insertions and removals."""
        from cps.atr import CardKind
        from cps.watcher import EventType

        if event.type is EventType.CARD_INSERTED and event.kind.is_cps:
            self.card_inserted()
        elif event.type in (EventType.CARD_REMOVED, EventType.READER_REMOVED) and (
            event.kind.is_cps or event.kind is CardKind.UNKNOWN
        ):
            # An unclassified removal (ATR never seen) counts: better one extra PIN
            # prompt than a session on a card that left. A Vitale card leaving does not.
            self.card_removed()

    def close(self) -> None:
        """Forget the sign-in (bridge stopping)."""
        with self._lock:
            opener, self._opener = self._opener, None
        close = getattr(opener, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()
