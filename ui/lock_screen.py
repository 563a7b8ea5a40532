"""The screen that covers the window before sign-in and after the card is removed.

It is an overlay child of the main window (not a page of it), so it covers the menus
and toolbars too and appears in the same event-loop turn as the removal signal.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ui.backend import CardHolder
from ui.icons import icon

__all__ = ["LockScreen"]

logger = logging.getLogger(__name__)


class LockScreen(QWidget):
    """Opaque cover with the card prompt; resizes with the window it covers."""

    retry_requested = Signal()
    settings_requested = Signal()

    def __init__(self, covered: QWidget) -> None:
        super().__init__(covered)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setAccessibleName(self.tr("Écran de verrouillage"))
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        self.picture = QLabel(self)
        self.picture.setPixmap(icon("card").pixmap(96, 96))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.picture)
        self.title = QLabel(self)
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.detail = QLabel(self)
        self.detail.setObjectName("lockDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        layout.addWidget(self.detail)
        self.retry_button = QPushButton(self.tr("Se connecter"), self)
        self.retry_button.setObjectName("lockRetry")
        self.retry_button.clicked.connect(self.retry_requested)
        self.retry_button.hide()
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignCenter)
        # Reachable while covered: the card module or the profile may be what is wrong.
        self.settings_button = QPushButton(self.tr("Paramètres…"), self)
        self.settings_button.setObjectName("lockSettings")
        self.settings_button.setFlat(True)
        self.settings_button.clicked.connect(self.settings_requested)
        layout.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(3)
        covered.installEventFilter(self)
        self.setGeometry(covered.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Follow the covered window's size."""
        if watched is self.parent() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
        return False

    def show_waiting(self) -> None:
        """Before sign-in: ask for the card."""
        self.title.setText(self.tr("Insérez votre carte CPS"))
        self.detail.setText(
            self.tr("Insérez votre carte CPS pour ouvrir votre messagerie.")
        )
        self.retry_button.hide()
        self._cover()

    def show_signing_in(self, holder: CardHolder) -> None:
        """A card is in: say whose, while the PIN is asked."""
        self.title.setText(holder.display_name)
        text = holder.profession or ""
        connecting = self.tr("Connexion à la messagerie…")
        self.detail.setText(f"{text}\n{connecting}" if text else connecting)
        self.retry_button.hide()
        self._cover()

    def show_locked(self, holder: CardHolder | None) -> None:
        """After removal: the session is locked."""
        self.title.setText(self.tr("Session verrouillée"))
        who = f"{holder.display_name} — " if holder is not None else ""
        self.detail.setText(
            who + self.tr("Réinsérez votre carte CPS et saisissez votre code PIN pour "
                          "reprendre là où vous en étiez.")
        )
        self.retry_button.hide()
        self._cover()

    def show_failure(self, message: str) -> None:
        """Sign-in failed: the reason and a retry button."""
        self.title.setText(self.tr("Connexion impossible"))
        self.detail.setText(message)
        self.retry_button.show()
        self._cover()

    def _cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def uncover(self) -> None:
        """Signed in: reveal the window."""
        self.hide()
