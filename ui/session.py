"""Sign-in, lock and resume: the card's life seen by the desktop app.

:class:`SessionController` listens to the card watcher. A CPS card inserted: read its
holder (off the GUI thread), ask which card when two CPS cards are inserted
(:class:`ui.card_choice_dialog.QtCardChooser`), ask the PIN through
:class:`ui.pin_dialog.QtPinPrompt`, open the mailbox. The card removed: lock at once (the
window is covered in the same event-loop turn), collect the open drafts, then save them
and close the sessions on a worker and drop the mail service (secrets held by the
authenticator go with it). The same card again: resume where the user was; another card:
a different user.

With e-CPS (:meth:`SessionController.sign_in_ecps`) no card is involved: the approval
happens on the phone while :class:`ui.ecps_dialog.EcpsDialog` shows the binding message;
the session then locks after an idle time and with the desktop session
(:class:`ui.idle_lock.IdleLock`), keeps its PSC session while locked, and unlocking asks a
new approval only when that PSC session has ended.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from client.audit import record as audit_record
from cps.events import WatcherEvent
from ui.backend import CardHolder, EcpsRequest, MailService, Services
from ui.card_choice_dialog import QtCardChooser
from ui.card_watch import QtCardWatcher
from ui.ecps_dialog import EcpsDialog
from ui.idle_lock import IdleLock
from ui.pin_dialog import PinAsk, QtPinPrompt
from ui.preferences import ModuleSettingInvalid
from ui.wording import describe_error, is_cancellation
from ui.workers import WorkerPool

if TYPE_CHECKING:
    from client.mail.compose import Draft
    from ui.lock_screen import LockScreen

__all__ = ["SessionController", "SessionState"]

logger = logging.getLogger(__name__)


class SessionState(enum.Enum):
    """Where the app is in the card's life."""

    WAITING_CARD = "waiting_card"
    SIGNING_IN = "signing_in"
    OPEN = "open"
    LOCKED = "locked"
    FAILED = "failed"


class SessionController(QObject):
    """Drives sign-in, lock and resume from card events."""

    state_changed = Signal(object)
    holder_detected = Signal(object)  # CardHolder
    signed_in = Signal(object, object)  # CardHolder, MailService (a new user)
    resumed = Signal(object, object)  # CardHolder, MailService (the same user again)
    locking = Signal()  # emitted synchronously: views hand over their drafts now
    locked = Signal()
    sign_in_failed = Signal(str)
    drafts_saved = Signal(int)
    ecps_pending = Signal(object)  # EcpsRequest, from the worker: show the binding message

    def __init__(
        self,
        services: Services,
        pool: WorkerPool,
        pin_prompt: QtPinPrompt,
        parent: QObject | None = None,
        card_chooser: QtCardChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.pool = pool
        self.pin_prompt = pin_prompt
        #: Asked (before the PIN) when two CPS cards are inserted.
        self.card_chooser = card_chooser or QtCardChooser(
            parent if isinstance(parent, QWidget) else None)
        self.card_chooser.card_chosen.connect(self._card_chosen)
        self.watcher = QtCardWatcher(self)
        self.watcher.cps_inserted.connect(self._card_inserted)
        self.watcher.cps_removed.connect(self._card_removed)
        self.state = SessionState.WAITING_CARD
        self.mail: MailService | None = None
        self.holder: CardHolder | None = None
        self._last_user: str | None = None
        self._pending_drafts: list[Draft] = []
        self._attempt = 0
        #: "card" or "ecps": how the open (or locked) session was proven.
        self.method = "card"
        self.idle = IdleLock(15, self)
        self.idle.lock_now.connect(self._auto_lock)
        self.ecps_dialog: EcpsDialog | None = None
        self._ecps_cancel = threading.Event()
        self._ecps_national_id = ""
        self._parked: MailService | None = None
        self._was_locked = False
        self._idle_minutes: Callable[[], int] = lambda: 15
        self._lock_screen: LockScreen | None = None
        self.ecps_pending.connect(self._show_ecps_request)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Watch the card and sign in if a CPS card is already inserted."""
        card = self.services.card
        if card is None and self.services.ecps is not None:
            # No card access on this workstation: e-CPS is the way in.
            self._offer_ecps(card_present=False)
            self._set_state(SessionState.WAITING_CARD)
            return
        if card is None:
            problem = self.services.extras.get("card_error")
            self._fail(describe_error(problem) if isinstance(problem, BaseException)
                       else self.tr("Aucun accès à la carte n'est configuré."))
            return
        self._set_state(SessionState.WAITING_CARD)

        def watch_then_read() -> CardHolder | None:
            # Starting the PC/SC watcher waits for its first scan: not on the GUI thread.
            card.watch(self.watcher.on_inserted, self.watcher.on_removed)
            return card.holder()

        self.pool.submit(watch_then_read, on_result=self._holder_read, on_error=self._failed)

    def retry(self) -> None:
        """Try signing in again (after a failure or a cancelled PIN)."""
        card = self.services.card
        if card is not None and self.state in (SessionState.FAILED, SessionState.WAITING_CARD):
            self.pool.submit(card.holder, on_result=self._holder_read, on_error=self._failed)

    def shutdown(self) -> None:
        """Close the mailbox and stop watching (application exit)."""
        self.pin_prompt.cancel_pending()
        self.card_chooser.cancel_pending()
        self._ecps_cancel.set()
        self.idle.stop()
        parked, self._parked = self._parked, None
        if parked is not None:
            try:
                parked.close()
            except Exception:  # closing on exit must not raise
                logger.warning("closing the locked mailbox on exit failed", exc_info=True)
        mail, self.mail = self.mail, None
        if mail is not None:
            try:
                mail.close()
            except Exception:  # closing on exit must not raise
                logger.warning("closing the mailbox on exit failed", exc_info=True)
        if self.services.card is not None:
            self.services.card.stop()

    def add_draft(self, draft: Draft) -> None:
        """Called by views during :attr:`locking`: keep ``draft`` for saving."""
        if not draft.is_empty():
            self._pending_drafts.append(draft)

    # -- e-CPS -------------------------------------------------------------------------
    def attach_lock_screen(self, lock_screen: LockScreen,
                           idle_minutes: Callable[[], int] = lambda: 15) -> None:
        """Connect the lock screen's e-CPS choice and unlock button.

        Args:
            idle_minutes: the idle time of e-CPS sessions (read at each sign-in, so a
                change in the settings applies to the next one).
        """
        self._lock_screen = lock_screen
        self._idle_minutes = idle_minutes
        lock_screen.ecps_requested.connect(self.sign_in_ecps)
        lock_screen.unlock_requested.connect(self.unlock)
        # After the window's own handlers: the e-CPS wording replaces the card's.
        self.locked.connect(self._show_lock)
        # A card in the reader makes "Carte CPS" the choice.
        self.holder_detected.connect(lambda _h: self._offer_ecps(card_present=True))
        if self.services.ecps is not None and self.state == SessionState.WAITING_CARD:
            self._offer_ecps(card_present=self.services.card is not None)

    def _offer_ecps(self, *, card_present: bool) -> None:
        ecps = self.services.ecps
        if ecps is None or self._lock_screen is None:
            return
        if not self._ecps_national_id:
            try:
                self._ecps_national_id = ecps.remembered_national_id()
            except Exception:  # a convenience only
                logger.info("no remembered national identifier")
        problem = self.services.extras.get("card_error") if self.services.card is None else None
        words = describe_error(problem) if isinstance(problem, BaseException) else ""
        # A module path saved in Settings that does not load is what the user reads
        # first, with where to fix it (e-CPS stays one click away).
        first = card_present or isinstance(problem, ModuleSettingInvalid)
        self._lock_screen.offer_ecps(self._ecps_national_id, card_present=first,
                                     card_problem=words)

    def sign_in_ecps(self, national_id: str) -> None:
        """Start an e-CPS sign-in; the dialog shows the binding message until it ends."""
        ecps = self.services.ecps
        if ecps is None or self.state in (SessionState.OPEN, SessionState.SIGNING_IN):
            return
        self._ecps_national_id = national_id
        self.method = "ecps"
        self._was_locked = self.state == SessionState.LOCKED
        self._set_state(SessionState.SIGNING_IN)
        self._attempt += 1
        attempt = self._attempt
        self._ecps_cancel = threading.Event()
        parent = self._lock_screen.window() if self._lock_screen is not None else None
        dialog = EcpsDialog(parent)
        dialog.cancelled.connect(self.cancel_ecps)
        self.ecps_dialog = dialog
        dialog.show()
        self.pool.submit(
            ecps.sign_in, national_id, self.ecps_pending.emit, self._ecps_cancel,
            on_result=lambda result: self._ecps_signed_in(attempt, result),
            on_error=lambda exc: self._ecps_error(attempt, exc),
        )

    def cancel_ecps(self) -> None:
        """Stop waiting for the approval (the dialog's Annuler)."""
        self._ecps_cancel.set()

    def _show_ecps_request(self, request: EcpsRequest) -> None:
        if self.ecps_dialog is not None:
            self.ecps_dialog.show_request(request)

    def _close_ecps_dialog(self) -> None:
        dialog, self.ecps_dialog = self.ecps_dialog, None
        if dialog is not None:
            dialog.finish()
            dialog.deleteLater()

    def _ecps_signed_in(self, attempt: int,
                        result: tuple[CardHolder, MailService]) -> None:
        self._close_ecps_dialog()
        holder, mail = result
        parked, self._parked = self._parked, None
        if parked is not None:
            self.pool.submit(parked.close)
        self.holder = holder
        self._signed_in(attempt, holder, mail)
        if self.state == SessionState.OPEN:
            self.idle.set_minutes(self._idle_minutes())
            self.idle.start()

    def _ecps_error(self, attempt: int, exc: BaseException) -> None:
        self._close_ecps_dialog()
        if attempt != self._attempt:
            return
        if is_cancellation(exc):
            was_locked = self._was_locked
            self._set_state(SessionState.LOCKED if was_locked else SessionState.WAITING_CARD)
            if self._lock_screen is not None:
                if was_locked:
                    self._lock_screen.show_ecps_locked(self.holder)
                else:
                    self._lock_screen.show_waiting()
            return
        self._failed(exc)

    def _auto_lock(self, _why: str) -> None:
        if self.state == SessionState.OPEN and self.method == "ecps":
            self.lock()

    def _show_lock(self) -> None:
        if self.method == "ecps" and self._lock_screen is not None:
            self._lock_screen.show_ecps_locked(self.holder)

    def unlock(self) -> None:
        """e-CPS lock: resume if the PSC session lives, else ask a new approval."""
        ecps = self.services.ecps
        if ecps is None or self.state != SessionState.LOCKED or self.method != "ecps":
            return
        if self._parked is None:
            self.sign_in_ecps(self._ecps_national_id)
            return
        self.pool.submit(ecps.session_alive, on_result=self._unlock_checked,
                         on_error=lambda _exc: self._unlock_checked(False))

    def _unlock_checked(self, alive: bool) -> None:
        if self.state != SessionState.LOCKED:
            return
        mail, self._parked = self._parked, None
        if alive and mail is not None and self.holder is not None:
            self.mail = mail
            self._set_state(SessionState.OPEN)
            self.idle.start()
            logger.info("e-CPS session unlocked (PSC session still valid)")
            self.resumed.emit(self.holder, mail)
            return
        if mail is not None:
            self.pool.submit(mail.close)
        logger.info("the PSC session ended while locked: asking a new e-CPS approval")
        self.sign_in_ecps(self._ecps_national_id)

    # -- card events -------------------------------------------------------------------
    def _card_inserted(self, event: WatcherEvent) -> None:
        card = self.services.card
        if card is None or self.state in (SessionState.OPEN, SessionState.SIGNING_IN):
            return
        if self.method == "ecps" and self.state == SessionState.LOCKED:
            return  # an e-CPS session is unlocked with its own button
        self.pool.submit(card.holder, on_result=self._holder_read, on_error=self._failed)

    def _holder_read(self, holder: CardHolder | None) -> None:
        card = self.services.card
        if holder is None or card is None:
            if self.state != SessionState.LOCKED:
                self._set_state(SessionState.WAITING_CARD)
            return
        if self.state in (SessionState.OPEN, SessionState.SIGNING_IN):
            return
        if self.method == "ecps" and self.state == SessionState.LOCKED:
            return
        self.method = "card"
        self.holder = holder
        self.holder_detected.emit(holder)
        self._set_state(SessionState.SIGNING_IN)
        self._attempt += 1
        attempt = self._attempt
        self.pool.submit(
            card.sign_in, self.pin_prompt, self.card_chooser,
            # The holder of the card chosen, when two were inserted (see _card_chosen).
            on_result=lambda mail: self._signed_in(attempt, self.holder or holder, mail),
            on_error=lambda exc: self._sign_in_error(attempt, exc),
        )

    def _card_chosen(self, choice: object) -> None:
        """Two CPS cards were inserted and the user picked ``choice``: the session is
        that card holder's (the holder read first may be the other card's)."""
        if self.state != SessionState.SIGNING_IN:
            return
        holder = CardHolder(
            national_id=str(getattr(choice, "national_id", "") or ""),
            family_name=str(getattr(choice, "family_name", "") or ""),
            given_name=str(getattr(choice, "given_name", "") or ""),
            profession=str(getattr(choice, "profession", "") or ""),
            reader=str(getattr(choice, "reader", "") or ""))
        if holder.national_id and holder != self.holder:
            self.holder = holder
            self.holder_detected.emit(holder)

    def _signed_in(self, attempt: int, holder: CardHolder, mail: MailService) -> None:
        if attempt != self._attempt or self.state != SessionState.SIGNING_IN:
            # The card was pulled while signing in: this session is already stale.
            self.pool.submit(mail.close)
            return
        self.mail = mail
        same_user = self._last_user == holder.national_id
        self._last_user = holder.national_id
        self._set_state(SessionState.OPEN)
        if same_user:
            logger.info("session resumed")
            self.resumed.emit(holder, mail)
        else:
            logger.info("signed in")
            self.signed_in.emit(holder, mail)

    def _sign_in_error(self, attempt: int, exc: BaseException) -> None:
        if attempt != self._attempt:
            return
        if is_cancellation(exc) and self.state == SessionState.LOCKED:
            return
        if type(exc).__name__ == "PinLocked":
            # Explained in the PIN dialog itself (what happened, what to do), too.
            holder = self.holder
            self.pin_prompt.show_locked(
                PinAsk(holder=holder.display_name, profession=holder.profession)
                if holder is not None else None)
        self._failed(exc)

    def _failed(self, exc: BaseException) -> None:
        if self.state == SessionState.LOCKED and type(exc).__name__ == "CardRemoved":
            return
        self._fail(describe_error(exc))

    def _fail(self, message: str) -> None:
        self._set_state(SessionState.FAILED)
        self.sign_in_failed.emit(message)

    def _card_removed(self, _event: WatcherEvent) -> None:
        if self.method == "ecps":
            return  # an e-CPS session does not depend on a card
        if self.state in (SessionState.SIGNING_IN, SessionState.OPEN):
            mail = self.mail
            # record() never raises; the address only (no holder data, no content).
            audit_record("card-removed", address=mail.address if mail is not None else "",
                         where="desktop")
        if self.state == SessionState.SIGNING_IN:
            self._attempt += 1  # whatever the pending sign-in returns is now stale
            self.pin_prompt.cancel_pending()
            self.card_chooser.cancel_pending()
            following = SessionState.LOCKED if self._last_user else SessionState.WAITING_CARD
            self._set_state(following)
            if following == SessionState.LOCKED:
                self.locked.emit()
            return
        if self.state != SessionState.OPEN:
            return
        self.lock()

    def lock(self) -> None:
        """Cover, collect drafts, then save them and close the sessions off the thread."""
        self._set_state(SessionState.LOCKED)
        self.idle.stop()
        self._pending_drafts = []
        self.locking.emit()
        self.locked.emit()
        mail, self.mail = self.mail, None
        drafts, self._pending_drafts = self._pending_drafts, []
        if mail is not None and self.method == "ecps":
            # Kept (covered) while the PSC session lives; drafts stay in their windows.
            self._parked = mail
            return
        if mail is not None:
            self.pool.submit(
                _save_then_close, mail, drafts,
                on_result=self.drafts_saved.emit,
                on_error=lambda exc: logger.warning("closing after lock: %s",
                                                    type(exc).__name__),
            )

    def _set_state(self, state: SessionState) -> None:
        self.state = state
        self.state_changed.emit(state)

    def on_state(self, callback: Callable[[SessionState], None]) -> None:
        """Convenience for tests and the status bar."""
        self.state_changed.connect(callback)


def _save_then_close(mail: MailService, drafts: list[Draft]) -> int:
    """Worker: drafts first (nothing typed is lost), then log out and drop secrets."""
    saved = 0
    for draft in drafts:
        try:
            mail.save_draft(draft)
            saved += 1
        except Exception as exc:  # keep closing; the draft stays in memory
            logger.warning("draft not saved at lock: %s", type(exc).__name__)
    mail.close()
    return saved
