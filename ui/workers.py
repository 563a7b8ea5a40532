"""Blocking work off the GUI thread, results back through typed signals.

Every call that may wait on the card, the network or the disk runs in a :class:`Worker`
on a ``QThreadPool``; the worker's :class:`WorkerSignals` live on the GUI thread, so the
slots connected to them run there (Qt queues a signal emitted from another thread).
This is the Electrum/qutebrowser habit: a slot never waits on I/O.

    pool = WorkerPool()
    pool.submit(mail.folders, on_result=self.show_folders, on_error=self.show_error)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

__all__ = ["CancelToken", "Cancelled", "Worker", "WorkerPool", "WorkerSignals"]

logger = logging.getLogger(__name__)


class Cancelled(Exception):  # reads as a state, like asyncio.CancelledError
    """Raised inside a task that noticed its :class:`CancelToken` was set."""


class CancelToken:
    """A thread-safe flag a long task polls to stop early (import, sync)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` when the task should stop."""
        if self._event.is_set():
            raise Cancelled


class WorkerSignals(QObject):
    """What a worker reports; created on the GUI thread so slots run there."""

    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)
    finished = Signal()


class Worker(QRunnable):
    """Run ``fn(*args, **kwargs)`` on a pool thread and report through :attr:`signals`.

    When ``with_progress`` is true, ``fn`` receives a ``progress(done, total)`` callable
    as its keyword argument ``progress``.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        with_progress: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = WorkerSignals()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        if with_progress:
            self._kwargs["progress"] = self._report_progress
        self.name = getattr(fn, "__qualname__", repr(fn))

    def _report_progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(int(done), int(total))

    def run(self) -> None:
        """Run the task; never lets an exception escape into Qt."""
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # reported to the GUI, which words it
            logger.debug("task %s failed", self.name, exc_info=exc)
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class WorkerPool(QObject):
    """Owns running workers (so Python keeps them alive) and the thread pool they use."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._active: set[Worker] = set()

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_finished: Callable[[], None] | None = None,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> Worker:
        """Start ``fn`` on a pool thread; the callbacks run on the GUI thread.

        With ``owner``, the callbacks are skipped once that widget was deleted (a window
        closed while its task was still running).
        """
        worker = Worker(fn, *args, with_progress=on_progress is not None, **kwargs)

        def guarded(callback: Callable[..., None]) -> Callable[..., None]:
            if owner is None:
                return callback

            def call(*values: Any) -> None:
                if shiboken6.isValid(owner):
                    callback(*values)

            return call

        if on_result is not None:
            worker.signals.succeeded.connect(guarded(on_result))
        if on_error is not None:
            worker.signals.failed.connect(guarded(on_error))
        if on_progress is not None:
            worker.signals.progress.connect(guarded(on_progress))
        if on_finished is not None:
            worker.signals.finished.connect(guarded(on_finished))
        worker.signals.finished.connect(lambda: self._active.discard(worker))
        self._active.add(worker)
        self._pool.start(worker)
        return worker

    @property
    def active_count(self) -> int:
        """How many submitted tasks have not reported ``finished`` yet."""
        return len(self._active)

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until every task ended (application shutdown and tests only)."""
        return bool(self._pool.waitForDone(msecs))
