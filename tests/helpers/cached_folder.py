"""A folder of many messages written straight into a real encrypted cache.

The rows are what the sync stores (:class:`client.mail.summary.FetchedRow`, sealed by
:meth:`client.mail.cache.MailCache.put_rows`), made up instead of fetched: seeding
100,000 messages into Dovecot would take minutes, and the list reads only the cache.
"""

from __future__ import annotations

import threading
from pathlib import Path

from client.mail.cache import MailCache
from client.mail.keystore import MemoryKeyStore
from client.mail.summary import FetchedRow
from ui.cached_rows import CachedRows

__all__ = ["SENDERS", "cached_rows", "open_cache", "seed_folder"]

SENDERS = [("Laboratoire Biomed", "resultats", "labo-sandbox.mssante.fr"),
           ("Dr Claire DUBOIS", "claire.dubois", "clinique-sandbox.mssante.fr"),
           ("Secretariat cardiologie", "cardio", "hopital-sandbox.mssante.fr")]
_START = 1_795_000_000.0  # November 2026


def open_cache(directory: Path, account: str = "jean.martin@hopital-sandbox.mssante.fr"
               ) -> MailCache:
    """A new cache file under ``directory`` with a key held in memory."""
    return MailCache.open(account, keystore=MemoryKeyStore(),
                          path=directory / "cache.sqlite3")


def seed_folder(cache: MailCache, folder: str, count: int, *, start_uid: int = 1) -> None:
    """``count`` messages in ``folder``: UID ``u`` is ``Compte rendu <u>``, one minute
    older per UID, every third read, every 17th flagged, every 5th with attachments.
    Written as the desktop's sync writes them: one batch, then the sort keys compacted
    when due."""
    with cache.transaction():
        state = cache.folder_state(folder)
        folder_id = state.folder_id if state is not None else cache.reset_folder(folder, 1)
        rows = []
        for uid in range(start_uid, start_uid + count):
            i = uid - 1
            flags = ("\\Seen",) if i % 3 else ()
            if i % 17 == 0:
                flags = (*flags, "\\Flagged")
            name, mailbox, host = SENDERS[i % len(SENDERS)]
            rows.append(FetchedRow(
                uid=uid, modseq=uid, flags=flags, size=1000 + (i * 37) % 50_000,
                date=_START - 60.0 * i, has_attachments=i % 5 == 0,
                envelope=[f"Compte rendu {uid:06d} patient {i % 97}", [[name, mailbox, host]],
                          [["Dr Jean MARTIN", "jean.martin", "hopital-sandbox.mssante.fr"]],
                          [], f"<{uid}@labo-sandbox.mssante.fr>"],
            ))
        cache.put_rows(folder_id, rows)
        cache.save_folder_state(folder_id, uidnext=start_uid + count,
                                highestmodseq=start_uid + count, synced_at=_START)
    cache.compact_sort_keys(folder)  # as the desktop's sync does once a folder is synced


def cached_rows(cache: MailCache, folder: str) -> CachedRows:
    """``folder`` as the live service lists it (its own reader connection)."""
    return CachedRows(cache.reader(), threading.Lock(), folder, list)
