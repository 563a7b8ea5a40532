"""Mail over the authenticated sessions: mailbox, encrypted cache and sync, reading,
composing and sending under MSSanté rules, outbox, read receipts.

Everything reaches the operator through :class:`client.sessions.SessionOpener`.
"""

from __future__ import annotations

from client.mail.cache import FolderState, MailCache
from client.mail.errors import (
    AttachmentExists,
    CacheCorrupted,
    CacheKeyUnavailable,
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
from client.mail.mailbox import Folder, Mailbox, Page, SearchQuery
from client.mail.summary import MessageSummary
from client.mail.sync import Synchronizer, SyncResult

__all__ = [
    "AttachmentExists",
    "CacheCorrupted",
    "CacheKeyUnavailable",
    "Folder",
    "FolderNotFound",
    "FolderState",
    "IdleEvent",
    "IdleWatcher",
    "InvalidMessage",
    "MailCache",
    "MailConnectionError",
    "MailError",
    "MailProtocolError",
    "Mailbox",
    "MessageNotFound",
    "MessageSummary",
    "MessageTooLarge",
    "Page",
    "RecipientRefused",
    "SearchQuery",
    "SubmissionFailed",
    "SyncResult",
    "Synchronizer",
    "UnsafeAttachmentName",
]
