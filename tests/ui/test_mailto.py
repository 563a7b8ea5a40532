"""Clicked mailto: links open a prefilled compose window, after sign-in when locked."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import FakeCard
from tests.ui.conftest import sign_in, type_pin
from ui.mailto_inbox import MailtoInbox, mailto_arguments
from ui.main_window import MainWindow
from ui.session import SessionState

LINK = ("mailto:claire.dubois@clinique-sandbox.mssante.fr?cc=secretariat%40hopital.mssante.fr"
        "&subject=Avis%20cardiologique%20%E2%80%93%20M.%20X&body=Ch%C3%A8re%20cons%C5%93ur%2C"
        "%0D%0A%0D%0AMerci.&bcc=spy@evil.example")


def test_link_clicked_while_locked_opens_after_sign_in(qtbot: QtBot,
                                                        window: MainWindow) -> None:
    with qtbot.wait_signal(window.mailto.queued) as queued:
        assert window.mailto.receive(LINK)
    assert queued.args == [1]
    assert window.compose_windows == []  # nothing shown over the lock screen
    with qtbot.wait_signal(window.mailto.opened, timeout=5000) as opened:
        sign_in(qtbot, window)
    compose = opened.args[0]
    assert window.compose_windows == [compose] and compose.isVisible()
    assert compose.to.addresses() == ["claire.dubois@clinique-sandbox.mssante.fr"]
    assert compose.cc.addresses() == ["secretariat@hopital.mssante.fr"]
    assert compose.subject.text() == "Avis cardiologique – M. X"
    assert compose.body.toPlainText() == "Chère consœur,\n\nMerci."
    assert window.mailto.pending == []


def test_link_opens_at_once_when_signed_in(qtbot: QtBot, signed_in: MainWindow) -> None:
    with qtbot.wait_signal(signed_in.mailto.opened, timeout=5000) as opened:
        assert signed_in.mailto.receive("mailto:a@hopital.mssante.fr?subject=Bonjour")
    assert opened.args[0].subject.text() == "Bonjour"
    assert not signed_in.mailto.receive("https://example.org")  # not a link for us
    assert len(signed_in.compose_windows) == 1


def test_link_received_during_a_lock_waits_for_the_same_card(
    qtbot: QtBot, signed_in: MainWindow, fake_card: FakeCard
) -> None:
    fake_card.remove()
    qtbot.wait_until(lambda: signed_in.session.state == SessionState.LOCKED, timeout=1000)
    signed_in.mailto.receive("mailto:a@hopital.mssante.fr")
    assert signed_in.compose_windows == []
    with qtbot.wait_signal(signed_in.pin_prompt.dialog_shown, timeout=5000) as shown:
        fake_card.insert()
    with qtbot.wait_signal(signed_in.mailto.opened, timeout=5000) as opened:
        type_pin(qtbot, shown.args[0], "1234")
    assert opened.args[0].to.addresses() == ["a@hopital.mssante.fr"]


def test_macos_file_open_event_carries_the_link(qtbot: QtBot, signed_in: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    inbox: MailtoInbox = signed_in.mailto
    inbox.install(app)
    try:
        with qtbot.wait_signal(inbox.opened, timeout=5000) as opened:
            QApplication.sendEvent(app, QFileOpenEvent(QUrl(LINK)))
    finally:
        app.removeEventFilter(inbox)
    compose = opened.args[0]
    assert compose.subject.text() == "Avis cardiologique – M. X"
    assert compose.body.toPlainText() == "Chère consœur,\n\nMerci."


def test_launcher_argument_is_found() -> None:
    assert mailto_arguments(["MAILTO:a@b.fr"]) == ["MAILTO:a@b.fr"]
    assert mailto_arguments(["--json", "doctor"]) == []
