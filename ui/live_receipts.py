"""Read receipts for the desktop app, over ``client.mail.receipts``.

Both directions of RFC 8098 as the reading pane and the list need them:

- a received message that asks for a receipt gets a :class:`ui.backend.ReceiptRequest`
  (who asks, whether the address differs from the Return-Path, whether it was already
  answered: ``$MDNSent``, RFC 3503);
- receipts that came back are found in INBOX (``scan_reports``) and kept, sealed, in the
  encrypted cache by the Message-ID they are about (``ReceiptBook``; the Sent list marks
  those messages "read", :meth:`ui.live_mail.LiveMailService.messages`); a sent message
  lists who read it and when; a receipt message
  itself becomes a :class:`ui.backend.ReadReceipt` linked to its original.

Called by :class:`ui.live_mail.LiveMailService` under its lock (one IMAP session).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from collections.abc import Sequence

from client.mail.errors import ReceiptNotAllowed
from client.mail.mailbox import Mailbox
from client.mail.reading import ReadMessage
from client.mail.receipts import (
    MDN_SENT_FLAG,
    Mdn,
    ReceiptBook,
    build_mdn,
    mdn_decision,
    parse_report,
    scan_reports,
)
from client.mail.sending import MailSender
from client.mail.store import EncryptedStore
from ui.backend import ReadReceipt, ReceiptRequest

__all__ = ["REPORT_PART_TYPES", "ReceiptLinks"]

logger = logging.getLogger(__name__)

#: Parts of a report shown as the receipt's sentence, never as attachments.
REPORT_PART_TYPES = frozenset({
    "message/disposition-notification", "message/delivery-status",
    "text/rfc822-headers", "message/rfc822-headers",
})
#: Scanning INBOX for reports costs one IMAP SEARCH; not more often than this.
SCAN_INTERVAL = 20.0


class ReceiptLinks:
    """Receipt requests and returned receipts of one mailbox."""

    def __init__(self, mailbox: Mailbox, store: EncryptedStore) -> None:
        self.mailbox = mailbox
        self.book = ReceiptBook(store)
        self._scanned = -SCAN_INTERVAL

    def scan(self, *, force: bool = False) -> int:
        """Link the reports that arrived in INBOX since the last scan."""
        now = time.monotonic()
        if not force and now - self._scanned < SCAN_INTERVAL:
            return 0
        self._scanned = now
        return scan_reports(self.mailbox, self.book, "INBOX")

    # -- a received message asking for a receipt ------------------------------------------
    def request(self, message: ReadMessage, folder: str, uid: int) -> ReceiptRequest | None:
        """The request carried by ``message``, or None when it asks none (or is a report)."""
        if not message.disposition_notification_to or parse_report(message) is not None:
            return None
        if self.own_message(message, folder):
            return None
        flags = self.mailbox.summaries(folder, [uid])[0].flags
        decision = mdn_decision(message, flags)
        address = email.utils.parseaddr(message.disposition_notification_to)[1]
        answered = MDN_SENT_FLAG.lower() in {f.lower() for f in flags}
        name, sender_address = email.utils.parseaddr(message.sender)
        return ReceiptRequest(
            requester=name.strip() or sender_address or address,
            address=decision.to or address,
            mismatch=decision.needs_confirmation, answered=answered,
        )

    def own_message(self, message: ReadMessage, folder: str) -> bool:
        """A message of the user's own (in Sent or Drafts, or from the user's address):
        the receipt it asks for is the colleague's to send, never ours (Thunderbird
        ignores those requests too)."""
        own_folders = {self.mailbox.folder_for(role) for role in ("sent", "drafts")}
        if folder in own_folders:
            return True
        sender = email.utils.parseaddr(message.sender)[1].strip().lower()
        return bool(sender) and sender == self.mailbox.address.strip().lower()

    def answer(self, message: ReadMessage, folder: str, uid: int, *, send: bool,
               confirmed_mismatch: bool, sender: MailSender, reporter: str) -> None:
        """Send the MDN (the user clicked "Envoyer") or decline; flag ``$MDNSent``.

        Raises:
            ReceiptNotAllowed: no receipt may be sent (already answered, not asked, or a
                mismatched address the user did not confirm).
        """
        if self.own_message(message, folder):
            raise ReceiptNotAllowed("not-requested", "the user's own message")
        flags = self.mailbox.summaries(folder, [uid])[0].flags
        if send:
            decision = mdn_decision(message, flags, confirmed_mismatch=confirmed_mismatch)
            if not decision.allowed:
                raise ReceiptNotAllowed(decision.rule, decision.reason)
            sender.send_raw(build_mdn(message, reporter,
                                      confirmed_mismatch=confirmed_mismatch))
        # RFC 3503 section 3.1: $MDNSent also records a declined request, so that no
        # other client of the mailbox asks again.
        self.mailbox.add_flags(folder, [uid], [MDN_SENT_FLAG])

    # -- receipts that came back ------------------------------------------------------------
    def receipt(self, message: ReadMessage) -> ReadReceipt | None:
        """The receipt ``message`` is, linked to its original in Sent; None otherwise."""
        report = parse_report(message)
        if not isinstance(report, Mdn):
            return None
        folder, uid, subject, to = self._original(report.original_message_id)
        reader = report.reader_name or report.final_recipient
        if "@" in reader:  # no display name in the report: the one the letter was sent to
            reader = _name_in(to, report.final_recipient or reader) or reader
        return ReadReceipt(
            reader=reader,
            read_at=report.date,
            original_subject=report.original_subject or subject,
            original_folder=folder, original_uid=uid,
            read=report.read, error=report.error,
        )

    def read_by(self, message_id: str, recipients: Sequence[str] = ()
                ) -> tuple[ReadReceipt, ...]:
        """Receipts recorded for ``message_id`` (a sent message); ``recipients`` (its To
        and Cc, with names) name a reader whose report carried only an address."""
        if not message_id:
            return ()
        out = []
        for item in self.book.for_message(message_id):
            if item.get("kind") != "mdn":
                continue
            when = item.get("date")
            reader = item.get("reader_name") or item.get("final_recipient", "")
            if "@" in reader:
                reader = _name_in(recipients, item.get("final_recipient") or reader) or reader
            out.append(ReadReceipt(
                reader=reader,
                read_at=_parse_date(when), original_subject=item.get("original_subject", ""),
                read=bool(item.get("read")), error=item.get("error", ""),
            ))
        return tuple(sorted(out, key=lambda r: r.read_at.timestamp() if r.read_at else 0))

    def _original(self, message_id: str) -> tuple[str, int | None, str, tuple[str, ...]]:
        """Where the original is in Sent, its subject and its recipients."""
        folder = self.mailbox.folder_for("sent") or ""
        if not folder or not message_id:
            return "", None, "", ()
        try:
            uids = self.mailbox.uids_with_message_id(folder, message_id)
        except Exception:  # no link is better than no receipt
            logger.warning("could not look the original of a receipt up in Sent")
            return "", None, "", ()
        if not uids:
            return "", None, "", ()
        summary = self.mailbox.summaries(folder, [uids[0]])
        if not summary:
            return folder, uids[0], "", ()
        return folder, uids[0], summary[0].subject, (*summary[0].to, *summary[0].cc)


def _name_in(recipients: Sequence[str], address: str) -> str:
    """The display name given to ``address`` among ``recipients`` ("" when none)."""
    wanted = email.utils.parseaddr(address)[1].lower()
    for name, found in email.utils.getaddresses(list(recipients)):
        if found.lower() == wanted and name.strip():
            return name.strip()
    return ""


def _parse_date(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
