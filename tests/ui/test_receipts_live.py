"""Read receipts both ways in the desktop app, against a private Dovecot and SMTP sink.

Jean asks for a receipt; Claire's reading pane shows the bar; her click sends the MDN,
which reaches Jean's INBOX (checked through IMAP); Jean's Sent list marks the message
read, the sent message says who read it, the receipt reads as a sentence linked to the
original. The session opener is the mail tests' password one (test-only).
"""

from __future__ import annotations

import email
import email.policy
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from client.mail.cache import MailCache
from client.mail.compose import Draft
from client.mail.keystore import MemoryKeyStore
from client.paths import app_paths
from client.whitelist import default_whitelist_path, import_whitelist
from tests.client.mail._servers import (
    DOMAIN,
    Dovecot,
    PasswordSessionOpener,
    SinkState,
    SmtpSink,
    free_port,
    running_dovecot,
)
from tests.helpers.timeouts import LIVE_TIMEOUT_MS
from ui.backend import MessageView
from ui.live_mail import LiveMailService
from ui.mail_view import MailView
from ui.workers import WorkerPool

LISTE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<ListeBlancheMSSante xmlns="https://listeblanche.mssante.fr/schema">'
    "<DateDeGeneration>2026-11-30T06:00:00</DateDeGeneration><ListeDomaines>"
    f"<Domaine><Nom>{DOMAIN}</Nom><Description>Sandbox</Description></Domaine>"
    "</ListeDomaines></ListeBlancheMSSante>"
)


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    with running_dovecot() as server:
        yield server


@pytest.fixture
def sink(dovecot: Dovecot) -> Iterator[SmtpSink]:
    server = SmtpSink(SinkState(dovecot), free_port())
    server.start()
    yield server
    server.stop()


def _service(dovecot: Dovecot, sink: SmtpSink, user: str, tmp_path: Path) -> LiveMailService:
    opener = PasswordSessionOpener(dovecot, user, sink.port)
    cache = MailCache.open(opener.address, keystore=MemoryKeyStore(),
                           path=tmp_path / f"{user}.sqlite3")
    return LiveMailService(opener, cache=cache)


@pytest.fixture
def mailboxes(dovecot: Dovecot, sink: SmtpSink, tmp_path: Path
              ) -> Iterator[tuple[LiveMailService, LiveMailService]]:
    for user in ("jean.martin", "claire.dubois"):
        dovecot.reset_user(user)
    app_paths().ensure()
    liste = tmp_path / "liste.xml"
    liste.write_text(LISTE, encoding="utf-8")
    import_whitelist(liste, target=default_whitelist_path())
    jean = _service(dovecot, sink, "jean.martin", tmp_path)
    claire = _service(dovecot, sink, "claire.dubois", tmp_path)
    jean.folders()  # creates the special-use folders
    claire.folders()
    try:
        yield jean, claire
    finally:
        jean.close()
        claire.close()


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[MailView]:
    pool = WorkerPool()
    widget = MailView(pool)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    yield widget
    pool.wait_for_done(LIVE_TIMEOUT_MS)


def _open(qtbot: QtBot, view: MailView, mail: LiveMailService, folder: str,
          subject: str) -> MessageView:
    with qtbot.wait_signal(view.folder_loaded, timeout=LIVE_TIMEOUT_MS,
                           check_params_cb=lambda path, _n: path == folder):
        if view.mail is not mail:
            view.set_mail(mail)
        view.folders.select_path(folder)
        if view.current_folder == folder:
            view.open_folder(folder)
    rows = [view.model.message_at(i) for i in range(view.model.rowCount())]
    row = next(r for r in rows if r is not None and subject in r.subject)
    assert row is not None
    with qtbot.wait_signal(view.message_shown, timeout=LIVE_TIMEOUT_MS) as shown:
        view.select_uid(row.uid)
    result: MessageView = shown.args[0]
    return result


def _settle(qtbot: QtBot, view: MailView) -> None:
    """Let the workers started by a click finish and deliver their results."""
    assert view.pool.wait_for_done(LIVE_TIMEOUT_MS)
    qtbot.wait(50)


def _imap_messages(dovecot: Dovecot, user: str, folder: str
                   ) -> list[tuple[int, list[bytes], email.message.Message]]:
    imap = dovecot.client(user)
    try:
        imap.select_folder(folder)
        uids = imap.search("ALL")
        data = imap.fetch(uids, ["RFC822", "FLAGS"]) if uids else {}
    finally:
        imap.logout()
    return [(uid, list(d[b"FLAGS"]),
             email.message_from_bytes(d[b"RFC822"], policy=email.policy.default))
            for uid, d in sorted(data.items())]


def test_a_receipt_goes_only_on_click_and_comes_back_linked(
    qtbot: QtBot, view: MailView, mailboxes: tuple[LiveMailService, LiveMailService],
    dovecot: Dovecot,
) -> None:
    jean, claire = mailboxes
    subject = f"Demande d'avis {uuid.uuid4().hex[:6]}"
    message_id = jean.send(Draft(draft_id="r1", to=(f"claire.dubois@{DOMAIN}",),
                                 subject=subject, body="Pourriez-vous passer ?", receipt=True))

    # Claire reads it: the bar asks, nothing is sent yet.
    shown = _open(qtbot, view, claire, "INBOX", subject)
    request = shown.receipt_request
    assert request is not None and not request.mismatch and not request.answered
    bar = view.pane.receipt_bar
    assert bar.isVisible()
    assert "demande un accusé de lecture" in bar.label.text()
    # The sender has no display name here: the bar names the address.
    assert bar.label.text() == f"jean.martin@{DOMAIN} demande un accusé de lecture."
    assert not [m for _, _, m in _imap_messages(dovecot, "jean.martin", "INBOX")
                if m.get_content_type() == "multipart/report"]

    # Her click sends the MDN; it reaches Jean's INBOX and her message is flagged.
    errors: list[str] = []
    view.error.connect(errors.append)
    qtbot.mouseClick(bar.send_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, view)
    assert errors == []
    assert not bar.isVisible()
    reports = [m for _, _, m in _imap_messages(dovecot, "jean.martin", "INBOX")
               if m.get_content_type() == "multipart/report"]
    assert len(reports) == 1
    fields = [p for p in reports[0].walk()
              if p.get_content_type() == "message/disposition-notification"]
    assert fields and message_id in fields[0].as_string()
    (claire_copy,) = [(uid, flags) for uid, flags, m in
                      _imap_messages(dovecot, "claire.dubois", "INBOX")
                      if subject in str(m["Subject"])]
    assert b"$MDNSent" in claire_copy[1]
    # Remembered: shown again, the bar stays hidden.
    again = claire.message("INBOX", claire_copy[0])
    assert again.receipt_request is not None and again.receipt_request.answered

    # Jean: the receipt reads as a sentence with a link; Sent marks the message read.
    receipt_view = _open(qtbot, view, jean, "INBOX", "Accusé de lecture")
    receipt = receipt_view.receipt
    assert receipt is not None and receipt.read
    assert receipt.original_subject == subject and receipt.original_folder == "Sent"
    notice = view.pane.receipt_notice
    assert notice.isVisible()
    text = notice.text()
    assert text.startswith(f"Accusé de lecture : claire.dubois@{DOMAIN} a lu « {subject} » le ")
    assert "Ouvrir le message d'origine" in text
    assert not any(a.content_type in ("message/disposition-notification",
                                      "text/rfc822-headers")
                   for a in receipt_view.attachments)
    # No paperclip on its row either (the report parts are not attachments).
    (receipt_row,) = [r for r in jean.messages("INBOX") if r.subject.startswith("Accusé")]
    assert not receipt_row.has_attachments
    with qtbot.wait_signal(view.message_shown, timeout=LIVE_TIMEOUT_MS) as original:
        notice.label.linkActivated.emit("original")
    assert original.args[0].folder == "Sent" and original.args[0].subject == subject
    assert view.pane.receipt_notice.text().startswith(f"Lu par claire.dubois@{DOMAIN} le ")
    # Jean's own message asks Claire for a receipt: no bar offers Jean to send one.
    assert original.args[0].receipt_request is None
    assert not view.pane.receipt_bar.isVisible()
    sent_rows = {r.subject: r for r in jean.messages("Sent")}
    assert sent_rows[subject].receipt == "read"


def test_a_message_from_oneself_asking_a_receipt_shows_no_bar(
    qtbot: QtBot, view: MailView, mailboxes: tuple[LiveMailService, LiveMailService],
    dovecot: Dovecot,
) -> None:
    jean, _claire = mailboxes
    subject = f"Note à moi-même {uuid.uuid4().hex[:6]}"
    jean.send(Draft(draft_id="r-self", to=(f"jean.martin@{DOMAIN}",), subject=subject,
                    body="Rappel", receipt=True))
    for folder in ("INBOX", "Sent"):
        shown = _open(qtbot, view, jean, folder, subject)
        assert shown.receipt_requested and shown.receipt_request is None
        assert not view.pane.receipt_bar.isVisible()
    # Nothing was sent on its own either.
    assert not [m for _, _, m in _imap_messages(dovecot, "jean.martin", "INBOX")
                if m.get_content_type() == "multipart/report"]


def test_a_mismatched_address_is_said_and_asked_again_and_ignore_sends_nothing(
    qtbot: QtBot, view: MailView, mailboxes: tuple[LiveMailService, LiveMailService],
    dovecot: Dovecot,
) -> None:
    _, claire = mailboxes
    for n, return_path in enumerate((f"bounce@{DOMAIN}", f"jean.martin@{DOMAIN}")):
        raw = (f"Return-Path: <{return_path}>\r\nFrom: Dr Jean MARTIN <jean.martin@{DOMAIN}>"
               f"\r\nTo: claire.dubois@{DOMAIN}\r\nSubject: Avis {n}\r\n"
               f"Message-ID: <avis{n}@{DOMAIN}>\r\n"
               f"Disposition-Notification-To: jean.martin@{DOMAIN}\r\n"
               "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\n\r\nBonjour\r\n").encode()
        dovecot.append("claire.dubois", "INBOX", raw)

    shown = _open(qtbot, view, claire, "INBOX", "Avis 0")
    assert shown.receipt_request is not None and shown.receipt_request.mismatch
    bar = view.pane.receipt_bar
    assert "autre adresse" in bar.label.text()
    qtbot.mouseClick(bar.send_button, Qt.MouseButton.LeftButton)  # first click: asks
    assert bar.isVisible() and "L'envoyer quand même" in bar.label.text()
    assert bar.send_button.text() == "Envoyer quand même"
    qtbot.mouseClick(bar.send_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, view)
    reports = [m for _, _, m in _imap_messages(dovecot, "jean.martin", "INBOX")
               if m.get_content_type() == "multipart/report"]
    assert len(reports) == 1 and "avis0@" in reports[0].as_string()

    shown = _open(qtbot, view, claire, "INBOX", "Avis 1")
    assert shown.receipt_request is not None and not shown.receipt_request.mismatch
    qtbot.mouseClick(view.pane.receipt_bar.ignore_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, view)
    flags = {str(m["Subject"]): f for _, f, m in
             _imap_messages(dovecot, "claire.dubois", "INBOX")}
    assert b"$MDNSent" in flags["Avis 1"]  # declined is remembered too (RFC 3503)
    assert len([m for _, _, m in _imap_messages(dovecot, "jean.martin", "INBOX")
                if m.get_content_type() == "multipart/report"]) == 1


def test_the_seeded_sandbox_receipt_is_linked(
    mailboxes: tuple[LiveMailService, LiveMailService], dovecot: Dovecot,
) -> None:
    from sandbox.seed import build_doctor_mail

    jean, _ = mailboxes
    seeded = [(folder, message) for folder, message, _ in build_doctor_mail()
              if folder == "Sent" or message.get_content_type() == "multipart/report"]
    for folder, message in seeded:
        dovecot.append("jean.martin", folder, message.as_bytes())
    (sent,) = [r for r in jean.messages("Sent")]
    assert sent.receipt == "read"
    inbox = jean.messages("INBOX")
    (receipt_row,) = [r for r in inbox if r.subject.startswith("Accusé de lecture")]
    receipt = jean.message("INBOX", receipt_row.uid).receipt
    assert receipt is not None
    assert receipt.reader == "Claire DUBOIS"
    assert receipt.original_subject == "Demande d'avis – Mme Élodie LEFÈVRE"
    assert (receipt.original_folder, receipt.original_uid) == ("Sent", sent.uid)
    read_by = jean.message("Sent", sent.uid).read_by
    assert [r.reader for r in read_by] == ["Claire DUBOIS"]


def test_a_receipt_without_a_name_is_named_after_the_letter_s_recipient(
    mailboxes: tuple[LiveMailService, LiveMailService], dovecot: Dovecot,
) -> None:
    from client.mail.reading import parse_message
    from client.mail.receipts import build_mdn

    jean, _ = mailboxes
    original = (f"Return-Path: <jean.martin@{DOMAIN}>\r\n"
                f"From: jean.martin@{DOMAIN}\r\n"
                f"To: Claire DUBOIS <claire.dubois@{DOMAIN}>\r\nSubject: Bilan\r\n"
                f"Message-ID: <bilan@{DOMAIN}>\r\n"
                f"Disposition-Notification-To: jean.martin@{DOMAIN}\r\n"
                "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\n\r\nBonjour\r\n").encode()
    dovecot.append("jean.martin", "Sent", original, flags=(b"\\Seen",))
    mdn = build_mdn(parse_message(original), f"claire.dubois@{DOMAIN}")
    dovecot.append("jean.martin", "INBOX", mdn.as_bytes())
    (row,) = [r for r in jean.messages("INBOX") if r.subject.startswith("Accusé")]
    receipt = jean.message("INBOX", row.uid).receipt
    assert receipt is not None and receipt.reader == "Claire DUBOIS"
    (sent,) = [r for r in jean.messages("Sent") if r.subject == "Bilan"]
    assert sent.receipt == "read"
    assert [r.reader for r in jean.message("Sent", sent.uid).read_by] == ["Claire DUBOIS"]


def test_a_receipt_answered_from_another_client_meanwhile_is_not_sent_twice(
    qtbot: QtBot, view: MailView, mailboxes: tuple[LiveMailService, LiveMailService],
    dovecot: Dovecot,
) -> None:
    _, claire = mailboxes
    raw = (f"Return-Path: <jean.martin@{DOMAIN}>\r\nFrom: Dr Jean MARTIN "
           f"<jean.martin@{DOMAIN}>\r\nTo: claire.dubois@{DOMAIN}\r\nSubject: Avis double\r\n"
           f"Message-ID: <double@{DOMAIN}>\r\nDisposition-Notification-To: "
           f"jean.martin@{DOMAIN}\r\nDate: Mon, 30 Nov 2026 10:00:00 +0100\r\n\r\nBonjour\r\n"
           ).encode()
    dovecot.append("claire.dubois", "INBOX", raw)
    shown = _open(qtbot, view, claire, "INBOX", "Avis double")
    assert shown.receipt_request is not None
    # Claire's phone answers the request while the message is open here.
    imap = dovecot.client("claire.dubois")
    try:
        imap.select_folder("INBOX")
        imap.add_flags(imap.search(["HEADER", "Message-ID", f"double@{DOMAIN}"]),
                       [b"$MDNSent"])
    finally:
        imap.logout()
    errors: list[str] = []
    view.error.connect(errors.append)
    qtbot.mouseClick(view.pane.receipt_bar.send_button, Qt.MouseButton.LeftButton)
    _settle(qtbot, view)
    assert errors and "déjà été envoyé" in errors[-1]
    assert not [m for _, _, m in _imap_messages(dovecot, "jean.martin", "INBOX")
                if m.get_content_type() == "multipart/report"]
