"""card-tls sign-in against the sandbox operator: the virtual CPS card (SoftHSM2) signs the
TLS handshakes, Dovecot names the user from the certificate (SASL EXTERNAL).

One card signature per handshake; the PIN is asked once per card session; refusals are
specific (wrong PIN with attempts left, server certificate for another host).
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from client.auth import CertificateTlsAuthenticator, trust_for_profile
from client.profiles import load_profile
from client.profiles.model import Endpoint, Profile
from client.tls import card_tls_context
from client.trust import HostnameMismatch
from cps.errors import PinIncorrect
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


def test_card_tls_opens_imap_and_smtp_one_signature_each(
    profile: Profile, service: CardService, sandbox_operator: Sandbox
) -> None:
    prompt = FakePinPrompt(sandbox_operator.card.pin)
    signer = service.signer(prompt)
    auth = CertificateTlsAuthenticator(profile, signer, trust_for_profile(profile))
    assert auth.address == DOCTOR.address

    imap = auth.open_imap()
    try:
        assert signer.signature_count == 1
        folders = [name for _flags, _delim, name in imap.list_folders()]
        assert "INBOX" in folders
        assert imap.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 1
    finally:
        imap.logout()

    for security, port in (("tls", sandbox_operator.ports.submissions),
                           ("starttls", sandbox_operator.ports.submission)):
        smtp_profile = dataclasses.replace(
            profile, smtp=Endpoint(profile.smtp.host, port, security))  # type: ignore[arg-type]
        before = signer.signature_count
        smtp = CertificateTlsAuthenticator(
            smtp_profile, signer, trust_for_profile(profile)).open_smtp()
        try:
            assert smtp.noop()[0] == 250
        finally:
            smtp.quit()
        assert signer.signature_count == before + 1

    implicit = dataclasses.replace(
        profile, imap=Endpoint(profile.imap.host, sandbox_operator.ports.imaps, "tls"))
    imap = CertificateTlsAuthenticator(implicit, signer, trust_for_profile(profile)).open_imap()
    imap.logout()
    assert signer.signature_count == 4
    assert len(prompt.requests) == 1  # one PIN for the whole card session
    described = auth.describe()
    assert described["method"] == "card-tls"
    assert described["national_id"] == DOCTOR.national_id


def test_wrong_pin_reports_attempts_left(sandbox_operator: Sandbox) -> None:
    service = CardService.for_module(Path(sandbox_operator.card.module))
    try:
        prompt = FakePinPrompt("0000")
        with pytest.raises(PinIncorrect) as info:
            service.login(prompt, max_prompts=1)
        assert len(prompt.requests) == 1
        # SoftHSM2 reports the try count as "low", never a number: the error still carries it.
        assert hasattr(info.value, "attempts_left")
        # The right PIN afterwards works (SoftHSM2 does not lock).
        assert service.signer(FakePinPrompt(sandbox_operator.card.pin)).signature_count == 0
    finally:
        service.close()


def test_server_certificate_for_another_host(
    profile: Profile, service: CardService, sandbox_operator: Sandbox
) -> None:
    # Dovecot's certificate names localhost and 127.0.0.1; ask its IMAPS port for another
    # name, as if DNS had sent us to the wrong server.
    signer = service.signer(FakePinPrompt(sandbox_operator.card.pin))
    context = card_tls_context(signer, trust_for_profile(profile))
    raw = socket.create_connection(("127.0.0.1", sandbox_operator.ports.imaps),
                                   timeout=LIVE_TIMEOUT)
    with pytest.raises(HostnameMismatch) as info:
        context.wrap_socket(raw, server_hostname="imap.autre-operateur.fr")
    assert info.value.host == "imap.autre-operateur.fr"
    assert signer.signature_count == 0  # refused before the card was asked to sign


def test_open_session_with_the_apps_card_service(
    profile: Profile, service: CardService, sandbox_operator: Sandbox
) -> None:
    """The desktop app's path: its running card service, its PIN prompt, the factory."""
    from client.auth import open_session

    prompt = FakePinPrompt(sandbox_operator.card.pin)
    opener = open_session(profile, card_service=service, pin_prompt=prompt)
    try:
        imap = opener.open_imap()
        imap.logout()
        assert opener.describe()["address"] == DOCTOR.address
    finally:
        opener.close()
    # The app's card service is the app's: still usable after the opener closed.
    assert service.session is not None
    assert len(prompt.requests) == 1


def test_idle_over_card_tls(
    profile: Profile, service: CardService, sandbox_operator: Sandbox
) -> None:
    """IMAP IDLE (non-blocking polls on the card TLS socket) sees a new message."""
    signer = service.signer(FakePinPrompt(sandbox_operator.card.pin))
    auth = CertificateTlsAuthenticator(profile, signer, trust_for_profile(profile))
    watcher = auth.open_imap()
    writer = auth.open_imap()
    try:
        watcher.select_folder("INBOX")
        watcher.idle()
        assert watcher.idle_check(timeout=0.5) == []  # nothing yet, no busy loop, no error
        writer.append("INBOX", b"Subject: idle test\r\n\r\nbody\r\n")
        seen: list[object] = []
        for _ in range(20):
            seen += watcher.idle_check(timeout=1)
            if any(b"EXISTS" in item for item in seen if isinstance(item, tuple)):
                break
        watcher.idle_done()
        assert any(b"EXISTS" in item for item in seen if isinstance(item, tuple))
    finally:
        watcher.logout()
        writer.logout()
