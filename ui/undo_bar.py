"""A note in the status bar with an "Annuler" button that stays a few seconds.

Deleting or moving messages does not ask first (Thunderbird's habit); it says what was
done and offers to undo it for a while instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

__all__ = ["UNDO_MS", "UndoBar"]

logger = logging.getLogger(__name__)

#: How long the "Annuler" button stays.
UNDO_MS = 10_000


class UndoBar(QWidget):
    """``3 messages placés dans la Corbeille. [Annuler]``"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.button = QPushButton(self.tr("Annuler"), self)
        self.button.setObjectName("undoButton")
        self.button.setAccessibleName(self.tr("Annuler la dernière action"))
        self.button.clicked.connect(self.undo)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._undo: Callable[[], None] | None = None
        self.hide()

    def offer(self, text: str, undo: Callable[[], None] | None, msecs: int = UNDO_MS) -> None:
        """Show ``text`` (and the button when ``undo`` is given) for ``msecs``."""
        self._undo = undo
        self.label.setText(text)
        self.label.setAccessibleDescription(text)
        self.button.setVisible(undo is not None)
        self.show()
        self._timer.start(msecs)

    def undo(self) -> None:
        """Run the undo once, then hide."""
        undo, self._undo = self._undo, None
        self.dismiss()
        if undo is not None:
            undo()

    def dismiss(self) -> None:
        """Hide; the action can no longer be undone from here."""
        self._timer.stop()
        self._undo = None
        self.hide()
