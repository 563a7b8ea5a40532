"""The outbox: a message is stored before submission, submitted once, copied to Sent.

States of a queued message (the Message-ID is the key):

``queued``     stored, not yet accepted by the submission server;
``sending``    claimed by one process for one submission attempt (another process
               flushing the same outbox leaves it alone; a claim left by a process that
               died is taken over after :data:`STALE_CLAIM_SECONDS`);
``submitted``  accepted (SMTP 250 after DATA); only the copy to Sent is left to do;
``failed``     refused for good (5xx, too large): kept with the reason for the user.

Each transition is committed before the next step, so a crash or a dropped connection
at any point leaves the message in the outbox with the reason, and a retry resumes at
the step that did not happen: an accepted message is never submitted again, and the
copy to Sent is skipped when Sent already holds that Message-ID. The sealed rows live in
the account's encrypted file (:mod:`client.mail.store`).
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import email.utils
import json
import logging
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from client.audit import record as audit_record
from client.mail.errors import (
    InvalidMessage,
    MailError,
    MessageTooLarge,
    SubmissionFailed,
)
from client.mail.mailbox import Mailbox
from client.mail.store import EncryptedStore
from client.sessions import SessionOpener

__all__ = ["Outbox", "OutboxEntry", "SubmitOutcome"]

logger = logging.getLogger(__name__)

QUEUED, SENDING, SUBMITTED, FAILED = "queued", "sending", "submitted", "failed"

#: A ``sending`` claim older than this belongs to a process that died mid-submission.
STALE_CLAIM_SECONDS = 300.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    data BLOB NOT NULL,
    reason BLOB
)
"""


@dataclass(frozen=True)
class OutboxEntry:
    """A message in the outbox."""

    message_id: str
    sender: str
    recipients: tuple[str, ...]
    raw: bytes = field(repr=False)
    state: str
    attempts: int
    reason: str
    created: float

    @property
    def subject(self) -> str:
        """The message's subject, decoded ("" when its header cannot be read)."""
        try:
            headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(
                self.raw)
            return str(headers.get("Subject", ""))
        except Exception:  # a list of what waits must show every entry, subject or not
            return ""

    def to_json(self) -> dict[str, Any]:
        """The ``mail outbox --json`` item (no message content)."""
        return {
            "message_id": self.message_id,
            "recipients": list(self.recipients),
            "state": self.state,
            "attempts": self.attempts,
            "reason": self.reason,
            "size": len(self.raw),
        }


@dataclass(frozen=True)
class SubmitOutcome:
    """What a flush did for one message."""

    message_id: str
    state: str  # "sent" (gone from the outbox), or the state it stays in
    reason: str = ""
    refused: dict[str, str] = field(default_factory=dict)
    copied_to_sent: bool = False

    @property
    def sent(self) -> bool:
        """Whether the server accepted the message."""
        return self.state in ("sent", SUBMITTED)


class Outbox:
    """The outbox of one account."""

    def __init__(self, store: EncryptedStore) -> None:
        self.store = store
        store.conn.execute(_SCHEMA)

    def _key(self, message_id: str) -> str:
        return self.store.lookup_hash(message_id)

    def enqueue(self, raw: bytes, sender: str, recipients: Sequence[str]) -> str:
        """Store a message (before any submission attempt); returns its Message-ID.

        Enqueuing a Message-ID already queued keeps the existing entry (no duplicate).
        """
        from client.mail.reading import parse_message

        message_id = parse_message(raw).message_id
        if not message_id:
            raise InvalidMessage("a message without Message-ID cannot be queued")
        if not recipients:
            raise InvalidMessage("the message has no recipient")
        payload = json.dumps(
            {"id": message_id, "from": sender, "to": list(recipients), "raw": raw.hex()}
        ).encode("utf-8")
        key = self._key(message_id)
        now = time.time()
        self.store.begin()
        try:
            self.store.conn.execute(
                "INSERT OR IGNORE INTO outbox VALUES (?, ?, 0, ?, ?, ?, NULL)",
                (key, QUEUED, now, now, self.store.seal(b"outbox:" + key.encode(), payload)),
            )
        except BaseException:
            self.store.rollback()
            raise
        self.store.commit()
        return message_id

    def entries(self) -> list[OutboxEntry]:
        """Everything in the outbox, oldest first."""
        rows = self.store.conn.execute(
            "SELECT key, state, attempts, created, data, reason FROM outbox ORDER BY created"
        ).fetchall()
        return [self._entry(*row) for row in rows]

    def get(self, message_id: str) -> OutboxEntry | None:
        """The entry with ``message_id``, or None (sent and removed, or never queued)."""
        row = self.store.conn.execute(
            "SELECT key, state, attempts, created, data, reason FROM outbox WHERE key = ?",
            (self._key(message_id),),
        ).fetchone()
        return None if row is None else self._entry(*row)

    def _entry(
        self, key: str, state: str, attempts: int, created: float, data: bytes,
        reason: bytes | None,
    ) -> OutboxEntry:
        aad = b"outbox:" + key.encode()
        payload = json.loads(self.store.unseal(aad, bytes(data)))
        text = self.store.unseal(aad + b":reason", bytes(reason)).decode() if reason else ""
        return OutboxEntry(
            message_id=payload["id"],
            sender=payload["from"],
            recipients=tuple(payload["to"]),
            raw=bytes.fromhex(payload["raw"]),
            state=state,
            attempts=attempts,
            reason=text,
            created=created,
        )

    def _set_state(self, message_id: str, state: str, reason: str, *, attempt: bool) -> None:
        key = self._key(message_id)
        sealed = (
            self.store.seal(b"outbox:" + key.encode() + b":reason", reason.encode())
            if reason
            else None
        )
        self.store.begin()
        self.store.conn.execute(
            "UPDATE outbox SET state = ?, reason = ?, updated = ?,"
            " attempts = attempts + ? WHERE key = ?",
            (state, sealed, time.time(), 1 if attempt else 0, key),
        )
        self.store.commit()

    def _claim(self, message_id: str) -> bool:
        """Take the entry for one submission attempt; False if another process has it."""
        now = time.time()
        self.store.begin()
        try:
            cursor = self.store.conn.execute(
                "UPDATE outbox SET state = ?, updated = ? WHERE key = ? AND"
                " (state IN (?, ?) OR (state = ? AND updated < ?))",
                (SENDING, now, self._key(message_id), QUEUED, FAILED, SENDING,
                 now - STALE_CLAIM_SECONDS),
            )
        except BaseException:
            self.store.rollback()
            raise
        self.store.commit()
        return cursor.rowcount == 1

    def remove(self, message_id: str) -> None:
        """Drop a message from the outbox (sent and filed, or abandoned by the user)."""
        self.store.begin()
        self.store.conn.execute("DELETE FROM outbox WHERE key = ?", (self._key(message_id),))
        self.store.commit()

    # -- submission ------------------------------------------------------------------------

    def flush(
        self,
        opener: SessionOpener,
        mailbox: Mailbox | None = None,
        *,
        only: str | None = None,
        retry_failed: bool = False,
    ) -> list[SubmitOutcome]:
        """Submit what is queued and file what was submitted; returns one outcome each.

        ``mailbox`` files copies in Sent (RFC 6154 ``\\Sent``); without it, accepted
        messages stay in the ``submitted`` state until a flush with a mailbox.
        """
        outcomes = []
        for entry in self.entries():
            if only is not None and entry.message_id != only:
                continue
            if entry.state == FAILED and not retry_failed:
                outcomes.append(SubmitOutcome(entry.message_id, FAILED, entry.reason))
                continue
            outcomes.append(self._process(opener, mailbox, entry))
        return outcomes

    def _process(
        self, opener: SessionOpener, mailbox: Mailbox | None, entry: OutboxEntry
    ) -> SubmitOutcome:
        refused: dict[str, str] = {}
        if entry.state in (QUEUED, FAILED, SENDING):
            if not self._claim(entry.message_id):
                return SubmitOutcome(entry.message_id, SENDING,
                                     BUSY_ELSEWHERE)
            try:
                refused = _submit(opener, entry)
            except SubmissionFailed as exc:
                state = FAILED if exc.permanent else QUEUED
                self._set_state(entry.message_id, state, exc.reason, attempt=True)
                logger.warning("submission failed (%s): %s", state, exc.reason)
                audit_record("send-failed", message_id=entry.message_id, state=state)
                return SubmitOutcome(entry.message_id, state, exc.reason)
            except Exception as exc:
                # The session could not open (card removed, token refused, TLS): nothing
                # was submitted; release the claim so a retry after the fix goes at once.
                self._set_state(entry.message_id, QUEUED, f"{NOT_SENT}{exc}", attempt=True)
                raise
            note = (
                SOME_REFUSED + ", ".join(sorted(refused)) if refused else ""
            )
            self._set_state(entry.message_id, SUBMITTED, note, attempt=True)
            audit_record("send", message_id=entry.message_id, recipients=list(entry.recipients),
                         refused=sorted(refused))
        if mailbox is None:
            return SubmitOutcome(entry.message_id, SUBMITTED, refused=refused)
        try:
            copied = _file_in_sent(mailbox, entry)
        except MailError as exc:
            reason = f"{NOT_FILED}{exc}"
            self._set_state(entry.message_id, SUBMITTED, reason, attempt=False)
            return SubmitOutcome(entry.message_id, SUBMITTED, reason, refused)
        self.remove(entry.message_id)
        return SubmitOutcome(entry.message_id, "sent", refused=refused, copied_to_sent=copied)


# The reasons the outbox records start with one of these prefixes (their text after the
# prefix is detail: an exception's or the server's words). Windows word each kind in the
# user's language through :func:`reason_kind` instead of showing the English record.
NOT_SENT = "not sent: "
UNREACHABLE = "cannot reach the submission server: "
CONNECTION_LOST = "connection to the submission server lost: "
BUSY_ELSEWHERE = "being sent by another instance of the application"
TOO_LARGE = "message too large: "
RECIPIENTS_REFUSED = "recipients refused: "
SOME_REFUSED = "refused by the server: "
NOT_FILED = "sent, but not copied to Sent: "
_KINDS = {
    NOT_SENT: "not-sent", UNREACHABLE: "unreachable", CONNECTION_LOST: "connection-lost",
    BUSY_ELSEWHERE: "busy-elsewhere", TOO_LARGE: "too-large",
    RECIPIENTS_REFUSED: "recipients-refused", SOME_REFUSED: "some-refused",
    NOT_FILED: "not-filed",
}


def reason_kind(reason: str) -> tuple[str, str]:
    """``(kind, detail)`` of a recorded reason.

    ``kind`` is one of the values of the prefix table, ``"server"`` for a server's reply
    (``550 5.7.1 ...``, its words as detail), ``"other"`` for anything else, ``""`` for no
    reason.
    """
    if not reason:
        return "", ""
    for prefix, kind in _KINDS.items():
        if reason.startswith(prefix):
            return kind, reason[len(prefix):]
    if reason[:3].isdigit():
        return "server", reason
    return "other", reason


def _code_reason(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {message}".strip()


def _submit(opener: SessionOpener, entry: OutboxEntry) -> dict[str, str]:
    """One SMTP transaction (RFC 5321); returns the recipients refused individually."""
    mid = entry.message_id
    try:
        smtp = opener.open_smtp()
    except MailError as exc:
        raise SubmissionFailed(mid, f"{NOT_SENT}{exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SubmissionFailed(mid, f"{UNREACHABLE}{exc}") from exc
    try:
        smtp.ehlo_or_helo_if_needed()
        if smtp.has_extn("size"):
            # RFC 1870: refuse locally what the server announced it will refuse.
            limit = int((smtp.esmtp_features.get("size") or "0").split()[0] or 0)
            if limit and len(entry.raw) > limit:
                too_large = MessageTooLarge(len(entry.raw), limit)
                raise SubmissionFailed(
                    mid, f"{TOO_LARGE}{len(entry.raw)} bytes, server limit {limit}",
                    permanent=True,
                ) from too_large
        # smtplib adds the SIZE=<n> MAIL parameter itself when the server offers SIZE.
        refused = smtp.sendmail(entry.sender, list(entry.recipients), entry.raw)
        return {addr: _code_reason(code, text) for addr, (code, text) in refused.items()}
    except smtplib.SMTPRecipientsRefused as exc:
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
        detail = "; ".join(
            f"{addr}: {_code_reason(c, t)}" for addr, (c, t) in exc.recipients.items()
        )
        raise SubmissionFailed(mid, f"{RECIPIENTS_REFUSED}{detail}",
                               permanent=permanent) from exc
    except smtplib.SMTPResponseException as exc:
        raise SubmissionFailed(
            mid, _code_reason(exc.smtp_code, exc.smtp_error), permanent=exc.smtp_code >= 500
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SubmissionFailed(mid, f"{CONNECTION_LOST}{exc}") from exc
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
        smtp.close()


def _file_in_sent(mailbox: Mailbox, entry: OutboxEntry) -> bool:
    """Append to Sent unless Sent already holds this Message-ID; returns whether copied."""
    sent = mailbox.folder_for("sent")
    if sent is None:
        logger.warning("no Sent folder on the server: sent message not filed")
        return False
    if mailbox.uids_with_message_id(sent, entry.message_id):
        return False
    date = None
    with contextlib.suppress(TypeError, ValueError, IndexError):
        from client.mail.reading import parse_message

        when = parse_message(entry.raw).date
        date = when if when is not None else email.utils.localtime()
    mailbox.append(sent, entry.raw, flags=["\\Seen"], when=date)
    return True
