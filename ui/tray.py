"""The tray icon and new-mail notifications (fed by IMAP IDLE on a worker)."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from ui.backend import MailService
from ui.icons import APP_ICON, icon
from ui.workers import WorkerPool

__all__ = ["NewMailWatcher", "Tray"]

logger = logging.getLogger(__name__)

IDLE_TIMEOUT = 25 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes


class NewMailWatcher(QObject):
    """Runs ``wait_for_new_mail`` in a loop on a worker; emits :attr:`new_mail`."""

    new_mail = Signal()

    def __init__(self, pool: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self._stop = threading.Event()
        self._mail: MailService | None = None

    def start(self, mail: MailService) -> None:
        """Watch ``mail`` until :meth:`stop`."""
        self.stop()
        self._stop = threading.Event()
        self._mail = mail
        self.pool.submit(self._loop, mail, self._stop)

    def stop(self) -> None:
        """Stop watching (lock, sign-out); the loop ends at its next wake-up."""
        self._stop.set()
        self._mail = None

    def _loop(self, mail: MailService, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                changed = mail.wait_for_new_mail(5.0 if stop.is_set() else 30.0)
            except Exception as exc:  # IDLE ends on lock/close; reconnects
                if stop.is_set():
                    return
                logger.info("new-mail watch interrupted: %s", type(exc).__name__)
                stop.wait(10.0)
                continue
            if changed and not stop.is_set():
                self.new_mail.emit()


class Tray(QObject):
    """System tray icon with a menu; shows a notification on new mail."""

    show_requested = Signal()
    compose_requested = Signal()
    quit_requested = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.icon = QSystemTrayIcon(icon(APP_ICON), self)
        self.icon.setToolTip(window.windowTitle())
        menu = QMenu(window)
        menu.addAction(self.tr("Afficher"), self.show_requested.emit)
        menu.addAction(self.tr("Nouveau message"), self.compose_requested.emit)
        menu.addSeparator()
        menu.addAction(self.tr("Quitter"), self.quit_requested.emit)
        self.icon.setContextMenu(menu)
        self._menu = menu
        self.icon.activated.connect(self._activated)
        self.notified = 0

    def show(self) -> None:
        """Show the icon where the desktop has a tray."""
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon.show()

    def notify_new_mail(self, count: int = 0) -> None:
        """A discreet notification: no sender, no subject (health data on screen)."""
        self.notified += 1
        text = (self.tr("%n nouveau(x) message(s)", "", count) if count
                else self.tr("Nouveau message reçu"))
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(self.tr("Compagnon MSSanté"), text,
                                  QSystemTrayIcon.MessageIcon.Information, 5000)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()
