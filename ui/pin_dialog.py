"""The PIN dialog, and ``cps``'s GUI-neutral ``PinPrompt`` implemented with it.

The card service asks for the PIN from its own card thread (``ask_pin(request) -> str |
None``). :class:`QtPinPrompt` forwards the request to the GUI thread with a signal, shows
:class:`PinDialog` there, and blocks the asking thread on a ``threading.Event`` until the
user answers (Electrum's ``get_pin`` pattern). The PIN is handed back once and never
logged or kept: the line edit is cleared as soon as it was read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cps.pin import RETRY_LENGTH
from ui.gui_question import GuiQuestion, PendingQuestion

if TYPE_CHECKING:
    from cps.pin import PinRequest

__all__ = ["PinAsk", "PinDialog", "QtPinPrompt", "pin_ask_from"]

logger = logging.getLogger(__name__)

PIN_PATTERN = r"^[0-9]{4,8}$"


@dataclass(frozen=True)
class PinAsk:
    """What the dialog shows, read from ``cps``'s ``PinRequest``."""

    holder: str = ""
    profession: str = ""
    attempts_left: int | None = None
    count_low: bool = False
    final_try: bool = False
    locked: bool = False
    retry: bool = False
    wrong_length: bool = False


def _holder_text(request: PinRequest) -> tuple[str, str]:
    name, profession = request.holder_name, request.profession
    holder = request.holder
    if holder is not None:
        # "Jean MARTIN", as a letter would address them (the card says "JEAN MARTIN").
        name = f"{holder.given_name.title()} {holder.family_name.upper()}".strip() or name
        profession = profession or holder.profession or ""
    return name, profession


def pin_ask_from(request: PinRequest | PinAsk) -> PinAsk:
    """Normalise a ``cps`` ``PinRequest`` (or a :class:`PinAsk`) for display."""
    if isinstance(request, PinAsk):
        return request
    name, profession = _holder_text(request)
    attempts = request.attempts_left
    return PinAsk(
        holder=name,
        profession=profession,
        attempts_left=attempts,
        count_low=request.count_low,
        final_try=request.final_try or attempts == 1,
        locked=request.locked or attempts == 0,
        retry=request.retry_reason is not None,
        # The PIN had the wrong number of digits: no try was used.
        wrong_length=request.retry_reason == RETRY_LENGTH,
    )


class PinDialog(QDialog):
    """Asks the CPS PIN, showing whose card it is and how many tries remain."""

    def __init__(self, ask: PinAsk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle(self.tr("Code PIN de la carte CPS"))
        self.setModal(True)
        self.ask = ask
        layout = QVBoxLayout(self)

        who = QLabel(self)
        who.setObjectName("pinHolder")
        who.setWordWrap(True)
        if ask.holder:
            text = f"<b>{_escape(ask.holder)}</b>"
            if ask.profession:
                text += f"<br>{_escape(ask.profession)}"
            who.setText(text)
        else:
            who.setText(self.tr("Carte CPS"))
        layout.addWidget(who)

        self.message = QLabel(self)
        self.message.setObjectName("pinMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.pin_edit = QLineEdit(self)
        self.pin_edit.setObjectName("pinEdit")
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9]{0,8}"), self.pin_edit)
        )
        self.pin_edit.setAccessibleName(self.tr("Code PIN"))
        self.pin_edit.setPlaceholderText(self.tr("Code PIN (4 chiffres)"))
        layout.addWidget(self.pin_edit)

        self.buttons = QDialogButtonBox(self)
        if ask.locked:
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
            self.pin_edit.hide()
        else:
            self.buttons.setStandardButtons(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            )
            ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
            ok.setText(self.tr("Valider"))
            ok.setEnabled(False)
            self.pin_edit.textChanged.connect(self._update_ok)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setText(self.tr("Annuler"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.message.setText(self._message_text(ask))
        self.setMinimumWidth(380)

    def _message_text(self, ask: PinAsk) -> str:
        if ask.locked:
            return self.tr(
                "Votre carte CPS est bloquée après trois codes PIN erronés. Débloquez-la "
                "avec le code PUK (outil de gestion de la Cryptolib CPS) ou demandez une "
                "nouvelle carte à l'ANS."
            )
        parts: list[str] = []
        if ask.wrong_length:
            parts.append(self.tr("Le code PIN doit comporter 4 chiffres. Aucun essai n'a "
                                 "été décompté."))
        elif ask.retry:
            parts.append(self.tr("Code PIN incorrect."))
        if ask.final_try:
            parts.append(
                self.tr(
                    "Attention : dernier essai. Un code erroné bloquera votre carte CPS."
                )
            )
        elif ask.attempts_left is not None and (ask.retry or ask.count_low):
            parts.append(self.tr("Il reste %n essai(s).", "", ask.attempts_left))
        if not parts:
            parts.append(self.tr("Saisissez le code PIN de votre carte CPS."))
        return " ".join(parts)

    @Slot(str)
    def _update_ok(self, text: str) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(QRegularExpression(PIN_PATTERN).match(text).hasMatch())

    def take_pin(self) -> str:
        """Return the typed PIN and clear the field (the PIN is not kept by the dialog)."""
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        return pin


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class QtPinPrompt(GuiQuestion[PinAsk, str]):
    """``cps`` ``PinPrompt`` for the desktop: a dialog on the GUI thread.

    ``ask_pin`` may be called from any thread; it returns the PIN or ``None`` when the
    user cancelled (or the card was removed, see :meth:`cancel_pending`).
    """

    def ask_pin(self, request: PinRequest | PinAsk) -> str | None:
        """Show the dialog and wait for the answer (blocks the calling card thread)."""
        return self._ask(pin_ask_from(request))

    def show_locked(self, request: PinRequest | PinAsk | None = None) -> None:
        """Explain a locked card (no PIN asked); returns at once."""
        ask = pin_ask_from(request) if request is not None else PinAsk()
        ask = PinAsk(holder=ask.holder, profession=ask.profession, locked=True)
        self._requested.emit(PendingQuestion(ask))

    @Slot(object)
    def _show(self, pending: PendingQuestion[PinAsk, str]) -> None:
        ask = pending.question
        dialog = PinDialog(ask, self._parent())
        self._present(dialog, pending, lambda: None if ask.locked else dialog.take_pin(),
                      dialog.pin_edit)
