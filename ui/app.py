"""Start the desktop application.

``run_desktop_app`` creates the application, installs the language and follows the
system palette, then shows the lock screen at once (the card prompt) and only then, from
the running event loop, loads and assembles the rest: the services over ``cps``/``client``
(:mod:`ui.live`), the first-run assistant when no profile exists, the main window, which
signs in when the CPS card is inserted. The user sees the window asking for the card
while the mailbox code loads; the main window takes the start window's place. A
``mailto:`` argument (or macOS link event, kept from the first instant) opens a
prefilled compose window after sign-in (:mod:`ui.mailto_inbox`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from client import __version__
from ui.icons import APP_ICON, icon
from ui.preferences import Preferences

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.workers import WorkerPool

__all__ = ["APP_NAME", "FirstWindow", "StartWindow", "create_application", "run_desktop_app"]

logger = logging.getLogger(__name__)

#: The window title (the same as :data:`ui.main_window.APP_NAME`, without loading it).
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


class StartWindow(QMainWindow):
    """What the user sees first: the lock screen waiting for the card, nothing behind it.

    It needs only Qt and :mod:`ui.lock_screen`; the main window replaces it once loaded.
    :attr:`painted` is emitted once, after the lock screen was first painted.
    """

    painted = Signal()

    def __init__(self) -> None:
        from ui.lock_screen import LockScreen

        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.lock_screen = LockScreen(self)
        self.lock_screen.show_waiting()
        self.lock_screen.installEventFilter(self)
        self._painted = False
        self.resize(1100, 720)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        """Tell once that the lock screen is on screen (its first paint is done)."""
        if watched is self.lock_screen and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            # After this paint event returns: the frame is flushed first.
            QTimer.singleShot(0, self.painted.emit)
        return super().eventFilter(watched, event)


class _EarlyLinks(QObject):
    """Keeps macOS link events (``QFileOpenEvent``) that arrive before the mailto inbox
    is loaded; :func:`run_desktop_app` hands them over."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.urls: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        """Keep the encoded URL; the inbox decodes and checks it."""
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            self.urls.append(bytes(event.url().toEncoded().data()).decode("ascii", "replace"))
            return True
        return super().eventFilter(watched, event)


def run_desktop_app(argv: Sequence[str], *, on_ready: Callable[[MainWindow], None] | None = None,
                    ) -> int:
    """Open the desktop application and run its event loop.

    Args:
        argv: the arguments after the program name (``mailto:`` links among them).
        on_ready: called with the main window once it has replaced the start window.
    """
    from ui.i18n import install_language
    from ui.palette import follow_system_palette
    from ui.responsiveness import prefer_gui_thread

    app = create_application(argv)
    prefer_gui_thread()
    # Installed first: macOS sends a clicked link as an event once the loop runs.
    early_links = _EarlyLinks(app)
    app.installEventFilter(early_links)
    preferences = Preferences()
    install_language(preferences.language or None)
    if sys.platform.startswith("linux"):
        app.setStyle("Fusion")
    follow_system_palette(app)
    start = StartWindow()
    state = preferences.window_state("main")
    if state is not None:
        start.restoreGeometry(state)
    start.show()
    pools: list[WorkerPool] = []
    refused: list[int] = []

    loading: list[bool] = []

    def assemble() -> None:
        from ui.workers import WorkerPool

        pools.append(WorkerPool(app))
        if not _assemble(app, argv, preferences, pools[0], start, early_links, on_ready):
            refused.append(1)
            app.exit(1)

    def load() -> None:
        if loading:
            return
        loading.append(True)
        _load_stepwise(list(_PRELOAD), assemble)

    # From the running loop, once the lock screen is painted: the user sees the card
    # prompt while the rest loads. A platform that never paints (none known) waits 1 s.
    start.painted.connect(load)
    QTimer.singleShot(1000, load)
    status = app.exec()
    for pool in pools:
        pool.wait_for_done(10_000)
    return refused[0] if refused else int(status)


# What the main window needs, one import per turn of the event loop, leaves before the
# modules that import them: between two imports the loop handles the keys of the PIN
# being typed (and a quit), instead of freezing for the whole load at once.
_PRELOAD = (
    "ui.workers",
    "cryptography.x509",
    "tlslite.api",
    "httpx",
    "client.tls",
    "client.auth",
    "client.mail.cache",
    "client.mail.mailbox",
    "client.directory",
    "ui.live",
    "ui.wording",
    "ui.message_list",
    "ui.document_viewer",
    "ui.open_attachment",
    "ui.mail_view",
    "ui.compose",
    "ui.main_window",
    "ui.first_run",
    "ui.background_refresh",
    "ui.mailto_inbox",
    "ui.responsiveness",
)


def _load_stepwise(modules: list[str], then: Callable[[], None]) -> None:
    """Import ``modules`` one per event-loop turn, then call ``then`` (from the loop)."""
    if not modules:
        then()
        return
    import importlib

    importlib.import_module(modules.pop(0))
    QTimer.singleShot(0, lambda: _load_stepwise(modules, then))


def _assemble(
    app: QApplication,
    argv: Sequence[str],
    preferences: Preferences,
    pool: WorkerPool,
    start: StartWindow,
    early_links: _EarlyLinks,
    on_ready: Callable[[MainWindow], None] | None,
) -> bool:
    """Load the services and the main window, and put it in the start window's place.

    Returns False when the application must stop (first run cancelled).
    """
    from PySide6.QtWidgets import QDialog

    from ui.background_refresh import BackgroundRefresh
    from ui.first_run import FirstRunAssistant
    from ui.live import build_services
    from ui.mailto_inbox import MailtoInbox, mailto_arguments
    from ui.main_window import MainWindow
    from ui.responsiveness import freeze_long_lived

    mailto = MailtoInbox(app)
    mailto.install(app)
    app.removeEventFilter(early_links)
    for url in [*mailto_arguments(argv), *early_links.urls]:
        mailto.receive(url)
    early_links.urls.clear()
    services = build_services(preferences)
    if not services.has_profile() and services.profiles is not None:
        assistant = FirstRunAssistant(services.profiles, pool, directory=services.directory)
        if assistant.exec() != QDialog.DialogCode.Accepted:
            start.close()
            return False
        services = build_services(preferences)
    window = MainWindow(services, preferences, pool, mailto)
    window.setGeometry(start.geometry())
    window.show()
    start.hide()
    start.deleteLater()
    window.start()
    # The published liste blanche and directory, refreshed when due (never blocking).
    BackgroundRefresh(services, pool, window).start()
    freeze_long_lived()
    if on_ready is not None:
        on_ready(window)
    return True
