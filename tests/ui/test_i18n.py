"""French sources, English catalog compiled by the project, switchable language."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest
from pytestqt.qtbot import QtBot

from ui.i18n import compiled_catalog, i18n_dir, install_language, resolve_language
from ui.pin_dialog import PinAsk, PinDialog
from ui.wording import describe_error

ROOT = Path(__file__).resolve().parents[2]


class PinIncorrect(Exception):
    def __init__(self, attempts_left: int) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left


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
    assert describe_error(PinIncorrect(3)) == "Code PIN incorrect. Il reste 3 essai(s)."


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
