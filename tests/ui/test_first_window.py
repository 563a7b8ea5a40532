from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.app import APP_NAME, FirstWindow


def test_first_window_asks_for_the_card(qtbot: QtBot) -> None:
    window = FirstWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == APP_NAME
    assert "carte CPS" in window.centralWidget().text()
