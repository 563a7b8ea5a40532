"""Sending: headers, recipient policy, outbox, SIZE, failures and retries without duplicates."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from client.mail.cache import MailCache
from client.mail.compose import AttachmentSource, Draft, forward, reply
from client.mail.errors import InvalidMessage, RecipientRefused, SubmissionFailed
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from client.mail.outbox import Outbox, reason_kind
from client.mail.policy import DomainList, RecipientPolicy
from client.mail.reading import parse_message
from client.mail.sending import MailSender
from tests.client.mail._messages import xdm_zip
from tests.client.mail._servers import (
    COLLEAGUE_DOMAIN,
    DOMAIN,
    Dovecot,
    PasswordSessionOpener,
    SmtpSink,
    parse,
)

CLAIRE = f"claire.dubois@{COLLEAGUE_DOMAIN}"
TRUST = DomainList.of([DOMAIN, COLLEAGUE_DOMAIN])


@pytest.fixture
def parts(
    sender_opener: PasswordSessionOpener,
) -> Iterator[tuple[MailSender, Outbox, Mailbox]]:
    with MailCache.open(sender_opener.address, keystore=MemoryKeyStore()) as cache, Mailbox(
        sender_opener
    ) as box:
        outbox = Outbox(cache.store)
        yield MailSender(sender_opener, outbox, RecipientPolicy(TRUST), box), outbox, box


def _inbox_of(dovecot: Dovecot, user: str) -> list[bytes]:
    imap = dovecot.client(user)
    try:
        imap.select_folder("INBOX", readonly=True)
        uids = imap.search(["ALL"])
        return [d[b"BODY[]"] for d in imap.fetch(uids, ["BODY.PEEK[]"]).values()]
    finally:
        imap.logout()


def test_send_to_colleague_read_back_and_filed_in_sent(
    dovecot: Dovecot, smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    dovecot.reset_user("claire.dubois")
    sender, outbox, box = parts
    draft = Draft(
        to=(f"Dr Claire Dubois <{CLAIRE}>",),
        bcc=(f"secretariat@{DOMAIN}",),
        subject="Adressage de Mme Hélène Lefèvre",
        body="Chère consœur,\nje vous adresse Mme Lefèvre pour avis.\n",
        attachments=(AttachmentSource("lettre é.pdf", b"%PDF-1.4", "application/pdf"),),
        receipt=True,
    )
    report = sender.send(draft)
    assert report.outcome.state == "sent" and report.outcome.copied_to_sent
    assert outbox.entries() == []
    (received,) = _inbox_of(dovecot, "claire.dubois")
    read = parse_message(received)
    assert read.message_id == report.message_id
    assert read.subject == "Adressage de Mme Hélène Lefèvre"
    assert "consœur" in read.text
    assert [a.filename for a in read.attachments] == ["lettre é.pdf"]
    assert read.disposition_notification_to == sender_opener_address(sender)
    assert read.mss_headers["X-MSS-NIL"].startswith("Compagnon MSSante")
    assert "secretariat" not in received.decode("utf-8", "replace")  # Bcc hidden
    assert smtp_sink.state.received[0][1] == [CLAIRE, f"secretariat@{DOMAIN}"]
    sent = box.list_messages("Sent")
    assert sent.total == 1 and sent.messages[0].message_id == report.message_id


def sender_opener_address(sender: MailSender) -> str:
    return sender.opener.address


def test_outside_trust_space_is_refused_and_nothing_stored(
    smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    sender, outbox, _ = parts
    with pytest.raises(RecipientRefused) as info:
        sender.send(Draft(to=(CLAIRE, "someone@gmail.com"), subject="x", body="y"))
    assert (info.value.address, info.value.rule) == ("someone@gmail.com", "outside-trust-space")
    with pytest.raises(RecipientRefused) as bad:
        sender.send(Draft(to=("pas une adresse",), subject="x"))
    assert bad.value.rule == "invalid-address"
    assert outbox.entries() == [] and smtp_sink.state.received == []


def test_patient_recipient_is_allowed_and_flagged(
    dovecot: Dovecot, smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    sender, _, _ = parts
    dovecot.reset_user("helene.lefevre")
    report = sender.send(
        Draft(to=("helene.lefevre@patient.mssante.fr",), subject="Vos résultats",
              body="Bonjour", no_patient_reply=True)
    )
    assert report.patients == ("helene.lefevre@patient.mssante.fr",)
    assert parse(smtp_sink.state.received[0][2])["X-MSS-MES"] == "FIN"


def test_no_trust_list_refuses(sender_opener: PasswordSessionOpener) -> None:
    with pytest.raises(RecipientRefused) as info:
        RecipientPolicy(None).check([CLAIRE])
    assert info.value.rule == "no-trust-list"


def test_submission_dropped_mid_send_stays_queued_then_sent_once(
    dovecot: Dovecot, smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    dovecot.reset_user("claire.dubois")
    sender, outbox, box = parts
    smtp_sink.state.drop_connection = True
    with pytest.raises(SubmissionFailed) as info:
        sender.send(Draft(to=(CLAIRE,), subject="Envoi interrompu", body="texte"))
    assert not info.value.permanent
    (entry,) = outbox.entries()
    assert entry.state == "queued" and entry.attempts == 1
    assert reason_kind(entry.reason)[0] == "connection-lost"
    assert smtp_sink.state.received == []
    smtp_sink.state.drop_connection = False
    (outcome,) = sender.retry()
    assert outcome.state == "sent"
    assert sender.retry() == []  # nothing left: a second retry sends nothing
    assert len(smtp_sink.state.received) == 1
    assert len(_inbox_of(dovecot, "claire.dubois")) == 1
    assert box.list_messages("Sent").total == 1


def test_server_killed_mid_send(
    dovecot: Dovecot, smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    sender, outbox, box = parts
    smtp_sink.stop()
    with pytest.raises(SubmissionFailed):
        sender.send(Draft(to=(CLAIRE,), subject="Serveur arrêté", body="texte"))
    assert [e.state for e in outbox.entries()] == ["queued"]
    smtp_sink.start()
    assert [o.state for o in sender.retry()] == ["sent"]
    assert len(smtp_sink.state.received) == 1 and box.list_messages("Sent").total == 1


def test_permanent_refusal_is_kept_as_failed(
    smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    sender, outbox, _ = parts
    smtp_sink.state.fail_with = (554, "5.7.1 policy rejection")
    with pytest.raises(SubmissionFailed) as info:
        sender.send(Draft(to=(CLAIRE,), subject="refusé", body="x"))
    assert info.value.permanent and "554" in info.value.reason
    (entry,) = outbox.entries()
    assert reason_kind(entry.reason) == ("server", "554 5.7.1 policy rejection")
    assert entry.state == "failed"
    assert [o.state for o in sender.retry()] == ["failed"]  # not resubmitted by itself
    assert smtp_sink.state.received == []


def test_size_limit_checked_before_data(
    smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    sender, outbox, _ = parts
    smtp_sink.stop()
    smtp_sink.data_size_limit = 1_000_000  # announced as SIZE 1000000 (RFC 1870)
    smtp_sink.start()
    big = AttachmentSource("scanner.dcm", b"\0" * 1_200_000)
    with pytest.raises(SubmissionFailed) as info:
        sender.send(Draft(to=(CLAIRE,), subject="trop gros", attachments=(big,)))
    assert info.value.permanent and "limit" in info.value.reason
    assert reason_kind(info.value.reason)[0] == "too-large"
    assert smtp_sink.state.received == []


def test_sent_copy_not_duplicated_when_filing_is_retried(
    dovecot: Dovecot, smtp_sink: SmtpSink, sender_opener: PasswordSessionOpener
) -> None:
    with MailCache.open(sender_opener.address, keystore=MemoryKeyStore()) as cache:
        outbox = Outbox(cache.store)
        # Submitted without a mailbox: stays "submitted" until filed.
        no_filing = MailSender(sender_opener, outbox, RecipientPolicy(TRUST), None)
        report = no_filing.send(Draft(to=(CLAIRE,), subject="à classer", body="x"))
        assert report.outcome.state == "submitted"
        with Mailbox(sender_opener) as box:
            # Someone already filed it (e.g. a crash right after APPEND).
            box.append("Sent", outbox.entries()[0].raw)
            outcomes = outbox.flush(sender_opener, box)
            assert [(o.state, o.copied_to_sent) for o in outcomes] == [("sent", False)]
            assert box.list_messages("Sent").total == 1
    assert len(smtp_sink.state.received) == 1


def test_xdm_attachment_sets_mss_headers(
    smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    from sandbox.xdm_sample import build_sample_xdm_zip, sample_xdm_headers, sample_xdm_subject

    sender, _, _ = parts
    with pytest.raises(InvalidMessage):  # a toy ZIP is not a valid XDM package
        sender.send(Draft(to=(CLAIRE,), subject="XDM", xdm=xdm_zip()))
    package = build_sample_xdm_zip()
    sender.send(Draft(to=(CLAIRE,), subject=sample_xdm_subject(), xdm=package, body="CR"))
    received = parse(smtp_sink.state.received[-1][2])
    for name, value in sample_xdm_headers().items():
        assert received[name] == value
    names = [p.get_filename() for p in received.iter_attachments()]
    assert names == ["IHE_XDM.ZIP"]


def test_reply_reply_all_and_forward() -> None:
    original = parse_message(
        (
            f"From: Dr Claire Dubois <{CLAIRE}>\r\nTo: jean.martin@{DOMAIN}, "
            f"autre@{DOMAIN}\r\nCc: cadre@{COLLEAGUE_DOMAIN}\r\nSubject: Avis\r\n"
            "Message-ID: <a1@x>\r\nReferences: <a0@x>\r\n"
            "Date: Mon, 2 Nov 2026 10:00:00 +0100\r\n\r\nLigne 1\r\nLigne 2\r\n"
        ).encode()
    )
    simple = reply(original, f"jean.martin@{DOMAIN}", body="Merci")
    assert simple.to == (f"Dr Claire Dubois <{CLAIRE}>",) and simple.cc == ()
    assert simple.subject == "Re: Avis" and simple.in_reply_to == "<a1@x>"
    assert simple.references == ("<a0@x>", "<a1@x>")
    assert "> Ligne 1" in simple.body
    everyone = reply(original, f"jean.martin@{DOMAIN}", reply_all=True)
    assert everyone.cc == (f"autre@{DOMAIN}", f"cadre@{COLLEAGUE_DOMAIN}")
    inline = forward(original, b"", to=[CLAIRE])
    assert inline.subject == "Tr: Avis" and "Ligne 2" in inline.body
    assert "Date : 02/11/2026 10:00\n" in inline.body  # as the reply's intro, not ISO 8601
    attached = forward(original, b"Subject: Avis\r\n\r\nx\r\n", inline=False)
    assert attached.forwarded is not None


def test_a_reply_to_a_structured_document_drops_the_integration_marker() -> None:
    original = parse_message(
        (
            f"From: {CLAIRE}\r\nTo: jean.martin@{DOMAIN}\r\n"
            "Subject: XDM/1.0/DDM+CR de biologie PAT-TROIS DOMINIQUE 28/03/1979\r\n"
            "Message-ID: <b1@x>\r\n\r\nCompte rendu joint.\r\n"
        ).encode()
    )
    answer = reply(original, f"jean.martin@{DOMAIN}")
    assert answer.subject == "Re: CR de biologie PAT-TROIS DOMINIQUE 28/03/1979"
    again = reply(parse_message(
        f"From: {CLAIRE}\r\nSubject: Re: XDM/1.0/DDM+CR de biologie\r\n\r\nx\r\n".encode()),
        f"jean.martin@{DOMAIN}")
    assert again.subject == "Re: CR de biologie"
    inline = forward(original, b"", to=[CLAIRE])
    assert "Objet : CR de biologie PAT-TROIS DOMINIQUE 28/03/1979" in inline.body


def test_forward_as_attachment_builds_message_rfc822() -> None:
    from client.mail.compose import build_message

    original_raw = (
        f"From: {CLAIRE}\r\nTo: jean.martin@{DOMAIN}\r\nSubject: Bilan\r\n"
        "Message-ID: <o1@x>\r\n\r\nTexte original\r\n"
    ).encode()
    draft = forward(parse_message(original_raw), original_raw, to=[CLAIRE], inline=False,
                    body="Pour information")
    built = parse_message(build_message(draft, f"jean.martin@{DOMAIN}").as_bytes())
    assert built.subject == "Tr: Bilan" and "Pour information" in built.text
    (attached,) = built.attachments
    assert attached.content_type == "message/rfc822" and attached.filename == "Bilan.eml"
    assert parse_message(attached.data).subject == "Bilan"


def test_reply_flags_the_original_answered(
    dovecot: Dovecot, smtp_sink: SmtpSink, parts: tuple[MailSender, Outbox, Mailbox]
) -> None:
    from tests.client.mail._messages import letter

    sender, _, box = parts
    dovecot.append("jean.martin", "INBOX", letter(sender=f"Dr Claire Dubois <{CLAIRE}>").as_bytes())
    (summary,) = box.list_messages("INBOX").messages
    original = parse_message(box.fetch_raw("INBOX", summary.uid))
    draft = reply(original, sender.opener.address, body="Bien reçu")
    sender.send(draft, replying_to=("INBOX", summary.uid))
    assert "\\Answered" in box.summaries("INBOX", [summary.uid])[0].flags
    sent = parse(smtp_sink.state.received[-1][2])
    assert str(sent["In-Reply-To"]).strip() == original.message_id


def test_two_instances_never_submit_the_same_message_twice(
    smtp_sink: SmtpSink, sender_opener: PasswordSessionOpener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import client.mail.outbox as outbox_module
    from client.mail.compose import build_message

    keystore = MemoryKeyStore()
    with MailCache.open(sender_opener.address, keystore=keystore) as first, MailCache.open(
        sender_opener.address, keystore=keystore
    ) as second:
        app, cli = Outbox(first.store), Outbox(second.store)
        raw = build_message(Draft(to=(CLAIRE,), subject="une fois", body="x"),
                            sender_opener.address).as_bytes()
        message_id = app.enqueue(raw, sender_opener.address, (CLAIRE,))
        assert app._claim(message_id)  # the app is submitting it right now
        (outcome,) = cli.flush(sender_opener, None)
        assert outcome.state == "sending" and smtp_sink.state.received == []
        # The app died mid-submission: after the stale delay the claim is taken over.
        monkeypatch.setattr(outbox_module, "STALE_CLAIM_SECONDS", -1.0)
        (outcome,) = cli.flush(sender_opener, None)
        assert outcome.state == "submitted" and len(smtp_sink.state.received) == 1
        assert app.flush(sender_opener, None)[0].state == "submitted"  # filing only
        assert len(smtp_sink.state.received) == 1
