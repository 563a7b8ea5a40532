"""The virtual reader fixture: pcscd + vpcd's two readers + a vicc per inserted card.

vpcd's TCP ports are machine-wide, so the fixture holds a file lock for the session:
two pytest runs on the same machine take turns instead of stealing each other's cards.
The demo's virtual card (``make demo``) steps out of the reader while the lock is held.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator

import pytest

from sandbox.reader import SHARED_LOCK, VirtualReader

__all__ = ["empty_reader", "virtual_reader"]

_LOCK = SHARED_LOCK
_LOCK_WAIT = 300.0


@pytest.fixture(scope="session")
def virtual_reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualReader]:
    """A started :class:`VirtualReader` with both slots empty; stopped at the end."""
    with _LOCK.open("a") as lock:
        deadline = time.monotonic() + _LOCK_WAIT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the virtual reader is busy ({_LOCK} held for {_LOCK_WAIT} s)")
                time.sleep(0.5)
        reader = VirtualReader(tmp_path_factory.mktemp("reader")).start()
        try:
            reader.remove(0)
            reader.remove(1)
            yield reader
        finally:
            reader.stop()
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def empty_reader(virtual_reader: VirtualReader) -> Iterator[VirtualReader]:
    """The session's virtual reader, both slots emptied again after the test."""
    yield virtual_reader
    virtual_reader.remove(0)
    virtual_reader.remove(1)
