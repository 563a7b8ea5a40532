"""Start-up assembly: live services in an empty home, palette, first window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui.backend import Services
from ui.live import LiveProfileSetup, build_services
from ui.main_window import MainWindow
from ui.palette import apply_system_palette, dark_palette
from ui.preferences import Preferences
from ui.wording import describe_error


def test_empty_home_leads_to_the_first_run_assistant(app_home: Path) -> None:
    services = build_services(Preferences())
    assert not services.has_profile()
    assert isinstance(services.profiles, LiveProfileSetup)
    assert services.card is None
    problem = services.extras["card_error"]
    assert type(problem).__name__ == "NoProfile"
    assert "assistant de configuration" in describe_error(problem)


def test_lock_screen_explains_a_missing_card_setup(qtbot: QtBot, app_home: Path) -> None:
    services = build_services(Preferences())
    window = MainWindow(services, Preferences())
    qtbot.addWidget(window)
    window.show()
    window.start()
    assert window.lock_screen.isVisible()
    assert "assistant de configuration" in window.lock_screen.detail.text()
    assert window.lock_screen.settings_button.isVisible()
    window.close()


def test_dark_palette_is_readable(qtbot: QtBot) -> None:
    palette = dark_palette()
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    assert text.lightness() - base.lightness() > 150
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert apply_system_palette(app) in {"light", "dark"}


def test_services_default_to_nothing(qtbot: QtBot) -> None:
    assert Services(card=None).has_profile() is False
