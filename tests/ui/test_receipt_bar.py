"""The read-receipt bar and notice in the reading pane (fake mailbox; the exchange with a
real server is ``test_receipts_live.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import FakeMailService, summary
from ui.backend import MessageView, ReadReceipt, ReceiptRequest
from ui.i18n import install_language
from ui.mail_view import MailView
from ui.receipt_bar import ReceiptPreference
from ui.workers import WorkerPool

CLAIRE = "Claire DUBOIS <claire.dubois@clinique-sandbox.mssante.fr>"
READ_AT = datetime(2026, 11, 29, 15, 26, tzinfo=UTC).astimezone()


def _mail() -> FakeMailService:
    mail = FakeMailService()
    mail.rows["INBOX"].append(summary(20, CLAIRE, "Avis urgent",
                                      datetime(2026, 11, 29, 9)))
    mail.rows["INBOX"].append(summary(21, CLAIRE, "Accusé de lecture : Demande "
                                      "d'avis", datetime(2026, 11, 29, 15, 27)))
    mail.rows["Sent"].append(summary(30, "jean.martin@hopital-sandbox.mssante.fr",
                                     "Demande d'avis", datetime(2026, 11, 29, 11),
                                     receipt="read"))
    mail.views[("INBOX", 20)] = MessageView(
        "INBOX", 20, "Avis urgent", CLAIRE, text="Bonjour",
        receipt_request=ReceiptRequest("Claire DUBOIS",
                                       "claire.dubois@clinique-sandbox.mssante.fr"))
    receipt = ReadReceipt("Claire DUBOIS", READ_AT, "Demande d'avis", "Sent", 30)
    mail.views[("INBOX", 21)] = MessageView("INBOX", 21, "Accusé de lecture", CLAIRE,
                                            text="Lu.", receipt=receipt)
    mail.views[("Sent", 30)] = MessageView("Sent", 30, "Demande d'avis",
                                           "jean.martin@hopital-sandbox.mssante.fr",
                                           text="Pourriez-vous…", read_by=(receipt,))
    return mail


@pytest.fixture
def view(qtbot: QtBot) -> Iterator[tuple[MailView, FakeMailService]]:
    pool = WorkerPool()
    widget = MailView(pool)
    qtbot.addWidget(widget)
    widget.show()
    mail = _mail()
    with qtbot.wait_signal(widget.folder_loaded, timeout=5000):
        widget.set_mail(mail)
    yield widget, mail
    pool.wait_for_done(5000)


def _show(qtbot: QtBot, widget: MailView, uid: int) -> None:
    with qtbot.wait_signal(widget.message_shown, timeout=5000):
        widget.select_uid(uid)


def test_ignore_is_sent_to_the_service_and_remembered(
    qtbot: QtBot, view: tuple[MailView, FakeMailService]
) -> None:
    widget, mail = view
    _show(qtbot, widget, 20)
    bar = widget.pane.receipt_bar
    assert bar.isVisible()
    assert bar.label.text() == "Claire DUBOIS demande un accusé de lecture."
    assert mail.receipt_answers == []  # nothing without a click
    qtbot.mouseClick(bar.ignore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: mail.receipt_answers == [("INBOX", 20, False, False)])
    assert not bar.isVisible()
    _show(qtbot, widget, 1)
    _show(qtbot, widget, 20)
    assert not bar.isVisible()  # answered: not asked again


def test_never_send_preference_hides_the_buttons_and_can_be_undone(
    qtbot: QtBot, view: tuple[MailView, FakeMailService]
) -> None:
    widget, mail = view
    ReceiptPreference().policy = "never"
    _show(qtbot, widget, 20)
    bar = widget.pane.receipt_bar
    assert bar.isVisible() and "aucun accusé n'est envoyé" in bar.label.text()
    assert bar.send_button.isHidden() and bar.ignore_button.isHidden()
    assert bar.never_action.isChecked()
    bar.ask_action.trigger()
    assert ReceiptPreference().policy == "ask"
    assert not bar.send_button.isHidden()
    with pytest.raises(ValueError):
        ReceiptPreference().policy = "always"
    assert mail.receipt_answers == []


def test_returned_receipt_sentence_links_to_the_original(
    qtbot: QtBot, view: tuple[MailView, FakeMailService]
) -> None:
    widget, _ = view
    _show(qtbot, widget, 21)
    notice = widget.pane.receipt_notice
    assert notice.isVisible()
    assert notice.text() == ("Accusé de lecture : Claire DUBOIS a lu « Demande d'avis » "
                             "le 29/11/2026 à " + READ_AT.strftime("%H:%M") +
                             " — Ouvrir le message d'origine")
    with qtbot.wait_signal(widget.message_shown, timeout=5000) as shown:
        notice.label.linkActivated.emit("original")
    assert (shown.args[0].folder, shown.args[0].uid) == ("Sent", 30)
    assert notice.text() == "Lu par Claire DUBOIS le 29/11/2026 à " + \
        READ_AT.strftime("%H:%M")
    row = widget.model.message_at(widget.model.row_of(30) or 0)
    assert row is not None and row.receipt == "read"


def test_the_bar_in_english(qtbot: QtBot, view: tuple[MailView, FakeMailService]) -> None:
    widget, _ = view
    install_language("en")
    try:
        from ui.receipt_bar import ReceiptBar

        bar = ReceiptBar()
        qtbot.addWidget(bar)
        bar.show_request(ReceiptRequest(CLAIRE, "other@x.mssante.fr", mismatch=True))
        assert bar.label.text() == (f"{CLAIRE} asks for a read receipt. The receipt would go "
                                    "to another address (other@x.mssante.fr).")
        qtbot.mouseClick(bar.send_button, Qt.MouseButton.LeftButton)
        assert bar.send_button.text() == "Send anyway"
    finally:
        install_language("fr")
