"""A folder's rows as the encrypted cache holds them, unsealed only when shown (no Qt).

:class:`CachedRows` is what :meth:`ui.live_mail.LiveMailService.messages` returns: the
folder's UIDs in date order (from an SQLite index, nothing decrypted), the first window
of rows already unsealed, and methods the message list calls from workers as the user
scrolls (:meth:`CachedRows.fetch`) or sorts (:meth:`CachedRows.sql_order`, or
:meth:`CachedRows.texts` for the sealed columns: subject, correspondent). It is also a
plain ``Sequence`` of rows for callers that want them all (tests, the CLI-like paths).

The cache connection it reads is the service's reader connection, shared by the
workers under one lock; the sync writes through another connection meanwhile (WAL).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from client.mail.cache import MailCache
from client.mail.summary import MessageSummary

__all__ = ["FIRST_WINDOW", "CachedRows", "Texts"]

#: Rows unsealed with the listing: a screenful and then some, so the list shows at once.
FIRST_WINDOW = 120
_CHUNK = 500

#: ``(uid, sender, recipients, subject)``: what sorting on sealed columns and the quick
#: filter read.
Texts = tuple[int, str, str, str]
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
        self._texts: list[Texts] | None = None
        #: What the list derives from the unsealed rows and keeps with them (the quick
        #: filter's folded keys), gone with this listing.
        self.memo: dict[str, Any] = {}
        self._earlier: list[Texts] | None = None
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

    def texts(self) -> list[Texts]:
        """``(uid, sender, recipients, subject)`` of every row, unsealed once and kept
        for sorting on the subject or the correspondent and for the quick filter:
        seconds for 100,000 rows, so never on the GUI thread. Plain tuples of strings,
        which the garbage collector stops tracking: 100,000 row objects kept alive would
        make each of its full passes (which stop every thread) longer."""
        if self._texts is None:
            known = {t[0]: t for t in self._earlier or ()}
            missing = [uid for uid in self.order if uid not in known]
            for start in range(0, len(missing), _CHUNK):
                # The lock is taken a chunk at a time: the windows the view asks for
                # while scrolling get the connection between two chunks.
                known.update((t[0], t) for t in self.unseal_texts(missing[start:start + _CHUNK]))
            self._texts = [known[uid] for uid in self.order if uid in known]
            self._earlier = None
        return self._texts

    def unseal_texts(self, uids: Sequence[int]) -> list[Texts]:
        """:data:`Texts` of ``uids`` (gone ones left out): the rows decrypted, no summary
        built (what :meth:`texts` reads; the listing's conversion changes none of them)."""
        with self._lock:
            found = self._cache.texts_of(self.folder, uids)
        return [(uid, sender, ", ".join(to), subject) for uid, sender, to, subject in found]

    def adopt(self, earlier: CachedRows) -> None:
        """Reuse what ``earlier`` (the same folder before a refresh) unsealed: a UID
        names the same message while the UIDVALIDITY holds, so only new mail is unsealed
        again when the list is sorted on a sealed column or filtered."""
        if (earlier is not self and earlier.folder == self.folder
                and earlier.uidvalidity == self.uidvalidity and self._texts is None):
            self._earlier = earlier._texts or earlier._earlier
            self.memo = earlier.memo

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
