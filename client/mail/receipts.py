"""Read receipts (MDN, RFC 8098) and delivery status notifications (DSN, RFC 3464).

- Requesting: :class:`client.mail.compose.Draft` ``receipt=True`` adds
  ``Disposition-Notification-To``.
- Recognising: :func:`parse_report` reads a ``multipart/report`` as an :class:`Mdn`
  (``report-type=disposition-notification``) or a :class:`DeliveryFailure`
  (``report-type=delivery-status`` with failed recipients); :class:`ReceiptBook` keeps
  them, sealed, linked to the Message-ID of the message they are about.
- Answering: :func:`mdn_decision` says whether an MDN may be sent for a received message:
  only when asked, once (``$MDNSent``, RFC 3503), never when
  ``Disposition-Notification-To`` differs from ``Return-Path`` (RFC 8098 section 2.1;
  MSSanté requires it), and only with the user's consent, which the caller obtains;
  :func:`build_mdn` makes the report.
"""

from __future__ import annotations

import datetime as dt
import email.errors
import email.header
import email.message
import email.policy
import email.utils
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

from client.audit import record as audit_record
from client.mail.mailbox import Mailbox
from client.mail.reading import ReadMessage, parse_message
from client.mail.store import EncryptedStore

__all__ = [
    "MDN_SENT_FLAG",
    "DeliveryFailure",
    "Mdn",
    "MdnDecision",
    "ReceiptBook",
    "build_mdn",
    "mdn_decision",
    "parse_report",
    "scan_reports",
]

logger = logging.getLogger(__name__)

#: RFC 3503 keyword marking a message whose MDN was sent (or declined).
MDN_SENT_FLAG = "$MDNSent"


@dataclass(frozen=True)
class Mdn:
    """A read receipt: who, what disposition, about which message."""

    original_message_id: str
    final_recipient: str
    disposition: str  # "displayed", "deleted", "dispatched", "processed"
    action_mode: str  # e.g. "manual-action/MDN-sent-manually"
    error: str
    date: dt.datetime | None
    reader_name: str = ""  # the display name of the report's From ("Claire DUBOIS")
    original_subject: str = ""  # from the original headers returned in the report

    @property
    def read(self) -> bool:
        """Whether the report says the message was displayed to the recipient."""
        return self.disposition == "displayed" and not self.error

    def describe(self) -> str:
        """``read on <date> by <recipient>`` (or the disposition when not read)."""
        when = self.date.strftime("%d/%m/%Y %H:%M") if self.date else "?"
        if self.read:
            return f"read on {when} by {self.final_recipient}"
        if self.error:
            return f"receipt error from {self.final_recipient}: {self.error}"
        return f"{self.disposition} on {when} by {self.final_recipient}"

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "kind": "mdn",
            "original_message_id": self.original_message_id,
            "final_recipient": self.final_recipient,
            "disposition": self.disposition,
            "action_mode": self.action_mode,
            "error": self.error,
            "date": self.date.isoformat() if self.date else None,
            "read": self.read,
            "reader_name": self.reader_name,
            "original_subject": self.original_subject,
            "description": self.describe(),
        }


@dataclass(frozen=True)
class DeliveryFailure:
    """A DSN reporting recipients the message could not reach."""

    original_message_id: str
    recipients: tuple[tuple[str, str, str], ...]  # (address, status, diagnostic)
    date: dt.datetime | None

    def describe(self) -> str:
        """A line per failed recipient."""
        return "; ".join(
            f"not delivered to {addr} ({status} {diag})".strip() for addr, status, diag in
            self.recipients
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "kind": "dsn",
            "original_message_id": self.original_message_id,
            "recipients": [
                {"address": a, "status": s, "diagnostic": d} for a, s, d in self.recipients
            ],
            "date": self.date.isoformat() if self.date else None,
            "description": self.describe(),
        }


def _fields(part: email.message.Message) -> list[dict[str, str]]:
    """The field groups of a ``message/disposition-notification`` or ``delivery-status``."""
    payload = part.get_payload()
    groups: list[dict[str, str]] = []
    if isinstance(payload, list):
        # The email package parses these bodies as a list of header blocks. Their fields
        # are not RFC 5322 headers: read the raw values, never through the policy's
        # structured headers, whose address parser raises AttributeError on a group
        # ("To: Name: x;") with a malformed member.
        for block in payload:
            if isinstance(block, email.message.Message):
                groups.append({k.lower(): " ".join(str(v).split())
                               for k, v in block.raw_items()})
        return groups
    text = payload if isinstance(payload, str) else ""
    current: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                groups.append(current)
                current = {}
            continue
        if line[:1] in (" ", "\t") and current:
            last = next(reversed(current))
            current[last] += " " + line.strip()
            continue
        name, _, value = line.partition(":")
        current[name.strip().lower()] = value.strip()
    if current:
        groups.append(current)
    return groups


def _address_field(value: str) -> str:
    # "rfc822;claire@x" (RFC 8098 section 3.2.4, RFC 3464 section 2.3.2)
    return value.split(";", 1)[-1].strip() if value else ""


def _original_id(message: ReadMessage, fields: dict[str, str]) -> str:
    if fields.get("original-message-id"):
        return fields["original-message-id"].strip()
    # DSNs carry the original headers in a message/rfc822-headers part instead.
    for part in message.message.walk():
        if part.get_content_type() in ("message/rfc822-headers", "text/rfc822-headers"):
            # compat32: raw header strings; the original headers are untrusted and the
            # structured parser raises on some malformed values.
            inner = email.message_from_string(
                str(part.get_payload()) if not part.is_multipart() else "",
                policy=email.policy.compat32,
            )
            return _raw_header(inner, "Message-ID")
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            first = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(first, email.message.Message):
                return _raw_header(first, "Message-ID")
    return ""


def _display_name(sender: str) -> str:
    name, address = email.utils.parseaddr(sender)
    return name.strip() or address


def _original_subject(message: ReadMessage) -> str:
    """The Subject of the original, from the headers returned in the third part (RFC 8098
    section 3), decoded (RFC 2047); "" when absent or unreadable."""
    for part in message.message.walk():
        if part.get_content_type() in ("message/rfc822-headers", "text/rfc822-headers"):
            inner = email.message_from_string(
                str(part.get_payload()) if not part.is_multipart() else "",
                policy=email.policy.compat32,
            )
            raw = _raw_header(inner, "Subject")
            try:
                return str(email.header.make_header(email.header.decode_header(raw)))
            except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
                return raw
    return ""


def _raw_header(message: email.message.Message, name: str) -> str:
    """The raw value of header ``name`` (no structured parsing), unfolded."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return " ".join(str(value).split())
    return ""


def parse_report(message: ReadMessage) -> Mdn | DeliveryFailure | None:
    """The MDN or DSN carried by ``message``, or None when it is not such a report."""
    msg = message.message
    if msg.get_content_type() != "multipart/report":
        return None
    report_type = str(msg.get_param("report-type", "")).lower()
    for part in msg.walk():
        ctype = part.get_content_type()
        if report_type == "disposition-notification" and ctype == (
            "message/disposition-notification"
        ):
            fields: dict[str, str] = {}
            for group in _fields(part):
                fields.update(group)
            disposition = fields.get("disposition", "")
            mode, _, rest = disposition.partition(";")
            kind, _, error = rest.strip().partition("/")
            return Mdn(
                original_message_id=_original_id(message, fields),
                final_recipient=_address_field(fields.get("final-recipient", "")),
                disposition=kind.strip().lower(),
                action_mode=mode.strip(),
                error=error.strip() or fields.get("error", ""),
                date=message.date,
                reader_name=_display_name(message.sender),
                original_subject=_original_subject(message),
            )
        if report_type == "delivery-status" and ctype == "message/delivery-status":
            groups = _fields(part)
            failed = tuple(
                (
                    _address_field(g.get("final-recipient", "")),
                    g.get("status", ""),
                    g.get("diagnostic-code", "").split(";", 1)[-1].strip(),
                )
                for g in groups[1:]
                if g.get("action", "").lower() in ("failed", "delayed")
            )
            if not failed:
                return None
            return DeliveryFailure(_original_id(message, {}), failed, message.date)
    return None


@dataclass(frozen=True)
class MdnDecision:
    """Whether an MDN may be sent; ``reason`` says why not."""

    allowed: bool
    reason: str
    to: str = ""
    #: Why not, as :class:`client.mail.errors.ReceiptNotAllowed` names it.
    rule: str = ""
    #: The request is valid but goes to another address than the Return-Path: the user
    #: must confirm again, knowing it (RFC 8098 section 2.1).
    needs_confirmation: bool = False


def _bare(address: str) -> str:
    return email.utils.parseaddr(address)[1].strip().lower()


def mdn_decision(
    message: ReadMessage, flags: Sequence[str] = (), *, confirmed_mismatch: bool = False
) -> MdnDecision:
    """May an MDN be sent for ``message`` (given its IMAP flags), with the user's consent?

    ``confirmed_mismatch``: the user was told that the receipt would go to another address
    than the message's Return-Path and agreed again; never set it without asking.
    """
    requested = _bare(message.disposition_notification_to)
    if not requested:
        return MdnDecision(False, "no receipt requested", rule="not-requested")
    if MDN_SENT_FLAG.lower() in {f.lower() for f in flags}:
        return MdnDecision(False, "a receipt was already sent", rule="already-sent")
    if parse_report(message) is not None:
        return MdnDecision(False, "never answer a report with a report", rule="report")
    return_path = _bare(message.return_path)
    if requested != return_path and not confirmed_mismatch:
        # RFC 8098 section 2.1: a differing Return-Path must not get an automatic MDN and
        # needs the user's explicit confirmation (it could leak reading habits to a
        # third party).
        return MdnDecision(False, "Disposition-Notification-To differs from Return-Path",
                           requested, needs_confirmation=True, rule="address-differs")
    return MdnDecision(True, "", requested)


def build_mdn(
    message: ReadMessage,
    reporter: str,
    *,
    disposition: str = "displayed",
    ua: str = "Compagnon MSSante",
    confirmed_mismatch: bool = False,
) -> email.message.EmailMessage:
    """The MDN report (RFC 8098 section 3) answering ``message``, manually sent.

    Raises:
        ValueError: no MDN may be sent (see :func:`mdn_decision`).
    """
    decision = mdn_decision(message, confirmed_mismatch=confirmed_mismatch)
    if not decision.allowed:
        raise ValueError(decision.reason)
    report = MIMEMultipart("report", report_type="disposition-notification")
    report["From"] = reporter
    report["To"] = decision.to
    report["Subject"] = f"Accusé de lecture : {message.subject}"
    report["Date"] = email.utils.format_datetime(email.utils.localtime())
    report["Message-ID"] = email.utils.make_msgid(domain=reporter.rsplit("@", 1)[-1])
    report["In-Reply-To"] = message.message_id
    report["References"] = message.message_id
    text = (
        f"Le message « {message.subject} » envoyé à {reporter} a été affiché.\n"
        "Cela ne garantit pas qu'il a été lu ou compris.\n"
    )
    report.attach(MIMEText(text, "plain", "utf-8"))
    fields = MIMEBase("message", "disposition-notification")
    fields.set_payload(
        f"Reporting-UA: {ua}\r\n"
        f"Final-Recipient: rfc822;{reporter}\r\n"
        f"Original-Message-ID: {message.message_id}\r\n"
        f"Disposition: manual-action/MDN-sent-manually; {disposition}\r\n"
    )
    report.attach(fields)
    # Third part: the original's headers (RFC 8098 section 3), so that the sender's client
    # can link and name the message without a lookup. ASCII only (RFC 2047-encoded as
    # received); Bcc never leaves.
    original = MIMEBase("text", "rfc822-headers")
    original.set_payload("".join(
        f"{name}: {' '.join(str(value).split())}\r\n"
        for name, value in message.message.raw_items()
        if name.lower() != "bcc" and str(value).isascii()
    ))
    report.attach(original)
    parsed = email.message_from_bytes(report.as_bytes(), policy=email.policy.SMTP)
    if not isinstance(parsed, email.message.EmailMessage):  # pragma: no cover
        raise TypeError("policy.SMTP gives EmailMessage")
    return parsed


_SCHEMA = """
CREATE TABLE IF NOT EXISTS receipts (
    key TEXT NOT NULL,
    report_key TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (key, report_key)
)
"""


class ReceiptBook:
    """Receipts and delivery failures, sealed, by the Message-ID they are about."""

    def __init__(self, store: EncryptedStore) -> None:
        self.store = store
        store.conn.execute(_SCHEMA)

    def record(self, report: Mdn | DeliveryFailure, report_id: str) -> bool:
        """Keep ``report`` (from the message ``report_id``); False when already known."""
        if not report.original_message_id:
            return False
        key = self.store.lookup_hash(report.original_message_id)
        report_key = self.store.lookup_hash(report_id or json.dumps(report.to_json()))
        sealed = self.store.seal(
            f"receipt:{key}:{report_key}".encode(),
            json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8"),
        )
        self.store.begin()
        cur = self.store.conn.execute(
            "INSERT OR IGNORE INTO receipts VALUES (?, ?, ?)", (key, report_key, sealed)
        )
        self.store.commit()
        return cur.rowcount == 1

    def for_message(self, message_id: str) -> list[dict[str, Any]]:
        """The reports about ``message_id`` (JSON form, ``description`` ready to show)."""
        key = self.store.lookup_hash(message_id.strip())
        rows = self.store.conn.execute(
            "SELECT report_key, data FROM receipts WHERE key = ?", (key,)
        ).fetchall()
        return [
            json.loads(self.store.unseal(f"receipt:{key}:{rk}".encode(), bytes(blob)))
            for rk, blob in rows
        ]

    def read_keys(self) -> set[str]:
        """Lookup hashes (:meth:`EncryptedStore.lookup_hash`) of the Message-IDs a read
        receipt came back for: a list marks its rows without unsealing them one by one."""
        out = set()
        for key, rk, blob in self.store.conn.execute(
                "SELECT key, report_key, data FROM receipts"):
            if key in out:
                continue
            item = json.loads(self.store.unseal(f"receipt:{key}:{rk}".encode(), bytes(blob)))
            if item.get("kind") == "mdn" and item.get("read"):
                out.add(key)
        return out


def scan_reports(mailbox: Mailbox, book: ReceiptBook, folder: str = "INBOX") -> int:
    """Find MDN and DSN reports in ``folder`` (server-side search) and record them.

    Returns how many new reports were linked.
    """
    imap_uids = mailbox.search_header(folder, "Content-Type", "multipart/report")
    added = 0
    for uid in imap_uids:
        read = parse_message(mailbox.fetch_raw(folder, uid))
        report = parse_report(read)
        if report is not None and book.record(report, read.message_id or f"{folder}:{uid}"):
            added += 1
            audit_record("receipt-received", message_id=report.original_message_id,
                         kind=type(report).__name__)
    return added
