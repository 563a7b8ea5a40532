"""The dialog shown while an e-CPS sign-in waits for the approval on the phone.

It shows the binding message (the same short code appears in the e-CPS app: CIBA Core
1.0 section 7.1), what to do, a countdown to the request's expiry, and "Annuler".
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.backend import EcpsRequest

__all__ = ["EcpsDialog"]

logger = logging.getLogger(__name__)


class EcpsDialog(QDialog):
    """Binding message, instruction, countdown and Cancel; closed by the session."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ecpsDialog")
        self.setWindowTitle(self.tr("Connexion e-CPS"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.instruction = QLabel(
            self.tr("Validez la demande dans l'application e-CPS de votre téléphone."), self)
        self.instruction.setWordWrap(True)
        layout.addWidget(self.instruction)
        self.check = QLabel(self.tr("Vérifiez que votre téléphone affiche le même code :"),
                            self)
        self.check.setWordWrap(True)
        layout.addWidget(self.check)
        self.binding = QLabel("…", self)
        self.binding.setObjectName("ecpsBindingMessage")
        self.binding.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.binding.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.binding.font()
        font.setPointSizeF(font.pointSizeF() * 2.5)
        font.setBold(True)
        self.binding.setFont(font)
        layout.addWidget(self.binding)
        self.countdown = QLabel(self.tr("Envoi de la demande…"), self)
        self.countdown.setObjectName("ecpsCountdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.countdown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Annuler"))
        cancel.setObjectName("ecpsCancel")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def show_request(self, request: EcpsRequest) -> None:
        """The request is with PSC: show its code and start the countdown."""
        self.binding.setText(request.binding_message)
        self._left = request.seconds_left
        self._show_left()
        self._timer.start()

    def _tick(self) -> None:
        self._left = max(0, self._left - 1)
        self._show_left()
        if self._left == 0:
            self._timer.stop()

    def _show_left(self) -> None:
        minutes, seconds = divmod(self._left, 60)
        self.countdown.setText(self.tr("Temps restant : %1").replace(
            "%1", f"{minutes}:{seconds:02d}"))

    @property
    def seconds_left(self) -> int:
        """What the countdown shows."""
        return self._left

    def reject(self) -> None:
        """Annuler (or Escape): the session stops waiting."""
        self._timer.stop()
        self.cancelled.emit()
        super().reject()

    def finish(self) -> None:
        """Approved, refused or failed: close without cancelling."""
        self._timer.stop()
        self.done(QDialog.DialogCode.Accepted)
