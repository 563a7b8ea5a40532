"""Child-process bodies of the fault tests (run with ``python -m tests.faults._workers``).

``cache-writer PATH KEYHEX``: writes batches of 50 summaries, one body and one outbox
entry per transaction, forever, after printing ``ready`` (the parent kills it).
``cache-fill PATH KEYHEX LIMIT``: with RLIMIT_FSIZE at LIMIT bytes, tries to write
a large batch and prints the exception it gets as JSON (a disk that fills up).
``directory-fill SOURCE INDEX LIMIT``: the same for a directory import.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import signal
import sys
from pathlib import Path

BATCH = 50


def _summaries(start: int, count: int, pad: int = 0) -> list[object]:
    from client.mail.summary import MessageSummary

    return [
        MessageSummary(
            uid=uid,
            sender=f"expediteur{uid}@hopital.mssante.fr",
            to=("jean.martin@hopital.mssante.fr",),
            subject=f"Compte rendu {uid} " + "x" * pad,
            date=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            flags=("\\Seen",),
            size=1000 + uid,
            has_attachments=uid % 3 == 0,
            message_id=f"<{uid}@hopital.mssante.fr>",
        )
        for uid in range(start, start + count)
    ]


def _open(path: Path, key: bytes) -> object:
    from client.mail.cache import MailCache
    from client.mail.store import EncryptedStore

    return MailCache(EncryptedStore(path, key))


def cache_writer(path: Path, key: bytes) -> None:
    """Write forever; every transaction is a whole batch + one body + one queued mail."""
    from client.mail.cache import MailCache
    from client.mail.outbox import Outbox

    cache = _open(path, key)
    assert isinstance(cache, MailCache)
    outbox = Outbox(cache.store)
    with cache.transaction():
        state = cache.folder_state("INBOX")
        folder_id = state.folder_id if state else cache.reset_folder("INBOX", 1)
    start = max(cache.cached_uids(folder_id), default=0) + 1
    print("ready", flush=True)
    while True:
        with cache.transaction():
            cache.put_summaries(folder_id, _summaries(start, BATCH))  # type: ignore[arg-type]
            cache.store.conn.execute(
                "INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                (folder_id, start,
                 cache.store.seal(b"body:%d:%d" % (folder_id, start), b"B" * 20000)),
            )
        raw = (f"Message-ID: <out{start}@hopital.mssante.fr>\r\nFrom: a@hopital.mssante.fr"
               f"\r\nTo: b@clinique.mssante.fr\r\nSubject: s\r\n\r\nbody\r\n").encode()
        outbox.enqueue(raw, "a@hopital.mssante.fr", ["b@clinique.mssante.fr"])
        start += BATCH


def _limit(limit: int) -> None:
    # SIGXFSZ would kill the process: ignored, the write fails with EFBIG instead,
    # which is what a full disk looks like to SQLite (SQLITE_FULL / SQLITE_IOERR).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _report(exc: BaseException | None) -> None:
    words = ""
    if exc is not None:
        # The sentence the CLI prints for it (the commands register their wordings).
        import client.cli.directory
        import client.cli.mail  # noqa: F401
        from client.cli._common import describe_error

        words = describe_error(exc)
    print(json.dumps(None if exc is None else {
        "type": type(exc).__name__,
        "module": type(exc).__module__,
        "message": str(exc),
        "words": words,
    }), flush=True)


def cache_fill(path: Path, key: bytes, limit: int) -> None:
    """Open the existing cache, then write far more than the disk has room for."""
    from client.mail.cache import MailCache

    cache = _open(path, key)
    assert isinstance(cache, MailCache)
    state = cache.folder_state("INBOX")
    assert state is not None
    _limit(limit)
    try:
        with cache.transaction():
            cache.put_summaries(  # type: ignore[arg-type]
                state.folder_id, _summaries(100_000, 4000, pad=400)
            )
    except BaseException as exc:  # reported to the parent
        _report(exc)
    else:
        _report(None)
    cache.close()


def directory_fill(source: Path, index: Path, limit: int) -> None:
    """Import a big extraction over an existing index on a disk that fills up."""
    from client.directory import import_extraction

    _limit(limit)
    try:
        import_extraction(source, index)
    except BaseException as exc:  # reported to the parent
        _report(exc)
    else:
        _report(None)


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "cache-writer":
        cache_writer(Path(rest[0]), bytes.fromhex(rest[1]))
    elif command == "cache-fill":
        cache_fill(Path(rest[0]), bytes.fromhex(rest[1]), int(rest[2]))
    elif command == "directory-fill":
        directory_fill(Path(rest[0]), Path(rest[1]), int(rest[2]))
    else:
        raise SystemExit(f"unknown worker {command}")
