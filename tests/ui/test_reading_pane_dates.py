"""The reading pane shows a message's date in the user's time zone, like the list."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QLocale
from pytestqt.qtbot import QtBot

from ui.backend import MessageView
from ui.reading_pane import ReadingPane


def _pane_showing(qtbot: QtBot, sent: datetime) -> ReadingPane:
    pane = ReadingPane()
    qtbot.addWidget(pane)
    pane.show_message(MessageView(folder="INBOX", uid=1, subject="Compte rendu",
                                  sender="labo@labo-sandbox.mssante.fr", date=sent))
    return pane


def test_date_header_offset_is_converted_to_local_time(qtbot: QtBot) -> None:
    # 00:31 in Paris in winter is 23:31 UTC the day before.
    sent = datetime(2026, 11, 22, 0, 31, tzinfo=timezone(timedelta(hours=1)))
    pane = _pane_showing(qtbot, sent)
    expected = QLocale().toString(sent.astimezone(), "dddd d MMMM yyyy, HH:mm")
    assert expected in pane.header.text()
    local_hour = sent.astimezone().strftime("%H:%M")
    assert local_hour in pane.header.text()


def test_the_open_message_follows_the_language_switch(qtbot: QtBot) -> None:
    from ui.i18n import install_language, retranslate_windows

    pane = _pane_showing(qtbot, datetime(2026, 12, 2, 4, 29,
                                         tzinfo=timezone(timedelta(hours=1))))
    assert "De : labo@" in pane.header.text() and "décembre" in pane.header.text()
    try:
        install_language("en")
        retranslate_windows()
        qtbot.wait_until(lambda: "From: labo@" in pane.header.text(), timeout=5000)
        assert "December" in pane.header.text()
        install_language("fr")
        retranslate_windows()
        qtbot.wait_until(lambda: "De : labo@" in pane.header.text(), timeout=5000)
    finally:
        install_language("fr")
