"""The card service: one card thread, one logged-in session per insertion.

:class:`CardService` owns a :class:`~cps.card_thread.CardThread` and the PKCS#11 backend
living on it. Any thread may call it; the calls are marshalled to the card thread. It
reads what a card holds (:class:`CardContents`), logs in once per insertion through a
:class:`~cps.pin.PinPrompt` (:meth:`CardService.login`) and hands out a
:class:`~cps.signer.CardSigner` for the authentication key.

SoftHSM2 tokens stay present when the virtual reader's card is pulled, so the service
also listens to the PC/SC watcher (:meth:`CardService.handle_event`): removal of the
CPS from its reader ends the session, fails pending operations with
:class:`~cps.errors.CardRemoved`, and further operations fail until a new login.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from cps.atr import CardKind
from cps.card_thread import CardThread, assert_on_card_thread, on_card_thread
from cps.contents import CardContents, classify_certificate
from cps.errors import (
    CardError,
    CardRemoved,
    CertificateError,
    CertificateNotFound,
    KeyNotFound,
    PinEntryCancelled,
    PinIncorrect,
    PinLengthInvalid,
    PinLocked,
    TokenNotPresent,
    TokenOperationFailed,
)
from cps.identity import CardIdentity
from cps.pin import RETRY_INCORRECT, RETRY_LENGTH, PinPrompt, PinRequest
from cps.session_card import (
    CardChoice,
    CardChooser,
    FirstCardChooser,
    SessionCard,
    SessionCardChange,
    SessionCardFollower,
)
from cps.token import (
    CertificateObject,
    KeyObject,
    SlotInfo,
    TokenBackend,
    TokenInfo,
    TokenSession,
)

if TYPE_CHECKING:
    from cps.signer import CardSigner
    from cps.watcher import CardWatcher, WatcherEvent

__all__ = ["CardContents", "CardService", "CardSession", "classify_certificate"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_SESSION_LOST_CODES = frozenset({"CKR_USER_NOT_LOGGED_IN", "CKR_KEY_HANDLE_INVALID",
                                 "CKR_OBJECT_HANDLE_INVALID"})
# How often a caller waiting for the card thread checks for a removal.
_REMOVAL_POLL = 0.02


@dataclass(eq=False)
class CardSession:
    """A logged-in session with the card; valid until the card is removed."""

    slot_id: int
    reader: str | None
    token: TokenInfo
    identity: CardIdentity | None
    auth_certificate: x509.Certificate
    auth_key: KeyObject
    mechanisms: frozenset[str]
    removed: threading.Event = field(default_factory=threading.Event)
    token_session: TokenSession | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        """False once the card was removed or the session closed."""
        return not self.removed.is_set() and self.token_session is not None


class CardService:
    """The card: slots, tokens, identity, PIN, and signing, all on one card thread."""

    def __init__(self, backend_factory: Callable[[], TokenBackend], *,
                 thread: CardThread | None = None) -> None:
        """``backend_factory`` runs on the card thread (e.g. ``Pkcs11Backend(path)``)."""
        self._factory = backend_factory
        self._thread = thread or CardThread()
        self._backend: TokenBackend | None = None
        self._session: CardSession | None = None
        self._login_lock = threading.Lock()
        self._state_lock = threading.Lock()
        # Readers holding a CPS according to PC/SC; None until a watcher reports.
        self._cps_readers: set[str] | None = None
        self._known_readers: set[str] = set()
        self._kinds: dict[tuple[int, str], CardKind] = {}
        self._closed = False
        # Removals seen so far (per reader; None = "from whatever reader"): a login compares
        # them before and after the PIN prompt so a PIN typed for a card that left is
        # never presented to the card found in the slot afterwards.
        self._removals: dict[str | None, int] = {}
        #: Decides which reader events concern the signed-in card (desktop, bridge, CLI).
        self.follower = SessionCardFollower()
        self.follower.subscribe(self._on_session_card)

    @classmethod
    def for_module(cls, module: Path) -> CardService:
        """A service over the PKCS#11 library at ``module`` (loaded on first use)."""
        from cps.pkcs11_token import Pkcs11Backend

        return cls(lambda: Pkcs11Backend(module))

    # -- plumbing ---------------------------------------------------------------------

    @property
    def thread(self) -> CardThread:
        """The card thread."""
        return self._thread

    def _get_backend(self) -> TokenBackend:
        assert_on_card_thread()
        if self._backend is None:
            self._backend = self._factory()
        return self._backend

    def call(self, fn: Callable[[TokenBackend], T]) -> T:
        """Run ``fn(backend)`` on the card thread and return its result."""
        return self._thread.call(lambda: fn(self._get_backend()))

    def close(self) -> None:
        """Log out, unload the module and stop the card thread (idempotent)."""
        def shutdown() -> None:
            self._end_session_on_thread()
            if self._backend is not None:
                self._backend.close()
                self._backend = None

        if self._closed:
            return
        self._closed = True
        try:
            self._thread.call(shutdown)
        finally:
            self._thread.stop()

    # -- reading ----------------------------------------------------------------------

    def slots(self) -> list[SlotInfo]:
        """Every slot of the module, with its reader name (slot description)."""
        return list(self.call(lambda b: b.slots()))

    def tokens(self) -> list[TokenInfo]:
        """Every present token."""
        return self.call(lambda b: _each_present(b, lambda slot: b.token_info(slot.slot_id)))

    def read_card(self, slot_id: int | None = None) -> CardContents:
        """Read the certificates, identity and PIN state of a card (no PIN needed).

        With ``slot_id`` None, the first present token holding a CPS authentication
        certificate is read (else the first present token).

        Raises: TokenNotPresent.
        """
        return self.call(lambda b: self._read_card_on_thread(b, slot_id))

    def read_all(self) -> list[CardContents]:
        """Read every present token."""
        return self.call(lambda b: _each_present(b, lambda slot: self._read_slot(b, slot)))

    def _read_slot(self, backend: TokenBackend, slot: SlotInfo) -> CardContents:
        token = backend.token_info(slot.slot_id)
        if not token.initialized:
            # A blank token refuses sessions (CKR_TOKEN_NOT_RECOGNIZED): an empty card.
            return CardContents(slot=slot, token=token, certificates=(), data_labels=(),
                                mechanisms=frozenset())
        session = backend.open_session(slot.slot_id)
        try:
            certificates = tuple(session.certificates())
            labels = tuple(d.label for d in session.data_objects())
            mechanisms = session.mechanisms()
        finally:
            session.close()
        contents = CardContents(slot=slot, token=token, certificates=certificates,
                                data_labels=labels, mechanisms=mechanisms)
        auth = contents.auth_certificate
        identity: CardIdentity | None = None
        error: CardError | None = None
        if auth is not None:
            try:
                identity = CardIdentity.from_certificate(auth)
            except CertificateError as exc:
                error = exc
        return CardContents(slot=slot, token=token, certificates=certificates,
                            data_labels=labels, mechanisms=mechanisms, identity=identity,
                            identity_error=error)

    def _read_card_on_thread(self, backend: TokenBackend, slot_id: int | None) -> CardContents:
        slots = [s for s in backend.slots() if s.token_present]
        if slot_id is not None:
            slots = [s for s in slots if s.slot_id == slot_id]
            if not slots:
                raise TokenNotPresent(slot_id)
        fallback: CardContents | None = None
        for slot in slots:
            try:
                contents = self._read_slot(backend, slot)
            except TokenNotPresent:
                continue
            if contents.auth_certificate is not None:
                return contents
            fallback = fallback or contents
        if fallback is None:
            raise TokenNotPresent(slot_id)
        return fallback

    # -- PIN and session --------------------------------------------------------------

    @property
    def session(self) -> CardSession | None:
        """The current logged-in session, if still valid."""
        session = self._session
        return session if session is not None and session.active else None

    def _reader_for(self, slot: SlotInfo) -> str | None:
        # Cryptolib CPS names a slot after its PC/SC reader; SoftHSM2 does not.
        for reader in self._known_readers:
            if slot.description and (reader == slot.description
                                     or reader.startswith(slot.description)):
                return reader
        return None

    def login(self, prompt: PinPrompt, *, slot_id: int | None = None,
              max_prompts: int = 3, chooser: CardChooser | None = None,
              choice: CardChoice | None = None) -> CardSession:
        """Return the logged-in session, asking the PIN through ``prompt`` if needed.

        One login per insertion: while the card stays in, the same session is returned
        without asking again. A wrong PIN is asked again (with ``retry_reason``) up to
        ``max_prompts`` times; a PIN of the wrong length is refused before reaching the
        card, so it costs no try.

        Args:
            chooser: asked which card when two CPS cards are present (default: the
                first, said in the log).
            choice: the card already chosen (:meth:`choose_card`); the chooser is then
                not asked again.

        Raises:
            PinIncorrect, PinLocked, PinLengthInvalid, PinEntryCancelled, TokenNotPresent,
            CardRemoved, CertificateNotFound, KeyNotFound, CardChoiceNeeded,
            ChosenCardAbsent.
        """
        with self._login_lock:
            current = self.session
            if current is not None:
                return current
            with self._state_lock:
                cps_readers = None if self._cps_readers is None else set(self._cps_readers)
            chosen_reader: str | None = None
            if choice is None and slot_id is None:
                choice = self.choose_card(chooser or FirstCardChooser())
            if choice is not None:
                slot_id, chosen_reader = choice.slot_id, choice.reader
            contents = self.read_card(slot_id)
            reader = self._reader_for(contents.slot) or chosen_reader
            if cps_readers is not None and not (reader in cps_readers if reader
                                                else cps_readers):
                # PC/SC says no CPS is inserted although the token answers (SoftHSM2
                # behind a virtual reader): the card is out.
                raise TokenNotPresent(contents.slot.slot_id)
            auth_obj = contents.first_certificate("authentication")
            if auth_obj is None:
                raise CertificateNotFound("authentication")
            retry: str | None = None
            last_error: CardError | None = None
            for _ in range(max(1, max_prompts)):
                token = self.call(lambda b: b.token_info(contents.slot.slot_id))
                if token.pin.locked:
                    raise PinLocked()
                request = PinRequest.build(
                    holder=contents.identity, token_label=token.label, state=token.pin,
                    retry_reason=retry, min_length=token.min_pin_length,
                    max_length=token.max_pin_length)
                if token.protected_authentication_path:
                    # A PIN-pad reader: the PIN is typed on the reader (C_Login with NULL,
                    # PKCS#11 v2.40 section 5.6), never seen by this program.
                    logger.info("PIN to be typed on the reader's PIN pad")
                    pin: str | None = None
                else:
                    mark = self._removal_mark()
                    pin = prompt.ask_pin(request)
                    if self._removed_since(mark, reader):
                        # The card left while the prompt was open (the UI closes it on
                        # removal, the answer is then None): drop whatever was typed.
                        del pin
                        raise CardRemoved(reader)
                    if pin is None:
                        raise PinEntryCancelled()
                if pin is not None and not _length_ok(pin, token):
                    del pin
                    last_error = PinLengthInvalid(token.min_pin_length, token.max_pin_length)
                    retry = RETRY_LENGTH
                    continue
                try:
                    session = self._thread.call(
                        self._open_logged_in, contents, auth_obj, pin, reader,
                        self._removal_mark())
                except PinIncorrect as exc:
                    last_error = exc
                    retry = RETRY_INCORRECT
                    if exc.attempts_left == 0:
                        raise PinLocked() from exc
                    continue
                finally:
                    del pin
                self._session = session
                self._bind(session, contents)
                logger.info("card session opened on slot %s", session.slot_id)
                return session
            raise last_error or PinEntryCancelled()

    def _open_logged_in(self, contents: CardContents, auth_obj: CertificateObject,
                        pin: str | None, reader: str | None,
                        mark: dict[str | None, int] | None = None) -> CardSession:
        assert_on_card_thread()
        backend = self._get_backend()
        # Last check before C_Login: the PIN was typed for the card read into
        # ``contents``; if that card left or another one is now in the slot (serial or
        # label changed), presenting the PIN could burn a try of someone else's card.
        try:
            now = backend.token_info(contents.slot.slot_id)
        except TokenNotPresent:
            del pin
            raise CardRemoved(reader) from None
        if ((now.serial, now.label) != (contents.token.serial, contents.token.label)
                or (mark is not None and self._removed_since(mark, reader))):
            del pin
            logger.info("card changed before the PIN was presented: login refused")
            raise CardRemoved(reader)
        token_session = backend.open_session(contents.slot.slot_id)
        try:
            token_session.login(pin)
            del pin
            key = next((k for k in token_session.private_keys() if k.id == auth_obj.id), None)
            if key is None:
                raise KeyNotFound("authentication")
            mechanisms = token_session.mechanisms()
        except BaseException:
            token_session.close()
            raise
        return CardSession(
            slot_id=contents.slot.slot_id, reader=reader, token=contents.token,
            identity=contents.identity, auth_certificate=auth_obj.certificate, auth_key=key,
            mechanisms=mechanisms, token_session=token_session)

    def signer(self, prompt: PinPrompt, *, slot_id: int | None = None,
               chooser: CardChooser | None = None,
               choice: CardChoice | None = None) -> CardSigner:
        """Log in if needed and return a signer for the authentication key."""
        from cps.signer import CardSigner

        return CardSigner(self, self.login(prompt, slot_id=slot_id, chooser=chooser,
                                           choice=choice))

    # -- which card the session follows ------------------------------------------------

    def card_choices(self) -> list[CardChoice]:
        """The CPS cards one may sign in with (no PIN needed): every token with an
        authentication certificate, or, for one token that names no reader while PC/SC
        sees a CPS in several readers, one entry per such reader."""
        cards = [c for c in self.read_all() if c.auth_certificate is not None]
        choices = [_choice(self._reader_for(c.slot), c) for c in cards]
        if len(choices) == 1 and choices[0].reader is None:
            readers = self.follower.cps_readers()
            if len(readers) > 1:
                choices = [replace(choices[0], reader=r) for r in readers]
        return choices

    def choose_card(self, chooser: CardChooser) -> CardChoice | None:
        """The card to sign in with, asking ``chooser`` when two CPS cards are present
        (or when it names a card: ``chooser.ask_for_one``); None when there is no choice
        to make (one card, or none: the sign-in then says so).

        Raises:
            PinEntryCancelled: the chooser answered None.
            CardChoiceNeeded, ChosenCardAbsent: from a :class:`NamedCardChooser`.
        """
        choices = self.card_choices()
        if len(choices) <= 1 and not (choices and getattr(chooser, "ask_for_one", False)):
            return None
        chosen = chooser.choose_card(choices)
        if chosen is None:
            raise PinEntryCancelled()
        logger.info("card chosen: the one in %s", chosen.reader or f"slot {chosen.slot_id}")
        return chosen

    def _bind(self, session: CardSession, contents: CardContents) -> None:
        reader = session.reader
        if reader is None:
            readers = self.follower.cps_readers()
            reader = readers[0] if len(readers) == 1 else None
            session.reader = reader
        self.follower.bind(SessionCard(
            reader=reader, serial=contents.token.serial,
            certificate_sha256=session.auth_certificate.fingerprint(hashes.SHA256()),
            atr=self.follower.atr_of(reader) if reader else b""))

    def _on_session_card(self, change: SessionCardChange, event: WatcherEvent) -> None:
        if change is not SessionCardChange.LEFT:
            return
        session = self._session
        if session is not None:
            logger.info("the signed-in CPS left %r: ending the card session", event.reader)
            self._invalidate(session)

    def run_in_session(self, session: CardSession, fn: Callable[[TokenSession], T]) -> T:
        """Run ``fn(token_session)`` on the card thread; a removal fails it with CardRemoved.

        The caller stops waiting as soon as the removal is known (within a few tens of
        milliseconds), even if the card thread is still busy.
        """
        def job() -> T:
            if not session.active or session.token_session is None:
                raise CardRemoved(session.reader)
            try:
                return fn(session.token_session)
            except CardRemoved:
                self._invalidate(session)
                raise
            except TokenOperationFailed as exc:
                # Another program reset the card or logged it out: this session is over,
                # the next login asks the PIN again.
                if exc.code in _SESSION_LOST_CODES:
                    self._invalidate(session)
                raise

        if on_card_thread():
            return job()
        if not session.active:
            raise CardRemoved(session.reader)
        future = self._thread.submit(job)
        while True:
            try:
                return future.result(timeout=_REMOVAL_POLL)
            except FutureTimeout:
                if session.removed.is_set():
                    future.cancel()
                    raise CardRemoved(session.reader) from None

    def logout(self) -> None:
        """End the session (the next operation asks the PIN again)."""
        self._thread.call(self._end_session_on_thread)

    def _end_session_on_thread(self) -> None:
        assert_on_card_thread()
        self.follower.unbind()
        session, self._session = self._session, None
        if session is not None:
            session.removed.set()
            self._close_token_session(session)

    def _close_token_session(self, session: CardSession) -> None:
        assert_on_card_thread()
        token_session, session.token_session = session.token_session, None
        if token_session is not None:
            token_session.logout()
            token_session.close()

    def _invalidate(self, session: CardSession) -> None:
        session.removed.set()
        if self._session is session:
            self._session = None
        # Closing the PKCS#11 session is card I/O: queue it on the card thread.
        try:
            self._thread.submit(self._close_token_session, session)
        except RuntimeError:
            logger.debug("card thread stopped; session left to C_Finalize")

    # -- reader events ----------------------------------------------------------------

    def watch(self, watcher: CardWatcher) -> Callable[[], None]:
        """Follow ``watcher``'s events (see :meth:`handle_event`); returns an unsubscriber."""
        return watcher.subscribe(self.handle_event)

    def poll_slots(self) -> dict[str, CardKind | None]:
        """Slot polling for the watcher's fallback: {slot description: kind or None}."""
        def poll(backend: TokenBackend) -> dict[str, CardKind | None]:
            result: dict[str, CardKind | None] = {}
            for slot in backend.slots():
                name = slot.description or f"slot {slot.slot_id}"
                if not slot.token_present:
                    result[name] = None
                    continue
                try:
                    serial = backend.token_info(slot.slot_id).serial
                    key = (slot.slot_id, serial)
                    if key not in self._kinds:
                        kind = self._read_slot(backend, slot).kind
                        self._kinds[key] = CardKind(kind)
                    result[name] = self._kinds[key]
                except (TokenNotPresent, CardRemoved):
                    result[name] = None
            return result

        return self.call(poll)


    def _removal_mark(self) -> dict[str | None, int]:
        with self._state_lock:
            return dict(self._removals)

    def _note_removal(self, reader: str | None) -> None:
        with self._state_lock:
            self._removals[reader] = self._removals.get(reader, 0) + 1

    def _removed_since(self, mark: dict[str | None, int], reader: str | None) -> bool:
        """Whether a removal concerning ``reader`` happened after ``mark`` was taken.

        A removal from an unnamed reader, or any removal when the slot names no known
        reader (SoftHSM2), counts; a CPS leaving another named reader does not.
        """
        with self._state_lock:
            now = dict(self._removals)
        if reader is None:
            return now != mark
        return any(now.get(key, 0) != mark.get(key, 0) for key in (None, reader))

    def card_removed(self, reader: str | None = None) -> None:
        """The CPS left ``reader``: end the session and fail its pending operations.

        A login waiting for its PIN then fails with :class:`CardRemoved` and the PIN
        typed is never presented.
        """
        self._note_removal(reader)
        session = self._session
        if session is None:
            return
        if session.reader is None or reader is None or session.reader == reader:
            logger.info("card removed from %s: session ended", reader or "its reader")
            self._invalidate(session)

    def handle_event(self, event: WatcherEvent) -> None:
        """Watcher callback (any thread): keep the PC/SC view and end sessions on removal."""
        from cps.watcher import EventType

        with self._state_lock:
            if event.type is EventType.READER_ADDED:
                self._known_readers.add(event.reader)
            elif event.type is EventType.READER_REMOVED:
                self._known_readers.discard(event.reader)
            if self._cps_readers is None:
                self._cps_readers = set()
            if event.type is EventType.CARD_INSERTED and event.kind.is_cps:
                self._known_readers.add(event.reader)
                self._cps_readers.add(event.reader)
            elif event.type in (EventType.CARD_REMOVED, EventType.READER_REMOVED):
                was_cps = event.reader in self._cps_readers or event.kind.is_cps
                self._cps_readers.discard(event.reader)
            else:
                was_cps = False
        if (event.type in (EventType.CARD_REMOVED, EventType.READER_REMOVED) and was_cps
                and not event.service_lost):
            self._note_removal(event.reader)
        # Whether the signed-in card left is the follower's decision (one rule for every
        # front end): a card in another reader, or a PC/SC restart, ends nothing.
        self.follower.handle_event(event)


def _choice(reader: str | None, contents: CardContents) -> CardChoice:
    identity = contents.identity
    if identity is None:
        return CardChoice(reader, contents.slot.slot_id, contents.token.label,
                          contents.token.serial)
    return CardChoice(reader, contents.slot.slot_id, identity.display_name,
                      contents.token.serial, identity.profession or "", identity.national_id,
                      identity.family_name, identity.given_name)


def _each_present(backend: TokenBackend, read: Callable[[SlotInfo], T]) -> list[T]:
    """``read`` of every slot holding a token; a token gone in the meantime is skipped."""
    found = []
    for slot in backend.slots():
        if slot.token_present:
            try:
                found.append(read(slot))
            except TokenNotPresent:
                continue
    return found


def _length_ok(pin: str, token: TokenInfo) -> bool:
    if not pin:
        return False
    if token.min_pin_length is not None and len(pin) < token.min_pin_length:
        return False
    return not (token.max_pin_length is not None and len(pin) > token.max_pin_length)

