"""The spool directory on disk: layout, durable writes, the lock, claims by rename.

Durability (POSIX): a file is written under a temporary name, flushed with ``fsync``,
renamed into place, then its directory is ``fsync``-ed so that the rename itself survives
a power cut. ``rename`` within one file system is atomic, which makes it the claim of an
outgoing file: of two processes renaming the same file, one gets ``FileNotFoundError``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from client.spool.errors import SpoolBusy

__all__ = ["SpoolLayout", "SpoolLock", "fsync_directory", "write_durably", "write_json"]


@dataclass(frozen=True)
class SpoolLayout:
    """The folders of a spool directory."""

    root: Path

    @property
    def outgoing(self) -> Path:
        """Where the integration drops messages to send (``.eml`` or ``.json``)."""
        return self.root / "outgoing"

    @property
    def sent(self) -> Path:
        """Sent messages with their JSON report (and read receipts, when they come)."""
        return self.root / "sent"

    @property
    def failed(self) -> Path:
        """Messages that cannot be sent, with the worded reason."""
        return self.root / "failed"

    @property
    def incoming(self) -> Path:
        """Received messages, one folder each."""
        return self.root / "incoming"

    @property
    def state(self) -> Path:
        """The spool's own state: journal, lock, claimed files."""
        return self.root / ".spool"

    @property
    def work(self) -> Path:
        """Claimed outgoing files, until they reach ``sent/`` or ``failed/``."""
        return self.state / "work"

    def create(self) -> None:
        """Create the folders: the exchange folders for the service's group (the umask
        decides, e.g. ``UMask=0007``), its own state for the service's user only."""
        for folder in (self.outgoing, self.sent, self.failed, self.incoming):
            folder.mkdir(parents=True, exist_ok=True, mode=0o770)
        for folder in (self.state, self.work):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def fsync_directory(directory: Path) -> None:
    """Make the entries of ``directory`` (renames, new files) durable."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename, fsync dir).

    With ``sync=False`` the write is still atomic (never half a file), and survives the
    process being killed, but not a power cut: for files the journal can rebuild.
    """
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    if sync:
        fsync_directory(path.parent)


def write_json(path: Path, document: Any, *, sync: bool = True) -> None:
    """Write a JSON document with :func:`write_durably`."""
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
    write_durably(path, text.encode("utf-8"), sync=sync)


class SpoolLock:
    """An exclusive ``flock`` on ``.spool/lock``: one working spool process per directory.

    The kernel releases it when the process dies (``kill -9`` included): no stale lock.
    """

    def __init__(self, layout: SpoolLayout) -> None:
        self.path = layout.state / "lock"
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; False when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def acquire_or_raise(self) -> None:
        """Take the lock or raise :class:`SpoolBusy`."""
        if not self.try_acquire():
            raise SpoolBusy(self.path.parent.parent)

    def release(self) -> None:
        """Release the lock."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
