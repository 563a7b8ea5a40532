"""Workers run blocking calls off the GUI thread and report through signals."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from ui.workers import Cancelled, CancelToken, WorkerPool


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    pool = WorkerPool()
    seen: dict[str, object] = {}
    gui_thread = QThread.currentThread()

    def task(a: int, b: int) -> int:
        seen["task_thread"] = threading.current_thread()
        return a + b

    def on_result(value: object) -> None:
        seen["value"] = value
        seen["slot_on_gui"] = QThread.currentThread() is gui_thread

    # Wait for the slot itself: ``finished`` may be emitted before a waiter could connect.
    pool.submit(task, 2, 3, on_result=on_result)
    qtbot.wait_until(lambda: "value" in seen, timeout=10_000)
    assert seen["value"] == 5
    assert seen["slot_on_gui"] is True
    assert seen["task_thread"] is not threading.main_thread()
    assert pool.wait_for_done()


def test_errors_are_reported_not_raised(qtbot: QtBot) -> None:
    pool = WorkerPool()
    errors: list[BaseException] = []

    def task() -> None:
        raise ValueError("bad input")

    worker = pool.submit(task, on_error=errors.append)
    qtbot.wait_until(lambda: pool.active_count == 0, timeout=5000)
    assert worker.signals is not None
    assert [type(e) for e in errors] == [ValueError]
    assert str(errors[0]) == "bad input"


def test_progress_and_cancellation(qtbot: QtBot) -> None:
    pool = WorkerPool()
    token = CancelToken()
    steps: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def long_task(progress, cancel: CancelToken) -> None:  # type: ignore[no-untyped-def]
        for done in range(1000):
            progress(done, 1000)
            if done == 3:
                cancel.cancel()
            cancel.raise_if_cancelled()

    pool.submit(long_task, cancel=token, on_progress=lambda d, t: steps.append((d, t)),
                on_error=errors.append)
    qtbot.wait_until(lambda: pool.active_count == 0, timeout=5000)
    assert steps == [(0, 1000), (1, 1000), (2, 1000), (3, 1000)]
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)


def test_cancel_token_flag() -> None:
    token = CancelToken()
    assert not token.cancelled
    token.cancel()
    assert token.cancelled
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()
