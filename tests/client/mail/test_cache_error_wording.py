"""How the CLI words the cache's key and disk failures (never advise deleting the
cache, which also holds the outbox; a full disk is named as such)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import client.cli.mail  # noqa: F401 - registers the mail wordings
from client.cli._common import describe_error
from client.mail.errors import CacheCorrupted, CacheKeyMismatch, CacheWriteFailed
from client.mail.store import EncryptedStore
from client.sqlite_faults import is_disk_failure


def test_missing_key_is_named_and_the_outbox_kept(tmp_path: Path) -> None:
    path = tmp_path / "mail" / "abc.sqlite3"
    words = describe_error(CacheKeyMismatch(path))
    assert "key" in words and "missing" in words and "keyring" in words
    assert "unlock" in words and "backup" in words
    assert str(path) in words and "outbox" in words and "move that file aside" in words
    assert "delete the" not in words.lower()


def test_damaged_cache_is_not_advised_to_be_deleted() -> None:
    words = describe_error(CacheCorrupted("a cache entry cannot be decrypted"))
    assert "do not delete" in words and "mail outbox" in words and "move" in words


def test_disk_full_wording(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    assert describe_error(CacheWriteFailed(path, "database or disk is full")) == (
        f"The disk is full ({path}): free some space and run the command again; "
        "nothing was lost."
    )


def test_another_key_raises_key_mismatch_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    EncryptedStore(path, b"k" * 32).close()
    before = path.read_bytes()
    with pytest.raises(CacheKeyMismatch) as caught:
        EncryptedStore(path, b"x" * 32)
    assert caught.value.path == path and path.read_bytes() == before


def test_only_disk_failures_are_recognised() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            conn.execute("SELECT * FROM nowhere")
    finally:
        conn.close()
    assert not is_disk_failure(caught.value)
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    io = sqlite3.OperationalError("disk I/O error")
    io.sqlite_errorcode = 10 | (3 << 8)  # type: ignore[attr-defined]  # SQLITE_IOERR_WRITE
    assert is_disk_failure(full) and is_disk_failure(io)
