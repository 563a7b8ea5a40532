"""The folder deletion's confirmation counts its messages with French plural forms."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from client.mail.mailbox import Folder
from ui.folder_actions import FolderActions
from ui.folder_tree import FolderTree
from ui.i18n import install_language
from ui.workers import WorkerPool


class _View:
    """A FAKE mail view: the one folder the actions read, no mailbox to act on."""

    mail = None
    current_folder = "Dossiers patients"

    def __init__(self, total: int) -> None:
        self.folder = Folder("Dossiers patients", "/", (), None, 0, total)
        self.folders = FolderTree()
        self.folders.set_folders([self.folder])

    def folder_record(self, path: str) -> Folder | None:
        return self.folder if path == self.folder.name else None


@pytest.mark.parametrize(("total", "words"), [(1, "(1 message) ?"), (0, "(0 message) ?"),
                                              (5, "(5 messages) ?")])
def test_the_confirmation_counts_in_french(qtbot: QtBot, total: int, words: str) -> None:
    install_language("fr")
    window = QWidget()
    qtbot.addWidget(window)
    actions = FolderActions(_View(total), WorkerPool(), window)  # type: ignore[arg-type]
    box = actions.ask_delete()
    assert box is not None
    assert words in box.text()
    assert "« Dossiers patients »" in box.text()
    assert "(s)" not in box.text()
    box.close()


def test_the_confirmation_in_english(qtbot: QtBot) -> None:
    install_language("en")
    try:
        window = QWidget()
        qtbot.addWidget(window)
        actions = FolderActions(_View(3), WorkerPool(), window)  # type: ignore[arg-type]
        box = actions.ask_delete()
        assert box is not None
        assert "(3 messages)? This cannot be undone." in box.text()
        box.close()
    finally:
        install_language("fr")
