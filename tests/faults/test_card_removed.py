"""The CPS card removed during sign-in, during a sync and during a send; a PSC access
token expiring during a long sync. Against the sandbox operator.

Removal is the event :class:`cps.watcher.CardWatcher` delivers (the SoftHSM token
itself cannot leave its slot); the card service ends its session, so the next card
signature fails with :class:`cps.errors.CardRemoved`. The app must keep what it has
(committed cache batches, the queued message), and finish once the card is back.
"""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import client.mail.sync as sync_module
from client.auth import build_authenticator
from client.mail.cache import MailCache
from client.mail.compose import Draft
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from client.mail.outbox import Outbox
from client.mail.policy import DomainList, RecipientPolicy
from client.mail.sending import MailSender
from client.profiles import load_profile
from cps.atr import CardKind
from cps.errors import CardError, CardRemoved
from cps.service import CardService
from cps.watcher import EventType, WatcherEvent
from sandbox.identities import COLLEAGUE, DOCTOR, DOMAINS
from sandbox.operator import Sandbox
from tests.helpers.fake_token import FakePinPrompt

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.timeout(300)]

READER = "Virtual PCD 00 00"
REMOVED = WatcherEvent(EventType.CARD_REMOVED, READER, CardKind.CPS3)
INSERTED = WatcherEvent(EventType.CARD_INSERTED, READER, CardKind.CPS3)


@pytest.fixture
def service(sandbox_operator: Sandbox) -> Iterator[CardService]:
    card = CardService.for_module(Path(sandbox_operator.card.module))
    try:
        yield card
    finally:
        card.close()


def _sign_in(sandbox: Sandbox, service: CardService, method: str = "card-tls") -> Any:
    path = sandbox.profile if method == "card-tls" else sandbox.profile_psc
    pin = sandbox.card.pin
    return build_authenticator(load_profile(path), pin_prompt=FakePinPrompt(pin, pin),
                               card_service=service)


def _letter(subject: str) -> bytes:
    return (f"From: {COLLEAGUE.address}\r\nTo: {DOCTOR.address}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@clinique>\r\n\r\ntexte\r\n").encode()


def _drop(box: Mailbox) -> None:
    """Cut the IMAP session's TCP connection under the client (a server-side drop)."""
    sock = box.imap().socket()
    raw = getattr(sock, "sock", sock)  # tlslite's TLSConnection wraps the socket
    with contextlib.suppress(OSError):
        raw.shutdown(socket.SHUT_RDWR)


def test_card_removed_during_sign_in(sandbox_operator: Sandbox, service: CardService) -> None:
    """PIN verified, then the card leaves before the first (card-signed) handshake."""
    auth = _sign_in(sandbox_operator, service)
    service.handle_event(REMOVED)
    try:
        with pytest.raises(CardRemoved):
            auth.open_imap()
        with pytest.raises(CardRemoved):
            auth.open_smtp()
    finally:
        auth.close()
    service.handle_event(INSERTED)
    again = _sign_in(sandbox_operator, service)
    try:
        with Mailbox(again) as box:
            assert box.folder_for("inbox")
    finally:
        again.close()


def test_card_removed_during_sync(
    sandbox_operator: Sandbox, service: CardService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "BATCH", 3)
    auth = _sign_in(sandbox_operator, service)
    removed: list[int] = []
    with MailCache.open(DOCTOR.address, keystore=MemoryKeyStore()) as cache:
        with Mailbox(auth) as box:
            for n in range(8):  # several batches, whatever the other tests left
                box.append("INBOX", _letter(f"Bilan {n}"))

            def pull_card(folder: str, done: int, total: int) -> None:
                if not removed:
                    removed.append(done)
                    service.handle_event(REMOVED)
                    _drop(box)  # the server drops the session: a new handshake is due

            with pytest.raises(CardError):
                sync_module.Synchronizer(box, cache, progress=pull_card).sync_folder("INBOX")
        auth.close()
        state = cache.folder_state("INBOX")
        # Whole batches committed (a pipelined FETCH may have landed one more); the folder
        # state, written last, still says "not synced".
        assert state is not None and state.uidnext == 1
        assert state.count % 3 == 0 and removed[0] <= state.count
        service.handle_event(INSERTED)
        auth = _sign_in(sandbox_operator, service)
        try:
            with Mailbox(auth) as box:
                result = sync_module.Synchronizer(box, cache).sync_folder("INBOX")
                total, page = cache.list_messages("INBOX", limit=1000)
                assert total == result.total == box.select("INBOX", readonly=True)[b"EXISTS"]
                assert len({s.uid for s in page}) == total  # nothing twice
        finally:
            auth.close()


def test_card_removed_during_send(sandbox_operator: Sandbox, service: CardService) -> None:
    auth = _sign_in(sandbox_operator, service)
    subject = f"Carte retirée {uuid.uuid4().hex[:8]}"
    policy = RecipientPolicy(DomainList.of(DOMAINS))
    with MailCache.open(DOCTOR.address, keystore=MemoryKeyStore()) as cache:
        outbox = Outbox(cache.store)
        service.handle_event(REMOVED)  # after sign-in, before the SMTP handshake
        with pytest.raises(CardError):
            MailSender(auth, outbox, policy).send(
                Draft(to=(COLLEAGUE.address,), subject=subject, body="texte")
            )
        auth.close()
        (entry,) = outbox.entries()  # kept, not lost
        assert entry.state == "queued"
        service.handle_event(INSERTED)
        auth = _sign_in(sandbox_operator, service)
        try:
            with Mailbox(auth) as box:
                sender = MailSender(auth, outbox, policy, box)
                (outcome,) = sender.retry()  # at once: the failed attempt left no claim
                assert outcome.state == "sent" and outcome.copied_to_sent
                assert sender.retry() == []
                assert box.uids_with_message_id(box.folder_for("sent") or "Sent",
                                                entry.message_id)
        finally:
            auth.close()
    received = sandbox_operator.wait_for_message(COLLEAGUE, subject)
    assert str(received["Message-ID"]).strip() == entry.message_id


def test_token_expiry_during_a_long_sync(
    sandbox_operator: Sandbox, service: CardService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tokens live minutes: a reconnection after expiry refreshes without the card."""
    monkeypatch.setattr(sync_module, "BATCH", 3)
    auth = _sign_in(sandbox_operator, service, "psc")
    psc = auth._inner
    try:
        with MailCache.open(DOCTOR.address, keystore=MemoryKeyStore()) as cache, Mailbox(
            auth
        ) as box:
            expired: list[int] = []

            signatures: list[int] = []

            def expire(folder: str, done: int, total: int) -> None:
                if not expired:
                    expired.append(done)
                    signatures.append(psc.signer.signature_count)  # after the sign-in
                    psc._tokens.expires_at = 0.0  # the access token is now stale
                    _drop(box)  # and the server dropped the session

            before = psc.refresh_count
            result = sync_module.Synchronizer(box, cache, progress=expire).sync_folder(
                "INBOX"
            )
            assert expired and psc.refresh_count == before + 1
            assert psc.signer.signature_count == signatures[0]  # no card for a refresh
            total, page = cache.list_messages("INBOX", limit=1000)
            assert total == result.total and len({s.uid for s in page}) == total
    finally:
        auth.close()
