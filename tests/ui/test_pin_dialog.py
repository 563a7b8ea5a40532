"""PIN entry: the dialog and the PinPrompt used from the card thread."""

from __future__ import annotations

import datetime as dt
import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from cps.identity import CardIdentity
from cps.pin import PinRequest
from ui.pin_dialog import PinAsk, PinDialog, QtPinPrompt, pin_ask_from

DOCTOR = CardIdentity(
    national_id="810000000001", id_type="RPPS", rpps="10000000001", adeli=None,
    family_name="MARTIN", given_name="JEAN", profession="Médecin",
    subject="CN=810000000001/JEAN MARTIN", issuer="CN=TEST AC IGC-SANTE",
    not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    not_after=dt.datetime(2029, 1, 1, tzinfo=dt.UTC))


def pin_request(holder: CardIdentity, *, attempts_left: int | None = 3,
                final_try: bool = False, retry_reason: str | None = None) -> PinRequest:
    """A PIN request as the card thread makes it."""
    return PinRequest(holder_name=holder.display_name, holder=holder,
                      profession=holder.profession or "", attempts_left=attempts_left,
                      final_try=final_try, retry_reason=retry_reason)


def _ask_in_thread(prompt: QtPinPrompt, request: object) -> tuple[threading.Thread, list]:
    answers: list[str | None] = []
    thread = threading.Thread(target=lambda: answers.append(prompt.ask_pin(request)))
    return thread, answers


def test_pin_typed_in_the_dialog_reaches_the_card_thread(qtbot: QtBot) -> None:
    prompt = QtPinPrompt()
    thread, answers = _ask_in_thread(prompt, pin_request(DOCTOR))
    with qtbot.wait_signal(prompt.dialog_shown, timeout=3000) as shown:
        thread.start()
    dialog: PinDialog = shown.args[0]
    assert "Jean MARTIN" in dialog.findChild(type(dialog.message), "pinHolder").text()
    assert "Médecin" in dialog.findChild(type(dialog.message), "pinHolder").text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.pin_edit, "1234")
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    thread.join(timeout=5)
    assert answers == ["1234"]
    assert dialog.pin_edit.text() == ""  # the dialog does not keep the PIN


def test_cancel_returns_none(qtbot: QtBot) -> None:
    prompt = QtPinPrompt()
    thread, answers = _ask_in_thread(prompt, pin_request(DOCTOR))
    with qtbot.wait_signal(prompt.dialog_shown, timeout=3000) as shown:
        thread.start()
    shown.args[0].reject()
    thread.join(timeout=5)
    assert answers == [None]


def test_card_removal_cancels_a_waiting_prompt(qtbot: QtBot) -> None:
    prompt = QtPinPrompt()
    thread, answers = _ask_in_thread(prompt, pin_request(DOCTOR))
    with qtbot.wait_signal(prompt.dialog_shown, timeout=3000):
        thread.start()
    prompt.cancel_pending()
    thread.join(timeout=5)
    assert answers == [None]
    assert prompt.current_dialog is None


def test_retry_shows_attempts_left(qtbot: QtBot) -> None:
    dialog = PinDialog(pin_ask_from(pin_request(DOCTOR, attempts_left=2, retry_reason="incorrect")))
    qtbot.addWidget(dialog)
    assert "Code PIN incorrect" in dialog.message.text()
    assert "Il reste 2 essai" in dialog.message.text()


def test_final_try_is_a_warning(qtbot: QtBot) -> None:
    dialog = PinDialog(pin_ask_from(pin_request(DOCTOR, attempts_left=1, final_try=True)))
    qtbot.addWidget(dialog)
    assert "dernier essai" in dialog.message.text()


def test_locked_card_is_explained_without_a_pin_field(qtbot: QtBot) -> None:
    dialog = PinDialog(PinAsk(holder="Jean MARTIN", locked=True))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.pin_edit.isVisible()
    assert "bloquée" in dialog.message.text()
    assert "PUK" in dialog.message.text()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok) is None


def test_only_digits_are_accepted(qtbot: QtBot) -> None:
    dialog = PinDialog(PinAsk(holder="Jean MARTIN"))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.pin_edit, "12a3")
    assert dialog.pin_edit.text() == "123"
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
