"""Card-TLS session resumption against the sandbox's Dovecot: the card signs the first
handshake only; later connections resume, and SASL EXTERNAL still names the card holder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from client.auth import CertificateTlsAuthenticator, trust_for_profile
from client.profiles import load_profile
from client.profiles.model import Profile
from cps.service import CardService
from sandbox.identities import DOCTOR
from sandbox.operator import Sandbox
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(6 * LIVE_TIMEOUT)]


@pytest.fixture()
def profile(sandbox_operator: Sandbox) -> Profile:
    return load_profile(sandbox_operator.profile)


@pytest.fixture()
def service(sandbox_operator: Sandbox) -> Iterator[CardService]:
    card_service = CardService.for_module(Path(sandbox_operator.card.module))
    try:
        yield card_service
    finally:
        card_service.close()


def _resumed(sock: object) -> bool:
    return bool(getattr(sock, "resumed", False))


def test_one_signature_for_imap_idle_and_smtp_the_holder_still_named(
    profile: Profile, service: CardService, sandbox_operator: Sandbox
) -> None:
    signer = service.signer(FakePinPrompt(sandbox_operator.card.pin))
    auth = CertificateTlsAuthenticator(profile, signer, trust_for_profile(profile))
    resumed = []
    for _ in range(3):
        imap = auth.open_imap()
        try:
            resumed.append(_resumed(imap._imap.sock))
            # EXTERNAL named the card holder: this is the doctor's own mailbox.
            assert imap.namespace().personal
            assert imap.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
        finally:
            imap.logout()
    for _ in range(2):
        connection = auth.open_smtp()
        try:
            resumed.append(_resumed(connection.sock))
            assert connection.mail(DOCTOR.address)[0] == 250
            connection.rset()
        finally:
            connection.quit()
    assert resumed == [False, True, True, True, True]
    assert signer.signature_count == 1
    log = (sandbox_operator.logs / "dovecot.log").read_text()
    assert f"user=<{DOCTOR.address}>, method=EXTERNAL" in log


def test_a_server_restart_costs_no_signature(
    profile: Profile, service: CardService, sandbox_operator: Sandbox
) -> None:
    signer = service.signer(FakePinPrompt(sandbox_operator.card.pin))
    auth = CertificateTlsAuthenticator(profile, signer, trust_for_profile(profile))
    auth.open_imap().logout()
    sandbox_operator.restart_dovecot()
    imap = auth.open_imap()
    try:
        assert _resumed(imap._imap.sock)
        assert imap.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
    finally:
        imap.logout()
    assert signer.signature_count == 1


def test_no_resumption_once_the_card_is_removed(
    profile: Profile, service: CardService, sandbox_operator: Sandbox
) -> None:
    from cps.atr import CardKind
    from cps.errors import CardRemoved
    from cps.watcher import EventType, WatcherEvent

    signer = service.signer(FakePinPrompt(sandbox_operator.card.pin))
    auth = CertificateTlsAuthenticator(profile, signer, trust_for_profile(profile))
    auth.open_imap().logout()
    service.handle_event(WatcherEvent(EventType.CARD_REMOVED, "Virtual PCD 00 00", CardKind.CPS3))
    with pytest.raises(CardRemoved):
        auth.open_imap()
    assert len(auth._context.sessions) == 0
