"""Start the desktop application."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from client import __version__

__all__ = ["create_application", "run_desktop_app"]

APP_NAME = "Compagnon MSSanté"


def create_application(argv: Sequence[str]) -> QApplication:
    """Return the running ``QApplication``, creating it with the app's identity."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0] if sys.argv else "mssante-companion", *argv])
    app.setApplicationName("mssante-companion")
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("mssante-companion")
    return app


class FirstWindow(QMainWindow):
    """The window shown before sign-in: asks for the CPS card."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        prompt = QLabel(self.tr("Insérez votre carte CPS pour ouvrir votre messagerie."))
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        prompt.setAccessibleName(self.tr("Invitation à insérer la carte CPS"))
        self.setCentralWidget(prompt)
        self.resize(900, 600)


def run_desktop_app(argv: Sequence[str]) -> int:
    """Open the desktop application and run its event loop."""
    app = create_application(argv)
    window = FirstWindow()
    window.show()
    return app.exec()
