"""``make demo`` beside ``make test``: the demo's virtual card steps out of the reader while
a test session holds the readers' lock, and comes back when it is released."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sandbox.reader import VirtualReader, _card_present

pytestmark = [pytest.mark.reader, pytest.mark.timeout(120)]


def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not within the delay"
        time.sleep(0.05)


def test_demo_card_yields_to_a_test_session(virtual_reader: VirtualReader,
                                           tmp_path: Path) -> None:
    # A lock of our own stands for the machine-wide one (which this session holds).
    lock = tmp_path / "readers.lock"
    demo = VirtualReader(tmp_path / "demo", yield_to=lock).start()
    name = virtual_reader.reader_name(1)
    try:
        assert VirtualReader(tmp_path / "demo").yield_to == lock  # remembered
        demo.insert("cps", 1)
        assert _card_present(name)
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # a test session starts
            _until(lambda: not _card_present(name))
            # The slot is the test session's now.
            virtual_reader.insert("vitale", 1)
            virtual_reader.remove(1)
            fcntl.flock(handle, fcntl.LOCK_UN)  # it ends
        _until(lambda: _card_present(name))
        # Inserted while a session holds the lock: it waits for its end.
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _until(lambda: not _card_present(name))
            demo.insert("cps4", 1)
            time.sleep(1)
            assert not _card_present(name)
            fcntl.flock(handle, fcntl.LOCK_UN)
        _until(lambda: _card_present(name))
    finally:
        demo.remove(1)
    assert not _card_present(name)
