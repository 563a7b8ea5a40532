"""Recognising SQLite's "the disk is full / a write failed" errors.

Each layer translates these where it calls SQLite (mail cache, directory index) into its
own error with the path, so the CLI can say "the disk is full" instead of printing a raw
``sqlite3.OperationalError``.
"""

from __future__ import annotations

import logging
import sqlite3

__all__ = ["is_disk_failure"]

logger = logging.getLogger(__name__)

# SQLite primary result codes (https://www.sqlite.org/rescode.html); extended I/O codes
# (SQLITE_IOERR_WRITE, ...) keep SQLITE_IOERR in their low byte.
_SQLITE_IOERR = 10
_SQLITE_FULL = 13


def is_disk_failure(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` is SQLite reporting a full disk or a failed write (not a bug)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and (code & 0xFF) in (_SQLITE_IOERR, _SQLITE_FULL)
