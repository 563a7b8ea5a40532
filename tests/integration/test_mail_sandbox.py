"""Mail against the sandbox operator with the real sign-ins.

The doctor signs in with the CPS card (``card-tls``: card TLS + EXTERNAL) and with Pro
Santé Connect (``psc``: XOAUTH2 tokens); the colleague reads her box with her PKCS#12
(``certificate``). The operator is shared by the test session: assertions look messages
up by a subject unique to the test, never by counts of a whole folder.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from client.auth import PasswordAnswer, build_authenticator
from client.mail.cache import MailCache
from client.mail.compose import AttachmentSource, Draft
from client.mail.errors import RecipientRefused, SubmissionFailed
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from client.mail.outbox import Outbox
from client.mail.policy import RecipientPolicy, WhitelistTrust
from client.mail.reading import parse_message
from client.mail.receipts import (
    MDN_SENT_FLAG,
    Mdn,
    ReceiptBook,
    build_mdn,
    mdn_decision,
    parse_report,
    scan_reports,
)
from client.mail.sending import MailSender
from client.mail.sync import Synchronizer
from client.profiles import load_profile
from client.whitelist import TrustSpace
from sandbox.identities import COLLEAGUE, DOCTOR
from sandbox.operator import Sandbox
from tests.client.mail._servers import CuttingProxy
from tests.helpers.fake_token import FakePinPrompt
from tests.helpers.timeouts import LIVE_TIMEOUT

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(10 * LIVE_TIMEOUT)]


@pytest.fixture(params=["card-tls", "psc"])
def doctor(request: pytest.FixtureRequest, sandbox_operator: Sandbox) -> Iterator[Any]:
    """The doctor signed in with the card, by each method."""
    path = sandbox_operator.profile if request.param == "card-tls" else (
        sandbox_operator.profile_psc
    )
    auth = build_authenticator(
        load_profile(path), pin_prompt=FakePinPrompt(sandbox_operator.card.pin)
    )
    try:
        yield auth
    finally:
        auth.close()


def _colleague_auth(sandbox: Sandbox, *, smtp_port: int | None = None) -> Any:
    profile = load_profile(sandbox.profile_certificate)
    credential = sandbox.credentials["colleague"]
    profile = dataclasses.replace(
        profile,
        address=COLLEAGUE.address,
        auth=dataclasses.replace(profile.auth, certificate_file=credential.pkcs12),
    )
    if smtp_port is not None:
        profile = dataclasses.replace(
            profile, smtp=dataclasses.replace(profile.smtp, port=smtp_port)
        )
    return build_authenticator(
        profile, password_prompt=lambda _p, _r: PasswordAnswer(credential.password)
    )


@pytest.fixture
def colleague(sandbox_operator: Sandbox) -> Iterator[Any]:
    """Claire Dubois signed in with her PKCS#12 (certificate TLS + EXTERNAL)."""
    auth = _colleague_auth(sandbox_operator)
    try:
        yield auth
    finally:
        auth.close()


@pytest.fixture
def policy(sandbox_operator: Sandbox) -> RecipientPolicy:
    """The sandbox's liste blanche, parsed by the whitelist module."""
    space = TrustSpace.parse(sandbox_operator.liste_blanche.read_bytes())
    return RecipientPolicy(WhitelistTrust(space))


def _find(box: Mailbox, folder: str, subject: str) -> list[int]:
    return box.search_header(folder, "Subject", subject)


def test_seeded_mailbox_read_correctly(doctor: Any) -> None:
    with Mailbox(doctor) as box:
        assert {"inbox", "sent", "drafts", "trash"} <= {f.role for f in box.folders()}
        page = box.list_messages("INBOX", limit=200)
        by_subject = {m.subject: m for m in page.messages}
        lab = by_subject["Résultats d'analyses – Mme Élodie LEFÈVRE"]
        assert lab.has_attachments and lab.seen
        xdm = next(m for m in page.messages if m.subject.startswith("XDM/1.0/DDM+"))
        assert xdm.has_attachments
        read = parse_message(box.fetch_raw("INBOX", xdm.uid))
        names = [a.filename for a in read.attachments]
        assert "IHE_XDM.ZIP" in names and "CR_biologie_TSH.pdf" in names
        assert "X-MSS-CODECDA" in read.mss_headers and "X-MSS-INS" in read.mss_headers
        assert not read.display_subject.startswith("XDM/")
        letter = by_subject["Lettre de liaison – sortie de M. François Béranger"]
        shown = parse_message(box.fetch_raw("INBOX", letter.uid))
        assert "BÉRANGER" in shown.text and shown.html is not None
        # The seeded MDN is recognised and linked to the message in Sent.
        receipt_uid = next(
            m.uid for m in page.messages if m.subject.startswith("Accusé de lecture")
        )
        mdn = parse_report(parse_message(box.fetch_raw("INBOX", receipt_uid)))
        assert isinstance(mdn, Mdn) and mdn.read and mdn.final_recipient == COLLEAGUE.address
        (sent_uid,) = _find(box, "Sent", "Demande d'avis")
        sent = parse_message(box.fetch_raw("Sent", sent_uid))
        assert mdn.original_message_id == sent.message_id
        with MailCache.open(DOCTOR.address, keystore=MemoryKeyStore()) as cache:
            book = ReceiptBook(cache.store)
            assert scan_reports(box, book) >= 1
            (linked,) = book.for_message(sent.message_id)
            assert linked["description"].startswith("read on ")
            assert linked["description"].endswith(f"by {COLLEAGUE.address}")


def test_sync_and_offline_cache_hold_no_clear_text(doctor: Any) -> None:
    keystore = MemoryKeyStore()
    with Mailbox(doctor) as box, MailCache.open(DOCTOR.address, keystore=keystore) as cache:
        results = Synchronizer(box, cache).sync_all()
        assert {r.folder for r in results} >= {"INBOX", "Sent", "Drafts"}
        assert Synchronizer(box, cache).sync_folder("INBOX").unchanged
        path = cache.path
    with MailCache.open(DOCTOR.address, keystore=keystore) as cache:
        _, page = cache.list_messages("INBOX", limit=200)
        assert any(m.subject == "Résultats d'analyses – Mme Élodie LEFÈVRE" for m in page)
    on_disk = b"".join(p.read_bytes() for p in path.parent.iterdir())
    for needle in ("LEFÈVRE", "Élodie", "Béranger", "analyses", "jean.martin",
                   "claire.dubois", "hopital-sandbox", "Demande d'avis"):
        assert needle.encode("utf-8") not in on_disk, needle


def test_send_to_colleague_receipt_round_trip(
    sandbox_operator: Sandbox, doctor: Any, colleague: Any, policy: RecipientPolicy
) -> None:
    subject = f"Avis cardiologique {uuid.uuid4().hex[:8]} – Mme Hélène Lefèvre"
    with MailCache.open(DOCTOR.address, keystore=MemoryKeyStore()) as cache, Mailbox(
        doctor
    ) as box:
        sender = MailSender(doctor, Outbox(cache.store), policy, box)
        report = sender.send(Draft(
            to=(COLLEAGUE.address,), subject=subject, body="Chère consœur,\nvotre avis ?\n",
            attachments=(AttachmentSource("ECG é.pdf", b"%PDF-1.4 ecg", "application/pdf"),),
            receipt=True,
        ))
        assert report.outcome.state == "sent" and report.outcome.copied_to_sent
        assert len(_find(box, "Sent", subject)) == 1

        # The colleague reads it from her own mailbox (certificate sign-in).
        sandbox_operator.wait_for_message(COLLEAGUE, subject)
        with MailCache.open(COLLEAGUE.address, keystore=MemoryKeyStore()) as theirs, Mailbox(
            colleague
        ) as her_box:
            (uid,) = _find(her_box, "INBOX", subject)
            received = parse_message(her_box.fetch_raw("INBOX", uid))
            assert received.message_id == report.message_id
            assert received.subject == subject and "consœur" in received.text
            assert [a.filename for a in received.attachments] == ["ECG é.pdf"]
            assert received.disposition_notification_to == DOCTOR.address
            flags = her_box.summaries("INBOX", [uid])[0].flags
            decision = mdn_decision(received, flags)
            assert decision.allowed, decision.reason  # Return-Path matches the request
            her_sender = MailSender(colleague, Outbox(theirs.store), policy, her_box)
            her_sender.send_raw(build_mdn(received, COLLEAGUE.address))
            her_box.add_flags("INBOX", [uid], [MDN_SENT_FLAG])

        sandbox_operator.wait_for_message(DOCTOR, f"Accusé de lecture : {subject}")
        book = ReceiptBook(cache.store)
        assert scan_reports(box, book) >= 1
        (linked,) = book.for_message(report.message_id)
        assert linked["final_recipient"] == COLLEAGUE.address and linked["read"]


def test_outside_trust_space_refused_nothing_reaches_the_server(
    sandbox_operator: Sandbox, doctor: Any, policy: RecipientPolicy
) -> None:
    before = len(sandbox_operator.outbound_messages())
    with MailCache.open(DOCTOR.address, keystore=MemoryKeyStore()) as cache, Mailbox(
        doctor
    ) as box:
        outbox = Outbox(cache.store)
        sender = MailSender(doctor, outbox, policy, box)
        with pytest.raises(RecipientRefused) as info:
            sender.send(Draft(to=(COLLEAGUE.address, "dr.house@gmail.com"),
                              subject="Ne doit pas partir", body="x"))
        assert info.value.rule == "outside-trust-space"
        assert outbox.entries() == []
        assert _find(box, "Sent", "Ne doit pas partir") == []
    assert len(sandbox_operator.outbound_messages()) == before


def test_submission_killed_mid_send_then_sent_once(
    sandbox_operator: Sandbox, colleague: Any, policy: RecipientPolicy, tmp_path: Path
) -> None:
    """The connection to the submission server dies during DATA; the retry sends once."""
    subject = f"Envoi interrompu {uuid.uuid4().hex[:8]}"
    proxy = CuttingProxy(sandbox_operator.ports.submission)
    auth = _colleague_auth(sandbox_operator, smtp_port=proxy.port)
    try:
        # Past STARTTLS and AUTH, inside the 300 KB message: the server is "killed".
        proxy.cut_upstream = 60_000
        with MailCache.open(COLLEAGUE.address, keystore=MemoryKeyStore()) as cache, Mailbox(
            auth
        ) as box:
            outbox = Outbox(cache.store)
            sender = MailSender(auth, outbox, policy, box)
            scan = AttachmentSource("scanner.pdf", bytes(range(256)) * 1200, "application/pdf")
            with pytest.raises(SubmissionFailed) as info:
                sender.send(Draft(to=(DOCTOR.address,), subject=subject, body="x",
                                  attachments=(scan,)))
            assert not info.value.permanent and proxy.cuts >= 1
            (queued,) = outbox.entries()
            assert queued.state == "queued" and queued.reason
            assert _find(box, "Sent", subject) == []
            proxy.cut_upstream = None
            assert [o.state for o in sender.retry()] == ["sent"]
            assert sender.retry() == []
            assert len(_find(box, "Sent", subject)) == 1
        sandbox_operator.wait_for_message(DOCTOR, subject)
        delivered = [m for m in sandbox_operator.messages(DOCTOR) if subject in str(m["Subject"])]
        assert len(delivered) == 1
    finally:
        auth.close()
        proxy.close()
