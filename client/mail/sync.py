"""Incremental folder synchronisation into the encrypted cache (RFC 7162 CONDSTORE).

Per folder, against the cached ``(UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, count)``:

- new or changed UIDVALIDITY (RFC 3501 section 2.3.1.1): the cached UIDs mean nothing any
  more, so the folder is emptied and fetched again;
- unchanged HIGHESTMODSEQ, UIDNEXT and message count: nothing to do (one EXAMINE);
- otherwise: summaries of UIDs from the cached UIDNEXT on, and the changes to the cached
  ones. With QRESYNC (RFC 7162 section 3.2) one ``UID FETCH ... (CHANGEDSINCE modseq
  VANISHED)`` answers both the flag changes and the expunged UIDs
  (:mod:`client.mail.qresync`); with CONDSTORE only, ``FETCH ... (CHANGEDSINCE modseq)``
  (section 3.1.4) gives the flags; without it, all flags are fetched. When the cache
  then still holds more messages than the folder (no QRESYNC, or a server whose VANISHED
  missed some), expunged messages are found by comparing ``UID SEARCH ALL`` with it.

Each batch is one cache transaction, and the folder state is written last, so a kill
mid-sync leaves a cache that the next sync completes. Each batch also stores its rows'
sort keys; for the desktop, once the folder is synced, they are compacted into one
ordered segment when due (:mod:`client.mail.sort_index`), so its list sorts on sealed
columns without unsealing the folder.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from client.mail.cache import MailCache
from client.mail.errors import MailConnectionError, MailError
from client.mail.imapfetch import fetch_pipelined, fetch_uid_set
from client.mail.mailbox import Mailbox, imap_errors, unexpected_responses
from client.mail.qresync import fetch_changes, vanished_among
from client.mail.summary import SUMMARY_ITEMS, fetched_row

if TYPE_CHECKING:
    from imapclient import IMAPClient

__all__ = ["SyncResult", "Synchronizer"]

logger = logging.getLogger(__name__)

#: UIDs per FETCH during a full sync: big enough to amortise round trips, small enough
#: to bound memory (imapclient materialises a whole response, and Python's allocator keeps
#: the peak: 2,500 per batch grew RSS by ~29 MB on a first sync, 500 by ~9 MB).
BATCH = 500


@dataclass(frozen=True)
class SyncResult:
    """What one folder sync did."""

    folder: str
    added: int
    updated: int
    removed: int
    total: int
    full: bool
    unchanged: bool

    def to_json(self) -> dict[str, Any]:
        """The ``mail sync --json`` item."""
        return {
            "folder": self.folder,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "total": self.total,
            "full": self.full,
            "unchanged": self.unchanged,
        }


def _int(response: dict[bytes, Any], key: bytes, default: int = 0) -> int:
    value = response.get(key, default)
    if isinstance(value, list | tuple):
        value = value[0] if value else default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class Synchronizer:
    """Brings the cache of one account up to date with the server."""

    def __init__(
        self,
        mailbox: Mailbox,
        cache: MailCache,
        *,
        progress: Callable[[str, int, int], None] | None = None,
        compact_sort_keys: bool = False,
    ) -> None:
        """``compact_sort_keys``: after each folder, rewrite its sort keys as one
        ordered segment when due (:meth:`MailCache.compact_sort_keys`), for the desktop
        list that sorts on them; the command line, the bridge and the spool never do."""
        self.mailbox = mailbox
        self.cache = cache
        self._progress = progress
        self._compact = compact_sort_keys

    def sync_all(self) -> list[SyncResult]:
        """Sync every selectable folder."""
        return [
            self.sync_folder(f.name) for f in self.mailbox.folders() if f.selectable
        ]

    def sync_folder(self, folder: str) -> SyncResult:
        """Sync one folder; see the module docstring for the algorithm.

        A dropped session is reopened once and the sync resumed from what the cache
        holds (each batch was committed); a second drop raises MailConnectionError.
        """
        with unexpected_responses():
            try:
                result = self._sync_folder(folder)
            except MailConnectionError:
                logger.info("connection lost during sync; reopening once")
                self.mailbox.close()
                try:
                    result = self._sync_folder(folder)
                except MailConnectionError:
                    self.mailbox.close()
                    raise
        if self._compact:
            self._compact_sort_keys(folder)
        return result

    def _compact_sort_keys(self, folder: str) -> None:
        # The folder is synced; rewriting its sort keys as one ordered segment is only
        # a shortcut for the list, so a failure here (a full disk) is logged, not raised:
        # the next sync tries again and the list sorts from the segments meanwhile.
        try:
            self.cache.compact_sort_keys(folder)
        except (MailError, sqlite3.Error) as exc:
            logger.warning("sort keys of a folder not compacted (%s)", type(exc).__name__)

    def _sync_folder(self, folder: str) -> SyncResult:
        qresync = self.mailbox.enable_qresync()
        condstore = qresync or self.mailbox.enable_condstore()
        imap = self.mailbox.imap()
        response = self.mailbox.select(folder, readonly=True)
        uidvalidity = _int(response, b"UIDVALIDITY")
        uidnext = _int(response, b"UIDNEXT")
        exists = _int(response, b"EXISTS")
        modseq = _int(response, b"HIGHESTMODSEQ") if condstore else 0
        state = self.cache.folder_state(folder)

        if state is not None and state.uidvalidity == uidvalidity:
            if condstore and modseq and (modseq, uidnext, exists) == (
                state.highestmodseq, state.uidnext, state.count
            ):
                return SyncResult(folder, 0, 0, 0, exists, full=False, unchanged=True)
            return self._incremental(imap, folder, state.folder_id, state.uidnext,
                                     state.highestmodseq, uidnext, exists, modseq, condstore,
                                     qresync)

        if state is not None:
            logger.info("UIDVALIDITY of a folder changed: refetching it")
        with self.cache.transaction():
            folder_id = self.cache.reset_folder(folder, uidvalidity)
            deferred = self.cache.defer_indexes(exists)
        try:
            added = self._fetch_new(imap, folder, folder_id, 1, condstore, exists)
        except BaseException:
            if deferred:
                self._restore_indexes_after_failure()
            raise
        with self.cache.transaction():
            if deferred:
                self.cache.restore_indexes()
            self.cache.save_folder_state(
                folder_id, uidnext=uidnext, highestmodseq=modseq, synced_at=time.time()
            )
        return SyncResult(folder, added, 0, 0, exists, full=True, unchanged=False)

    def _restore_indexes_after_failure(self) -> None:
        # The list sorts the batches already committed; the failure itself is what the
        # caller must see, so a second one here (a full disk) is only logged: the next
        # open of the cache builds the indexes again.
        try:
            with self.cache.transaction():
                self.cache.restore_indexes()
        except (MailError, sqlite3.Error):
            logger.warning("sort indexes not rebuilt after a failed sync", exc_info=True)

    def _fetch_new(
        self,
        imap: IMAPClient,
        folder: str,
        folder_id: int,
        first_uid: int,
        condstore: bool,
        expected: int,
    ) -> int:
        with imap_errors("SEARCH"):
            uids = sorted(u for u in imap.search(["UID", f"{first_uid}:*"]) if u >= first_uid)
        items = list(SUMMARY_ITEMS) + (["MODSEQ"] if condstore else [])
        done = 0
        batches = [uids[start : start + BATCH] for start in range(0, len(uids), BATCH)]
        for data in fetch_pipelined(imap, batches, items, raw_values=True):
            rows = [
                fetched_row(uid, item)
                for uid, item in data.items()
                if uid >= first_uid and b"ENVELOPE" in item
            ]
            with self.cache.transaction():
                done += self.cache.put_rows(folder_id, rows)
            if self._progress is not None:
                self._progress(folder, done, max(expected, len(uids)))
        return done

    def _incremental(
        self,
        imap: IMAPClient,
        folder: str,
        folder_id: int,
        cached_uidnext: int,
        cached_modseq: int,
        uidnext: int,
        exists: int,
        modseq: int,
        condstore: bool,
        qresync: bool = False,
    ) -> SyncResult:
        added = 0
        if uidnext > cached_uidnext:
            added = self._fetch_new(imap, folder, folder_id, cached_uidnext, condstore, exists)

        updated = 0
        removed = 0
        if cached_uidnext > 1:
            old_range = f"1:{cached_uidnext - 1}"
            if qresync and cached_modseq:
                answer = fetch_changes(imap, old_range, cached_modseq)
                data = answer.fetched
                if answer.vanished:
                    gone = vanished_among(answer.vanished, self.cache.cached_uids(folder_id))
                    with self.cache.transaction():
                        removed = self.cache.remove_uids(folder_id, gone)
            elif condstore and cached_modseq:
                data = fetch_uid_set(
                    imap, old_range, ["FLAGS", "MODSEQ"],
                    [f"CHANGEDSINCE {cached_modseq}"],
                )
            else:
                data = fetch_uid_set(imap, old_range, ["FLAGS"])
            changes = []
            for uid, item in data.items():
                if uid >= cached_uidnext or b"FLAGS" not in item:
                    continue
                flags = tuple(
                    f.decode() if isinstance(f, bytes) else str(f) for f in item.get(b"FLAGS", ())
                )
                ms = item.get(b"MODSEQ")
                changes.append((uid, flags, int(ms[0]) if ms else 0))
            with self.cache.transaction():
                updated = self.cache.update_flags(folder_id, changes)

        if self.cache.cached_count(folder_id) != exists:
            with imap_errors("SEARCH"):
                on_server = set(imap.search(["ALL"]))
            gone = self.cache.cached_uids(folder_id) - on_server
            with self.cache.transaction():
                removed += self.cache.remove_uids(folder_id, gone)
        with self.cache.transaction():
            self.cache.save_folder_state(
                folder_id, uidnext=uidnext, highestmodseq=modseq, synced_at=time.time()
            )
        return SyncResult(folder, added, updated, removed, exists, full=False, unchanged=False)
