"""The spool: a loop that sends what appears in ``outgoing/`` and fetches new mail.

One pass: claim new outgoing files (atomic rename into ``.spool/work/``), prepare them
(policy check included), submit what is due over one SMTP session, file each result in
``sent/`` (with a JSON report) or ``failed/`` (with the reason), then write new INBOX
messages to ``incoming/``. Between passes the spool waits ``interval`` seconds or until
stopped. Every step is recorded in the journal first, so that a process killed at any
point resumes at the step that did not happen (:meth:`Spool.recover`).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.audit import AuditBatch
from client.mail.errors import RecipientRefused
from client.mail.policy import RecipientPolicy
from client.mail.receipts import DeliveryFailure, Mdn
from client.sessions import SessionOpener
from client.spool.envelope import Prepared, prepare
from client.spool.errors import EnvelopeInvalid
from client.spool.files import SpoolLayout, SpoolLock, fsync_directory, write_durably, write_json
from client.spool.incoming import Receiver
from client.spool.journal import DONE, DOT, FAILED, QUEUED, SUBMITTED, Journal, OutgoingRow
from client.spool.submission import Outcome, Submitter

__all__ = ["PassReport", "Spool", "SpoolSettings"]

logger = logging.getLogger(__name__)

_SUFFIXES = (".eml", ".json")
# Writing errors of the incoming folder (a full disk, a quota, a read-only mount).
_DISK_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES,
                errno.EPERM, errno.EIO}
_RULES = {
    "outside-trust-space": "is outside the MSSanté trust space (its domain is not on the "
                           "liste blanche)",
    "invalid-address": "is not a valid mail address",
    "no-recipient": "the message has no recipient",
    "no-trust-list": "cannot be checked: no liste blanche is imported (run "
                     "'mssante-companion whitelist import FILE' as the service's user)",
}


@dataclass(frozen=True)
class SpoolSettings:
    """How the spool paces itself (seconds)."""

    interval: float = 10.0
    retry_after: float = 30.0
    retry_max: float = 3600.0
    give_up_after: float = 3 * 86400.0
    send: bool = True
    receive: bool = True


@dataclass
class PassReport:
    """What one pass did."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0
    received: int = 0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``spool --once --json`` document."""
        return {"sent": self.sent, "failed": self.failed, "waiting": self.waiting,
                "received": self.received, "problems": self.problems}


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _unique(directory: Path, name: str) -> str:
    """``name``, or ``stem-2.ext``... when ``directory`` already holds it."""
    if not (directory / name).exists():
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot else (name, "")
    for n in range(2, 100000):
        candidate = f"{stem}-{n}{suffix}"
        if not (directory / candidate).exists():
            return candidate
    raise FileExistsError(directory / name)


class Spool:
    """The spool of one directory and one mailbox."""

    def __init__(self, directory: Path, opener: SessionOpener, policy: RecipientPolicy,
                 settings: SpoolSettings | None = None,
                 stop: threading.Event | None = None) -> None:
        self.layout = SpoolLayout(Path(directory))
        self.layout.create()
        self.opener = opener
        self.policy = policy
        self.settings = settings or SpoolSettings()
        self.stop = stop or threading.Event()
        self.lock = SpoolLock(self.layout)
        self.journal = Journal(self.layout.state / "journal.sqlite")
        self.submitter = Submitter(opener, self.journal)
        self.receiver = Receiver(opener, self.journal, self.layout, on_receipt=self._link)
        self._receive_after = 0.0
        self._receive_failures = 0

    def close(self) -> None:
        """End the sessions, release the lock, close the journal."""
        self.submitter.close()
        self.receiver.close()
        self.lock.release()
        self.journal.close()

    # -- the loop ----------------------------------------------------------------------

    def run(self, *, once: bool = False) -> PassReport:
        """Work until stopped (or one pass with ``once``); returns the last pass's report.

        Raises:
            SpoolBusy: ``once`` and another process holds the directory.
        """
        if once:
            self.lock.acquire_or_raise()
        else:
            while not self.lock.try_acquire():
                logger.info("another spool process holds %s; waiting", self.layout.root)
                if self.stop.wait(self.settings.interval):
                    logger.info("spool stopped")
                    return PassReport()
        logger.info("spool started on %s", self.layout.root)
        self.recover()
        report = PassReport()
        while not self.stop.is_set():
            report = self.run_pass()
            if once:
                break
            self.stop.wait(self.settings.interval)
        logger.info("spool stopped")
        return report

    def run_pass(self) -> PassReport:
        """Claim, send what is due, receive: one pass."""
        report = PassReport()
        if self.settings.send:
            self.claim_new()
            self._send_due(report)
        if self.settings.receive and not self.stop.is_set():
            self._receive(report)
        report.waiting = len(self.journal.in_state(QUEUED))
        return report

    # -- outgoing ----------------------------------------------------------------------

    def claim_new(self) -> int:
        """Claim every ready file of ``outgoing/`` (``.eml``/``.json``, not hidden)."""
        claimed = 0
        try:
            names = sorted(os.listdir(self.layout.outgoing))
        except FileNotFoundError:
            return 0
        for name in names:
            if self.stop.is_set():
                break
            if name.startswith(".") or not name.lower().endswith(_SUFFIXES):
                continue
            work = f"{time.time_ns()}-{name}"
            try:
                # The atomic claim: of two processes, one gets FileNotFoundError.
                os.rename(self.layout.outgoing / name, self.layout.work / work)
            except FileNotFoundError:
                continue
            except IsADirectoryError:
                continue
            self._register(work, name)
            claimed += 1
        if claimed:
            fsync_directory(self.layout.work)
            fsync_directory(self.layout.outgoing)
        return claimed

    def _register(self, work: str, name: str) -> None:
        """Prepare a claimed file and record it in the journal (or file it in failed/)."""
        path = self.layout.work / work
        try:
            prepared = prepare(path, name, self.layout.outgoing, self.opener.address)
            self._check_policy(name, prepared)
        except EnvelopeInvalid as exc:
            self._fail_file(work, name, exc.reason, code=exc.code)
            return
        # Not fsynced one by one: the journal's durable "dot" commit, before anything is
        # submitted, is what must survive a power cut; the claims are synced per pass.
        if prepared.rewritten:  # else the claimed file itself is the message
            write_durably(self.layout.work / f"{work}.msg", prepared.raw, sync=False)
        if not self.journal.add(prepared.message_id, name, work, list(prepared.recipients)):
            earlier = self.journal.get(prepared.message_id)
            where = f"sent/{earlier.report}" if earlier and earlier.report else "the queue"
            self._unlink(self.layout.work / f"{work}.msg")
            self._fail_file(work, name, f"a message with the same Message-ID "
                            f"{prepared.message_id} was already taken ({where}); it is not "
                            "sent twice", code="duplicate")
            return
        logger.info("queued %s", prepared.message_id)

    def _check_policy(self, name: str, prepared: Prepared) -> None:
        try:
            self.policy.check(prepared.recipients)
        except RecipientRefused as exc:
            rule = _RULES.get(exc.rule, exc.rule)
            text = rule if exc.rule == "no-recipient" else f"{exc.address} {rule}"
            raise EnvelopeInvalid(name, f"refused by policy, nothing was sent: {text}",
                                  code="policy") from exc

    def _backoff(self, attempts: int) -> float:
        return float(min(self.settings.retry_after * 2 ** max(attempts - 1, 0),
                         self.settings.retry_max))

    def _send_due(self, report: PassReport) -> None:
        now = time.time()
        audit = AuditBatch()  # the pass's sends, written to the trail in one go
        try:
            for row in self.journal.in_state(QUEUED):
                if self.stop.is_set():
                    break
                if row.next_try > now:
                    continue
                try:
                    built = self.layout.work / f"{row.work}.msg"
                    raw = (built if built.exists() else self.layout.work / row.work
                           ).read_bytes()
                except FileNotFoundError:
                    self._fail_row(row, "the prepared message disappeared from .spool/work")
                    report.failed += 1
                    continue
                prepared = Prepared(row.message_id, raw, self.opener.address, row.recipients)
                outcome = self.submitter.submit(prepared)
                if self._after(row, outcome, report, audit) == "stop":
                    break
            fsync_directory(self.layout.sent)
            fsync_directory(self.layout.failed)
        finally:
            audit.flush()

    def _after(self, row: OutgoingRow, outcome: Outcome, report: PassReport,
               audit: AuditBatch) -> str:
        """File the outcome of one submission; recorded as the desktop's outbox records
        its sends (``send``, ``send-failed``)."""
        if outcome.kind in ("accepted", "unconfirmed"):
            audit.audit_record("send", message_id=row.message_id,
                               recipients=list(row.recipients),
                               refused=sorted(outcome.refused))
            confirmed = outcome.kind == "accepted"
            # The outcome and the report's name in one commit, before any file moves:
            # a restart files the message under that name (see _finish).
            target = row.report.removesuffix(".report.json") or _unique(self.layout.sent,
                                                                        row.name)
            self.journal.set_state(row.message_id, SUBMITTED, reason=outcome.reason,
                                   attempt=True, confirmed=confirmed,
                                   report=f"{target}.report.json")
            self._file_sent(row, target, confirmed=confirmed, refused=outcome.refused,
                            reply=outcome.reason)
            report.sent += 1
            logger.info("sent %s%s", row.message_id, "" if confirmed else " (unconfirmed)")
            return "next"
        if outcome.kind == "permanent":
            audit.audit_record("send-failed", message_id=row.message_id, state=FAILED)
            self._fail_row(row, f"the server refused it: {outcome.reason}")
            report.failed += 1
            return "next"
        attempts = row.attempts + 1
        if time.time() - row.created > self.settings.give_up_after:
            audit.audit_record("send-failed", message_id=row.message_id, state=FAILED)
            self._fail_row(row, f"not sent after {attempts} attempts: {outcome.reason}")
            report.failed += 1
            return "next"
        delay = self._backoff(attempts)
        self.journal.set_state(row.message_id, QUEUED, reason=outcome.reason, attempt=True,
                               next_try=time.time() + delay)
        logger.warning("%s not sent now (attempt %d), next try in %.1f s",
                       row.message_id, attempts, delay)
        report.problems.append(f"temporary: {outcome.reason}")
        return "stop"  # the server is unwell: the rest waits for the next pass

    def _finish(self, message_id: str, *, refused: dict[str, str] | None = None,
                reply: str = "") -> None:
        """File a submitted message in ``sent/`` with its report (idempotent)."""
        row = self.journal.get(message_id)
        if row is None:
            return
        target = row.report.removesuffix(".report.json") if row.report else ""
        if not target:
            target = _unique(self.layout.sent, row.name)
            self.journal.set_state(message_id, SUBMITTED, reason=row.reason,
                                   report=f"{target}.report.json")
        self._file_sent(row, target, confirmed=row.confirmed, refused=refused,
                        reply=reply or row.reason)

    def _file_sent(self, row: OutgoingRow, target: str, *, confirmed: bool,
                   refused: dict[str, str] | None, reply: str) -> None:
        """Write the report ``target.report.json`` (recorded in the journal) and move the
        message beside it; then the row is done. Redone from the start after a crash."""
        message_id, sent = row.message_id, self.layout.sent
        report_path = sent / f"{target}.report.json"
        if not report_path.exists():
            write_json(report_path, {
                "message_id": message_id, "file": target, "sent_at": _now_iso(),
                "recipients": list(row.recipients),
                "refused": refused or {}, "confirmed": confirmed,
                "server_reply": reply, "receipts": [],
            }, sync=False)
        source, built = self.layout.work / row.work, self.layout.work / f"{row.work}.msg"
        if target.lower().endswith(".json"):
            # The envelope, and beside it the message exactly as it was submitted.
            if built.exists():
                os.replace(built, sent / f"{target.removesuffix('.json')}.eml")
            if source.exists():
                os.replace(source, sent / target)
        else:
            # The message as submitted (with the Message-ID the spool may have added).
            if built.exists():
                os.replace(built, sent / target)
                self._unlink(source)
            elif source.exists():
                os.replace(source, sent / target)
        self.journal.set_state(message_id, DONE, reason=reply)

    def _fail_row(self, row: OutgoingRow, reason: str) -> None:
        self.journal.set_state(row.message_id, FAILED, reason=reason, attempt=True)
        self._unlink(self.layout.work / f"{row.work}.msg")
        self._fail_file(row.work, row.name, reason, code="refused",
                        message_id=row.message_id)

    def _fail_file(self, work: str, name: str, reason: str, *, code: str,
                   message_id: str = "") -> None:
        """Move a claimed file to ``failed/`` with ``NAME.reason.json``."""
        failed = self.layout.failed
        source = self.layout.work / work
        target = _unique(failed, name)
        write_json(failed / f"{target}.reason.json", {
            "file": target, "code": code, "reason": reason, "message_id": message_id or None,
            "failed_at": _now_iso(),
        }, sync=False)
        if source.exists():
            os.replace(source, failed / target)
        logger.warning("outgoing file moved to failed/ (%s)", code)

    @staticmethod
    def _unlink(path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass

    # -- recovery ----------------------------------------------------------------------

    def recover(self) -> None:
        """Resume after a crash: nothing lost, nothing submitted twice."""
        known = self.journal.works()
        entries = sorted(os.listdir(self.layout.work))
        for entry in entries:
            if entry.startswith(".") or (entry.endswith(".msg")
                                         and entry.removesuffix(".msg") not in known):
                # A half-written temporary file, or a message prepared but not journaled.
                self._unlink(self.layout.work / entry)
        for entry in entries:
            if not entry.startswith(".") and not entry.endswith(".msg") and entry not in known:
                # Claimed, not yet journaled: nothing was submitted; prepare it again.
                self._register(entry, entry.partition("-")[2] or entry)
        for row in self.journal.in_state(DOT):
            # The final dot may have reached the server: never submit again.
            logger.warning("%s: the process stopped after the end of the message; "
                           "counted as sent (unconfirmed)", row.message_id)
            self.journal.set_state(row.message_id, SUBMITTED, confirmed=False,
                                   reason="the spool stopped before the server's reply",
                                   report=row.report or None)
        for row in self.journal.in_state(SUBMITTED):
            self._finish(row.message_id)
        for row in self.journal.in_state(FAILED):
            if (self.layout.work / row.work).exists():
                self._fail_file(row.work, row.name, row.reason, code="refused",
                                message_id=row.message_id)

    # -- incoming ----------------------------------------------------------------------

    def _receive(self, report: PassReport) -> None:
        if time.time() < self._receive_after:
            return
        try:
            report.received = self.receiver.poll(self.stop.is_set)
            self._receive_failures = 0
        except OSError as exc:
            if exc.errno not in _DISK_ERRORS:
                self._receive_problem(report, f"incoming: server unreachable ({exc})")
                return
            self._receive_problem(report, "incoming: cannot write the messages (disk full or "
                                  f"unwritable folder: {exc.strerror or exc}); they stay "
                                  "unread on the server")
        except Exception as exc:  # IMAP or sign-in: retried later
            self._receive_problem(report, f"incoming: {type(exc).__name__}: {exc}")

    def _receive_problem(self, report: PassReport, text: str) -> None:
        self._receive_failures += 1
        delay = self._backoff(self._receive_failures)
        self._receive_after = time.time() + delay
        report.problems.append(text)
        logger.warning("%s; next try in %.1f s", text, delay)

    def _link(self, receipt: Mdn | DeliveryFailure, incoming: str) -> str | None:
        """Add a read receipt or delivery report to its message's report in ``sent/``."""
        name = self.journal.report_of(receipt.original_message_id)
        if name is None:
            return None
        path = self.layout.sent / name
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        entries = [e for e in document.get("receipts", []) if e.get("incoming") != incoming]
        entries.append({**receipt.to_json(), "incoming": incoming})
        document["receipts"] = entries
        write_json(path, document)
        return f"sent/{name}"
