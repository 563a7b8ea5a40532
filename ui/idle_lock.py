"""When an e-CPS session locks by itself: after an idle time, and with the desktop session.

With a card, pulling it out locks the app; e-CPS has nothing to pull out, so the app
locks after ``minutes`` without keyboard or mouse input, and when the desktop session
locks. The desktop lock is heard on D-Bus when QtDBus and a session bus are there:
``org.freedesktop.ScreenSaver`` and ``org.gnome.ScreenSaver`` emit ``ActiveChanged(b)``
(KDE, GNOME, Xfce and others implement the freedesktop one). Elsewhere (Windows, macOS,
no session bus) only the idle time applies.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

__all__ = ["IdleLock"]

logger = logging.getLogger(__name__)

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})
_SCREENSAVERS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
)


class IdleLock(QObject):
    """Emits :attr:`lock_now` after ``minutes`` idle, or when the desktop session locks."""

    lock_now = Signal(str)  # "idle" or "desktop"

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self.set_minutes(minutes)
        self._timer.timeout.connect(lambda: self._fire("idle"))
        self._armed = False
        self.listening_to_desktop = self._listen_to_desktop()

    def set_minutes(self, minutes: int) -> None:
        """The idle time (takes effect at the next input)."""
        self._timer.setInterval(max(1, int(minutes)) * 60_000)

    @property
    def interval_ms(self) -> int:
        """The idle time in milliseconds."""
        return int(self._timer.interval())

    def set_interval_ms(self, milliseconds: int) -> None:
        """For tests: an idle time shorter than a minute."""
        self._timer.setInterval(milliseconds)

    def start(self) -> None:
        """Watch input from now on (an e-CPS session opened)."""
        self._armed = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (locked, or a card session)."""
        self._armed = False
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    @property
    def armed(self) -> bool:
        """Watching an open e-CPS session."""
        return self._armed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Any input restarts the idle countdown."""
        if self._armed and event.type() in _INPUT_EVENTS:
            self._timer.start()
        return False

    @Slot(bool)
    def screensaver_active(self, active: bool) -> None:
        """``ActiveChanged(b)`` from the desktop: lock when it becomes active."""
        if active:
            self._fire("desktop")

    def _fire(self, why: str) -> None:
        if self._armed:
            logger.info("locking the e-CPS session (%s)", why)
            self.lock_now.emit(why)

    def _listen_to_desktop(self) -> bool:
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return False
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return False
        listening = False
        for interface, path in _SCREENSAVERS:
            listening |= bus.connect(  # type: ignore[call-overload]
                "", path, interface, "ActiveChanged", self, SLOT("screensaver_active(bool)"))
        return listening
