"""Special-use folders go by their French names everywhere, the status bar included."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow


def test_the_status_bar_names_folders_in_french(qtbot: QtBot, signed_in: MainWindow) -> None:
    qtbot.wait_until(lambda: "messages" in signed_in.status_text.text(), timeout=5000)
    assert signed_in.status_text.text() == "Boîte de réception : 3 messages"
    signed_in.mail_view.folders.select_path("Sent")
    qtbot.wait_until(lambda: signed_in.status_text.text().startswith("Envoyés :"),
                     timeout=5000)
    assert "Sent" not in signed_in.status_text.text()
    folders = signed_in.mail_view.folders
    assert folders.display_name("INBOX") == "Boîte de réception"
    assert folders.display_name("Trash") == "Corbeille"
