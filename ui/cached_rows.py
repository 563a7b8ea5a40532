"""A folder's rows as the encrypted cache holds them, unsealed only when shown (no Qt).

:class:`CachedRows` is what :meth:`ui.live_mail.LiveMailService.messages` returns: the
folder's UIDs in date order (from an SQLite index, nothing decrypted), the first window
of rows already unsealed, and methods the message list calls from workers as the user
scrolls (:meth:`CachedRows.fetch`) or sorts (:meth:`CachedRows.sql_order`, or
:meth:`CachedRows.sort_index` for the sealed columns: subject, correspondent, read from the
cache's sealed sort keys, :mod:`client.mail.sort_index`). It is also a plain ``Sequence``
of rows for callers that want them all (tests, the CLI-like paths).

The cache connection it reads is the service's reader connection, shared by the
workers under one lock; the sync writes through another connection meanwhile (WAL).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import overload

from client.mail.cache import MailCache
from client.mail.errors import MailError
from client.mail.sort_index import FolderKeys, SortKeys, key_rows_missing
from client.mail.summary import MessageSummary

__all__ = ["FIRST_WINDOW", "CachedRows"]

logger = logging.getLogger(__name__)

#: Rows unsealed with the listing: a screenful and then some, so the list shows at once.
FIRST_WINDOW = 120
_CHUNK = 500
#: What the listing does to the rows it unseals (the Sent list marks returned receipts).
Convert = Callable[[Sequence[MessageSummary]], list[MessageSummary]]


class CachedRows(Sequence[MessageSummary]):
    """One cached folder: its order of UIDs, and rows unsealed on demand."""

    lazy = True

    def __init__(self, cache: MailCache, lock: threading.Lock, folder: str,
                 convert: Convert, *, first: int = FIRST_WINDOW) -> None:
        self.folder = folder
        self._cache = cache
        self._lock = lock
        self._convert = convert
        self._index: FolderKeys | None = None
        with lock:
            #: The folder's UIDVALIDITY: while it holds, a UID names the same message.
            self.uidvalidity = cache.uidvalidity(folder) or 0
            #: UIDs newest first (date, then UID), as the list opens.
            self.order: list[int] = cache.ordered_uids(folder, "date", descending=True)
        #: The row of each UID in :attr:`order`, made here on the worker: the list finds
        #: the selected messages again after a refresh without building it.
        self.positions: dict[int, int] = {uid: row for row, uid in enumerate(self.order)}
        #: The first rows of :attr:`order`, unsealed.
        self.first: dict[int, MessageSummary] = {
            m.uid: m for m in self.fetch(self.order[:first])}

    # -- what the model calls from workers ------------------------------------------------
    def fetch(self, uids: Sequence[int]) -> list[MessageSummary]:
        """The rows of ``uids`` (gone ones left out); only these are decrypted."""
        if not uids:
            return []
        with self._lock:
            rows = self._cache.summaries_of(self.folder, uids)
        return self._convert(rows)

    def sql_order(self, key: str, descending: bool) -> list[int]:
        """UIDs ordered by a clear column (``date``, ``size``, ``status``) in SQLite."""
        with self._lock:
            return self._cache.ordered_uids(self.folder, key, descending=descending)

    def sort_index(self) -> FolderKeys:
        """The sort keys of every row (:class:`client.mail.sort_index.FolderKeys`):
        what sorting on the subject or the correspondent and the quick filter compare.
        Read from the cache's sealed key segments (one or a few blobs, tens of
        milliseconds for 100,000 rows, holding each column's order once the sync has
        compacted them) and kept. Rows cached before the keys were stored are unsealed
        once (seconds for 100,000, so never on the GUI thread) and their keys stored
        for the next time."""
        if self._index is None:
            with self._lock:
                segments = self._cache.stored_sort_keys(self.folder)
            missing = key_rows_missing(self.order, segments, self._key_rows_in_chunks)
            if missing is not None:
                segments.append(missing)
            self._index = FolderKeys(self.order, self.positions, segments)
        return self._index

    def _key_rows_in_chunks(self, uids: list[int]) -> list[SortKeys]:
        keyed: list[SortKeys] = []
        for start in range(0, len(uids), _CHUNK):
            # The lock is taken a chunk at a time: the windows the view asks for while
            # scrolling get the connection between two chunks.
            keyed.extend(self.key_rows(uids[start:start + _CHUNK]))
        self._store_keys(keyed)
        return keyed

    def _store_keys(self, keys: list[SortKeys]) -> None:
        """Keep keys for the next listing; a failure (a full disk, the sync holding the
        file too long) only costs unsealing them again then."""
        try:
            with self._lock:
                self._cache.add_sort_keys(self.folder, keys)
        except (sqlite3.Error, MailError) as exc:
            logger.info("sort keys not stored (%s); they are computed again next time",
                        type(exc).__name__)

    def key_rows(self, uids: Sequence[int]) -> list[SortKeys]:
        """:data:`SortKeys` of ``uids`` (gone ones left out) keyed from their sealed
        rows, no summary built (the listing's conversion changes none of them)."""
        with self._lock:
            return self._cache.sort_keys_of(self.folder, uids)

    # -- Sequence ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.order)

    @overload
    def __getitem__(self, index: int) -> MessageSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[MessageSummary]: ...

    def __getitem__(self, index: int | slice) -> MessageSummary | list[MessageSummary]:
        if isinstance(index, slice):
            return self.fetch(self.order[index])
        uid = self.order[index]
        found = self.first.get(uid)
        if found is not None:
            return found
        rows = self.fetch([uid])
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self) -> Iterator[MessageSummary]:
        for start in range(0, len(self.order), _CHUNK):
            yield from self.fetch(self.order[start:start + _CHUNK])
