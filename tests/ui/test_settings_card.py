"""Settings never break the card: automatic is never a path, a module is probed before
it is saved, a bad earlier value is reported at start with the way to fix it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from sandbox.card import VirtualCard
from tests.helpers.fake_desktop import FakeTrust
from ui.backend import Services
from ui.live import LiveProfileSetup, LiveTrust, build_card
from ui.preferences import ModuleSettingInvalid, Preferences
from ui.settings_dialog import SettingsDialog
from ui.wording import describe_error
from ui.workers import WorkerPool


def _dialog(qtbot: QtBot, prefs: Preferences, services: Services | None = None
            ) -> SettingsDialog:
    dialog = SettingsDialog(services or Services(card=None, trust=FakeTrust()), prefs,
                            WorkerPool())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_automatic_is_never_written_as_a_path(qtbot: QtBot) -> None:
    prefs = Preferences()
    dialog = _dialog(qtbot, prefs)
    assert dialog.module.text() == "" and dialog.module.placeholderText() == "automatique"
    dialog.module.setText("automatique")
    dialog.accept()
    settings = QSettings(str(prefs.path), QSettings.Format.IniFormat)
    assert settings.value("card/pkcs11_module") is None
    assert Preferences().pkcs11_module == ""


def test_a_value_auto_saved_by_an_earlier_version_reads_as_automatic() -> None:
    prefs = Preferences()
    settings = QSettings(str(prefs.path), QSettings.Format.IniFormat)
    settings.setValue("card/pkcs11_module", "auto")
    settings.sync()
    assert Preferences().pkcs11_module == ""


def test_a_file_that_is_not_a_pkcs11_module_is_refused_with_the_reason(
        qtbot: QtBot, tmp_path: Path) -> None:
    prefs = Preferences()
    fake = tmp_path / "libcps3_pkcs11_lux.so"
    fake.write_text("not a library", encoding="utf-8")
    dialog = _dialog(qtbot, prefs)
    dialog.module.setText(str(fake))
    dialog.accept()
    qtbot.wait_until(lambda: "n'est pas enregistré" in dialog.module_status.text(),
                     timeout=5000)
    assert "PKCS#11" in dialog.module_status.text()
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert Preferences().pkcs11_module == ""


def test_a_real_pkcs11_module_is_probed_then_saved(qtbot: QtBot,
                                                   sandbox_card: VirtualCard) -> None:
    prefs = Preferences()
    dialog = _dialog(qtbot, prefs)
    dialog.module.setText(str(sandbox_card.module))
    with qtbot.wait_signal(dialog.applied, timeout=10_000):
        dialog.accept()
    assert Preferences().pkcs11_module == str(sandbox_card.module)


def test_a_bad_module_saved_earlier_is_reported_at_start_with_the_fix(
        app_home: Path) -> None:
    prefs = Preferences()
    setup = LiveProfileSetup(prefs)
    name = next(n for n in setup.operators() if "sandbox" in n.lower())
    prefs.profile_path = str(setup.save(setup.from_operator(
        name, "jean.martin@sandbox.mssante.test")))
    prefs.pkcs11_module = str(app_home / "gone" / "libcps3_pkcs11_lux.so")
    services = Services(card=None, trust=LiveTrust())
    build_card(services, prefs)
    problem = services.extras["card_error"]
    assert isinstance(problem, ModuleSettingInvalid)
    words = describe_error(problem)
    assert "libcps3_pkcs11_lux.so" in words and "Paramètres" in words
    assert "automatique" in words
    # The operator's own domain is inside the trust space from the start.
    assert services.trust is not None
    assert services.trust.check("claire@sandbox.mssante.test").inside


class _Session:
    """A FAKE session seam: records that watching the card started again."""

    def __init__(self) -> None:
        self.mail = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1


class _Window(QWidget):
    """The settings dialog's parent, as the main window: it holds the session."""

    def __init__(self) -> None:
        super().__init__()
        self.session = _Session()


def test_fixing_the_module_applies_without_a_restart(qtbot: QtBot, app_home: Path,
                                                    sandbox_card: VirtualCard) -> None:
    prefs = Preferences()
    setup = LiveProfileSetup(prefs)
    name = next(n for n in setup.operators() if "sandbox" in n.lower())
    prefs.profile_path = str(setup.save(setup.from_operator(
        name, "jean.martin@sandbox.mssante.test")))
    prefs.pkcs11_module = str(app_home / "gone" / "libcps3_pkcs11_lux.so")
    services = Services(card=None, trust=LiveTrust())
    build_card(services, prefs)
    assert services.card is None and "card_error" in services.extras
    window = _Window()
    qtbot.addWidget(window)
    dialog = SettingsDialog(services, prefs, WorkerPool(), window)  # deleted with window
    dialog.module.setText(str(sandbox_card.module))
    try:
        with qtbot.wait_signal(dialog.applied, timeout=10_000):
            dialog.accept()
        assert services.card is not None and "card_error" not in services.extras
        assert window.session.starts == 1
    finally:
        if services.card is not None:
            services.card.stop()


def test_the_first_run_summary_names_the_encryption_in_words(app_home: Path) -> None:
    setup = LiveProfileSetup(Preferences())
    name = next(n for n in setup.operators() if "sandbox" in n.lower())
    choice = setup.from_operator(name, "jean.martin@sandbox.mssante.test")
    assert choice.imap.endswith("(chiffrement STARTTLS)")
    assert "(starttls)" not in choice.imap + choice.smtp
