"""The published liste blanche and directory, refreshed in the background when due.

Shortly after start, then every hour, a worker asks ``client.directory.refresh`` to
refresh what is due (24 h by default, ``updates.toml``): the liste blanche is asked for
conditionally and a failure keeps the last good files, so this never disturbs the user.
A new liste blanche is announced to open windows (compose checks its recipients again).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from ui.backend import RefreshingDirectory, ReloadableTrust, Services
from ui.workers import WorkerPool

__all__ = ["BackgroundRefresh"]

logger = logging.getLogger(__name__)


class BackgroundRefresh(QObject):
    """Runs the due refreshes on a worker, at start then on a timer."""

    #: ``[(source, status, detail)]`` of the last run.
    finished = Signal(list)

    def __init__(self, services: Services, pool: WorkerPool, parent: QObject | None = None,
                 *, first_delay_ms: int = 5_000, interval_ms: int = 3_600_000) -> None:
        super().__init__(parent)
        self.services = services
        self.pool = pool
        self.last: list[tuple[str, str, str]] = []
        self._running = False
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.setInterval(first_delay_ms)
        self._first.timeout.connect(self.run_now)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.run_now)

    def start(self) -> None:
        """Refresh soon after start, then every interval."""
        if isinstance(self.services.directory, RefreshingDirectory):
            self._first.start()
            self._timer.start()

    def stop(self) -> None:
        """Stop the timers (application exit)."""
        self._first.stop()
        self._timer.stop()

    def run_now(self) -> None:
        """Refresh what is due, on a worker (one run at a time)."""
        directory = self.services.directory
        if not isinstance(directory, RefreshingDirectory) or self._running:
            return
        self._running = True
        self.pool.submit(directory.refresh, False, on_result=self._done,
                         on_error=self._failed, owner=self)

    def _done(self, outcomes: list[tuple[str, str, str]]) -> None:
        self._running = False
        self.last = list(outcomes)
        if any(name == "whitelist" and status == "refreshed"
               for name, status, _detail in outcomes):
            if isinstance(self.services.trust, ReloadableTrust):
                self.services.trust.reload()
        for name, status, _detail in outcomes:
            logger.info("background refresh of %s: %s", name, status)
        self.finished.emit(self.last)

    def _failed(self, exc: BaseException) -> None:
        # A bad updates.toml, an unreadable state file: said in Settings, never a popup.
        self._running = False
        logger.warning("background refresh failed: %s", type(exc).__name__)
        self.last = [("whitelist", "failed", ""), ("directory", "failed", "")]
        self.finished.emit(self.last)
