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


def test_the_language_switch_names_the_folders_anew(qtbot: QtBot,
                                                    signed_in: MainWindow) -> None:
    from ui.i18n import install_language, retranslate_windows

    folders = signed_in.mail_view.folders
    assert folders.label_of("Drafts") == "Brouillons"
    try:
        install_language("en")
        retranslate_windows()
        qtbot.wait_until(lambda: folders.label_of("Drafts") == "Drafts", timeout=5000)
        assert folders.label_of("Trash") == "Trash"
        assert folders.label_of("INBOX").startswith("Inbox")
        install_language("fr")
        retranslate_windows()
        qtbot.wait_until(lambda: folders.label_of("Drafts") == "Brouillons", timeout=5000)
        assert folders.label_of("INBOX").startswith("Boîte de réception")
    finally:
        install_language("fr")
