"""The spool's journal: one row per outgoing message (keyed by Message-ID) and per
received message (keyed by UIDVALIDITY and UID), in SQLite (WAL).

States of an outgoing message::

    queued ──(content sent, before the final dot)──> dot ──(250)──> submitted ──> done
       │                                               │
       └──(permanent refusal, or given up)──> failed    └──(process died)──> submitted,
                                                            unconfirmed (never resent)

The ``dot`` row is committed *durably* (fsync) before the final ``.`` of DATA leaves
(RFC 5321 section 4.1.1.4): once the server may have accepted the message, no restart,
``kill -9`` or power cut can make the spool submit it again. The other transitions can
be redone from the files, so they are committed without waiting for the disk.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DOT", "DONE", "FAILED", "QUEUED", "SUBMITTED", "Journal", "OutgoingRow"]

QUEUED, DOT, SUBMITTED, DONE, FAILED = "queued", "dot", "submitted", "done", "failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outgoing (
    message_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    work TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '[]',
    confirmed INTEGER NOT NULL DEFAULT 1,
    report TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outgoing_state ON outgoing (state, next_try);
CREATE TABLE IF NOT EXISTS incoming (
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    name TEXT NOT NULL,
    flagged INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (uidvalidity, uid)
);
"""


@dataclass(frozen=True)
class OutgoingRow:
    """One outgoing message of the journal."""

    message_id: str
    name: str
    work: str
    state: str
    attempts: int
    next_try: float
    created: float
    reason: str
    confirmed: bool
    report: str
    recipients: tuple[str, ...] = ()


def _row(r: Any) -> OutgoingRow:
    return OutgoingRow(message_id=r[0], name=r[1], work=r[2], state=r[3], attempts=r[4],
                       next_try=r[5], created=r[6], reason=r[7], confirmed=bool(r[8]),
                       report=r[9], recipients=tuple(json.loads(r[10])))


class Journal:
    """The journal file ``.spool/journal.sqlite`` (one writer: the lock holder)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # One thread at a time, but not necessarily the one that opened it (a service
        # thread of an embedding program).
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=30,
                                    check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file."""
        self.conn.close()

    # -- outgoing --------------------------------------------------------------------

    def add(self, message_id: str, name: str, work: str, recipients: list[str]) -> bool:
        """Record a claimed message; False when this Message-ID is already known."""
        now = time.time()
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO outgoing (message_id, name, work, state, created, updated,"
            " recipients) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (message_id, name, work, QUEUED, now, now, json.dumps(recipients)))
        return cursor.rowcount == 1

    def recipients(self, message_id: str) -> list[str]:
        """The envelope recipients recorded for ``message_id``."""
        row = self.conn.execute("SELECT recipients FROM outgoing WHERE message_id = ?",
                                (message_id,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def get(self, message_id: str) -> OutgoingRow | None:
        """The row of ``message_id``."""
        row = self.conn.execute(
            "SELECT message_id, name, work, state, attempts, next_try, created, reason,"
            " confirmed, report, recipients FROM outgoing WHERE message_id = ?",
            (message_id,)).fetchone()
        return None if row is None else _row(row)

    def in_state(self, *states: str) -> list[OutgoingRow]:
        """Rows in one of ``states``, oldest first."""
        rows = self.conn.execute(
            "SELECT message_id, name, work, state, attempts, next_try, created, reason,"
            " confirmed, report, recipients FROM outgoing"
            " WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created",
            (json.dumps(states),)).fetchall()
        return [_row(r) for r in rows]

    def works(self) -> set[str]:
        """Names of every claimed file the journal knows (any state)."""
        return {r[0] for r in self.conn.execute("SELECT work FROM outgoing")}

    def mark_dot(self, message_id: str) -> None:
        """Durably record that the final dot is about to leave (fsync before returning)."""
        self.conn.execute("PRAGMA synchronous=FULL")
        try:
            self.conn.execute("UPDATE outgoing SET state = ?, updated = ? WHERE message_id = ?",
                              (DOT, time.time(), message_id))
        finally:
            self.conn.execute("PRAGMA synchronous=NORMAL")

    def set_state(self, message_id: str, state: str, *, reason: str = "",
                  attempt: bool = False, next_try: float = 0.0,
                  confirmed: bool | None = None, report: str | None = None) -> None:
        """Move a message to ``state`` (not waiting for the disk: redone from the files)."""
        self.conn.execute(
            "UPDATE outgoing SET state = ?, reason = ?, updated = ?, next_try = ?,"
            " attempts = attempts + ?, confirmed = COALESCE(?, confirmed),"
            " report = COALESCE(?, report) WHERE message_id = ?",
            (state, reason, time.time(), next_try, 1 if attempt else 0,
             None if confirmed is None else int(confirmed), report, message_id))

    def report_of(self, message_id: str) -> str | None:
        """The ``sent/`` report file name of a sent message, if it is one of ours."""
        row = self.conn.execute("SELECT report FROM outgoing WHERE message_id = ?",
                                (message_id,)).fetchone()
        return row[0] if row and row[0] else None

    # -- incoming --------------------------------------------------------------------

    def incoming_name(self, uidvalidity: int, uid: int) -> tuple[str, bool] | None:
        """(folder name, flagged on the server) of an already written message."""
        row = self.conn.execute("SELECT name, flagged FROM incoming WHERE uidvalidity = ?"
                                " AND uid = ?", (uidvalidity, uid)).fetchone()
        return None if row is None else (row[0], bool(row[1]))

    def add_incoming(self, uidvalidity: int, uid: int, name: str) -> None:
        """Record a message written (and fsynced) under ``incoming/name``."""
        self.conn.execute("INSERT OR REPLACE INTO incoming VALUES (?, ?, ?, 0)",
                          (uidvalidity, uid, name))

    def mark_flagged(self, uidvalidity: int, uid: int) -> None:
        """The server copy is marked seen."""
        self.conn.execute("UPDATE incoming SET flagged = 1 WHERE uidvalidity = ? AND uid = ?",
                          (uidvalidity, uid))
