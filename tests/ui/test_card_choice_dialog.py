"""Two CPS cards inserted at sign-in: the dialog lists them (holder, profession, reader),
the card picked is the one signed in with, and (with a real pcscd and two vpcd readers)
the one the session follows: the other card leaving does not lock."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from cps.events import EventType
from cps.service import CardService
from cps.session_card import CardChoice
from cps.watcher import CardWatcher
from sandbox.card import VirtualCard
from sandbox.reader import VirtualReader
from tests.helpers.fake_desktop import OTHER_DOCTOR, FakeCard
from tests.helpers.fake_token import FakePinPrompt
from tests.ui.conftest import type_pin
from ui.card_choice_dialog import CardChoiceDialog, QtCardChooser
from ui.card_watch import QtCardWatcher
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.pin_dialog import PinDialog
from ui.session import SessionState

CHOICES = [
    CardChoice("Gemalto USB Reader 00 00", 0, "JEAN MARTIN", "111", "Médecin",
               "810001234567", "MARTIN", "JEAN"),
    CardChoice("Omnikey 3121 01 00", 1, "CLAIRE DUBOIS", "222", "Infirmier",
               "0759312345", "DUBOIS", "CLAIRE"),
]


def _pick(qtbot: QtBot, dialog: CardChoiceDialog, row: int) -> None:
    dialog.list.setCurrentRow(row)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_the_dialog_lists_holder_profession_and_reader(qtbot: QtBot) -> None:
    dialog = CardChoiceDialog(CHOICES)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Choix de la carte CPS"
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert lines == ["Jean MARTIN — Médecin\nlecteur Gemalto USB Reader 00 00",
                     "Claire DUBOIS — Infirmier\nlecteur Omnikey 3121 01 00"]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Utiliser cette carte" and not ok.isEnabled()
    dialog.list.setCurrentRow(1)
    assert ok.isEnabled() and dialog.chosen() == CHOICES[1]
    intro = dialog.findChild(QLabel, "cardChoiceIntro")
    assert "Plusieurs cartes CPS sont insérées" in intro.text()


def test_the_dialog_in_english(qtbot: QtBot) -> None:
    install_language("en")
    try:
        dialog = CardChoiceDialog(CHOICES)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "Choose the CPS card"
        assert dialog.list.item(0).text().endswith("reader Gemalto USB Reader 00 00")
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok.text() == "Use this card"
    finally:
        install_language("fr")


def _ask_in_thread(chooser: QtCardChooser) -> tuple[threading.Thread, list[Any]]:
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(chooser.choose_card(CHOICES)))
    return thread, answers


def test_the_card_picked_reaches_the_asking_thread(qtbot: QtBot) -> None:
    chooser = QtCardChooser()
    chosen: list[Any] = []
    chooser.card_chosen.connect(chosen.append)
    thread, answers = _ask_in_thread(chooser)
    with qtbot.wait_signal(chooser.dialog_shown, timeout=3000) as shown:
        thread.start()
    _pick(qtbot, shown.args[0], 1)
    thread.join(timeout=5)
    assert answers == [CHOICES[1]] and chosen == [CHOICES[1]]


def test_cancel_and_withdrawn_question_answer_none(qtbot: QtBot) -> None:
    chooser = QtCardChooser()
    thread, answers = _ask_in_thread(chooser)
    with qtbot.wait_signal(chooser.dialog_shown, timeout=3000) as shown:
        thread.start()
    cancel = shown.args[0].buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text() == "Annuler"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    thread.join(timeout=5)
    assert answers == [None]
    # A card pulled while the question is open withdraws it.
    thread, answers = _ask_in_thread(chooser)
    with qtbot.wait_signal(chooser.dialog_shown, timeout=3000):
        thread.start()
    chooser.cancel_pending()
    thread.join(timeout=5)
    assert answers == [None] and chooser.current_dialog is None


def test_the_window_asks_which_card_before_the_pin(
    qtbot: QtBot, window: MainWindow, fake_card: FakeCard,
) -> None:
    fake_card.second = OTHER_DOCTOR
    with qtbot.wait_signal(window.session.card_chooser.dialog_shown, timeout=5000) as shown:
        window.start()
    dialog: CardChoiceDialog = shown.args[0]
    assert dialog.list.count() == 2
    assert dialog.list.item(1).text().startswith("Lucie BERNARD — Infirmière")
    with qtbot.wait_signal(window.pin_prompt.dialog_shown, timeout=5000) as pin_shown:
        _pick(qtbot, dialog, 1)
    pin_dialog: PinDialog = pin_shown.args[0]
    with qtbot.wait_signal(window.session.signed_in, timeout=5000) as signed:
        type_pin(qtbot, pin_dialog, fake_card.pin)
    holder = signed.args[0]
    assert holder.national_id == OTHER_DOCTOR.national_id
    assert window.session.holder == holder and window.session.state == SessionState.OPEN


# -- with a real pcscd, two vpcd readers and the sandbox's card -----------------------------


@pytest.mark.reader
@pytest.mark.timeout(180)
def test_the_card_picked_is_the_one_the_session_follows(
    sandbox_card: VirtualCard, empty_reader: VirtualReader, qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in sandbox_card.environment().items():
        monkeypatch.setenv(name, value)
    service = CardService.for_module(sandbox_card.module)
    watcher = CardWatcher()
    qt = QtCardWatcher()
    removals: list[Any] = []
    qt.cps_removed.connect(removals.append)
    service.follower.subscribe_events(
        lambda e: qt.on_removed(e) if e.type is EventType.CARD_REMOVED else qt.on_inserted(e))
    service.watch(watcher)
    watcher.start()
    chooser = QtCardChooser()
    reader = empty_reader
    try:
        first, second = reader.insert("cps", slot=0), reader.insert("cps4", slot=1)
        qtbot.wait_until(lambda: service.follower.cps_readers() == sorted([first, second]),
                         timeout=5000)
        sessions: list[Any] = []
        errors: list[BaseException] = []

        def sign_in() -> None:
            try:
                sessions.append(service.login(FakePinPrompt(sandbox_card.pin),
                                              chooser=chooser))
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

        worker = threading.Thread(target=sign_in, name="sign-in worker")
        with qtbot.wait_signal(chooser.dialog_shown, timeout=10000) as shown:
            worker.start()
        dialog: CardChoiceDialog = shown.args[0]
        lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert [line.split("\n")[1] for line in lines] == [f"lecteur {first}",
                                                           f"lecteur {second}"]
        assert all(line.startswith("Jean MARTIN — Médecin") for line in lines)
        _pick(qtbot, dialog, [c.reader for c in dialog.choices].index(second))
        qtbot.wait_until(lambda: not worker.is_alive(), timeout=30000)
        assert errors == []
        [session] = sessions
        assert session.reader == second and service.follower.bound is not None
        assert service.follower.bound.reader == second

        reader.remove(0)  # the card not picked leaves: nothing is locked
        qtbot.wait_until(lambda: first not in watcher.cards(), timeout=5000)
        qtbot.wait(300)
        assert session.active and removals == []
        reader.remove(1)  # the card picked leaves: locked
        qtbot.wait_until(lambda: not session.active and len(removals) == 1, timeout=5000)
    finally:
        watcher.stop()
        service.close()
        qt.deleteLater()
