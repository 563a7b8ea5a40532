"""The encrypted local mail cache: folders, message summaries, flags, opened bodies.

Works offline: :meth:`MailCache.list_messages` answers from the file alone. Clear columns
are only what ordering and sync need (UIDs, MODSEQ, flags, size, date, attachment bit);
senders, recipients, subjects, Message-IDs, folder names and bodies are sealed
(:mod:`client.mail.store`).

A list of 100,000 messages is read in windows: :meth:`MailCache.ordered_uids` orders a
folder by an indexed clear column inside SQLite (nothing decrypted), and
:meth:`MailCache.summaries_of` unseals only the rows asked for. A reader thread uses its
own connection (:meth:`MailCache.reader`), so a running sync never holds it up (WAL).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from client.mail.errors import CacheCorrupted, FolderNotFound
from client.mail.keystore import KeyringKeyStore, KeyStore
from client.mail.sort_index import (
    Segment,
    SortKeys,
    compaction_due,
    decode_segment,
    encode_segment,
    key_rows_missing,
    ordered_segment,
    sort_keys,
)
from client.mail.store import EncryptedStore, default_store_path
from client.mail.summary import (
    FetchedRow,
    MessageSummary,
    envelope_texts,
    summary_from_envelope,
)

__all__ = ["SORT_KEYS", "FolderState", "MailCache"]

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS folders (
    id INTEGER PRIMARY KEY,
    name_hash TEXT NOT NULL UNIQUE,
    name BLOB NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uidnext INTEGER NOT NULL,
    highestmodseq INTEGER NOT NULL,
    synced_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    flags TEXT NOT NULL,
    size INTEGER NOT NULL,
    date REAL,
    has_attachments INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sort_keys (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    rows INTEGER NOT NULL,
    ordered INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sort_keys_by_folder ON sort_keys(folder_id);
CREATE TABLE IF NOT EXISTS bodies (
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (folder_id, uid)
) WITHOUT ROWID;
"""

# What the list sorts on, in clear columns only: read/flagged come from the IMAP flags
# (already clear), never from a sealed field. The expressions are the indexed ones below:
# SQLite uses an expression index only for the very same expression text, and reads the
# index alone (never the rows and their sealed blobs) only when ``flags`` is in it too.
_UNREAD = "(instr(' ' || flags || ' ', ' \\Seen ') = 0)"
_FLAGGED = "(instr(' ' || flags || ' ', ' \\Flagged ') > 0)"
_INDEXES = f"""
CREATE INDEX IF NOT EXISTS messages_by_date ON messages(folder_id, date, uid);
CREATE INDEX IF NOT EXISTS messages_by_size ON messages(folder_id, size, uid);
CREATE INDEX IF NOT EXISTS messages_by_status
    ON messages(folder_id, {_UNREAD}, {_FLAGGED}, has_attachments, uid, flags);
"""
_INDEX_NAMES = ("messages_by_date", "messages_by_size", "messages_by_status")
#: Sort keys :meth:`MailCache.ordered_uids` answers in SQLite, as ORDER BY terms.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "uid": ("uid",),
    "date": ("date", "uid"),
    "size": ("size", "uid"),
    "status": (_UNREAD, _FLAGGED, "has_attachments", "uid"),
}
_SELECT_IN = ("SELECT uid, modseq, flags, size, date, has_attachments, data FROM messages"
              " WHERE folder_id = ? AND uid IN ")
_TEXTS_IN = "SELECT uid, data FROM messages WHERE folder_id = ? AND uid IN "
#: How long a statement waits for another connection's write (sqlite3's default).
_BUSY_TIMEOUT_MS = 5_000
_Row = TypeVar("_Row")
#: SQLite's bound-variable limit is far above this; windows are small anyway.
_CHUNK = 500


@dataclass(frozen=True)
class FolderState:
    """What the cache knows of a folder's server state at the last sync (RFC 7162)."""

    folder_id: int
    name: str
    uidvalidity: int
    uidnext: int
    highestmodseq: int
    synced_at: float
    count: int


class MailCache:
    """The cache of one account. Use as a context manager or call :meth:`close`."""

    def __init__(self, store: EncryptedStore) -> None:
        self.store = store
        try:
            store.conn.executescript(_SCHEMA + _INDEXES)
        except sqlite3.DatabaseError as exc:
            store.close()
            raise CacheCorrupted(str(exc)) from exc

    @classmethod
    def open(
        cls, account: str, *, keystore: KeyStore | None = None, path: Path | None = None
    ) -> MailCache:
        """Open (or create) the cache of ``account`` with its key from ``keystore``."""
        key = (keystore or KeyringKeyStore()).load_or_create(account)
        return cls(EncryptedStore(path or default_store_path(account), key))

    def reader(self) -> MailCache:
        """The same cache over a second connection, for one reader thread (the message
        list's windows): WAL lets it read while the sync writes on the first one."""
        return MailCache(self.store.twin())

    @property
    def path(self) -> Path:
        """The cache file."""
        return self.store.path

    def close(self) -> None:
        """Close the file."""
        self.store.close()

    def __enter__(self) -> MailCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic batch of writes (a kill inside it leaves the previous state)."""
        self.store.begin()
        try:
            yield
        except sqlite3.OperationalError as exc:
            # A full disk inside the batch: the batch is dropped, the file keeps the
            # previous committed state (WAL), and callers get a mail-layer error.
            self.store.rollback()
            failure = self.store.write_failed(exc)
            if failure is None:
                raise
            raise failure from exc
        except BaseException:
            self.store.rollback()
            raise
        self.store.commit()

    # -- folders ---------------------------------------------------------------------------

    def folder_state(self, name: str) -> FolderState | None:
        """The cached state of ``name``, or None when never synced."""
        row = self.store.conn.execute(
            "SELECT id, uidvalidity, uidnext, highestmodseq, synced_at,"
            " (SELECT count(*) FROM messages WHERE folder_id = folders.id)"
            " FROM folders WHERE name_hash = ?",
            (self.store.lookup_hash(name),),
        ).fetchone()
        if row is None:
            return None
        return FolderState(row[0], name, row[1], row[2], row[3], row[4], row[5])

    def _folder_id(self, name: str) -> int | None:
        # Without the message count of folder_state: a window is read at every scroll.
        row = self.store.conn.execute(
            "SELECT id FROM folders WHERE name_hash = ?", (self.store.lookup_hash(name),)
        ).fetchone()
        return None if row is None else int(row[0])

    def uidvalidity(self, name: str) -> int | None:
        """The cached UIDVALIDITY of ``name`` (None when never synced), without counting
        its messages as :meth:`folder_state` does."""
        row = self.store.conn.execute(
            "SELECT uidvalidity FROM folders WHERE name_hash = ?",
            (self.store.lookup_hash(name),),
        ).fetchone()
        return None if row is None else int(row[0])

    def folder_names(self) -> list[str]:
        """Names of the cached folders."""
        rows = self.store.conn.execute("SELECT id, name FROM folders ORDER BY id").fetchall()
        return [
            self.store.unseal(b"folder:%d" % fid, bytes(blob)).decode("utf-8")
            for fid, blob in rows
        ]

    def reset_folder(self, name: str, uidvalidity: int) -> int:
        """Forget every message of ``name`` (new UIDVALIDITY) and return its folder id."""
        conn = self.store.conn
        key = self.store.lookup_hash(name)
        row = conn.execute("SELECT id FROM folders WHERE name_hash = ?", (key,)).fetchone()
        if row is None:
            cur = conn.execute(
                "INSERT INTO folders(name_hash, name, uidvalidity, uidnext, highestmodseq,"
                " synced_at) VALUES (?, x'', ?, 1, 0, 0)",
                (key, uidvalidity),
            )
            fid = int(cur.lastrowid or 0)
            conn.execute(
                "UPDATE folders SET name = ? WHERE id = ?",
                (self.store.seal(b"folder:%d" % fid, name.encode("utf-8")), fid),
            )
            return fid
        fid = int(row[0])
        conn.execute("DELETE FROM messages WHERE folder_id = ?", (fid,))
        conn.execute("DELETE FROM bodies WHERE folder_id = ?", (fid,))
        conn.execute("DELETE FROM sort_keys WHERE folder_id = ?", (fid,))
        conn.execute(
            "UPDATE folders SET uidvalidity = ?, uidnext = 1, highestmodseq = 0 WHERE id = ?",
            (uidvalidity, fid),
        )
        return fid

    def save_folder_state(
        self, folder_id: int, *, uidnext: int, highestmodseq: int, synced_at: float
    ) -> None:
        """Record the server state the cache now matches."""
        self.store.conn.execute(
            "UPDATE folders SET uidnext = ?, highestmodseq = ?, synced_at = ? WHERE id = ?",
            (uidnext, highestmodseq, synced_at, folder_id),
        )

    # -- messages --------------------------------------------------------------------------

    def put_summaries(self, folder_id: int, summaries: Iterable[MessageSummary]) -> int:
        """Insert or replace summaries; returns how many."""
        seal = self.store.seal
        dumps = json.dumps
        rows = []
        keys = []
        for s in summaries:
            keys.append(sort_keys(s.uid, s.sender, s.to, s.subject))
            payload = dumps(
                ["d", s.sender, s.to, s.cc, s.subject, s.message_id], ensure_ascii=False
            ).encode("utf-8")
            rows.append(
                (
                    folder_id,
                    s.uid,
                    s.modseq,
                    " ".join(s.flags),
                    s.size,
                    s.date.timestamp() if s.date else None,
                    1 if s.has_attachments else 0,
                    seal(b"msg:%d:%d" % (folder_id, s.uid), payload),
                )
            )
        self.store.conn.executemany(
            "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
        self._add_sort_keys(folder_id, keys)
        return len(rows)

    def put_rows(self, folder_id: int, fetched: Iterable[FetchedRow]) -> int:
        """Insert or replace rows straight from a FETCH (the sync's fast path), with
        their sort keys (:mod:`client.mail.sort_index`): the headers are in hand here,
        so a folder sorts on its sealed columns without unsealing its rows later."""
        seal = self.store.seal
        dumps = json.dumps
        fetched = list(fetched)
        rows = [
            (
                folder_id,
                r.uid,
                r.modseq,
                " ".join(r.flags),
                r.size,
                r.date,
                1 if r.has_attachments else 0,
                seal(b"msg:%d:%d" % (folder_id, r.uid), dumps(["r", *r.envelope]).encode()),
            )
            for r in fetched
        ]
        self.store.conn.executemany(
            "INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
        self._add_sort_keys(folder_id, [sort_keys(r.uid, *envelope_texts(r.envelope))
                                        for r in fetched])
        return len(rows)

    # -- sort keys -------------------------------------------------------------------------

    def _add_sort_keys(self, folder_id: int, keys: Sequence[SortKeys]) -> None:
        if keys:
            self._put_segment(folder_id, encode_segment(keys), len(keys), ordered=False)

    def _put_segment(self, folder_id: int, plaintext: bytes, rows: int, *, ordered: bool
                     ) -> None:
        conn = self.store.conn
        segment = conn.execute(
            "INSERT INTO sort_keys(folder_id, rows, ordered, data) VALUES (?, ?, ?, x'')",
            (folder_id, rows, int(ordered)),
        ).lastrowid
        conn.execute(
            "UPDATE sort_keys SET data = ? WHERE id = ?",
            (self.store.seal(b"sortkeys:%d:%d" % (folder_id, segment or 0), plaintext),
             segment),
        )

    def add_sort_keys(self, folder: str, keys: Sequence[SortKeys], *,
                      wait: float = 0.2) -> None:
        """Store the keys of rows keyed from their sealed data (cached before the keys
        were kept), in one transaction waiting at most ``wait`` seconds for another
        writer (a sync): the keys are a shortcut, a reader must not be held up for them
        (``sqlite3.OperationalError`` when the file stays busy). Unknown folder: nothing."""
        folder_id = self._folder_id(folder)
        if folder_id is None:
            return
        conn = self.store.conn
        conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        try:
            with self.transaction():
                self._add_sort_keys(folder_id, keys)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")

    def stored_sort_keys(self, folder: str) -> list[Segment]:
        """The stored key segments of ``folder``, oldest first (UIDs no longer cached
        included, a UID possibly in two). A segment that cannot be read is skipped: its
        rows are keyed again from the rows."""
        folder_id = self._folder_id(folder)
        if folder_id is None:
            return []
        segments = []
        cursor = self.store.conn.execute(
            "SELECT id, data FROM sort_keys WHERE folder_id = ? ORDER BY id", (folder_id,))
        for number, blob in cursor:
            try:
                data = self.store.unseal(b"sortkeys:%d:%d" % (folder_id, number), blob)
            except CacheCorrupted:
                logger.warning("a sort-key segment of the cache cannot be decrypted;"
                               " it will be rebuilt")
                continue
            segment = decode_segment(data)
            if segment is not None:
                segments.append(segment)
        return segments

    def compact_sort_keys(self, folder: str) -> bool:
        """Rewrite the key segments of ``folder`` as one ordered segment when they call
        for it (:func:`client.mail.sort_index.compaction_due`): after a sync, which has
        the time, so that the list sorts a large folder by reading one order. Returns
        whether it did. Call outside a transaction; one transaction of its own."""
        folder_id = self._folder_id(folder)
        if folder_id is None:
            return False
        stored = [(int(rows), bool(ordered)) for rows, ordered in self.store.conn.execute(
            "SELECT rows, ordered FROM sort_keys WHERE folder_id = ? ORDER BY id",
            (folder_id,))]
        if not compaction_due(self.cached_count(folder_id), stored):
            return False
        order = self.ordered_uids(folder, "date", descending=True)
        segments = self.stored_sort_keys(folder)
        missing = key_rows_missing(order, segments,
                                   lambda uids: self.sort_keys_of(folder, uids))
        if missing is not None:
            segments.append(missing)
        plaintext, rows = ordered_segment(order, segments)
        del segments
        with self.transaction():
            conn = self.store.conn
            conn.execute("DELETE FROM sort_keys WHERE folder_id = ?", (folder_id,))
            self._put_segment(folder_id, plaintext, rows, ordered=True)
        return True

    def defer_indexes(self, incoming: int) -> bool:
        """Drop the list's sort indexes before a bulk load of ``incoming`` rows when it
        is cheaper to build them once afterwards (:meth:`restore_indexes`): keeping
        three indexes current costs every insert of a cold sync about half again, while
        building them over the whole table costs about as much as loading it, so this
        pays only when the load brings at least as many rows as the table holds.
        Returns whether they were dropped. Call inside a transaction; a process killed
        before the restore gets them back when the cache is next opened."""
        held = self.store.conn.execute("SELECT count(*) FROM messages").fetchone()[0]
        if incoming < max(1, int(held)):
            return False
        for name in _INDEX_NAMES:
            self.store.conn.execute(f"DROP INDEX IF EXISTS {name}")
        return True

    def restore_indexes(self) -> None:
        """(Re)create the list's sort indexes (nothing to do when they exist)."""
        for statement in _INDEXES.split(";"):
            if statement.strip():
                self.store.conn.execute(statement)

    def update_flags(
        self, folder_id: int, changes: Iterable[tuple[int, tuple[str, ...], int]]
    ) -> int:
        """Apply ``(uid, flags, modseq)`` changes to cached messages; returns how many."""
        rows = [(" ".join(flags), modseq, folder_id, uid) for uid, flags, modseq in changes]
        self.store.conn.executemany(
            "UPDATE messages SET flags = ?, modseq = ? WHERE folder_id = ? AND uid = ?", rows
        )
        return len(rows)

    def cached_count(self, folder_id: int) -> int:
        """How many messages of the folder are cached (no row is read into Python)."""
        row = self.store.conn.execute(
            "SELECT count(*) FROM messages WHERE folder_id = ?", (folder_id,)
        ).fetchone()
        return int(row[0])

    def cached_uids(self, folder_id: int) -> set[int]:
        """UIDs cached for the folder."""
        rows = self.store.conn.execute(
            "SELECT uid FROM messages WHERE folder_id = ?", (folder_id,)
        )
        return {int(r[0]) for r in rows}

    def remove_uids(self, folder_id: int, uids: Iterable[int]) -> int:
        """Forget expunged messages (and their bodies); returns how many."""
        rows = [(folder_id, uid) for uid in uids]
        conn = self.store.conn
        conn.executemany("DELETE FROM messages WHERE folder_id = ? AND uid = ?", rows)
        conn.executemany("DELETE FROM bodies WHERE folder_id = ? AND uid = ?", rows)
        return len(rows)

    def list_messages(
        self, folder: str, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[MessageSummary]]:
        """``(total, page)`` from the cache, newest first; works offline."""
        state = self.folder_state(folder)
        if state is None:
            raise FolderNotFound(folder)
        rows = self.store.conn.execute(
            "SELECT uid, modseq, flags, size, date, has_attachments, data FROM messages"
            " WHERE folder_id = ? ORDER BY uid DESC LIMIT ? OFFSET ?",
            (state.folder_id, limit, offset),
        ).fetchall()
        return state.count, [self._summary(state.folder_id, row) for row in rows]

    def ordered_uids(self, folder: str, key: str = "date", *, descending: bool = True
                     ) -> list[int]:
        """Every cached UID of ``folder`` ordered by ``key`` (:data:`SORT_KEYS`), ties by
        UID; answered from an index, nothing is decrypted. Unknown folder: empty."""
        folder_id = self._folder_id(folder)
        if folder_id is None:
            return []
        direction = " DESC" if descending else ""
        terms = ", ".join(term + direction for term in SORT_KEYS[key])
        cursor = self.store.conn.execute(
            f"SELECT uid FROM messages WHERE folder_id = ? ORDER BY {terms}",  # noqa: S608
            (folder_id,),
        )
        # Row by row, not fetchall(): 100,000 tuples alive at once would wake the garbage
        # collector, whose full passes stop the GUI thread too.
        return [row[0] for row in cursor]

    def summaries_of(self, folder: str, uids: Iterable[int]) -> list[MessageSummary]:
        """The cached summaries of ``uids`` (a window of the list), in the order asked;
        UIDs no longer cached are left out. Only these rows are decrypted."""
        return self._rows_of(folder, uids, _SELECT_IN,
                             lambda folder_id, row: self._summary(folder_id, row))

    def sort_keys_of(self, folder: str, uids: Iterable[int]) -> list[SortKeys]:
        """The :data:`client.mail.sort_index.SortKeys` of ``uids`` keyed from their
        sealed rows, in the order asked, UIDs no longer cached left out: rows cached
        before the keys were stored. The rows are decrypted but no summary is built
        (no dates, flags, copied recipients). Nothing is written back."""
        def keyed(folder_id: int, row: tuple[Any, ...]) -> SortKeys:
            uid, blob = row
            payload = self._payload(folder_id, uid, blob)
            if payload[0] == "r":
                sender, to, subject = envelope_texts(payload[1:])
            else:
                _, sender, to, _cc, subject, _message_id = payload
            return sort_keys(uid, sender, to, subject)

        return self._rows_of(folder, uids, _TEXTS_IN, keyed)

    def _rows_of(self, folder: str, uids: Iterable[int], select: str,
                 convert: Callable[[int, tuple[Any, ...]], _Row]) -> list[_Row]:
        """``convert(folder_id, row)`` of the rows ``select`` (a query ending in
        ``uid IN``) reads for ``uids``, in the order asked; gone UIDs left out."""
        folder_id = self._folder_id(folder)
        wanted = list(uids)
        if folder_id is None or not wanted:
            return []
        found: dict[int, _Row] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            query = f"{select}({marks})"  # only "?" placeholders are joined in
            for row in self.store.conn.execute(query, (folder_id, *chunk)).fetchall():
                found[row[0]] = convert(folder_id, row)
        return [found[uid] for uid in wanted if uid in found]

    def summary(self, folder: str, uid: int) -> MessageSummary | None:
        """One cached summary, or None."""
        state = self.folder_state(folder)
        if state is None:
            return None
        row = self.store.conn.execute(
            "SELECT uid, modseq, flags, size, date, has_attachments, data FROM messages"
            " WHERE folder_id = ? AND uid = ?",
            (state.folder_id, uid),
        ).fetchone()
        return None if row is None else self._summary(state.folder_id, row)

    def _payload(self, folder_id: int, uid: object, blob: object) -> list[Any]:
        if not isinstance(uid, int) or not isinstance(blob, bytes):
            raise CacheCorrupted("a cached message row is malformed")
        # Decoded here, not by json.loads(bytes), which sniffs the encoding of every row.
        payload = json.loads(self.store.unseal(b"msg:%d:%d" % (folder_id, uid),
                                               blob).decode("utf-8"))
        if not isinstance(payload, list) or not payload:
            raise CacheCorrupted("a cached message row is malformed")
        return payload

    def _summary(self, folder_id: int, row: tuple[object, ...]) -> MessageSummary:
        uid, modseq, flags, size, date, attach, blob = row
        if not isinstance(uid, int) or not isinstance(blob, bytes):
            raise CacheCorrupted("a cached message row is malformed")
        payload = self._payload(folder_id, uid, blob)
        when = (
            dt.datetime.fromtimestamp(float(date), dt.UTC)
            if isinstance(date, int | float)
            else None
        )
        flag_names = tuple(str(flags).split()) if flags else ()
        size_value = int(size) if isinstance(size, int) else 0
        modseq_value = int(modseq) if isinstance(modseq, int) else 0
        if payload[0] == "r":
            return summary_from_envelope(
                uid, payload[1:], flags=flag_names, size=size_value, date=when,
                has_attachments=bool(attach), modseq=modseq_value,
            )
        _, sender, to, cc, subject, message_id = payload
        return MessageSummary(
            uid=uid,
            sender=sender,
            to=tuple(to),
            cc=tuple(cc),
            subject=subject,
            date=when,
            flags=flag_names,
            size=size_value,
            has_attachments=bool(attach),
            message_id=message_id,
            modseq=modseq_value,
        )

    # -- bodies ----------------------------------------------------------------------------

    def put_body(self, folder: str, uid: int, raw: bytes) -> None:
        """Keep the full message the user opened (sealed)."""
        state = self.folder_state(folder)
        if state is None:
            return
        with self.transaction():
            self.store.conn.execute(
                "INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                (
                    state.folder_id,
                    uid,
                    self.store.seal(b"body:%d:%d" % (state.folder_id, uid), raw),
                ),
            )

    def body(self, folder: str, uid: int) -> bytes | None:
        """The cached full message, or None."""
        state = self.folder_state(folder)
        if state is None:
            return None
        row = self.store.conn.execute(
            "SELECT data FROM bodies WHERE folder_id = ? AND uid = ?", (state.folder_id, uid)
        ).fetchone()
        if row is None:
            return None
        return self.store.unseal(b"body:%d:%d" % (state.folder_id, uid), bytes(row[0]))
