"""A FAKE keyring backend in memory (keyrings.alt is never shipped: it prompts headless)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
import keyring.core
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

__all__ = ["FakeKeyring", "fake_keyring", "no_keyring"]


class FakeKeyring(KeyringBackend):
    """Keeps secrets in a dict; ``priority`` 1 so it counts as usable."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@contextmanager
def fake_keyring() -> Iterator[FakeKeyring]:
    """Install a :class:`FakeKeyring` for the duration of the block."""
    previous = keyring.get_keyring()
    backend = FakeKeyring()
    keyring.core.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.core.set_keyring(previous)


@contextmanager
def no_keyring() -> Iterator[None]:
    """A machine without any keyring (keyring's ``fail`` backend) for the block.

    keyring picks the highest-priority backend class it knows, and importing this module
    makes :class:`FakeKeyring` one of them: tests about "no keyring" say so explicitly.
    """
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.core.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.core.set_keyring(previous)
