"""The bridge against the sandbox operator: imapclient and smtplib through 127.0.0.1.

The doctor signs in with the virtual CPS card (card TLS + EXTERNAL upstream); the mail
client signs in to the bridge with the local password over STARTTLS, trusting only the
bridge's own certificate. The operator is shared by the test session: folders made here
have unique names, messages are found by unique subjects.
"""

from __future__ import annotations

import hashlib
import imaplib
import smtplib
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from client.auth import build_authenticator
from client.bridge import (
    CARD_REMOVED_TEXT,
    Bridge,
    BridgeConfig,
    BridgePassword,
    CardGate,
    NotLoopback,
    load_or_create_certificate,
)
from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.mail.policy import DomainList, RecipientPolicy
from client.profiles import load_profile
from client.profiles.model import Profile
from cps.atr import CardKind
from cps.service import CardService
from cps.watcher import EventType, WatcherEvent
from sandbox.identities import COLLEAGUE, DOCTOR, DOMAINS
from sandbox.operator import Sandbox
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(10 * LIVE_TIMEOUT)]

PASSWORD = "local-bridge-secret-123"
READER = "Virtual PCD 00 00"


@dataclass
class Running:
    bridge: Bridge
    gate: CardGate
    service: CardService
    prompt: FakePinPrompt
    profile: Profile
    context: ssl.SSLContext

    @property
    def imap_port(self) -> int:
        port = self.bridge.port("imap")
        assert port is not None
        return port

    @property
    def smtp_port(self) -> int:
        port = self.bridge.port("smtp")
        assert port is not None
        return port

    def client(self, password: str = PASSWORD) -> IMAPClient:
        imap = IMAPClient("127.0.0.1", self.imap_port, ssl=False, timeout=2 * LIVE_TIMEOUT)
        try:
            imap.starttls(self.context)
            imap.login(DOCTOR.address, password)
        except BaseException:
            imap.shutdown()
            raise
        return imap

    def remove_card(self) -> None:
        event = WatcherEvent(EventType.CARD_REMOVED, READER, CardKind.CPS3)
        self.service.handle_event(event)  # what CardWatcher delivers to both subscribers
        self.gate.on_event(event)

    def insert_card(self) -> None:
        event = WatcherEvent(EventType.CARD_INSERTED, READER, CardKind.CPS3)
        self.service.handle_event(event)
        self.gate.on_event(event)


@pytest.fixture()
def running(sandbox_operator: Sandbox, tmp_path: Path) -> Iterator[Running]:
    profile = load_profile(sandbox_operator.profile)
    service = CardService.for_module(Path(sandbox_operator.card.module))
    pin = sandbox_operator.card.pin
    prompt = FakePinPrompt(pin, pin, pin, pin)
    gate = CardGate(
        lambda: build_authenticator(profile, pin_prompt=prompt, card_service=service),
        profile.address)
    certificate = load_or_create_certificate(tmp_path / "bridge")
    keystore = MemoryKeyStore()
    bridge = Bridge(
        gate, BridgePassword(PASSWORD, created=False), certificate,
        policy=RecipientPolicy(DomainList.of(DOMAINS)),
        config=BridgeConfig(imap_port=0, smtp_port=0),
        open_cache=lambda address: MailCache.open(
            address, keystore=keystore, path=tmp_path / "cache.db"),
    ).start()
    context = ssl.create_default_context(cafile=str(certificate.cert_path))
    try:
        yield Running(bridge, gate, service, prompt, profile, context)
    finally:
        bridge.stop()
        service.close()


@pytest.fixture()
def direct(sandbox_operator: Sandbox) -> Iterator[Any]:
    auth = build_authenticator(load_profile(sandbox_operator.profile),
                               pin_prompt=FakePinPrompt(sandbox_operator.card.pin))
    try:
        yield auth
    finally:
        auth.close()


def _bodies(imap: IMAPClient, folder: str) -> dict[int, str]:
    imap.select_folder(folder, readonly=True)
    uids = imap.search("ALL")
    data = imap.fetch(uids, ["BODY.PEEK[]"])
    return {uid: hashlib.sha256(item[b"BODY[]"]).hexdigest() for uid, item in data.items()}


def test_list_and_fetch_are_byte_identical_to_a_direct_session(
    running: Running, direct: Any
) -> None:
    upstream = direct.open_imap()
    try:
        expected_folders = sorted(name for _f, _d, name in upstream.list_folders())
        expected = _bodies(upstream, "INBOX")
    finally:
        upstream.logout()
    imap = running.client()
    try:
        assert sorted(name for _f, _d, name in imap.list_folders()) == expected_folders
        got = _bodies(imap, "INBOX")
    finally:
        imap.logout()
    assert expected  # the seeded INBOX is not empty
    assert got == expected
    assert len(running.prompt.requests) == 1


def test_append_flag_move_and_idle_through_the_bridge(running: Running) -> None:
    folder, target = f"Bridge-{uuid.uuid4().hex[:8]}", f"BridgeMoved-{uuid.uuid4().hex[:8]}"
    subject = f"bridge append {uuid.uuid4()}"
    raw = (f"From: {DOCTOR.address}\r\nTo: {COLLEAGUE.address}\r\nSubject: {subject}\r\n"
           f"Message-ID: <{uuid.uuid4()}@bridge-test>\r\n\r\n" + "ligne\r\n" * 1000).encode()
    imap = running.client()
    watcher = running.client()
    try:
        imap.create_folder(folder)
        imap.create_folder(target)
        watcher.select_folder(folder)
        watcher.idle()
        imap.append(folder, raw, flags=[b"\\Draft"])
        responses = watcher.idle_check(timeout=LIVE_TIMEOUT)
        watcher.idle_done()
        assert any(r[1] == b"EXISTS" for r in responses if len(r) > 1)

        imap.select_folder(folder)
        (uid,) = imap.search(["SUBJECT", subject])
        assert imap.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"] == raw
        imap.add_flags([uid], [b"\\Flagged"])
        assert b"\\Flagged" in imap.get_flags([uid])[uid]
        imap.move([uid], target)
        assert imap.search(["SUBJECT", subject]) == []
        imap.select_folder(target, readonly=True)
        assert len(imap.search(["SUBJECT", subject])) == 1
        imap.close_folder()
        imap.delete_folder(folder)
        imap.delete_folder(target)
    finally:
        imap.logout()
        watcher.logout()


def test_send_through_the_bridge_and_refused_recipient(
    running: Running, sandbox_operator: Sandbox
) -> None:
    subject = f"bridge send {uuid.uuid4()}"
    message = (f"From: {DOCTOR.address}\r\nTo: {COLLEAGUE.address}\r\nSubject: {subject}\r\n"
               f"Message-ID: <{uuid.uuid4()}@bridge-test>\r\n\r\nBonjour.\r\n").encode()
    with smtplib.SMTP("127.0.0.1", running.smtp_port, timeout=2 * LIVE_TIMEOUT) as smtp:
        smtp.starttls(context=running.context)
        smtp.login(DOCTOR.address, PASSWORD)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.sendmail(DOCTOR.address, ["someone@gmail.com"], message)
        code, text = refused.value.recipients["someone@gmail.com"]
        assert code == 550 and b"outside the MSSante trust space" in text
        assert smtp.sendmail(DOCTOR.address, [COLLEAGUE.address], message) == {}
    # Filed in the doctor's Sent by the app's outbox path, byte for byte.
    imap = running.client()
    try:
        imap.select_folder("Sent", readonly=True)
        uids = imap.search(["SUBJECT", subject])
        assert len(uids) == 1
        assert imap.fetch(uids, ["BODY.PEEK[]"])[uids[0]][b"BODY[]"] == message
    finally:
        imap.logout()


def test_wrong_local_password_is_refused(running: Running) -> None:
    with pytest.raises(LoginError):
        running.client("not-the-password")
    with smtplib.SMTP("127.0.0.1", running.smtp_port, timeout=2 * LIVE_TIMEOUT) as smtp:
        smtp.starttls(context=running.context)
        with pytest.raises(smtplib.SMTPAuthenticationError) as info:
            smtp.login(DOCTOR.address, "not-the-password")
        assert info.value.smtp_code == 535
    assert running.prompt.requests == []  # nobody reached the card


def test_password_only_after_starttls(running: Running) -> None:
    imap = IMAPClient("127.0.0.1", running.imap_port, ssl=False, timeout=LIVE_TIMEOUT)
    try:
        assert b"LOGINDISABLED" in imap.capabilities()
        with pytest.raises(LoginError) as info:
            imap.login(DOCTOR.address, PASSWORD)
        assert "PRIVACYREQUIRED" in str(info.value)
    finally:
        imap.shutdown()


def test_loopback_only(running: Running, sandbox_operator: Sandbox) -> None:
    with pytest.raises(NotLoopback):
        Bridge(running.gate, BridgePassword(PASSWORD, created=False),
               running.bridge.certificate, policy=RecipientPolicy(None),
               config=BridgeConfig(host="0.0.0.0", imap_port=0, smtp_port=0))
    # Bound to 127.0.0.1 only: another local address of the machine gets no answer.
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                          socket.AF_INET)}
    for address in addresses - {"127.0.0.1"}:
        if address.startswith("127."):
            continue
        with pytest.raises(OSError):
            socket.create_connection((address, running.imap_port), timeout=2).close()
    status = running.bridge.status()
    assert status.listening and status.host == "127.0.0.1"


def test_card_removal_mid_session_then_recovery(running: Running) -> None:
    imap = running.client()
    try:
        imap.select_folder("INBOX", readonly=True)
        assert running.bridge.status().relayed_imap_sessions == 1
        running.remove_card()
        with pytest.raises(imaplib.IMAP4.abort):
            imap.noop()
        # The BYE text reached the client before the connection closed.
        bye = b" ".join(imap._imap.untagged_responses.get("BYE", []))
        assert b"[UNAVAILABLE] " + CARD_REMOVED_TEXT.encode() in bye
    finally:
        imap.shutdown()

    with pytest.raises(LoginError) as refused:
        running.client()
    assert CARD_REMOVED_TEXT in str(refused.value)
    with smtplib.SMTP("127.0.0.1", running.smtp_port, timeout=2 * LIVE_TIMEOUT) as smtp:
        smtp.starttls(context=running.context)
        with pytest.raises(smtplib.SMTPAuthenticationError) as smtp_refused:
            smtp.login(DOCTOR.address, PASSWORD)
        assert smtp_refused.value.smtp_code == 454
        assert CARD_REMOVED_TEXT.encode() in smtp_refused.value.smtp_error
    assert running.bridge.status().card_state == "removed"
    asked = len(running.prompt.requests)

    running.insert_card()
    clients = [running.client() for _ in range(3)]
    for client in clients:
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
        client.logout()
    assert len(running.prompt.requests) == asked + 1  # one PIN per insertion


def test_cancelled_pin_is_not_asked_again_until_reinsertion(
    sandbox_operator: Sandbox, running: Running
) -> None:
    running.prompt.answers[:] = [None]  # the user cancels the PIN dialog
    running.remove_card()
    running.insert_card()
    for _ in range(3):
        with pytest.raises(LoginError) as info:
            running.client()
        assert "PIN" in str(info.value)
    assert len(running.prompt.requests) == 1
    running.prompt.answers[:] = [sandbox_operator.card.pin]
    running.remove_card()
    running.insert_card()
    running.client().logout()
    assert len(running.prompt.requests) == 2


def test_twenty_concurrent_sessions(running: Running) -> None:
    errors: list[BaseException] = []
    counts: list[int] = []

    def session() -> None:
        try:
            imap = running.client()
            try:
                counts.append(len(_bodies(imap, "INBOX")))
            finally:
                imap.logout()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(20)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=8 * LIVE_TIMEOUT)
    assert errors == []
    assert len(counts) == 20 and len(set(counts)) == 1
    assert len(running.prompt.requests) == 1
    assert time.monotonic() - start < 240


def test_psc_sign_in_relays_byte_identical_too(
    sandbox_operator: Sandbox, tmp_path: Path, direct: Any
) -> None:
    """The same relay over a PSC (XOAUTH2, token) upstream session."""
    profile = load_profile(sandbox_operator.profile_psc)
    service = CardService.for_module(Path(sandbox_operator.card.module))
    prompt = FakePinPrompt(sandbox_operator.card.pin)
    gate = CardGate(lambda: build_authenticator(profile, pin_prompt=prompt,
                                                card_service=service), profile.address)
    certificate = load_or_create_certificate(tmp_path / "bridge")
    bridge = Bridge(gate, BridgePassword(PASSWORD, created=False), certificate,
                    policy=RecipientPolicy(DomainList.of(DOMAINS)),
                    config=BridgeConfig(imap_port=None, smtp_port=None, imaps_port=0),
                    ).start()
    try:
        upstream = direct.open_imap()
        try:
            expected = _bodies(upstream, "INBOX")
        finally:
            upstream.logout()
        context = ssl.create_default_context(cafile=str(certificate.cert_path))
        imap = IMAPClient("127.0.0.1", bridge.port("imaps"), ssl=True, ssl_context=context,
                          timeout=2 * LIVE_TIMEOUT)
        try:
            imap.login(DOCTOR.address, PASSWORD)
            assert _bodies(imap, "INBOX") == expected
        finally:
            imap.logout()
        assert bridge.port("imap") is None and bridge.port("smtp") is None
        assert len(prompt.requests) == 1
    finally:
        bridge.stop()
        service.close()
