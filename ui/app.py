"""Start the desktop application.

``run_desktop_app`` creates the application, installs the language, follows the system
palette, assembles the services over ``cps``/``client`` (:mod:`ui.live`), runs the
first-run assistant when no profile exists, then shows the main window, which signs in
when the CPS card is inserted. A ``mailto:`` argument (or macOS link event) opens a
prefilled compose window after sign-in (:mod:`ui.mailto_inbox`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow

from client import __version__
from ui.icons import APP_ICON, icon
from ui.main_window import APP_NAME

__all__ = ["APP_NAME", "FirstWindow", "create_application", "run_desktop_app"]

logger = logging.getLogger(__name__)


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
    app.setWindowIcon(icon(APP_ICON))
    return app


class FirstWindow(QMainWindow):
    """A window that only asks for the CPS card (kept for packaging smoke tests)."""

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
    from ui.background_refresh import BackgroundRefresh
    from ui.first_run import FirstRunAssistant
    from ui.i18n import install_language
    from ui.live import build_services
    from ui.mailto_inbox import MailtoInbox, mailto_arguments
    from ui.main_window import MainWindow
    from ui.palette import follow_system_palette
    from ui.preferences import Preferences
    from ui.workers import WorkerPool

    app = create_application(argv)
    # Installed first: macOS sends a clicked link as an event once the loop runs (even
    # the first-run assistant's); Linux and Windows pass it as the only argument.
    mailto = MailtoInbox(app)
    mailto.install(app)
    for url in mailto_arguments(argv):
        mailto.receive(url)
    preferences = Preferences()
    install_language(preferences.language or None)
    if sys.platform.startswith("linux"):
        app.setStyle("Fusion")
    follow_system_palette(app)
    pool = WorkerPool(app)
    services = build_services(preferences)
    if not services.has_profile() and services.profiles is not None:
        assistant = FirstRunAssistant(services.profiles, pool, directory=services.directory)
        if assistant.exec() != QDialog.DialogCode.Accepted:
            return 1
        services = build_services(preferences)
    window = MainWindow(services, preferences, pool, mailto)
    window.show()
    window.start()
    # The published liste blanche and directory, refreshed when due (never blocking).
    BackgroundRefresh(services, pool, window).start()
    from ui.responsiveness import freeze_long_lived

    freeze_long_lived()
    status = app.exec()
    pool.wait_for_done(10_000)
    return int(status)
