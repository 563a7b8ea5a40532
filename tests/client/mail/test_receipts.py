"""Read receipts (RFC 8098) and delivery failures (RFC 3464)."""

from __future__ import annotations

import pytest

from client.mail.cache import MailCache
from client.mail.compose import Draft
from client.mail.keystore import MemoryKeyStore
from client.mail.mailbox import Mailbox
from client.mail.outbox import Outbox
from client.mail.policy import DomainList, RecipientPolicy
from client.mail.reading import parse_message
from client.mail.receipts import (
    MDN_SENT_FLAG,
    DeliveryFailure,
    Mdn,
    ReceiptBook,
    build_mdn,
    mdn_decision,
    parse_report,
    scan_reports,
)
from client.mail.sending import MailSender
from tests.client.mail._messages import CLAIRE, JEAN, letter, mdn_report
from tests.client.mail._servers import (
    COLLEAGUE_DOMAIN,
    DOMAIN,
    Dovecot,
    PasswordSessionOpener,
    SmtpSink,
)

TRUST = DomainList.of([DOMAIN, COLLEAGUE_DOMAIN])


def _asking(return_path: str | None, dnt: str = CLAIRE) -> bytes:
    msg = letter()
    msg["Disposition-Notification-To"] = dnt
    raw = msg.as_bytes()
    return (f"Return-Path: <{return_path}>\r\n".encode() + raw) if return_path else raw


def test_mdn_decision_rules() -> None:
    ok = mdn_decision(parse_message(_asking(CLAIRE)))
    assert ok.allowed and ok.to == CLAIRE
    other = mdn_decision(parse_message(_asking("bounce@elsewhere.mssante.fr")))
    assert not other.allowed and "Return-Path" in other.reason
    assert not mdn_decision(parse_message(_asking(None))).allowed
    assert not mdn_decision(parse_message(_asking(CLAIRE)), [MDN_SENT_FLAG]).allowed
    assert mdn_decision(parse_message(letter().as_bytes())).reason == "no receipt requested"
    with pytest.raises(ValueError, match="Return-Path"):
        build_mdn(parse_message(_asking("x@y.mssante.fr")), JEAN)


def test_built_mdn_parses_back_and_links() -> None:
    original = parse_message(_asking(CLAIRE))
    mdn = parse_report(parse_message(build_mdn(original, JEAN).as_bytes()))
    assert isinstance(mdn, Mdn)
    assert (mdn.original_message_id, mdn.final_recipient, mdn.disposition) == (
        original.message_id, JEAN, "displayed"
    )
    assert mdn.read and mdn.describe().startswith("read on ")
    seeded = parse_report(parse_message(mdn_report("<x@y>").as_bytes()))
    assert isinstance(seeded, Mdn) and seeded.final_recipient == CLAIRE


def test_dsn_failure_is_a_delivery_error() -> None:
    raw = (
        "From: MAILER-DAEMON@hopital-sandbox.mssante.fr\r\nTo: " + JEAN + "\r\n"
        "Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nNon distribué.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.hopital-sandbox.mssante.fr\r\n\r\n"
        "Final-Recipient: rfc822; inconnu@clinique-sandbox.mssante.fr\r\nAction: failed\r\n"
        "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@hopital>\r\n"
        "Subject: x\r\n\r\n--B--\r\n"
    ).encode()
    report = parse_report(parse_message(raw))
    assert isinstance(report, DeliveryFailure)
    assert report.original_message_id == "<orig@hopital>"
    assert report.recipients == (
        ("inconnu@clinique-sandbox.mssante.fr", "5.1.1", "550 5.1.1 User unknown"),
    )
    assert "not delivered to inconnu@" in report.describe()


def test_receipt_round_trip_between_two_mailboxes(
    dovecot: Dovecot, smtp_sink: SmtpSink, sender_opener: PasswordSessionOpener
) -> None:
    dovecot.reset_user("claire.dubois")
    claire = PasswordSessionOpener(dovecot, "claire.dubois", smtp_sink.port,
                                   domain=COLLEAGUE_DOMAIN)
    claire_address = f"claire.dubois@{COLLEAGUE_DOMAIN}"
    with MailCache.open(JEAN, keystore=MemoryKeyStore()) as jean_cache, Mailbox(
        sender_opener
    ) as jean_box, MailCache.open(claire_address, keystore=MemoryKeyStore()) as claire_cache, \
            Mailbox(claire) as claire_box:
        jean = MailSender(sender_opener, Outbox(jean_cache.store), RecipientPolicy(TRUST),
                          jean_box)
        report = jean.send(Draft(to=(claire_address,), subject="Avis urgent", body="x",
                                 receipt=True))
        # Claire's side: the request is honoured only because she consents here.
        (uid,) = claire_box.search_header("INBOX", "Subject", "Avis urgent")
        summary = claire_box.summaries("INBOX", [uid])[0]
        received = parse_message(claire_box.fetch_raw("INBOX", uid))
        decision = mdn_decision(received, summary.flags)
        assert decision.allowed and decision.to == JEAN
        mdn = build_mdn(received, claire_address)
        claire_sender = MailSender(claire, Outbox(claire_cache.store), RecipientPolicy(TRUST),
                                   claire_box)
        claire_sender.send_raw(mdn)
        claire_box.add_flags("INBOX", [uid], [MDN_SENT_FLAG])
        assert not mdn_decision(received, claire_box.summaries("INBOX", [uid])[0].flags).allowed
        # Jean's side: the report is found and linked to the sent message.
        book = ReceiptBook(jean_cache.store)
        assert scan_reports(jean_box, book) == 1
        assert scan_reports(jean_box, book) == 0
        (linked,) = book.for_message(report.message_id)
        assert linked["final_recipient"] == claire_address
        assert linked["description"].startswith("read on ")
        assert linked["description"].endswith(f"by {claire_address}")


def test_a_receipt_whose_header_holds_an_address_group_parses_without_raising() -> None:
    # Found by the ``mime`` fuzz harness: a field block whose "To:" reads as an RFC 5322
    # group with a malformed member made the structured header parser raise
    # AttributeError inside ``_fields``.
    from fuzz.harnesses import HARNESSES, regression_seeds

    seeds = regression_seeds("mime")
    assert seeds, "the regression seed is kept in fuzz/seeds/mime/"
    for seed in seeds:
        report = parse_report(parse_message(seed))
        assert report is None or isinstance(report, Mdn | DeliveryFailure)
        HARNESSES["mime"].target(seed)  # what the fuzzer runs: no exception at all
    assert set(seeds) <= set(HARNESSES["mime"].seeds())
    grouped = (
        b"From: claire@x.mssante.fr\r\nTo: jean@x.mssante.fr\r\nSubject: lu\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report;"
        b" report-type=disposition-notification; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: message/disposition-notification\r\n\r\n"
        b"Final-Recipient: rfc822;claire@x.mssante.fr\r\n"
        b"To: Dr Jean MARTINContent-Type: text/plain; charset=x\r\n"
        b"Original-Message-ID: <1@x>\r\n"
        b"Disposition: manual-action/MDN-sent-manually; displayed\r\n\r\n--B--\r\n"
    )
    mdn = parse_report(parse_message(grouped))
    assert isinstance(mdn, Mdn) and mdn.read and mdn.original_message_id == "<1@x>"


def test_a_mismatched_return_path_needs_a_second_confirmation() -> None:
    asking = parse_message(_asking("bounce@elsewhere.mssante.fr"))
    first = mdn_decision(asking)
    assert not first.allowed and first.needs_confirmation and first.to == CLAIRE
    confirmed = mdn_decision(asking, confirmed_mismatch=True)
    assert confirmed.allowed and confirmed.to == CLAIRE
    mdn = build_mdn(asking, JEAN, confirmed_mismatch=True)
    assert str(mdn["To"]) == CLAIRE
    # Already answered: no confirmation can reopen it.
    assert not mdn_decision(asking, [MDN_SENT_FLAG], confirmed_mismatch=True).allowed


def test_a_built_receipt_returns_the_original_headers_and_names_the_reader() -> None:
    original = parse_message(_asking(CLAIRE))
    built = build_mdn(original, JEAN)
    parts = [p.get_content_type() for p in built.walk()]
    assert parts[-1] == "text/rfc822-headers"
    mdn = parse_report(parse_message(built.as_bytes()))
    assert isinstance(mdn, Mdn)
    assert mdn.original_subject == original.subject
    assert mdn.reader_name == JEAN
