"""Card removal through the real reader stack: pcscd + vpcd + a vicc CPS card, the cps
watcher feeding the card service and the bridge's gate, as ``mssante-companion bridge``
wires them. The doctor's key is the SoftHSM2 token (the sandbox's virtual card).
"""

from __future__ import annotations

import imaplib
import ssl
import time
from pathlib import Path

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
    load_or_create_certificate,
)
from client.mail.policy import RecipientPolicy
from client.profiles import load_profile
from cps.service import CardService
from cps.watcher import CardWatcher
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from sandbox.reader import VirtualReader
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.reader, pytest.mark.timeout(20 * LIVE_TIMEOUT)]

PASSWORD = "reader-test-password"  # a test password


def _wait(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_pulling_the_card_out_of_the_reader(
    sandbox_operator: Sandbox, virtual_reader: VirtualReader, tmp_path: Path
) -> None:
    profile = load_profile(sandbox_operator.profile)
    pin = sandbox_operator.card.pin
    prompt = FakePinPrompt(pin, pin, pin)
    service = CardService.for_module(Path(sandbox_operator.card.module))
    gate = CardGate(lambda: build_authenticator(profile, pin_prompt=prompt,
                                                card_service=service), profile.address)
    watcher = CardWatcher(slot_poller=service.poll_slots)
    service.watch(watcher)
    watcher.subscribe(gate.on_event)
    certificate = load_or_create_certificate(tmp_path / "bridge")
    context = ssl.create_default_context(cafile=str(certificate.cert_path))
    virtual_reader.insert("cps", 0)
    watcher.start()
    bridge = Bridge(gate, BridgePassword(PASSWORD, created=False), certificate,
                    policy=RecipientPolicy(None),
                    config=BridgeConfig(imap_port=0, smtp_port=0)).start()

    def client() -> IMAPClient:
        imap = IMAPClient("127.0.0.1", bridge.port("imap"), ssl=False, timeout=2 * LIVE_TIMEOUT)
        try:
            imap.starttls(context)
            imap.login(DOCTOR.address, PASSWORD)
        except BaseException:
            imap.shutdown()
            raise
        return imap

    try:
        imap = client()
        try:
            imap.select_folder("INBOX", readonly=True)
            virtual_reader.remove(0)
            _wait(lambda: gate.state == "removed")
            _wait(lambda: bridge.status().relayed_imap_sessions == 0)
            with pytest.raises(imaplib.IMAP4.abort):
                imap.noop()
            bye = b" ".join(imap._imap.untagged_responses.get("BYE", []))
            assert CARD_REMOVED_TEXT.encode() in bye
        finally:
            imap.shutdown()
        with pytest.raises(LoginError) as refused:
            client()
        assert CARD_REMOVED_TEXT in str(refused.value)

        virtual_reader.insert("cps", 0)
        _wait(lambda: gate.card_present)
        again = client()
        try:
            assert again.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
        finally:
            again.logout()
        assert len(prompt.requests) == 2  # one PIN per insertion
    finally:
        bridge.stop()
        watcher.stop()
        service.close()
        virtual_reader.remove(0)
