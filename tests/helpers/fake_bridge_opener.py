"""A FAKE SessionOpener for the bridge's unit tests: counts sign-ins, refuses sessions.

The bridge's protocol handling before sign-in and its card gate are tested against it;
real upstream sessions are tested against the sandbox (tests/integration/test_bridge_*).
"""

from __future__ import annotations

import smtplib
import threading
import time
from typing import Any

from client.auth.errors import OperatorUnreachable

__all__ = ["FakeOpener", "FakeOpenerFactory"]


class FakeOpener:
    """An opener whose sessions fail as if the operator were unreachable."""

    def __init__(self, address: str) -> None:
        self._address = address
        self.closed = False
        self.imap_calls = 0

    @property
    def address(self) -> str:
        return self._address

    def open_imap(self) -> Any:
        self.imap_calls += 1
        raise OperatorUnreachable("imap.fake.invalid", 143, "connection refused")

    def open_smtp(self) -> smtplib.SMTP:
        raise OperatorUnreachable("smtp.fake.invalid", 587, "connection refused")

    def close(self) -> None:
        self.closed = True


class FakeOpenerFactory:
    """Builds FakeOpeners; ``fail_with`` makes the next builds raise (a PIN refusal...)."""

    def __init__(self, address: str, *, delay: float = 0.0) -> None:
        self.address = address
        self.delay = delay
        self.calls = 0
        self.fail_with: BaseException | None = None
        self.built: list[FakeOpener] = []
        self._lock = threading.Lock()

    def __call__(self) -> FakeOpener:
        with self._lock:
            self.calls += 1
        time.sleep(self.delay)  # a PIN prompt takes time: concurrent callers must wait
        if self.fail_with is not None:
            raise self.fail_with
        opener = FakeOpener(self.address)
        self.built.append(opener)
        return opener
