"""Settings are saved; the first-run assistant finds, tests and saves a profile."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from tests.helpers.fake_desktop import FakeProfileSetup, FakeRefreshingDirectory, FakeTrust
from ui.backend import Services
from ui.first_run import FirstRunAssistant
from ui.preferences import Preferences
from ui.receipt_bar import ReceiptPreference
from ui.settings_dialog import SettingsDialog
from ui.workers import WorkerPool


def test_settings_are_saved(qtbot: QtBot, app_home: Path) -> None:
    prefs = Preferences()
    dialog = SettingsDialog(Services(card=None, trust=FakeTrust()), prefs, WorkerPool())
    qtbot.addWidget(dialog)
    dialog.remote.setCurrentIndex(dialog.remote.findData("block"))
    dialog.language.setCurrentIndex(dialog.language.findData("fr"))
    dialog.anchors.addItem("/etc/igc-sante/extra.pem")
    dialog.accept()
    again = Preferences()
    assert again.pkcs11_module == ""  # automatic (a path is probed first: test_settings_card)
    assert again.remote_content == "block"
    assert again.language == "fr"
    assert again.extra_anchors == ["/etc/igc-sante/extra.pem"]
    assert again.path.is_relative_to(app_home)


def test_the_read_receipt_preference_is_in_the_settings_too(qtbot: QtBot, app_home: Path) -> None:
    assert ReceiptPreference().policy == "ask"
    dialog = SettingsDialog(Services(card=None, trust=FakeTrust()), Preferences(), WorkerPool())
    qtbot.addWidget(dialog)
    assert dialog.receipts.currentData() == "ask"
    dialog.receipts.setCurrentIndex(dialog.receipts.findData("never"))
    dialog.accept()
    assert ReceiptPreference().policy == "never"  # what the receipt bar reads
    again = SettingsDialog(Services(card=None, trust=FakeTrust()), Preferences(), WorkerPool())
    qtbot.addWidget(again)
    assert again.receipts.currentText() == "Ne jamais envoyer d'accusé de lecture"
    again.receipts.setCurrentIndex(again.receipts.findData("ask"))
    again.accept()
    assert ReceiptPreference().policy == "ask"


def test_published_files_refresh_reports_each_source(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Services(card=None, directory=FakeRefreshingDirectory(),
                                     trust=FakeTrust()), Preferences(), WorkerPool())
    qtbot.addWidget(dialog)
    assert dialog.refresh_button.isEnabled()
    dialog.refresh_published()
    qtbot.wait_until(lambda: "Annuaire" in dialog.data_status.text(), timeout=5000)
    assert dialog.data_status.text() == (
        "Liste blanche : nouvelle version importée\n"
        "Annuaire : échec (Le serveur de l'ANS a répondu par une erreur (503).)")


def test_first_run_discovers_tests_and_saves(qtbot: QtBot, tmp_path: Path) -> None:
    setup = FakeProfileSetup(tmp_path / "profile.toml")
    assistant = FirstRunAssistant(setup, WorkerPool())
    qtbot.addWidget(assistant)
    assistant.show()
    page = assistant.choose_page
    assert not page.isComplete()
    qtbot.keyClicks(page.address, "jean.martin@hopital-sandbox.mssante.fr")
    assert page.isComplete()
    assert page.operator.count() == 1
    assistant.next()
    qtbot.wait_until(lambda: assistant.test_page.tested, timeout=5000)
    assert "Connexion réussie" in assistant.test_page.result.text()
    assert "Hôpital Sandbox" in assistant.test_page.summary.text()
    with qtbot.wait_signal(assistant.profile_saved, timeout=3000) as saved:
        assistant.button(QWizard.WizardButton.FinishButton).click()
    assert saved.args == [tmp_path / "profile.toml"]
    assert [c.source for c in setup.saved] == ["dns"]
