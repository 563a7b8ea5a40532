"""Mail over the authenticated sessions: mailbox, encrypted cache and sync, reading,
composing and sending under MSSanté rules, outbox, read receipts.

Everything reaches the operator through :class:`client.sessions.SessionOpener`.
"""

from __future__ import annotations

from client.mail.attachments import safe_filename, save_attachments
from client.mail.cache import FolderState, MailCache
from client.mail.compose import AttachmentSource, Draft, build_message, forward, reply
from client.mail.errors import (
    AttachmentExists,
    CacheCorrupted,
    CacheKeyMismatch,
    CacheKeyUnavailable,
    CacheWriteFailed,
    FolderNotFound,
    InvalidMessage,
    MailConnectionError,
    MailError,
    MailProtocolError,
    MessageNotFound,
    MessageTooLarge,
    RecipientRefused,
    SubmissionFailed,
    UnsafeAttachmentName,
)
from client.mail.idle import IdleEvent, IdleWatcher
from client.mail.keystore import KeyringKeyStore, KeyStore, MemoryKeyStore
from client.mail.mailbox import Folder, Mailbox, Page, SearchQuery
from client.mail.outbox import Outbox, OutboxEntry, SubmitOutcome
from client.mail.policy import RecipientPolicy, RecipientVerdict, load_trust_space
from client.mail.reading import Attachment, ReadMessage, parse_message, sanitize_html
from client.mail.receipts import (
    DeliveryFailure,
    Mdn,
    MdnDecision,
    ReceiptBook,
    build_mdn,
    mdn_decision,
    parse_report,
    scan_reports,
)
from client.mail.sending import MailSender, SendReport
from client.mail.summary import MessageSummary
from client.mail.sync import Synchronizer, SyncResult

__all__ = [
    "Attachment",
    "AttachmentExists",
    "AttachmentSource",
    "CacheCorrupted",
    "CacheKeyMismatch",
    "CacheKeyUnavailable",
    "CacheWriteFailed",
    "DeliveryFailure",
    "Draft",
    "Folder",
    "FolderNotFound",
    "FolderState",
    "IdleEvent",
    "IdleWatcher",
    "InvalidMessage",
    "KeyStore",
    "KeyringKeyStore",
    "MailCache",
    "MailConnectionError",
    "MailError",
    "MailProtocolError",
    "MailSender",
    "Mailbox",
    "Mdn",
    "MdnDecision",
    "MemoryKeyStore",
    "MessageNotFound",
    "MessageSummary",
    "MessageTooLarge",
    "Outbox",
    "OutboxEntry",
    "Page",
    "ReadMessage",
    "ReceiptBook",
    "RecipientPolicy",
    "RecipientRefused",
    "RecipientVerdict",
    "SearchQuery",
    "SendReport",
    "SubmissionFailed",
    "SubmitOutcome",
    "SyncResult",
    "Synchronizer",
    "UnsafeAttachmentName",
    "build_mdn",
    "build_message",
    "forward",
    "load_trust_space",
    "mdn_decision",
    "parse_message",
    "parse_report",
    "reply",
    "safe_filename",
    "sanitize_html",
    "save_attachments",
    "scan_reports",
]
