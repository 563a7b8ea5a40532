"""French sources, English catalog compiled by the project, switchable language."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from cps.errors import PinIncorrect
from ui.i18n import (
    compiled_catalog,
    i18n_dir,
    install_language,
    resolve_language,
    retranslate_windows,
)
from ui.pin_dialog import PinAsk, PinDialog
from ui.wording import describe_error

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def english(qtbot: QtBot) -> Iterator[str]:
    language = install_language("en")
    yield language
    install_language("fr")


def test_every_interface_string_has_an_english_translation(tmp_path: Path) -> None:
    ts = tmp_path / "check_en.ts"
    shutil.copy(i18n_dir() / "mssante_companion_en.ts", ts)
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    subprocess.run([str(lupdate), "-silent", "-no-obsolete", *sources, "-ts", str(ts)],
                   check=True, capture_output=True, timeout=120)
    tree = ET.parse(ts)
    untranslated = [m.findtext("source") for m in tree.iter("message")
                    if m.find("translation").get("type") == "unfinished"]
    assert untranslated == [], "run pyside6-lupdate and translate these in Qt Linguist"


def test_catalog_is_compiled_by_the_project() -> None:
    qm = compiled_catalog("en")
    assert qm is not None and qm.suffix == ".qm" and qm.stat().st_size > 1000


def test_english_interface(english: str) -> None:
    assert english == "en"
    dialog = PinDialog(PinAsk(holder="Jean MARTIN", attempts_left=2, retry=True))
    assert dialog.windowTitle() == "CPS card PIN"
    assert dialog.message.text() == "Wrong PIN. 2 tries left."
    assert describe_error(PinIncorrect(2)) == "Wrong PIN. 2 tries left."
    dialog.deleteLater()


def test_back_to_french(qtbot: QtBot) -> None:
    install_language("en")
    install_language("fr")
    assert describe_error(PinIncorrect(3)) == "Code PIN incorrect. Il reste 3 essais."


def test_language_choice() -> None:
    assert resolve_language("en") == "en"
    assert resolve_language("fr") == "fr"
    assert resolve_language("de") in {"fr", "en"}  # unknown: the system's, else French


def test_main_window_in_english(english: str, qtbot: QtBot) -> None:
    from tests.helpers.fake_desktop import FakeCard
    from ui.backend import Services
    from ui.main_window import MainWindow
    from ui.outbox_view import state_label

    window = MainWindow(Services(card=FakeCard()))
    qtbot.addWidget(window)
    assert window.compose_action.text() == "&New message"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Message", "&View", "&Tools"]
    assert window.lock_screen.settings_button.text() == "Settings…"
    assert state_label(window, "failed") == "Failed"
    assert window.mail_view.search.placeholderText() == "Search this folder (Ctrl+F)"


def test_french_plural_forms(qtbot: QtBot) -> None:
    install_language("fr")
    translate = QCoreApplication.translate
    assert translate("DirectoryWindow", "%n résultat(s)", "", 1) == "1 résultat"
    assert translate("DirectoryWindow", "%n résultat(s)", "", 0) == "0 résultat"
    assert translate("DirectoryWindow", "%n résultat(s)", "", 12) == "12 résultats"
    assert translate("Tray", "%n nouveau(x) message(s)", "", 2) == "2 nouveaux messages"


def test_every_plural_string_has_french_forms(tmp_path: Path) -> None:
    ts = tmp_path / "check_fr.ts"
    shutil.copy(i18n_dir() / "mssante_companion_fr.ts", ts)
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    subprocess.run([str(lupdate), "-silent", "-no-obsolete", *sources, "-ts", str(ts)],
                   check=True, capture_output=True, timeout=120)
    missing = [m.findtext("source") for m in ET.parse(ts).iter("message")
               if m.get("numerus") == "yes"
               and m.find("translation").get("type") == "unfinished"]
    assert missing == [], "run `python -m ui.i18n_plurals` (French plural forms)"


def test_french_plural_forms_follow_the_source_marks() -> None:
    from ui.i18n_plurals import french_forms

    assert french_forms("%n nouveau(x) message(s)") == ("%n nouveau message",
                                                        "%n nouveaux messages")
    assert french_forms("%n fiche(s) importée(s).") == ("%n fiche importée.",
                                                        "%n fiches importées.")


def test_qt_own_dialogs_speak_french(qtbot: QtBot) -> None:
    install_language("fr")
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "&Regarder dans :" in labels and "Fichiers de &type :" in labels
    assert not any("Look in" in text or "Files of" in text for text in labels)


def test_the_language_switch_applies_to_open_windows(qtbot: QtBot) -> None:
    from tests.helpers.fake_desktop import FakeCard
    from ui.backend import Services
    from ui.main_window import MainWindow

    install_language("fr")
    window = MainWindow(Services(card=FakeCard()))
    qtbot.addWidget(window)
    assert window.compose_action.text() == "&Nouveau message"
    try:
        install_language("en")
        assert retranslate_windows() > 10
        assert window.compose_action.text() == "&New message"
        assert window.compose_action.iconText() == "Write"  # the toolbar's label
        assert window.actions_.flag.iconText() == "Star"
        assert window.actions_.more.text() == "More"
        menus = [a.text() for a in window.menuBar().actions()]
        assert menus == ["&File", "&Message", "&View", "&Tools"]
        assert window.lock_screen.settings_button.text() == "Settings…"
        header = window.outbox.tree.headerItem()
        assert [header.text(c) for c in range(header.columnCount())] == [
            "State", "Subject", "Recipients", "Reason"]
        install_language("fr")
        retranslate_windows()
        assert window.compose_action.text() == "&Nouveau message"
        assert window.compose_action.iconText() == "Écrire"
        assert window.actions_.flag.iconText() == "Suivre"
        assert header.text(0) == "État"
    finally:
        install_language("fr")


def test_switching_the_language_in_settings_applies_at_once(qtbot: QtBot) -> None:
    from tests.helpers.fake_desktop import FakeCard, FakeTrust
    from ui.app_events import app_events
    from ui.backend import Services
    from ui.main_window import MainWindow
    from ui.preferences import Preferences
    from ui.settings_dialog import SettingsDialog
    from ui.workers import WorkerPool

    install_language("fr")
    window = MainWindow(Services(card=FakeCard(), trust=FakeTrust()))
    qtbot.addWidget(window)
    dialog = SettingsDialog(window.services, Preferences(), WorkerPool(), window)
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    try:
        with qtbot.wait_signal(app_events().language_changed, timeout=3000) as changed:
            dialog.accept()
        assert changed.args == ["en"]
        assert window.compose_action.text() == "&New message"
        assert window.settings_action.text() == "Se&ttings"
    finally:
        install_language("fr")
        retranslate_windows()
    assert window.compose_action.text() == "&Nouveau message"
