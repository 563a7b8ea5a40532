"""The card thread: one thread runs every card call, and a guard catches strays."""

from __future__ import annotations

import threading

import pytest

from cps.card_thread import CardThread, NotOnCardThread, assert_on_card_thread, on_card_thread


def test_calls_run_on_the_card_thread_in_order() -> None:
    thread = CardThread()
    try:
        names = [thread.call(lambda: threading.current_thread().name) for _ in range(3)]
        assert names == ["cps-card"] * 3
        assert thread.call(on_card_thread) is True
        order: list[int] = []
        futures = [thread.submit(order.append, i) for i in range(20)]
        for future in futures:
            future.result()
        assert order == list(range(20))
    finally:
        thread.stop()


def test_guard_refuses_other_threads_and_errors_reach_the_caller() -> None:
    with pytest.raises(NotOnCardThread):
        assert_on_card_thread()
    thread = CardThread()
    try:
        thread.call(assert_on_card_thread)  # no error on the card thread
        with pytest.raises(ZeroDivisionError):
            thread.call(lambda: 1 // 0)
        # A call made from the card thread runs directly instead of deadlocking.
        assert thread.call(lambda: thread.call(lambda: 42)) == 42
    finally:
        thread.stop()
    with pytest.raises(RuntimeError):
        thread.submit(print)
