"""Fixtures for widget tests: a main window over the fake services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import FakeCard, FakeDirectory, FakeTrust, FakeXdm
from ui.backend import Services
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.pin_dialog import PinDialog
from ui.preferences import Preferences
from ui.session import SessionState


def type_pin(qtbot: QtBot, dialog: PinDialog, pin: str) -> None:
    """Type ``pin`` in the dialog and press the OK button, as a user would."""
    qtbot.keyClicks(dialog.pin_edit, pin)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def sign_in(qtbot: QtBot, window: MainWindow, pin: str = "1234",
            start: bool = True) -> PinDialog:
    """Start (or wait for) the PIN dialog and type ``pin``."""
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000) as shown:
        if start:
            window.start()
    dialog: PinDialog = shown.args[0]
    type_pin(qtbot, dialog, pin)
    return dialog


@pytest.fixture(scope="session", autouse=True)
def french_interface(qapp: QApplication) -> None:
    """The app's language as the app installs it at start (French catalogs: plurals)."""
    install_language("fr")


@pytest.fixture
def fake_card() -> FakeCard:
    return FakeCard(inserted=True)


@pytest.fixture
def services(fake_card: FakeCard, tmp_path: Path) -> Services:
    return Services(card=fake_card, directory=FakeDirectory(), trust=FakeTrust(),
                    xdm=FakeXdm(), profile_path=tmp_path / "profile.toml")


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> Iterator[MainWindow]:
    main = MainWindow(services, Preferences())
    qtbot.addWidget(main)
    main.show()
    yield main
    main.pool.wait_for_done(5000)
    main.new_mail.stop()


@pytest.fixture
def signed_in(qtbot: QtBot, window: MainWindow) -> MainWindow:
    sign_in(qtbot, window)
    qtbot.wait_until(lambda: window.session.state == SessionState.OPEN, timeout=5000)
    qtbot.wait_until(lambda: window.mail_view.model.rowCount() == 3, timeout=5000)
    return window
