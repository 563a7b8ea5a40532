"""The one thread that talks to the card.

PKCS#11 modules (Cryptolib CPS included) are not reliably thread-safe and a card
serves one command at a time, so, like Electrum's ``run_in_hwd_thread``, every PKCS#11
call runs on a single dedicated thread. Code that touches PKCS#11 calls
:func:`assert_on_card_thread` first; other threads hand work over with
:meth:`CardThread.call` or :meth:`CardThread.submit`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["CardThread", "NotOnCardThread", "assert_on_card_thread", "on_card_thread"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_local = threading.local()


class NotOnCardThread(AssertionError):
    """A PKCS#11 call was attempted outside the card thread (a programming error)."""


def on_card_thread() -> bool:
    """True when the caller runs on a card thread."""
    return bool(getattr(_local, "is_card_thread", False))


def assert_on_card_thread() -> None:
    """Raise :class:`NotOnCardThread` unless running on a card thread."""
    if not on_card_thread():
        raise NotOnCardThread(
            f"card I/O attempted on thread {threading.current_thread().name!r}"
        )


_Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class CardThread:
    """A single worker thread executing card jobs in order."""

    def __init__(self, name: str = "cps-card") -> None:
        self._name = name
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def _ensure_started(self) -> None:
        with self._lock:
            if self._stopped:
                raise RuntimeError("the card thread is stopped")
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        _local.is_card_thread = True
        while True:
            job = self._queue.get()
            if job is None:
                return
            future, fn, args, kwargs = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to the caller
                future.set_exception(exc)
            else:
                future.set_result(result)
            del job, future, fn, args, kwargs

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn(*args, **kwargs)`` on the card thread and return its future."""
        self._ensure_started()
        future: Future[T] = Future()
        self._queue.put((future, fn, args, kwargs))
        return future

    def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` on the card thread and wait for its result (direct when already there)."""
        if on_card_thread():
            return fn(*args, **kwargs)
        return self.submit(fn, *args, **kwargs).result()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish queued jobs and stop the thread."""
        with self._lock:
            self._stopped = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            if threading.current_thread() is not thread:
                thread.join(timeout)
