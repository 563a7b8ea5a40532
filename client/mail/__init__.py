"""Mail over the authenticated sessions: mailbox, encrypted cache and sync, reading,
composing and sending under MSSanté rules, outbox, read receipts.

Everything reaches the operator through :class:`client.sessions.SessionOpener`.

The names below load their module on first use (PEP 562): a command or a window that
needs the cache and the sync does not pay for composing, reading or receipts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS: dict[str, str] = {
    "Attachment": "client.mail.reading",
    "AttachmentExists": "client.mail.errors",
    "AttachmentSource": "client.mail.compose",
    "CacheCorrupted": "client.mail.errors",
    "CacheKeyMismatch": "client.mail.errors",
    "CacheKeyUnavailable": "client.mail.errors",
    "CacheWriteFailed": "client.mail.errors",
    "DeliveryFailure": "client.mail.receipts",
    "Draft": "client.mail.compose",
    "Folder": "client.mail.mailbox",
    "FolderNotFound": "client.mail.errors",
    "FolderState": "client.mail.cache",
    "IdleEvent": "client.mail.idle",
    "IdleWatcher": "client.mail.idle",
    "InvalidMessage": "client.mail.errors",
    "KeyStore": "client.mail.keystore",
    "KeyringKeyStore": "client.mail.keystore",
    "MailCache": "client.mail.cache",
    "MailConnectionError": "client.mail.errors",
    "MailError": "client.mail.errors",
    "MailProtocolError": "client.mail.errors",
    "MailSender": "client.mail.sending",
    "Mailbox": "client.mail.mailbox",
    "Mdn": "client.mail.receipts",
    "MdnDecision": "client.mail.receipts",
    "MemoryKeyStore": "client.mail.keystore",
    "MessageNotFound": "client.mail.errors",
    "MessageSummary": "client.mail.summary",
    "MessageTooLarge": "client.mail.errors",
    "Outbox": "client.mail.outbox",
    "OutboxEntry": "client.mail.outbox",
    "Page": "client.mail.mailbox",
    "ReadMessage": "client.mail.reading",
    "ReceiptBook": "client.mail.receipts",
    "RecipientPolicy": "client.mail.policy",
    "RecipientRefused": "client.mail.errors",
    "RecipientVerdict": "client.mail.policy",
    "SearchQuery": "client.mail.mailbox",
    "SendReport": "client.mail.sending",
    "SubmissionFailed": "client.mail.errors",
    "SubmitOutcome": "client.mail.outbox",
    "SyncResult": "client.mail.sync",
    "Synchronizer": "client.mail.sync",
    "UnsafeAttachmentName": "client.mail.errors",
    "build_mdn": "client.mail.receipts",
    "build_message": "client.mail.compose",
    "forward": "client.mail.compose",
    "load_trust_space": "client.mail.policy",
    "mdn_decision": "client.mail.receipts",
    "parse_message": "client.mail.reading",
    "parse_report": "client.mail.receipts",
    "reply": "client.mail.compose",
    "safe_filename": "client.mail.attachments",
    "sanitize_html": "client.mail.reading",
    "save_attachments": "client.mail.attachments",
    "scan_reports": "client.mail.receipts",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
